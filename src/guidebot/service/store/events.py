"""What is recorded: one `TurnEvent` per chat reply and one `FeedbackEvent` per rating, as plain
dataclasses that travel from the request to the background writer. The recorder hands the
writer a chat turn in a cheaper form: (turn id, time, latency, `TurnRecord`), the record being
everything else the turn records, made once per reply and message and shared by every turn
that gave that reply to that message (store/rows.py). Building them (what to keep of a question,
scrubbing) is the recorder's job (service/recording.py); writing them is the store's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache


@lru_cache(maxsize=64)
def _day(days_since_epoch: int) -> str:
    return datetime.fromtimestamp(days_since_epoch * 86400, UTC).strftime("%Y-%m-%d")


def day_of(ts: float) -> str:
    """The UTC day of a time, as the store groups by it: "2026-11-26"."""
    return _day(int(ts // 86400))


@dataclass(slots=True)
class Cited:
    """One citation of a reply: the passage and where it sits."""

    doc_id: str
    section: str | None
    chunk_id: str


# Events (and their citations) are slotted, not frozen: a frozen dataclass sets each field through
# object.__setattr__, eight times slower, and they are built on the chat path. Nothing changes them.
@dataclass(slots=True)
class TurnEvent:
    turn_id: str
    ts: float
    kind: str
    answered: bool
    confidence: float
    index_version: str
    latency_ms: float
    citations: tuple[Cited, ...] = ()
    corrections: tuple[tuple[str | None, str], ...] = ()  # (as typed, when it may be kept; read as)
    reason: str | None = None
    subject: str | None = None
    need: str | None = None
    question: str | None = None
    answer: str | None = None


@dataclass(slots=True)
class TurnRecord:
    """What a turn records besides its id, time and latency: the same for every turn that got
    this reply for this message. `stored` is the store's ready-to-bind form of it (store/rows.py),
    made the first time it is written. Nothing else changes a record once made."""

    kind: str
    answered: bool
    confidence: float
    index_version: str
    citations: tuple[Cited, ...] = ()
    corrections: tuple[tuple[str | None, str], ...] = ()
    reason: str | None = None
    subject: str | None = None
    need: str | None = None
    question: str | None = None
    answer: str | None = None
    stored: tuple[object, str, tuple[object, ...]] | None = None


@dataclass(slots=True)
class FeedbackEvent:
    turn_id: str
    ts: float
    rating: str  # up | down
    comment: str | None = None
    question: str | None = None
    answer: str | None = None


Event = TurnEvent | FeedbackEvent
