"""One settings object for the whole service: defaults, then `GUIDEBOT_*` environment variables,
then explicit overrides (CLI flags). Built once and passed explicitly; no module-level state.
Owns parsing and checking the values; what each limit does is enforced by the service
(guidebot/service: schemas.py, middleware.py, ratelimit.py), which reads every limit from here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .policy import Policy

ENV_PREFIX = "GUIDEBOT_"
STORE_QUESTIONS = ("none", "unanswered", "all")


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
    # The chat's title and greeting; empty means the corpus profile's (guidebot.yaml `title`, `greeting`).
    title: str = ""
    greeting: str = ""
    # Where a student can ask a person (an https:// page or a mailto: address); chat clients show
    # it on replies that do not answer. Empty: no contact link (a widget's data-contact-url still works).
    contact_url: str = ""
    # Comma-separated origins allowed to call the API from a browser; empty means same origin only.
    allowed_origins: tuple[str, ...] = ()
    # Bearer token for POST /api/reindex; empty disables the endpoint (404, absent from OpenAPI).
    admin_token: str = ""
    # Rebuild the index when corpus files change (`guidebot serve --watch`).
    watch: bool = False
    # How often each worker checks whether another process rewrote the index file (seconds).
    reload_check_seconds: float = 1.0
    # Limits on what one request may ask for. Character limits count the text after Unicode NFKC
    # normalisation (U+FDFA is one character that becomes 18). The body limit holds the largest
    # history the other limits allow (50 turns of 4,000 ASCII characters and a message).
    max_body_bytes: int = 256 * 1024
    max_message_chars: int = 2000
    max_history_items: int = 50
    max_turn_chars: int = 4000
    # Characters of the message and of the history turns an answer reads (the user turns among the
    # last 12 items): what one chat costs to answer, refused above this before any work starts.
    max_request_chars: int = 16000
    # Requests per minute per client address on chat, search and reindex (bursts up to the same
    # number), a chat or search counting one more request per 2,000 characters it reads; 0
    # disables rate limiting. Each worker process counts separately.
    rate_limit_per_minute: int = 120
    # Time budget for one chat answer or search, from its arrival; past it the work stops and the
    # client gets a 503.
    request_timeout_seconds: float = 10.0
    # Threads computing chats and searches in each worker, and how many more requests may wait for
    # one; beyond that a request gets 503 at once (costly requests have one thread of their own).
    work_threads: int = 4
    work_queue: int = 32
    # What the server itself enforces on connections (also with no proxy in front): the request
    # line and headers at most this many bytes (431), a request head complete within this many
    # seconds of its first byte and a body within as many of its head (408), idle keep-alive
    # connections closed after this many seconds, and at most this many open connections (the
    # slowest idle ones are closed first; never more than the open-file limit allows).
    max_header_bytes: int = 16 * 1024
    header_timeout_seconds: float = 10.0
    body_timeout_seconds: float = 10.0
    keep_alive_seconds: float = 5.0
    max_connections: int = 1000
    # The URL clients reach this service at (for example https://chat.example.edu), shown in the
    # embed snippet of /embed; empty: the request's own address (its Host only from trusted proxies).
    public_url: str = ""
    # Log the text of chat questions (off by default: students' questions can be personal).
    log_questions: bool = False
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are trusted (uvicorn's forwarded_allow_ips).
    forwarded_allow_ips: str = "127.0.0.1"
    # Retrieval and answer assembly (the rest of the tuning numbers are in policy.Policy).
    top_k_passages: int = 8
    max_answer_sentences: int = 4
    max_answer_chars: int = 700
    # Where chat turns and feedback are recorded: empty means a SQLite file beside the index
    # (sqlite:///.guidebot/guidebot.db by default); postgresql://... for replicas sharing one store;
    # "none" records nothing (no reply ids, feedback or dashboard data).
    database_url: str = ""
    # Which questions' text is stored: none | unanswered (and rated answers') | all.
    store_questions: str = "unanswered"
    # Recorded turns and feedback older than this many days are purged; 0 keeps them.
    retention_days: int = 90
    # Signs reply ids and admin sessions; replicas must share it. Empty means a random one kept
    # in a file beside the index (`secret`, created on first start), shared by that machine's workers.
    secret: str = ""
    # Most events waiting for the database in one worker; past it new events are dropped (and counted).
    record_queue_size: int = 10000

    def __post_init__(self) -> None:
        for name in ("workers", "max_body_bytes", "max_message_chars", "max_history_items", "max_turn_chars",
                     "max_request_chars", "work_threads", "max_header_bytes", "max_connections",
                     "top_k_passages", "max_answer_sentences", "max_answer_chars"):
            if getattr(self, name) < 1:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must be at least 1 (got {getattr(self, name)})")
        if self.public_url and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", self.public_url):
            raise ValueError(f"{ENV_PREFIX}PUBLIC_URL must be an http(s) URL such as https://chat.example.edu "
                             f"(got {self.public_url!r})")
        if self.work_queue < 0:
            raise ValueError(f"{ENV_PREFIX}WORK_QUEUE must be 0 (no waiting) or more (got {self.work_queue})")
        if self.rate_limit_per_minute < 0:
            raise ValueError(f"{ENV_PREFIX}RATE_LIMIT_PER_MINUTE must be 0 (off) or more "
                             f"(got {self.rate_limit_per_minute})")
        if self.store_questions not in STORE_QUESTIONS:
            raise ValueError(f"{ENV_PREFIX}STORE_QUESTIONS must be one of {', '.join(STORE_QUESTIONS)} "
                             f"(got {self.store_questions!r})")
        if self.retention_days < 0 or self.record_queue_size < 1:
            raise ValueError(f"{ENV_PREFIX}RETENTION_DAYS must be 0 (keep) or more, and "
                             f"{ENV_PREFIX}RECORD_QUEUE_SIZE at least 1")
        if self.contact_url and not re.match(r"^(https?://\S+|mailto:\S+@\S+)$", self.contact_url):
            raise ValueError(f"{ENV_PREFIX}CONTACT_URL must be an http(s):// address or mailto: "
                             f"(got {self.contact_url!r})")
        for name in ("request_timeout_seconds", "reload_check_seconds", "header_timeout_seconds",
                     "body_timeout_seconds", "keep_alive_seconds"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must be a positive number of seconds "
                                 f"(got {getattr(self, name)})")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, overridden by `GUIDEBOT_*` variables, overridden by non-None keyword args.

        Raises ValueError naming the variable when a value cannot be parsed or is out of range."""
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
        if "public_url" in values:
            values["public_url"] = str(values["public_url"]).strip().rstrip("/")
        return cls(**values)

    def policy(self) -> Policy:
        """The answering policy, with the three numbers Settings exposes applied."""
        return Policy(top_k_passages=self.top_k_passages, max_sentences=self.max_answer_sentences,
                      max_chars=self.max_answer_chars)

    def store_url(self) -> str | None:
        """The database URL to record into, or None when recording is off (GUIDEBOT_DATABASE_URL=none)."""
        if self.database_url.strip().lower() == "none":
            return None
        return self.database_url or f"sqlite:///{Path(self.index_path).parent / 'guidebot.db'}"

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _split_origins(raw: str) -> tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


def _parse(name: str, raw: str, type_name: Any) -> Any:
    type_text = str(type_name)
    try:
        if type_text == "int":
            return int(raw)
        if type_text == "float":
            return float(raw)
        if type_text == "bool":
            value = raw.strip().lower()
            if value in {"1", "true", "yes", "on"}:
                return True
            if value in {"0", "false", "no", "off"}:
                return False
            raise ValueError("expected true or false")
        if "tuple" in type_text:
            return _split_origins(raw)
        return raw
    except ValueError as exc:
        raise ValueError(f"environment variable {ENV_PREFIX}{name.upper()}={raw!r} is not valid: {exc}") from exc
