"""Building the index and deciding when a saved one is stale.

Owns `build_index` (corpus → chunks → analysed tokens → BM25 impacts, in memory), the build
fingerprint, and the ways a command gets an index: `build_and_save`, `is_stale`, `load_or_build`.
Knows nothing about answering or serving.

The fingerprint covers everything that changes the built index: every corpus byte, the analysis
version, the shipped word lists the analyser reads (stopwords, stem exceptions), the chunking
constants and the BM25 parameters. Editing any of them makes a saved index stale.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import __version__, chunking
from .analysis import ANALYSIS_VERSION, Analyzer, words
from .chunking import Chunk, chunk_corpus
from .chunking.table import ChunkTable
from .corpus import Corpus, load_corpus
from .errors import IndexFileError
from .index import BM25, BM25Params, IndexedCorpus, load_index, read_manifest, save_index

log = logging.getLogger("guidebot")

# Shipped data files that change what the index holds (the analyser reads them at build time).
INDEX_DATA_FILES = ("stopwords.txt", "stem_exceptions.txt")


@lru_cache(maxsize=1)
def _build_settings_key() -> str:
    """Everything besides the corpus that the built index depends on, as one string."""
    params = BM25Params()
    data = resources.files("guidebot.data")
    lists = "|".join(f"{name}={hashlib.sha256(data.joinpath(name).read_bytes()).hexdigest()[:16]}"
                     for name in INDEX_DATA_FILES)
    chunk_constants = (f"max={chunking.MAX_CHUNK_CHARS},split={chunking.TARGET_SPLIT_CHARS},"
                       f"merge={chunking.MERGE_TARGET_CHARS},abbrev={','.join(sorted(chunking.ABBREVIATIONS))}")
    return (f"analysis={ANALYSIS_VERSION}|k1={params.k1}|b={params.b}|eps={params.epsilon}|"
            f"chunking={chunk_constants}|{lists}")


def build_fingerprint(corpus_fingerprint: str) -> str:
    """Changes when any corpus byte, the analysis, its word lists, or the chunking/scoring parameters change."""
    return hashlib.sha256(f"{corpus_fingerprint}|{_build_settings_key()}".encode()).hexdigest()


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
    with _collector_paused():
        return _build_index(corpus, analyzer or Analyzer.create(), progress)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A build makes millions of objects (chunks, sentence spans, token lists) and no cycles; with
    the cyclic collector on, it rescans them again and again as they accumulate (1-2 s at 100k)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _build_index(corpus: Corpus, analyzer: Analyzer, progress: Progress) -> IndexedCorpus:
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
    fingerprint = build_fingerprint(corpus.fingerprint)
    version = f"{__version__}+{fingerprint[:12]}"
    return IndexedCorpus(corpus.documents, ChunkTable.of(corpus.documents, chunks), bm25, dict(frequencies),
                         corpus.synonyms, fingerprint, version, corpus.profile)


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
