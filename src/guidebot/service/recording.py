"""Recording chat turns: what each reply was (`TurnFacts`, computed once per distinct reply and
kept beside the reply cache), the event recorded per turn, and the `reply_id` added to each reply.

The chat route calls `learn(payload, reply)` when it computes a reply and `respond(...)` for
every reply it sends; `respond` signs a new reply id, queues a small tuple (`QueuedTurn`: the
turn id, time, message, the reply's facts, index version, latency) for the background writer
(store/writer.py) and returns the payload with the id added. The writer thread turns each tuple
into what the store writes (`turn_event`): the turn's id, time and latency, and a `TurnRecord` of
the rest (what to keep of the question, scrubbing, corrections), made once per reply and message
and kept on the reply's facts, so that a reply served again costs the writer one small tuple and
the chat path no more per turn than signing and appending. Nothing
here waits for the database. Which question text is kept follows GUIDEBOT_STORE_QUESTIONS
(privacy.py); what the reply says about itself (why it did not answer, the corrections) is read by reasons.py.
`Recorder.disabled()` (GUIDEBOT_DATABASE_URL=none) sends replies as they are.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..chat import Guidebot, Reply
from ..settings import Settings
from .privacy import keeps_question, scrub
from .reasons import ReplyReader, as_typed
from .replyids import ReplyIds, answer_digest, load_secret
from .store import Cited, Event, Store, TurnRecord
from .store.rows import Turn
from .store.writer import EventWriter

log = logging.getLogger("guidebot.recording")
FACTS_KEPT = 4096  # distinct replies whose facts are kept (the reply cache holds 2048 per index)


MESSAGES_KEPT = 32  # per reply: a cached reply is mostly given for the same few messages


@dataclass(slots=True)
class TurnFacts:
    """What a reply is, independent of who asked: recorded with every turn that gets it.
    (Slotted, not frozen, for speed: one is made for every reply computed. Nothing changes it.)"""

    kind: str
    answered: bool
    confidence: float
    answer: str
    citations: tuple[Cited, ...]
    focus: tuple[str, ...]
    reason: str | None
    names: str | None
    need: str | None
    fixed: tuple[str, ...]
    subject: str | None  # the documents in focus (our ids), else the names asked about (scrubbed)
    focus_subject: str | None  # the documents in focus only: what GUIDEBOT_STORE_QUESTIONS=none keeps
    answer_hash: bytes  # for the reply id's digest of question and answer
    scrubbed_answer: str | None = None  # scrub(answer), made by the writer thread the first time it is kept
    head: memoryview = memoryview(b"")  # the reply's JSON up to its closing brace, where the reply id goes
    # What the writer thread records for each message this reply was given for (`Recorder.turn_event`).
    kept: dict[str, TurnRecord] = field(default_factory=dict)


# What the chat path queues per turn: (turn id as bytes, time, message, facts, index version, seconds taken).
QueuedTurn = tuple[bytes, float, str, TurnFacts, str, float]


class Recorder:
    """Signs reply ids and queues one event per chat turn (and per rating, via `put`)."""

    enabled = True

    def __init__(self, writer: EventWriter | None, ids: ReplyIds | None, store_questions: str,
                 retention_days: int) -> None:
        self.writer = writer
        self.ids = ids
        self.store_questions = store_questions
        self.retention_days = retention_days
        self._facts: OrderedDict[bytes, TurnFacts] = OrderedDict()
        self._reader: ReplyReader | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Recorder:
        """Recording into GUIDEBOT_DATABASE_URL (nothing is connected to until the writer starts)."""
        url = settings.store_url()
        if url is None:
            return cls.disabled()
        store = Store(url)
        if store.backend != "sqlite" and not settings.secret:
            log.warning("GUIDEBOT_SECRET is not set: reply ids are signed with the secret file beside the index, "
                        "so replicas on other machines will refuse each other's; give them all the same secret")
        try:
            secret = load_secret(settings.secret, Path(settings.index_path).parent)
        except OSError as exc:  # a read-only folder or a full disk must not keep the chat from serving
            log.warning("cannot keep the reply-id secret beside the index (%s); recording and feedback are off "
                        "until GUIDEBOT_SECRET is set or the folder is writable", exc)
            return cls.disabled()
        recorder = cls(None, ReplyIds(secret), settings.store_questions, settings.retention_days)
        recorder.writer = EventWriter(store, capacity=settings.record_queue_size,
                                      retention_days=settings.retention_days, prepare=recorder.turn_event)
        return recorder

    @classmethod
    def disabled(cls) -> Recorder:
        recorder = cls(None, None, "none", 0)
        recorder.enabled = False
        return recorder

    # ------------------------------------------------------------------------ the chat path

    def learn(self, payload: bytes, reply: Reply, bot: Guidebot) -> None:
        """Remember what a newly computed reply is (its focus is known only here)."""
        if self.enabled:
            self._keep(payload, self._facts_from(bot, reply))

    def respond(self, message: str, payload: bytes, kind: str, bot: Guidebot, started: float) -> bytes:
        """Record this turn and return the reply's JSON with its `reply_id`."""
        if not self.enabled or self.ids is None or self.writer is None:
            return payload
        facts = self._facts.get(payload)
        if facts is None:  # evicted, or cached before this recorder saw it: read it from the JSON
            facts = self._facts_from_payload(bot, payload, kind)
            self._keep(payload, facts)
        now = time.time()
        reply_id, turn = self.ids.sign(message, facts.answer_hash, now)
        self.writer.put((turn, now, message, facts, bot.version, time.perf_counter() - started))
        return b"".join((facts.head, b',"reply_id":"', reply_id, b'"}'))  # one copy of the reply, not two

    def put(self, event: Event) -> bool:
        return self.writer.put(event) if self.writer is not None else False

    def health(self) -> dict[str, object] | None:
        return self.writer.stats() if self.writer is not None else None

    # ------------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        if self.writer is not None:
            self.writer.start()

    def close(self, timeout: float = 5.0) -> None:
        if self.writer is not None:
            self.writer.close(timeout)

    # ------------------------------------------------------------------------ building events

    def turn_event(self, item: QueuedTurn | Event) -> Turn | Event:
        """What is written for a queued turn (run by the writer thread; events pass as they are):
        (turn id, time, latency in ms, the record its reply and message share)."""
        if not isinstance(item, tuple):
            return item
        turn, now, message, facts, version, seconds = item
        record = facts.kept.get(message)
        if record is None or record.index_version != version:  # a cached reply comes again and again
            if len(facts.kept) >= MESSAGES_KEPT:
                facts.kept.clear()
            record = facts.kept[message] = self._record(message, facts, version)
        return (turn.hex(), now, round(seconds * 1000, 3), record)

    def _record(self, message: str, facts: TurnFacts, version: str) -> TurnRecord:
        """What of a message (and of the reply given for it) a turn keeps, under GUIDEBOT_STORE_QUESTIONS."""
        keep = keeps_question(self.store_questions, facts.answered, facts.kind)
        user_words = self.store_questions != "none"
        corrections = as_typed(message, facts.fixed) if facts.fixed else ()
        if corrections and not user_words:
            corrections = tuple((None, fixed) for _typed, fixed in corrections)
        answer = None
        if keep:
            answer = facts.scrubbed_answer
            if answer is None:
                answer = facts.scrubbed_answer = scrub(facts.answer)
        return TurnRecord(facts.kind, facts.answered, facts.confidence, version, facts.citations, corrections,
                          facts.reason, facts.subject if user_words else facts.focus_subject, facts.need,
                          scrub(message) if keep else None, answer)

    def _keep(self, payload: bytes, facts: TurnFacts) -> None:
        facts.head = memoryview(payload)[:-1]
        self._facts[payload] = facts
        if len(self._facts) > FACTS_KEPT:
            self._facts.popitem(last=False)

    def _reader_for(self, bot: Guidebot) -> ReplyReader:
        if self._reader is None or self._reader.lexicon is not bot.lexicon:
            self._reader = ReplyReader(bot.lexicon)
        return self._reader

    def _facts_from(self, bot: Guidebot, reply: Reply) -> TurnFacts:
        cited = tuple(Cited(c.doc_id, c.section, c.chunk_id) for c in reply.citations)
        # What the reply knows of its corrections beats what its text says (partial replies carry no note).
        fixed = tuple(fixed for _typed, fixed in reply.corrections) if reply.corrections else None
        return self._facts_of(bot, reply.text, reply.kind, reply.answered, reply.confidence, cited, reply.focus,
                              fixed)

    def _facts_from_payload(self, bot: Guidebot, payload: bytes, kind: str) -> TurnFacts:
        data = orjson.loads(payload)
        cited = tuple(Cited(c["doc_id"], c["section"], c["chunk_id"]) for c in data["citations"])
        return self._facts_of(bot, data["answer"], kind, data["answered"], data["confidence"], cited, ())

    def _facts_of(self, bot: Guidebot, text: str, kind: str, answered: bool, confidence: float,
                  cited: tuple[Cited, ...], focus: tuple[str, ...], fixed: tuple[str, ...] | None = None) -> TurnFacts:
        reader = self._reader_for(bot)
        reason = None if answered else reader.reason(text, kind)
        names = reason.names if reason else None
        focus_subject = ",".join(sorted(focus))[:300] if focus else None
        return TurnFacts(kind=kind, answered=answered, confidence=confidence, answer=text, citations=cited,
                         focus=tuple(focus), reason=reason.code if reason else None, names=names,
                         need=reason.need[:100] if reason and reason.need else None,
                         fixed=reader.corrected_words(text) if fixed is None else fixed, focus_subject=focus_subject,
                         answer_hash=answer_digest(text),
                         subject=focus_subject or (scrub(names)[:300] if names else None))
