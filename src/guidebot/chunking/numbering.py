"""A build's chunks and their analysis as numbers (for `build`): every distinct word and term numbered once, in
order of first appearance, and every index-term occurrence a (term, chunk) pair in numpy arrays,
which is what `BM25.from_tokens` takes and what a helper process of a parallel build sends back.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..analysis import Analyzer, text_words
from ..corpus import Document
from . import Chunk, chunk_corpus

Progress = Callable[[str], None]


def _silent(_message: str) -> None:
    pass


@dataclass
class Analysed:
    """The chunks of some documents and their words and index terms, as numbers.

    `words` are the distinct words of the chunk texts (stopwords included) in order of first
    appearance, `word_counts` how often each occurs; `terms` are the distinct index terms in order
    of first appearance in the chunks' indexed text (title, section, text: `indexed_text`), the
    order BM25 numbers them in. Every index term occurrence is one token: `token_terms` (its
    position in `terms`) and `token_chunks` (its chunk's), in no particular order; `lengths` is
    each chunk's number of tokens."""

    chunks: list[Chunk]
    words: list[str]
    word_counts: np.ndarray
    terms: list[str]
    token_terms: np.ndarray
    token_chunks: np.ndarray
    lengths: np.ndarray


def analysed(documents: Sequence[Document], analyzer: Analyzer, progress: Progress = _silent) -> Analysed:
    """Chunk `documents` and analyse every chunk once: its words counted, its index terms numbered.

    A chunk's text becomes word numbers by one dict lookup per word (`map`, no Python per word);
    a word seen for the first time is numbered and its term found then, once per distinct word.
    Terms are numbered when first met, heading before text, so their numbers are their order of
    first appearance in the chunks' indexed text (the words of indexed_text(c) are exactly those
    of its title, section and text, one after another)."""
    chunks = chunk_corpus(documents)
    progress(f"split {len(documents)} documents into {len(chunks)} chunks")
    word_numbers: dict[str, int] = {}
    word_terms: list[int] = []  # the term number of each word, -1 for a word that is no term
    term_numbers: dict[str, int] = {}
    title_terms: dict[str, list[int]] = {}  # a document's title, the same for all its chunks
    heading_terms: dict[tuple[str, str | None], list[int]] = {}
    text_words_of: list[np.ndarray] = []
    head_terms_of: list[list[int]] = []
    number_of = word_numbers.__getitem__

    def term_number(term: str) -> int:
        return term_numbers.setdefault(term, len(term_numbers))

    for n, chunk in enumerate(chunks, start=1):
        head = heading_terms.get((chunk.title, chunk.section))
        if head is None:  # terms_of maps each word alone: the title's terms, then the section's
            title = title_terms.get(chunk.title)
            if title is None:
                title = title_terms[chunk.title] = list(map(term_number, analyzer.terms_of(text_words(chunk.title))))
            section = list(map(term_number, analyzer.terms_of(text_words(chunk.section or ""))))
            head = heading_terms[(chunk.title, chunk.section)] = title + section
        head_terms_of.append(head)
        chunk_words = text_words(chunk.text)
        try:
            numbers = np.fromiter(map(number_of, chunk_words), np.int32, len(chunk_words))
        except KeyError:  # words not seen before, numbered in order
            for word in chunk_words:
                if word not in word_numbers:
                    word_numbers[word] = len(word_terms)
                    term = analyzer.terms_of([word])
                    word_terms.append(term_number(term[0]) if term else -1)
            numbers = np.fromiter(map(number_of, chunk_words), np.int32, len(chunk_words))
        text_words_of.append(numbers)
        if n % 20000 == 0:
            progress(f"analysed {n}/{len(chunks)} chunks")
    return _numbered(chunks, list(word_numbers), word_terms, list(term_numbers), text_words_of, head_terms_of)


def _numbered(chunks: list[Chunk], words: list[str], word_terms: list[int], terms: list[str],
              text_words_of: list[np.ndarray], head_terms_of: list[list[int]]) -> Analysed:
    """The Analysed of chunks whose text words and heading terms are numbered: every term token
    with its chunk, by whole-array steps (no 7-million-entry chunk array masked afterwards)."""
    text = np.concatenate(text_words_of) if text_words_of else np.zeros(0, np.int32)
    text_terms = np.array(word_terms, dtype=np.int32)[text] if len(word_terms) else np.zeros(0, np.int32)
    is_term = text_terms >= 0
    text_lengths = np.fromiter(map(len, text_words_of), np.int64, len(chunks))
    text_term_counts = _counts_in_runs(is_term, text_lengths)
    head_lengths = np.fromiter(map(len, head_terms_of), np.int64, len(chunks))
    everything = np.arange(len(chunks), dtype=np.int32)
    token_chunks = np.concatenate([np.repeat(everything, head_lengths), np.repeat(everything, text_term_counts)])
    token_terms = np.concatenate([np.fromiter(itertools.chain.from_iterable(head_terms_of), np.int32),
                                  text_terms[is_term]])
    return Analysed(chunks, words, np.bincount(text, minlength=len(words)), terms, token_terms, token_chunks,
                    head_lengths + text_term_counts)


def _counts_in_runs(flags: np.ndarray, run_lengths: np.ndarray) -> np.ndarray:
    """How many of `flags` are true in each consecutive run of the given lengths (runs may be empty)."""
    if not len(run_lengths):
        return np.zeros(0, dtype=np.int64)
    starts = np.zeros(len(run_lengths), dtype=np.int64)
    np.cumsum(run_lengths[:-1], out=starts[1:])
    padded = np.zeros(len(flags) + 1, dtype=np.int8)  # one more, so that a run may start at the end
    padded[:-1] = flags
    counts = np.add.reduceat(padded, starts, dtype=np.int64)
    counts[run_lengths == 0] = 0  # reduceat gives an empty run the element at its start
    return counts


def joined(parts: list[Analysed]) -> Analysed:
    """The analyses of consecutive shares as one: a later share's words and terms that an earlier
    one has take the earlier number, its new ones are numbered after (their first appearance in the
    whole corpus is in that share, in that share's order), its chunk positions shift past the
    earlier chunks."""
    chunks: list[Chunk] = []
    word_numbers: dict[str, int] = {}
    term_numbers: dict[str, int] = {}
    counts: list[np.ndarray] = []
    renumbered: list[tuple[np.ndarray, np.ndarray]] = []
    for part in parts:
        words_to = np.fromiter((word_numbers.setdefault(w, len(word_numbers)) for w in part.words), np.int64,
                               len(part.words))
        share_counts = np.zeros(len(word_numbers), dtype=np.int64)
        share_counts[words_to] = part.word_counts  # a share's words are distinct
        counts.append(share_counts)
        terms_to = np.fromiter((term_numbers.setdefault(t, len(term_numbers)) for t in part.terms), np.int32,
                               len(part.terms))
        renumbered.append((terms_to[part.token_terms], part.token_chunks + np.int32(len(chunks))))
        chunks += part.chunks
    word_counts = np.zeros(len(word_numbers), dtype=np.int64)
    for share_counts in counts:
        word_counts[:len(share_counts)] += share_counts
    return Analysed(chunks, list(word_numbers), word_counts, list(term_numbers),
                    np.concatenate([t for t, _ in renumbered]), np.concatenate([c for _, c in renumbered]),
                    np.concatenate([part.lengths for part in parts]))
