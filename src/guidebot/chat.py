"""The chat facade: everything a request needs, behind one object.

`Guidebot` is built from an index (and optionally a policy and a lexicon) and offers what the
surfaces use: `chat(message, history) -> Reply`, `search(q, k) -> list[Hit]`, `chunk(id)`,
`starters()`; `chat` and `search` take an optional `deadline=` (budget.Deadline) past which the
work stops. The HTTP service, the CLI, the evaluation and the index lifecycle talk only to it;
nothing below it knows about HTTP, terminals or JSON.

`Reply.as_payload()` is the public JSON shape of a chat reply (the API contract, field names
fixed): the API and `guidebot ask --json` both print it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from .answering.citing import Block, Citation, Reply
from .budget import BudgetExceeded, Deadline, check_budget, within, yielding
from .chunking import Chunk
from .conversation.context import Dialogue
from .conversation.entities import EntityMatcher
from .conversation.respond import answers, respond
from .conversation.suggestions import SuggestionPool
from .conversation.turns import Turn
from .corpus import Document
from .index import IndexedCorpus
from .lexicon import Lexicon
from .policy import Policy
from .search import Searcher

__all__ = ["DEFAULT_GREETING", "BudgetExceeded", "Citation", "Deadline", "Guidebot", "Hit", "Reply", "Turn",
           "check_budget", "reply_payload", "yielding"]

# Shown when neither GUIDEBOT_GREETING nor the corpus profile gives a greeting (the widget's own
# fallback, when it cannot reach /api/config, is this same text).
DEFAULT_GREETING = "Hi! Ask me a question; every answer cites its source."


@dataclass(frozen=True)
class Hit:
    """One search result: a passage and its BM25 score."""

    chunk_id: str
    doc_id: str
    title: str
    section: str | None
    url: str | None
    text: str
    score: float

    @classmethod
    def of(cls, chunk: Chunk, score: float) -> Hit:
        return cls(chunk.chunk_id, chunk.doc_id, chunk.title, chunk.section, chunk.url, chunk.text, score)

    def as_payload(self) -> dict[str, object]:
        return {"chunk_id": self.chunk_id, "doc_id": self.doc_id, "title": self.title, "section": self.section,
                "url": self.url, "text": self.text, "score": self.score}


def reply_payload(reply: Reply) -> dict[str, object]:
    """The public JSON shape of a chat reply (field names are a contract)."""
    return {
        "answer": reply.text,
        "answered": reply.answered,
        "confidence": reply.confidence,
        "citations": [
            {"id": c.id, "chunk_id": c.chunk_id, "doc_id": c.doc_id, "title": c.title, "section": c.section,
             "url": c.url, "quote": c.quote} for c in reply.citations
        ],
        "suggestions": list(reply.suggestions),
        "blocks": [block_payload(b) for b in reply.structure()],
    }


def block_payload(block: Block) -> dict[str, object]:
    """{"type": "paragraph", "sentences": [...]} or {"type": "list", "items": [...]}; each entry is
    {"text", "citations": [ids]}."""
    key = "items" if block.type == "list" else "sentences"
    return {"type": block.type, key: [{"text": s.text, "citations": list(s.citations)} for s in block.items]}


class Guidebot:
    """Answers chats and searches from one index; safe to share between threads. A rebuilt index
    is a new Guidebot: every cache (suggestions, sentence terms, entity spans) belongs to one."""

    def __init__(self, indexed: IndexedCorpus, policy: Policy | None = None, lexicon: Lexicon | None = None) -> None:
        self.indexed = indexed
        self.policy = policy or Policy()
        self.lexicon = lexicon or Lexicon.load(indexed.profile)
        self.searcher = Searcher(indexed)
        entities = EntityMatcher(self.searcher, self.lexicon, self.policy.entity_cache_bytes,
                                 shared_name_notes=self.policy.shared_name_notes)
        self._dialogue = Dialogue(self.searcher, self.lexicon, self.policy, entities)
        self._pool: SuggestionPool | None = None
        self._pool_lock = threading.Lock()

    @property
    def dialogue(self) -> Dialogue:
        """What the conversation modules consult (for tests and tools that go below the facade)."""
        return self._dialogue

    @property
    def version(self) -> str:
        return self.indexed.version

    @property
    def fingerprint(self) -> str:
        return self.indexed.fingerprint

    @property
    def documents(self) -> Sequence[Document]:
        return self.indexed.documents

    @property
    def chunk_count(self) -> int:
        return len(self.indexed.chunks)

    @property
    def title(self) -> str:
        """The corpus's name for the chat (its guidebot.yaml `title`)."""
        return self.lexicon.profile_text("title", "guidebot")

    @property
    def greeting(self) -> str:
        return self.lexicon.profile_text("greeting", DEFAULT_GREETING)

    @property
    def description(self) -> str:
        return self.lexicon.profile_text("description", "Cited answers from a corpus of guidance documents.")

    def chat(self, message: str, history: Sequence[Turn] = (), *, deadline: Deadline | None = None) -> Reply:
        """Answer one message, given the earlier turns (oldest first). With a `deadline`, the work
        stops with BudgetExceeded once it has passed."""
        with within(deadline):
            return respond(self._dialogue, self.suggestions(), message, history)

    def search(self, query: str, k: int = 5, *, deadline: Deadline | None = None) -> list[Hit]:
        """The top-k passages for a free-text query, best first (BudgetExceeded past a `deadline`)."""
        chunks = self.searcher.chunks
        with within(deadline):
            return [Hit.of(chunks[position], score) for position, score in self.searcher.search(query, k)]

    def turns_read(self, history: Sequence[Turn]) -> list[int]:
        """Positions of the history turns an answer reads (the user turns among the recent ones), so
        a caller can size a request's cost before answering it."""
        start = max(0, len(history) - self.policy.recent_turns)
        return [n for n in range(start, len(history)) if history[n].role == "user"]

    def chunk(self, chunk_id: str) -> Chunk | None:
        position = self.searcher.chunk_positions.get(chunk_id)
        return None if position is None else self.indexed.chunks[position]

    def starters(self, count: int = 3) -> list[str]:
        """Starter questions the corpus is known to answer (for a chat client's first screen)."""
        return self.suggestions().general[:count]

    def suggestions(self) -> SuggestionPool:
        """The pool of answerable suggestions, built on first use (or by `warm`)."""
        if self._pool is None:
            with self._pool_lock:
                if self._pool is None:
                    self._pool = SuggestionPool.build(self._dialogue, answers)
        return self._pool

    def warm(self) -> Guidebot:
        """Compute the per-index caches now, so the first request is as fast as the rest, and load
        the word vectors in the background (`warm_in_background`)."""
        self.suggestions()
        self.warm_in_background()
        return self

    def warm_in_background(self) -> threading.Thread:
        """Load what only some questions need (the word-vector model, about a second) in a thread, so
        that a fresh worker starts at once and its first question in other words does not wait for it."""
        thread = threading.Thread(target=self.searcher.neighbours.warm, name="guidebot-warm", daemon=True)
        thread.start()
        return thread
