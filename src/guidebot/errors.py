"""The error types guidebot raises, each carrying a message written for the person who must act.

The API and the CLI translate these at their edge (HTTP 422 / exit code 2); nothing inside the
engine knows about HTTP or terminals.
"""

from __future__ import annotations

from dataclasses import dataclass


class GuidebotError(Exception):
    """Base class for every error guidebot reports to a user or maintainer."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one corpus file: where, which field, and how to fix it."""

    file: str
    field: str | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message} (fix: {self.fix})"

    def as_dict(self) -> dict[str, str | None]:
        return {"file": self.file, "field": self.field, "message": self.message, "fix": self.fix}


class CorpusError(GuidebotError):
    """The corpus cannot be built; `problems` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"the corpus has {len(problems)} problem(s):\n{lines}")


class IndexFileError(GuidebotError):
    """An index file is missing, from another version, truncated or tampered with."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"cannot load the index file {path}: {reason}. "
            "Rebuild it with `guidebot index` (serve rebuilds it automatically)."
        )


class IndexWriteError(GuidebotError):
    """The index file (or its lock file) cannot be written: a read-only folder, a full disk, a
    file-size limit."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot write the index file {path}: {reason}. Free some space or make its folder "
                         "writable, or choose another file with --out or GUIDEBOT_INDEX_PATH")
