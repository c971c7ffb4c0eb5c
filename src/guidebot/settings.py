"""One settings object for the whole service: defaults, then `GUIDEBOT_*` environment variables,
then explicit overrides (CLI flags). Built once and passed explicitly; no module-level state.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "GUIDEBOT_"


def _default_corpus() -> Path:
    return Path("corpus")


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Field `x` is read from environment variable `GUIDEBOT_X`."""

    corpus_dir: Path = field(default_factory=_default_corpus)
    index_path: Path = Path(".guidebot/index.gbi")
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    title: str = "guidebot"
    greeting: str = (
        "Hi! I answer questions about Master's programs in Machine Learning in the US, "
        "from a guide and notes on the universities it lists. Every answer cites its source."
    )
    # Comma-separated origins allowed to call the API from a browser; empty means same origin only.
    allowed_origins: tuple[str, ...] = ()
    # Bearer token for POST /api/reindex; empty disables the endpoint.
    admin_token: str = ""
    max_body_bytes: int = 64 * 1024
    max_message_chars: int = 2000
    max_history_items: int = 50
    # Requests per minute per client on chat and search; 0 disables rate limiting.
    rate_limit_per_minute: int = 120
    log_questions: bool = False
    # Retrieval and answer assembly.
    top_k_passages: int = 8
    max_answer_sentences: int = 4
    max_answer_chars: int = 700

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, overridden by `GUIDEBOT_*` variables, overridden by non-None keyword args."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _parse(f.name, raw, cls.__dataclass_fields__[f.name].type)
        values.update({k: v for k, v in overrides.items() if v is not None})
        for key in ("corpus_dir", "index_path"):
            if key in values:
                values[key] = Path(values[key])
        if "allowed_origins" in values and isinstance(values["allowed_origins"], str):
            values["allowed_origins"] = _split_origins(values["allowed_origins"])
        return cls(**values)

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _split_origins(raw: str) -> tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


def _parse(name: str, raw: str, type_name: Any) -> Any:
    type_text = str(type_name)
    try:
        if type_text == "int":
            return int(raw)
        if type_text == "bool":
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if "tuple" in type_text:
            return _split_origins(raw)
        return raw
    except ValueError as exc:
        raise ValueError(f"environment variable {ENV_PREFIX}{name.upper()}={raw!r} is not valid: {exc}") from exc
