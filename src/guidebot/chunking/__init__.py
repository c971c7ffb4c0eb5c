"""Splitting documents into chunks (by heading, then paragraph) and chunks into sentences.

Owns the `Chunk` type. A chunk's text is `document.text[start:end]` exactly, and each sentence
span is relative to the chunk text, so a citation's quote is always verbatim corpus text.
Sentence boundaries are in `sentences` (Punkt's, rewritten for speed; nltk is the reference the
tests compare it with); `table` holds a whole corpus's chunks as arrays, the way the index keeps them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..corpus import Document
from .sentences import ABBREVIATIONS, LIST_ITEM, Span, punkt_spans, split_sentences

__all__ = ["ABBREVIATIONS", "LIST_ITEM", "Chunk", "Span", "blocks", "chunk_corpus", "chunk_document", "merged_blocks",
           "punkt_spans", "split_sentences"]

MAX_CHUNK_CHARS = 2000
# Bumped whenever sentence or block splitting changes what a span is (it is in the index fingerprint,
# so an index built by the old rules is rebuilt). 2: no sentence spans a blank line or leaves a list item.
SPLITTING_RULES = 2
TARGET_SPLIT_CHARS = 900
MERGE_TARGET_CHARS = 700
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
HEADING_LINE = re.compile(r"^#{1,6}[ \t]", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage of one document: where it is, what it says, and where its sentences are."""

    chunk_id: str
    doc_id: str
    title: str
    section: str | None
    url: str | None
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]

    def sentence_texts(self) -> list[str]:
        return [self.text[a:b] for a, b in self.sentences]


def blocks(text: str) -> Iterator[tuple[str | None, int, int]]:
    """Yield (section heading, start, end) for every paragraph or list block of a Markdown body."""
    section: str | None = None
    block_start: int | None = None
    position = 0
    for line in text.splitlines(keepends=True):
        # A line is blank only if its first character is a space (most are not: no strip needed);
        # a heading starts with '#' (no regex for the other lines).
        indented = line[0].isspace()
        heading = HEADING.match(line.rstrip("\r\n")) if line[0] == "#" else None
        blank = indented and not line.strip()
        if (heading or blank) and block_start is not None:
            yield section, block_start, _rstrip_end(text, block_start, position)
            block_start = None
        if heading:
            section = heading.group(2).strip()
        elif not blank and block_start is None:
            block_start = position + (len(line) - len(line.lstrip()) if indented else 0)
        position += len(line)
    if block_start is not None:
        yield section, block_start, _rstrip_end(text, block_start, position)


def _rstrip_end(text: str, start: int, end: int) -> int:
    return start + len(text[start:end].rstrip())


def merged_blocks(text: str, target: int = MERGE_TARGET_CHARS) -> Iterator[tuple[str | None, int, int]]:
    """Consecutive short paragraphs of one section, joined while they fit in `target` characters.

    Notes written one sentence per paragraph would otherwise make one-sentence chunks, which BM25's
    length normalisation favours over the guide's real paragraphs; grouping keeps passages of
    comparable length and gives each sentence its neighbours as context.
    """
    pending: tuple[str | None, int, int] | None = None
    for section, start, end in blocks(text):
        if pending is not None and pending[0] == section and end - pending[1] <= target \
                and not HEADING_LINE.search(text, pending[2], start):
            pending = (section, pending[1], end)
            continue
        if pending is not None:
            yield pending
        pending = (section, start, end)
    if pending is not None:
        yield pending


def chunk_document(doc: Document) -> list[Chunk]:
    """Split one document into chunks with stable ids (a hash of doc id, section and text)."""
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for section, start, end in merged_blocks(doc.text):
        for piece_start, piece_end in _split_long(doc.text, start, end):
            text = doc.text[piece_start:piece_end]
            sentences = tuple(split_sentences(text)) or ((0, len(text)),)
            key = hashlib.sha1(f"{doc.id}\0{section}\0{text}".encode()).hexdigest()[:12]
            seen[key] = seen.get(key, 0) + 1
            chunk_id = f"{doc.id}-{key}" + (f"-{seen[key]}" if seen[key] > 1 else "")
            chunks.append(Chunk(chunk_id, doc.id, doc.title, section, doc.url, piece_start, piece_end,
                                text, sentences))
    return chunks


def _split_long(text: str, start: int, end: int) -> list[Span]:
    """Keep a block whole unless it is very long; then cut it at sentence ends into ~900-char pieces."""
    if end - start <= MAX_CHUNK_CHARS:
        return [(start, end)]
    pieces: list[Span] = []
    piece_start = start
    for _sentence_start, b in split_sentences(text[start:end]):
        if start + b - piece_start >= TARGET_SPLIT_CHARS:
            pieces.append((piece_start, start + b))
            piece_start = start + b
            while piece_start < end and text[piece_start].isspace():
                piece_start += 1
    if piece_start < end:
        pieces.append((piece_start, end))
    return pieces


def chunk_corpus(documents: Iterable[Document]) -> list[Chunk]:
    return [chunk for doc in documents for chunk in chunk_document(doc)]
