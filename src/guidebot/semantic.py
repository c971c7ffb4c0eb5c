"""Word neighbours: for a word the corpus never uses, the corpus words closest in meaning.

Students ask in everyday words ("paid", "undergrad", "odds") that the notes do not use ("pay",
"undergraduates", "chances"). Literal overlap then finds nothing, so coverage sinks even when the
sentence that answers was picked. Neighbours come from WordLlama's static token embeddings, whose
256-dimensional weights ship inside its wheel (loaded from the installed package, never
downloaded): the cosine similarity of the word's embedding to each corpus word's.

Chosen by measurement over the gold set's tune split (see README, "How answers are built"): a
word-level WordLlama neighbour at cosine ≥ 0.6 maps most paraphrase words to the corpus word a
person would (paid → pay, undergrad → undergraduates, borrow → loan, nearest → closest) while
unrelated words stay below it. WordNet (Debian's wordnet-base, read by nltk's reader once its
folder is on nltk's data path and the `lexnames` file the package lacks is supplied) was measured
as a second source: its synonyms, derived forms and next broader or narrower words that the corpus
uses, kept at WordLlama cosine ≥ 0.3 or 0.4, passed no more gold cases (bench/RESULTS.md, 2026-12-01
third session), and it costs 2.6 s and ~115 MB to open, so it is not used.

Work is bounded: the corpus vocabulary is embedded once per index, on first use; each asked word
is embedded once and its neighbours are kept in a bounded cache.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("guidebot")


_MODEL_LOCK = threading.Lock()


def _model() -> Any | None:
    """The WordLlama model from its wheel, loaded once per process (the first caller loads it, the
    others wait), or None when it is not installed (neighbours then off)."""
    with _MODEL_LOCK:
        return _load_model()


@lru_cache(maxsize=1)
def _load_model() -> Any | None:
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:  # pragma: no cover - a declared dependency; tolerated for minimal installs
        log.warning("wordllama is not installed: questions are matched by their literal words only")
        return None
    logging.getLogger("wordllama").setLevel(logging.WARNING)
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


class Neighbours:
    """Corpus words closest in meaning to a word, by WordLlama cosine similarity. The caller decides
    which are close enough (policy `neighbour_threshold`); `threshold` only trims what is kept."""

    def __init__(self, vocabulary: Iterable[str], threshold: float = 0.0, count: int = 2,
                 cache_entries: int = 20_000) -> None:
        self._words = sorted({w for w in vocabulary if w.isalpha() and len(w) >= 3})
        self.threshold = threshold
        self.count = count
        self._matrix: np.ndarray | None = None
        self._cache: OrderedDict[str, tuple[tuple[str, float], ...]] = OrderedDict()
        self._cache_entries = cache_entries
        self._lock = threading.Lock()

    def _vocabulary_matrix(self) -> np.ndarray | None:
        if self._matrix is None:
            model = _model()
            if model is None or not self._words:
                return None
            with self._lock:
                if self._matrix is None:
                    self._matrix = np.asarray(model.embed(self._words, norm=True), dtype=np.float32)
        return self._matrix

    def warm(self) -> None:
        self._vocabulary_matrix()

    def of(self, word: str) -> tuple[tuple[str, float], ...]:
        """Up to `count` corpus words with cosine ≥ `threshold`, closest first (not the word itself)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        matrix = self._vocabulary_matrix()
        found: tuple[tuple[str, float], ...] = ()
        if matrix is not None:
            model = _model()
            vector = np.asarray(model.embed([word], norm=True), dtype=np.float32)[0]  # type: ignore[union-attr]
            sims = matrix @ vector
            top = np.argsort(-sims)[: self.count + 1]
            found = tuple((self._words[i], float(sims[i])) for i in top
                          if sims[i] >= self.threshold and self._words[i] != word)[: self.count]
        with self._lock:
            self._cache[word] = found
            if len(self._cache) > self._cache_entries:
                self._cache.popitem(last=False)
        return found


class SentenceMeaning:
    """How close in meaning a question is to the sentences of some passages (WordLlama mean-pooled
    embeddings, cosine). Each passage's sentences are embedded once, on first use, and kept in a
    bounded cache; a question is embedded once per call."""

    def __init__(self, sentences_of: Any, cache_entries: int = 20_000) -> None:
        self._sentences_of = sentences_of  # position -> list of sentence texts
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._cache_entries = cache_entries
        self._lock = threading.Lock()

    def _vectors(self, position: int) -> np.ndarray | None:
        cached = self._cache.get(position)
        if cached is not None:
            return cached
        model = _model()
        texts = self._sentences_of(position)
        if model is None or not texts:
            return None
        vectors = np.asarray(model.embed(texts, norm=True), dtype=np.float32)
        with self._lock:
            self._cache[position] = vectors
            if len(self._cache) > self._cache_entries:
                self._cache.popitem(last=False)
        return vectors

    def closest(self, question: str, positions: Iterable[int]) -> list[tuple[float, int, int]]:
        """(cosine, position, sentence index) of every sentence of the passages, closest first."""
        model = _model()
        if model is None:
            return []
        q = np.asarray(model.embed([question], norm=True), dtype=np.float32)[0]
        found = []
        for position in positions:
            vectors = self._vectors(position)
            if vectors is None:
                continue
            for index, similarity in enumerate(vectors @ q):
                found.append((float(similarity), position, index))
        return sorted(found, key=lambda item: (-item[0], item[1], item[2]))
