"""Citations and replies: the `Citation` and `Reply` types, and turning picked sentences into
text with `[n]` markers. A citation's quote is always the exact sentence of the corpus."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..chunking import Chunk
from .context import Context
from .selection import Candidate


@dataclass(frozen=True)
class Citation:
    id: int
    chunk_id: str
    doc_id: str
    title: str
    section: str | None
    url: str | None
    quote: str


@dataclass(frozen=True)
class Segment:
    """A sentence of a reply (or a list item), with the ids of the citations that support it."""

    text: str
    citations: tuple[int, ...] = ()


@dataclass(frozen=True)
class Block:
    """A paragraph (its sentences) or a list (its items), in reply order."""

    type: str  # paragraph | list
    items: tuple[Segment, ...]


def paragraph(*segments: Segment) -> Block:
    return Block("paragraph", tuple(s for s in segments if s.text))


def cited(citations: Sequence[Citation]) -> tuple[Segment, ...]:
    """Each cited sentence as a segment supported by its own citation."""
    return tuple(Segment(c.quote, (c.id,)) for c in citations)


@dataclass(frozen=True)
class Reply:
    """One reply of the bot: its text, whether it answered, its confidence, citations and suggestions.

    `text` is the whole reply with `[n]` markers; `blocks` is the same reply as paragraphs and lists
    whose sentences carry their citation ids (`structure()` gives one paragraph for plain replies)."""

    text: str
    answered: bool
    confidence: float
    citations: tuple[Citation, ...] = ()
    suggestions: tuple[str, ...] = ()
    kind: str = "answer"  # answer | partial | abstain | smalltalk | list | clarify
    focus: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()  # spelling corrections made to the question (typed, read)

    def structure(self) -> tuple[Block, ...]:
        return self.blocks or (paragraph(Segment(self.text)),)


def citation_for(chunk: Chunk, quote: str, n: int) -> Citation:
    return Citation(n, chunk.chunk_id, chunk.doc_id, chunk.title, chunk.section, chunk.url, quote)


def cite(ctx: Context, picks: Sequence[Candidate], start_id: int = 1) -> tuple[list[str], list[Citation]]:
    """Each picked sentence followed by its [n] marker, and the citations in marker order."""
    parts: list[str] = []
    citations: list[Citation] = []
    for n, pick in enumerate(picks, start=start_id):
        chunk = ctx.searcher.chunks[pick.chunk_index]
        citations.append(citation_for(chunk, pick.text, n))
        parts.append(f"{pick.text} [{n}]")
    return parts, citations
