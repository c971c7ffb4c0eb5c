"""Splitting documents into chunks (by heading, then paragraph) and chunks into sentences.

Owns the `Chunk` type. A chunk's text is `document.text[start:end]` exactly, and each sentence
span is relative to the chunk text, so a citation's quote is always verbatim corpus text.
Sentence boundaries are Punkt's (nltk's algorithm with the abbreviations given here, rewritten for speed;
nltk is the reference the tests compare it with).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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
# A sentence ending in one of these (then maybe spaces) was not cut by hard wrapping.
SENTENCE_END_CHARS = frozenset(".!?:;)\"'’”")

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


# Punkt (nltk's PunktSentenceTokenizer) with these abbreviations and nothing learned, rewritten for
# speed: nltk builds an object per word and runs every regex under a timeout, 90% of the build at
# 100k chunks. Same regular expressions and decisions; tests/test_chunking.py checks that the spans
# equal nltk's on the shipped corpus, the benchmark's text and generated paragraphs. nltk 3.10 runs
# them on the `regex` engine, this on `re`: whitespace is spelled out so that \x1c-\x1f are not
# spaces in either, and only a letter-like character that the two engines class differently ("½",
# a combining mark) standing alone before a period can be judged differently as an initial.
_S = r"[^\S\x1c-\x1f]"  # \s as the regex engine has it
_NS = r"[\S\x1c-\x1f]"  # and \S
_NON_WORD = r"""(?:[)";}\]*:@'({\[\u2018\u2019\u201c\u201d\xab\xbb!?])"""
_MULTI_CHAR = rf"(?:-{{2,}}|\.{{2,}}|(?:\.{_S}){{2,}}\.)"
_WORD_TOKEN = re.compile(rf"""{_MULTI_CHAR}|(?=[^("`{{\[:;&#*@)}}\]\-,]){_NS}+?(?={_S}|$|{_NON_WORD}|{_MULTI_CHAR}|"""
                         rf",(?=$|{_S}|{_NON_WORD}|{_MULTI_CHAR}))|{_NS}")
_PERIOD_CONTEXT = re.compile(rf"[.?!](?=(?P<after_tok>{_NON_WORD}|{_S}+(?P<next_tok>{_NS}+)))")
_REALIGN = re.compile(rf"""["')\]}}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:{_S}+|(?=--)|$)""", re.MULTILINE)
_ELLIPSIS = re.compile(r"\.\.+$")
_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
_INITIAL = re.compile(r"[^\W\d]\.$")
_WHITESPACE = " \t\n\r\x0b\x0c"  # string.whitespace, as Punkt looks back for the word before a period
_OTHER_SPACE = re.compile(r"[\t\n\r\x0b\x0c]")


def punkt_spans(text: str) -> list[Span]:
    """Sentence spans of `text` exactly as Punkt's `span_tokenize` gives them (realigned boundaries)."""
    slices: list[Span] = []
    last_break = 0
    for match, word in _end_contexts(text):
        if _is_break(text[match.start()], word, match):
            slices.append((last_break, match.end()))
            last_break = match.start("next_tok") if match.group("next_tok") else match.end()
    end = len(text.rstrip())
    if not slices:
        return [(last_break, end)] if end > last_break else []
    slices.append((last_break, end))
    spans: list[Span] = []
    realign = 0
    for n, (start, end) in enumerate(slices):
        start += realign
        following = slices[n + 1] if n + 1 < len(slices) else None
        closing = following and _REALIGN.match(text, following[0], following[1])
        if closing:  # a closing quote or bracket after the period belongs to this sentence
            spans.append((start, following[0] + len(closing.group(0).rstrip())))
            realign = closing.end() - following[0]
        else:
            realign = 0
            if end > start:
                spans.append((start, end))
    return spans


def _end_contexts(text: str) -> list[tuple[re.Match[str], str]]:
    """Each candidate sentence end with the word before it (as Punkt finds it: back to the last
    whitespace, or to the previous candidate's word; a candidate inside the next one's word is skipped)."""
    found: list[tuple[re.Match[str], str]] = []
    plain = _OTHER_SPACE.search(text, 0, len(text.rstrip("\n"))) is None  # spaces only: one rfind will do
    word_start, word_end, previous = 0, 0, None
    for match in _candidates(text):
        if plain:
            space = text.rfind(" ", word_end, match.start()) - word_end
        else:
            before = text[word_end:match.start()]
            space = max(before.rfind(c) for c in _WHITESPACE)
        start = space + word_end + 1 if space > 0 else word_start
        if previous is not None and word_end <= start:
            found.append((previous, text[word_start:word_end]))
        previous, word_start, word_end = match, start, match.start()
    if previous is not None:
        found.append((previous, text[word_start:word_end]))
    return found


def _candidates(text: str) -> Iterator[re.Match[str]]:
    """The matches of _PERIOD_CONTEXT.finditer(text), found 3× faster: str.find jumps to each mark
    (a regex scan costs ~20 ns a character) and the pattern is tried only there. Each match is one
    character wide, so finditer reports every position where it matches, as this does."""
    marks = [i for mark in ".?!" for i in _positions(text, mark)]
    if "?" in text or "!" in text:
        marks.sort()
    for i in marks:
        match = _PERIOD_CONTEXT.match(text, i)
        if match is not None:
            yield match


def _positions(text: str, mark: str) -> Iterator[int]:
    i = text.find(mark)
    while i >= 0:
        yield i
        i = text.find(mark, i + 1)


def _is_break(mark: str, word: str, match: re.Match[str]) -> bool:
    """Whether Punkt breaks at this candidate. '?' and '!' always stand as tokens of their own with
    a token after them; a plain word of two or more letters before a period is a break unless it is
    an abbreviation; everything else goes through Punkt's annotation of the context's tokens."""
    if mark != "." or (len(word) > 1 and word.isalpha() and word.lower() not in ABBREVIATIONS):
        return True
    return _has_inner_break(word + match.group() + match.group("after_tok"))


def _has_inner_break(context: str) -> bool:
    """Punkt's two annotation passes over the context's tokens: is any token but the last a break?

    With no trained parameters the orthographic heuristic only ever says "not a sentence start"
    (the next token is punctuation or lowercase) or "unknown", and collocations and sentence
    starters are empty, so only initials and numbers are reconsidered."""
    tokens = [t for line in context.split("\n") if line.strip() for t in _WORD_TOKEN.findall(line)]
    for tok, following in zip(tokens, tokens[1:], strict=False):
        if tok in (".", "?", "!"):
            return True
        if not tok.endswith(".") or _ELLIPSIS.match(tok) or tok.endswith(".."):
            continue
        lower = tok[:-1].lower()
        if lower in ABBREVIATIONS or lower.split("-")[-1] in ABBREVIATIONS:
            continue
        kind = "##number##" if _NUMERIC.match(tok.lower()) else tok.lower()
        number = (kind[:-1] if len(kind) > 1 and kind[-1] == "." else kind) == "##number##"
        if _INITIAL.match(tok) or number:
            if following in PUNCTUATION or following[0].islower():
                continue
            if _INITIAL.match(tok) and following[0].isupper():
                continue
        return True
    return False


PUNCTUATION = tuple(";:,.!?")


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
        elif offset == 0:
            spans.extend(punkt_spans(line))
        elif line.strip():
            spans.extend((offset + a, offset + b) for a, b in punkt_spans(line))
        offset += len(line)
    return _merge_wrapped_lines(text, spans)


def _merge_wrapped_lines(text: str, spans: list[Span]) -> list[Span]:
    """Join spans that Punkt split only because a paragraph was hard-wrapped mid-sentence."""
    merged: list[Span] = []
    for span in spans:
        if merged and text[merged[-1][0]:merged[-1][1]].rstrip()[-1:] not in SENTENCE_END_CHARS \
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
