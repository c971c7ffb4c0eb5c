"""Splitting documents into chunks (by heading, then paragraph) and chunks into sentences.

Owns the `Chunk` type. A chunk's text is `document.text[start:end]` exactly, and each sentence
span is relative to the chunk text, so a citation's quote is always verbatim corpus text.
Sentence boundaries come from nltk's Punkt with abbreviations given here (no download needed).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .corpus import Document

# Lowercase, without the final period, as Punkt expects.
ABBREVIATIONS = frozenset({
    "u.s", "u.s.a", "u.k", "e.g", "i.e", "etc", "ph.d", "m.s", "b.s", "m.sc", "b.sc", "m.eng", "b.tech",
    "m.tech", "dr", "prof", "mr", "mrs", "st", "vs", "inc", "dept", "approx", "no", "jan", "feb", "aug",
    "sept", "oct", "nov", "dec", "fig", "al", "cf", "ca", "jr", "sr", "univ",
})
MAX_CHUNK_CHARS = 2000
TARGET_SPLIT_CHARS = 900
MERGE_TARGET_CHARS = 700
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
HEADING_LINE = re.compile(r"^#{1,6}[ \t]", re.MULTILINE)
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+•]|\d+[.)])[ \t]+")

Span = tuple[int, int]


@dataclass(frozen=True)
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


@lru_cache(maxsize=1)
def sentence_tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of a paragraph; each list item is a sentence of its own."""
    spans: list[Span] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        marker = LIST_ITEM.match(line)
        if marker:
            body_start = offset + marker.end()
            body_end = offset + len(line.rstrip())
            if body_end > body_start:
                spans.append((body_start, body_end))
        elif line.strip():
            spans.extend((offset + a, offset + b) for a, b in sentence_tokenizer().span_tokenize(line))
        offset += len(line)
    return _merge_wrapped_lines(text, spans)


def _merge_wrapped_lines(text: str, spans: list[Span]) -> list[Span]:
    """Join spans that Punkt split only because a paragraph was hard-wrapped mid-sentence."""
    merged: list[Span] = []
    for span in spans:
        if merged and not re.search(r"[.!?:;)\"'’”]\s*$", text[merged[-1][0]:merged[-1][1]]) \
                and not LIST_ITEM.match(_line_of(text, span[0])):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def _line_of(text: str, position: int) -> str:
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    return text[line_start: len(text) if line_end < 0 else line_end]


def blocks(text: str) -> Iterator[tuple[str | None, int, int]]:
    """Yield (section heading, start, end) for every paragraph or list block of a Markdown body."""
    section: str | None = None
    block_start: int | None = None
    position = 0
    for line in text.splitlines(keepends=True):
        heading = HEADING.match(line.rstrip("\r\n"))
        blank = not line.strip()
        if (heading or blank) and block_start is not None:
            yield section, block_start, _rstrip_end(text, block_start, position)
            block_start = None
        if heading:
            section = heading.group(2).strip()
        elif not blank and block_start is None:
            block_start = position + (len(line) - len(line.lstrip()))
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
