"""The searcher: everything answering needs to know about the index, without its arrays.

Owns the analyser, query expansion (synonyms and university aliases), spelling correction against
the corpus vocabulary, per-sentence and per-heading terms (computed once per chunk), and ranked
retrieval (`top`, optionally within some documents or kinds) returning typed `Scored` hits.
Answering asks it for term weights (`idf`) and hits; only this module touches `BM25`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from .analysis import Analyzer, QueryExpander, SpellingCorrector, words
from .budget import check_budget
from .caches import ByteBoundedCache
from .chunking import Chunk
from .corpus import Document
from .english import english_words
from .index import IndexedCorpus
from .semantic import Neighbours, SentenceMeaning

MAX_QUERY_CORRECTIONS = 16  # distinct unknown words of one query that spelling correction looks up
NAME_SAMPLE = 8  # chunks looked at to tell whether the corpus writes a word as a name
MAX_NAME_FORMS = 50_000  # words whose written form is remembered
# A search within at most this many chunks (a note or two) is scored with plain dict lookups: numpy's
# per-call overhead (five or six calls per term) was most of its cost, ~75 µs per answer.
FEW_CHUNKS = 256
TERM_MAP_POSTINGS = 256  # a term with more postings is looked up with numpy instead (dicts stay cheap to build)
TERM_MAP_BYTES = 8 * 1024 * 1024  # the dicts of chunk -> impact kept, least recently used forgotten


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
        # For retrieval within some documents or kinds: their chunks as sorted arrays, and each
        # chunk's document (its position in `indexed.documents`).
        self._doc_arrays = {doc_id: np.asarray(c, dtype=np.int64) for doc_id, c in self._doc_chunks.items()}
        kind_chunks: dict[str, list[int]] = {}
        for doc in indexed.documents:
            kind_chunks.setdefault(doc.kind, []).extend(self._doc_chunks.get(doc.id, ()))
        self._kind_arrays = {kind: np.sort(np.asarray(c, dtype=np.int64)) for kind, c in kind_chunks.items()}
        self._chunk_doc = np.full(len(indexed.chunks), -1, dtype=np.int64)
        for n, doc in enumerate(indexed.documents):
            self._chunk_doc[np.asarray(self._doc_chunks.get(doc.id, ()), dtype=np.int64)] = n
        self._bm25 = indexed.bm25
        self._max_idf = float(self._bm25.idf.max()) if len(self._bm25.idf) else 1.0
        # A university's aliases all name the same thing, so each expands to the others; a topic's
        # aliases (SEVIS, I-20, F-1) name different things and only steer the focus (see conversation).
        alias_groups = [(d.university or d.title, *d.aliases) for d in indexed.documents
                        if d.aliases and d.kind == "program"]
        self.expander = QueryExpander(self.analyzer, indexed.synonyms, alias_groups)
        self.speller = SpellingCorrector(indexed.word_frequencies)
        # Corpus words an unknown word may mean (WordLlama neighbours), for questions in everyday words.
        self.neighbours = Neighbours(w for w in indexed.word_frequencies if w not in self.analyzer.stop)
        # Which sentences of some passages are closest in meaning to a question (for paraphrases).
        self.meaning = SentenceMeaning(lambda position: self.chunks[position].sentence_texts())
        names = [f"{d.title} {d.university or ''} {' '.join(d.aliases)}" for d in indexed.documents]
        # Words of document titles, university names and aliases: what a capitalised typo may become.
        self.name_words: frozenset[str] = frozenset(words(" ".join(names)))
        self._sentence_terms: dict[int, tuple[frozenset[str], ...]] = {}
        self._context_terms: dict[int, frozenset[str]] = {}
        self._title_index: dict[str, list[int]] | None = None  # title term -> documents, built on first use
        self._name_forms: dict[str, bool] = {}  # word -> the corpus writes it as a name (bounded)
        self._term_maps: ByteBoundedCache[int, dict[int, float]] = ByteBoundedCache(TERM_MAP_BYTES)
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

    def titled(self, terms: Iterable[str]) -> list[Document]:
        """Documents whose title holds any of the terms (stems), in corpus order."""
        index = self._title_index
        if index is None:
            index = {}
            for position, doc in enumerate(self.indexed.documents):
                for term in dict.fromkeys(self.analyzer.terms(doc.title)):
                    index.setdefault(term, []).append(position)
            self._title_index = index
        positions = sorted({p for term in terms for p in index.get(term, ())})
        return [self.indexed.documents[p] for p in positions]

    def written_as_name(self, word: str) -> bool:
        """Does the corpus write this word as a name ("MSIS", "OMSCS": two capitals or more) wherever
        the first chunks that use it do? Then "msis" typed in lowercase is that name all the same.
        Checked once per word, on at most `NAME_SAMPLE` chunks."""
        cached = self._name_forms.get(word)
        if cached is not None:
            return cached
        term_id = self._bm25.term_ids.get(self.analyzer.stem(word))
        found = False
        if term_id is not None and word.isalnum():
            lo, hi = int(self._bm25.indptr[term_id]), int(self._bm25.indptr[term_id + 1])
            pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)
            forms = [m.group(0) for position in self._bm25.postings[lo:min(hi, lo + NAME_SAMPLE)]
                     for m in pattern.finditer(self.chunks[int(position)].text)]
            found = bool(forms) and all(sum(ch.isupper() for ch in form) >= 2 for form in forms)
        with self._lock:
            if len(self._name_forms) < MAX_NAME_FORMS:
                self._name_forms[word] = found
        return found

    def is_known_word(self, word: str) -> bool:
        """A word the corpus uses, a stopword or an English word: never spelling-corrected."""
        return (word in self.speller or word in self.analyzer.stop or word in english_words()
                or self.analyzer.stem(word) in self._bm25.term_ids)

    def chunks_of(self, doc_id: str) -> Sequence[int]:
        return self._doc_chunks.get(doc_id, ())

    def query_weights(self, query: str) -> dict[str, float]:
        """Search weights of a query: spelling-corrected (never a real word), stemmed, expanded.
        Only the first MAX_QUERY_CORRECTIONS distinct unknown words are corrected: a query of
        hundreds of made-up words is not worth a spelling lookup each."""
        terms = []
        tried: set[str] = set()
        for n, word in enumerate(self.analyzer.content_words(query)):
            if n % 16 == 0:
                check_budget()
            corrected = word
            if not self.is_known_word(word) and (word in tried or len(tried) < MAX_QUERY_CORRECTIONS):
                tried.add(word)
                corrected = self.speller.correct(word) or word
            terms.append(self.analyzer.stem(corrected))
        return self.expander.expand(terms).weights()

    def search(self, query: str, k: int = 5) -> list[Scored]:
        """Top-k chunks for a free-text query (spelling-corrected and expanded), best first."""
        return self.top(self.query_weights(query), k)

    def top(self, weights: dict[str, float], k: int, doc_ids: Sequence[str] | None = None,
            kinds: Sequence[str] | None = None) -> list[Scored]:
        """Top-k chunks for term weights, optionally only within some documents or document kinds.
        Terms are summed in sorted order, so that equal questions score equal to the last bit
        whatever order their terms were found in (a set's order changes with the hash seed)."""
        weights = dict(sorted(weights.items()))
        if doc_ids is None and kinds is None:
            return [Scored(i, s) for i, s in self._bm25.top(weights, k)]
        indices = self._allowed(doc_ids, kinds)
        if not len(indices):
            return []
        if len(indices) <= FEW_CHUNKS:
            few = self._top_among_few(weights, indices.tolist(), k)
            if few is not None:
                return few
        scores = self._scores_within(weights, indices)
        order = np.lexsort((indices, -scores))[:k]
        return [Scored(int(indices[i]), float(scores[i])) for i in order if scores[i] > 0]

    def _allowed(self, doc_ids: Sequence[str] | None, kinds: Sequence[str] | None) -> np.ndarray:
        """The chunks of the given documents and/or kinds, ascending (what a restricted search ranks)."""
        if doc_ids is not None:
            parts = [self._doc_arrays[i] for i in dict.fromkeys(doc_ids) if i in self._doc_arrays
                     and (kinds is None or self.documents[i].kind in kinds)]
        else:
            parts = [self._kind_arrays[kind] for kind in dict.fromkeys(kinds or ()) if kind in self._kind_arrays]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return parts[0] if len(parts) == 1 else np.sort(np.concatenate(parts))

    def _top_among_few(self, weights: dict[str, float], positions: list[int], k: int) -> list[Scored] | None:
        """`top` within a few chunks, in plain Python: the same impacts multiplied by the same weights
        and added in the same (sorted term) order as `_scores_within`, so the same floats, ranked by
        score then position as its lexsort does. None when a term has too many postings for a dict."""
        bm25 = self._bm25
        scores = [0.0] * len(positions)
        for term, weight in weights.items():
            term_id = bm25.term_ids.get(term)
            if term_id is None or not weight:
                continue
            impacts = self._term_map(term_id)
            if impacts is None:
                return None
            for j, position in enumerate(positions):
                impact = impacts.get(position)
                if impact is not None:
                    scores[j] += impact * weight
        order = sorted(range(len(positions)), key=lambda j: (-scores[j], positions[j]))[:k]
        return [Scored(positions[j], scores[j]) for j in order if scores[j] > 0]

    def _term_map(self, term_id: int) -> dict[int, float] | None:
        """A term's postings as {chunk position: impact}, memoised; None past TERM_MAP_POSTINGS."""
        found = self._term_maps.get(term_id)
        if found is None:
            bm25 = self._bm25
            lo, hi = int(bm25.indptr[term_id]), int(bm25.indptr[term_id + 1])
            if hi - lo > TERM_MAP_POSTINGS:
                return None
            found = self._term_maps.put(term_id, dict(zip(bm25.postings[lo:hi].tolist(),
                                                          bm25.impacts[lo:hi].tolist(), strict=True)))
        return found

    def _scores_within(self, weights: dict[str, float], indices: np.ndarray) -> np.ndarray:
        """BM25 scores of the chunks `indices` (ascending) only. Few chunks (a note or two): each term's
        postings are searched for them, so the cost does not grow with the corpus; many: all
        scores at once. Both add the terms' impacts in the same order, so the floats are equal."""
        bm25 = self._bm25
        if len(indices) * 8 >= bm25.doc_count:
            return bm25.scores(weights)[indices]
        scores = np.zeros(len(indices), dtype=np.float64)
        for term, weight in weights.items():
            term_id = bm25.term_ids.get(term)
            if term_id is None or not weight:
                continue
            lo, hi = int(bm25.indptr[term_id]), int(bm25.indptr[term_id + 1])
            if hi == lo:
                continue
            postings = bm25.postings[lo:hi]
            at = np.minimum(np.searchsorted(postings, indices), hi - lo - 1)
            found = postings[at] == indices
            if found.any():
                impacts = bm25.impacts[lo:hi][at[found]]
                scores[found] += impacts * weight if weight != 1.0 else impacts
        return scores

    def documents_matching(self, weights: dict[str, float], kinds: Sequence[str]) -> list[Document]:
        """Documents of the given kinds with a chunk holding any weighted term, in corpus order
        (the only ones a search restricted to one of them can find anything in)."""
        bm25 = self._bm25
        postings = [bm25.postings[bm25.indptr[t]:bm25.indptr[t + 1]] for t in
                    (bm25.term_ids.get(term) for term, weight in weights.items() if weight) if t is not None]
        if not postings:
            return []
        positions = np.unique(self._chunk_doc[np.concatenate(postings)])
        documents = self.indexed.documents
        return [documents[p] for p in positions.tolist() if p >= 0 and documents[p].kind in kinds]
