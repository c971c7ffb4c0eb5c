"""The index's lifecycle and the engine facade: build an IndexedCorpus from a corpus folder,
save/load it, decide when a saved index is stale, and hold everything a request needs (analyzer,
expander, speller, per-sentence terms) so that no corpus text is analysed twice.
The API and CLI talk to `Engine`; the engine knows nothing about HTTP.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .analysis import ANALYSIS_VERSION, Analyzer, QueryExpander, SpellingCorrector, english_words, words
from .chunking import Chunk, chunk_corpus
from .corpus import Corpus, Document, load_corpus
from .errors import IndexFileError
from .index import BM25, BM25Params, IndexedCorpus, load_index, read_manifest, save_index

log = logging.getLogger("guidebot")


def build_fingerprint(corpus_fingerprint: str) -> str:
    """Changes when any corpus byte, the analysis, or the chunking/scoring parameters change."""
    params = BM25Params()
    key = f"{corpus_fingerprint}|analysis={ANALYSIS_VERSION}|k1={params.k1}|b={params.b}|eps={params.epsilon}"
    return hashlib.sha256(key.encode()).hexdigest()


def indexed_text(chunk: Chunk) -> str:
    """What BM25 sees for a chunk: its document title and section heading, then its text."""
    return " \n".join(part for part in (chunk.title, chunk.section or "", chunk.text) if part)


@dataclass(frozen=True)
class BuildReport:
    documents: int
    chunks: int
    vocabulary: int
    seconds: float


Progress = Callable[[str], None]


def _silent(_message: str) -> None:
    pass


def build_index(corpus: Corpus, analyzer: Analyzer | None = None, progress: Progress = _silent) -> IndexedCorpus:
    """Chunk and analyse every document and build the BM25 index (in memory)."""
    analyzer = analyzer or Analyzer.create()
    chunks = chunk_corpus(corpus.documents)
    progress(f"split {len(corpus.documents)} documents into {len(chunks)} chunks")
    # Each chunk's text is tokenised once, for its index terms and for the word frequencies; the
    # words of indexed_text(c) are exactly those of its title, section and text, one after another.
    chunk_words: Counter[str] = Counter()
    heading_words: dict[tuple[str, str | None], list[str]] = {}
    tokens = []
    for n, chunk in enumerate(chunks, start=1):
        text_words = words(chunk.text)
        chunk_words.update(text_words)
        head = heading_words.get((chunk.title, chunk.section))
        if head is None:
            head = heading_words[(chunk.title, chunk.section)] = words(chunk.title) + words(chunk.section or "")
        tokens.append(analyzer.terms_of(head + text_words))
        if n % 20000 == 0:
            progress(f"analysed {n}/{len(chunks)} chunks")
    progress(f"analysed {len(chunks)} chunks; building BM25 impacts")
    bm25 = BM25.build(tokens)
    frequencies: Counter[str] = Counter()
    for doc in corpus.documents:
        frequencies.update(words(doc.title))
        frequencies.update(words(" ".join(doc.aliases)))
    frequencies.update(chunk_words)
    for group in corpus.synonyms:
        frequencies.update(words(" ".join(group)))
    version = f"{__version__}+{build_fingerprint(corpus.fingerprint)[:12]}"
    return IndexedCorpus(corpus.documents, tuple(chunks), bm25, dict(frequencies), corpus.synonyms,
                         build_fingerprint(corpus.fingerprint), version)


def build_and_save(corpus_dir: Path, index_path: Path,
                   progress: Progress = _silent) -> tuple[IndexedCorpus, BuildReport]:
    """Validate the corpus, build, and atomically write the index file. Raises CorpusError."""
    started = time.perf_counter()
    corpus = load_corpus(corpus_dir)
    progress(f"read and validated {len(corpus.documents)} documents")
    indexed = build_index(corpus, progress=progress)
    save_index(indexed, index_path)
    progress(f"wrote {index_path}")
    report = BuildReport(len(indexed.documents), len(indexed.chunks), len(indexed.bm25.vocabulary),
                         time.perf_counter() - started)
    return indexed, report


def is_stale(corpus_dir: Path, index_path: Path) -> bool:
    """True when the index file is missing or was built from other corpus bytes or analysis."""
    try:
        manifest = read_manifest(index_path)
    except IndexFileError:
        return True
    return manifest.get("fingerprint") != build_fingerprint(load_corpus(corpus_dir).fingerprint)


def load_or_build(corpus_dir: Path, index_path: Path) -> IndexedCorpus:
    """The index for `corpus_dir`: loaded when fresh, rebuilt when missing, stale or damaged."""
    corpus = load_corpus(corpus_dir)
    fingerprint = build_fingerprint(corpus.fingerprint)
    if Path(index_path).exists():
        try:
            indexed = load_index(index_path)
            if indexed.fingerprint == fingerprint:
                return indexed
            log.info("index %s is stale; rebuilding from %s", index_path, corpus_dir)
        except IndexFileError as exc:
            log.warning("%s; rebuilding it from the corpus", exc)
    indexed = build_index(corpus)
    save_index(indexed, index_path)
    return indexed


class Engine:
    """Serves searches and chats from one IndexedCorpus; safe to share between threads."""

    def __init__(self, indexed: IndexedCorpus, analyzer: Analyzer | None = None) -> None:
        self.indexed = indexed
        self.analyzer = analyzer or Analyzer.create()
        self.documents: dict[str, Document] = {d.id: d for d in indexed.documents}
        self.chunks: Sequence[Chunk] = indexed.chunks
        self.chunk_positions = {c.chunk_id: i for i, c in enumerate(indexed.chunks)}
        self._doc_chunks: dict[str, list[int]] = {}
        for i, c in enumerate(indexed.chunks):
            self._doc_chunks.setdefault(c.doc_id, []).append(i)
        self.bm25 = indexed.bm25
        # A university's aliases all name the same thing, so each expands to the others; a topic's
        # aliases (SEVIS, I-20, F-1) name different things and only steer the focus (see dialogue).
        alias_groups = [(d.university or d.title, *d.aliases) for d in indexed.documents
                        if d.aliases and d.kind == "program"]
        self.expander = QueryExpander(self.analyzer, indexed.synonyms, alias_groups)
        self.speller = SpellingCorrector(indexed.word_frequencies)
        self._sentence_terms: dict[int, tuple[frozenset[str], ...]] = {}
        self._context_terms: dict[int, frozenset[str]] = {}
        self._lock = threading.Lock()
        # Per-engine memo for derived data (suggestion pool, entity patterns, the API's recent
        # replies), filled on first use; a rebuilt index is a new engine with an empty memo.
        self.memo: dict[str, object] = {}

    @property
    def version(self) -> str:
        return self.indexed.version

    def sentence_terms(self, chunk_index: int) -> tuple[frozenset[str], ...]:
        """Stems of each sentence of a chunk, computed once per chunk and kept."""
        cached = self._sentence_terms.get(chunk_index)
        if cached is None:
            chunk = self.chunks[chunk_index]
            cached = tuple(frozenset(self.analyzer.terms(s)) for s in chunk.sentence_texts())
            with self._lock:
                self._sentence_terms[chunk_index] = cached
        return cached

    def context_terms(self, chunk_index: int) -> frozenset[str]:
        """Stems of a chunk's document title and section heading (what the passage is about)."""
        cached = self._context_terms.get(chunk_index)
        if cached is None:
            chunk = self.chunks[chunk_index]
            cached = frozenset(self.analyzer.terms(f"{chunk.title} {chunk.section or ''}"))
            with self._lock:
                self._context_terms[chunk_index] = cached
        return cached

    def is_known_word(self, word: str) -> bool:
        """A word the corpus uses, a stopword or an English word: never spelling-corrected."""
        return (word in self.speller or word in self.analyzer.stop or word in english_words()
                or self.analyzer.stem(word) in self.bm25.term_ids)

    def name_words(self) -> frozenset[str]:
        """Words of document titles, university names and aliases: what a capitalised typo may become."""
        cached = self.memo.get("name_words")
        if cached is None:
            names = [f"{d.title} {d.university or ''} {' '.join(d.aliases)}" for d in self.indexed.documents]
            cached = frozenset(words(" ".join(names)))
            self.memo["name_words"] = cached
        return cached  # type: ignore[return-value]

    def chunks_of(self, doc_id: str) -> list[int]:
        return self._doc_chunks.get(doc_id, [])

    def search(self, query: str, k: int = 5) -> list[tuple[Chunk, float]]:
        """Top-k chunks for a free-text query (spelling-corrected and expanded), best first."""
        weights = self.query_weights(query)
        return [(self.chunks[i], score) for i, score in self.bm25.top(weights, k)]

    def query_weights(self, query: str) -> dict[str, float]:
        """Search weights of a query: spelling-corrected (never a real word), stemmed, expanded."""
        terms = []
        for word in self.analyzer.content_words(query):
            corrected = word if self.is_known_word(word) else (self.speller.correct(word) or word)
            terms.append(self.analyzer.stem(corrected))
        return self.expander.expand(terms).weights()
