"""The searcher: everything answering needs to know about the index, without its arrays.

Owns the analyser, query expansion (synonyms and university aliases), spelling correction against
the corpus vocabulary, per-sentence and per-heading terms (computed once per chunk), and ranked
retrieval (`top`, optionally within some documents or kinds) returning typed `Scored` hits.
Answering asks it for term weights (`idf`) and hits; only this module touches `BM25`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from .analysis import Analyzer, QueryExpander, SpellingCorrector, english_words, words
from .chunking import Chunk
from .corpus import Document
from .index import IndexedCorpus


class Scored(NamedTuple):
    """A retrieved chunk: its position in the index and its (BM25) score."""

    position: int
    score: float


class Searcher:
    """Ranked retrieval and per-chunk analysis over one IndexedCorpus; safe to share between threads."""

    def __init__(self, indexed: IndexedCorpus, analyzer: Analyzer | None = None) -> None:
        self.indexed = indexed
        self.analyzer = analyzer or Analyzer.create()
        self.documents: dict[str, Document] = {d.id: d for d in indexed.documents}
        self.chunks: Sequence[Chunk] = indexed.chunks  # built on access from the index's arrays
        self._doc_chunks = indexed.chunks.positions_by_document()
        self._bm25 = indexed.bm25
        self._max_idf = float(self._bm25.idf.max()) if len(self._bm25.idf) else 1.0
        # A university's aliases all name the same thing, so each expands to the others; a topic's
        # aliases (SEVIS, I-20, F-1) name different things and only steer the focus (see conversation).
        alias_groups = [(d.university or d.title, *d.aliases) for d in indexed.documents
                        if d.aliases and d.kind == "program"]
        self.expander = QueryExpander(self.analyzer, indexed.synonyms, alias_groups)
        self.speller = SpellingCorrector(indexed.word_frequencies)
        names = [f"{d.title} {d.university or ''} {' '.join(d.aliases)}" for d in indexed.documents]
        # Words of document titles, university names and aliases: what a capitalised typo may become.
        self.name_words: frozenset[str] = frozenset(words(" ".join(names)))
        self._sentence_terms: dict[int, tuple[frozenset[str], ...]] = {}
        self._context_terms: dict[int, frozenset[str]] = {}
        self._masks: dict[tuple[tuple[str, ...] | None, tuple[str, ...] | None], np.ndarray | None] = {}
        self._lock = threading.Lock()

    @property
    def chunk_positions(self) -> Mapping[str, int]:
        """Chunk id → position in `chunks`."""
        return self.indexed.chunks.positions

    @property
    def vocabulary_size(self) -> int:
        return len(self._bm25.vocabulary)

    @property
    def max_idf(self) -> float:
        """The idf of the rarest indexed term (what an unknown word is weighed against)."""
        return self._max_idf

    def idf(self, term: str) -> float | None:
        """The idf of an index term, or None when no chunk has it."""
        return self._bm25.term_idf(term)

    def has_term(self, term: str) -> bool:
        return term in self._bm25.term_ids

    def sentence_terms(self, position: int) -> tuple[frozenset[str], ...]:
        """Stems of each sentence of a chunk, computed once per chunk and kept."""
        cached = self._sentence_terms.get(position)
        if cached is None:
            chunk = self.chunks[position]
            cached = tuple(frozenset(self.analyzer.terms(s)) for s in chunk.sentence_texts())
            with self._lock:
                self._sentence_terms[position] = cached
        return cached

    def context_terms(self, position: int) -> frozenset[str]:
        """Stems of a chunk's document title and section heading (what the passage is about)."""
        cached = self._context_terms.get(position)
        if cached is None:
            chunk = self.chunks[position]
            cached = frozenset(self.analyzer.terms(f"{chunk.title} {chunk.section or ''}"))
            with self._lock:
                self._context_terms[position] = cached
        return cached

    def is_known_word(self, word: str) -> bool:
        """A word the corpus uses, a stopword or an English word: never spelling-corrected."""
        return (word in self.speller or word in self.analyzer.stop or word in english_words()
                or self.analyzer.stem(word) in self._bm25.term_ids)

    def chunks_of(self, doc_id: str) -> Sequence[int]:
        return self._doc_chunks.get(doc_id, ())

    def query_weights(self, query: str) -> dict[str, float]:
        """Search weights of a query: spelling-corrected (never a real word), stemmed, expanded."""
        terms = []
        for word in self.analyzer.content_words(query):
            corrected = word if self.is_known_word(word) else (self.speller.correct(word) or word)
            terms.append(self.analyzer.stem(corrected))
        return self.expander.expand(terms).weights()

    def search(self, query: str, k: int = 5) -> list[Scored]:
        """Top-k chunks for a free-text query (spelling-corrected and expanded), best first."""
        return self.top(self.query_weights(query), k)

    def top(self, weights: dict[str, float], k: int, doc_ids: Sequence[str] | None = None,
            kinds: Sequence[str] | None = None) -> list[Scored]:
        """Top-k chunks for term weights, optionally only within some documents or document kinds."""
        if doc_ids is None and kinds is None:
            return [Scored(i, s) for i, s in self._bm25.top(weights, k)]
        among = self._allowed(None if doc_ids is None else tuple(doc_ids), None if kinds is None else tuple(kinds))
        if among is None:
            return []
        return [Scored(i, s) for i, s in self._bm25.top(weights, k, among) if s > 0]

    def _allowed(self, doc_ids: tuple[str, ...] | None, kinds: tuple[str, ...] | None) -> np.ndarray | None:
        """A boolean per chunk: in one of `doc_ids` (if given) and of one of `kinds` (if given); None if none is.
        Masks of kinds alone are kept (a handful); masks of documents are made per call."""
        key = (doc_ids, kinds)
        if doc_ids is None and key in self._masks:
            return self._masks[key]
        mask = np.zeros(len(self.chunks), dtype=bool)
        documents = self.indexed.documents if doc_ids is None else [self.documents[i] for i in doc_ids
                                                                       if i in self.documents]
        for doc in documents:
            if kinds is None or doc.kind in kinds:
                positions = self.chunks_of(doc.id)
                if isinstance(positions, range):
                    mask[positions.start:positions.stop] = True
                else:
                    mask[list(positions)] = True
        allowed = mask if mask.any() else None
        if doc_ids is None and len(self._masks) < 16:
            self._masks[key] = allowed
        return allowed
