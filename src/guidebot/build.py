"""Building the index and deciding when a saved one is stale.

Owns `build_index` (corpus → chunks → analysed tokens → BM25 impacts, in memory), the build
fingerprint, and the ways a command gets an index: `build_and_save`, `is_stale`, `load_or_build`.
Knows nothing about answering or serving. A large corpus is chunked and analysed in several
processes (one per idle core, each a consecutive share of the documents); the index is the same.

The fingerprint covers everything that changes the built index: every corpus byte, the analysis
version, the shipped word lists the analyser reads (stopwords, stem exceptions), the chunking
constants and the BM25 parameters. Editing any of them makes a saved index stale.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import __version__, chunking
from .analysis import ANALYSIS_VERSION, Analyzer, words
from .chunking import Chunk
from .chunking.numbering import Analysed
from .chunking.numbering import analysed as _analysed
from .chunking.numbering import joined as _joined
from .chunking.table import ChunkTable
from .corpus import Corpus, Document, load_corpus
from .errors import IndexFileError
from .index import BM25, BM25Params, IndexedCorpus, load_index, read_manifest, save_index

log = logging.getLogger("guidebot")

# Shipped data files that change what the index holds (the analyser reads them at build time).
INDEX_DATA_FILES = ("stopwords.txt", "stem_exceptions.txt")
# Chunking and analysis run in several processes when each gets at least this much text (~10,000
# chunks: 4 s of work in one process, against ~0.5 s to start another).
PARALLEL_CHARS_PER_PROCESS = 4_000_000
MAX_PROCESSES = 4


@lru_cache(maxsize=1)
def _build_settings_key() -> str:
    """Everything besides the corpus that the built index depends on, as one string."""
    params = BM25Params()
    data = resources.files("guidebot.data")
    lists = "|".join(f"{name}={hashlib.sha256(data.joinpath(name).read_bytes()).hexdigest()[:16]}"
                     for name in INDEX_DATA_FILES)
    chunk_constants = (f"max={chunking.MAX_CHUNK_CHARS},split={chunking.TARGET_SPLIT_CHARS},"
                       f"merge={chunking.MERGE_TARGET_CHARS},rules={chunking.SPLITTING_RULES},"
                       f"abbrev={','.join(sorted(chunking.ABBREVIATIONS))}")
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
    shares = _shares(corpus.documents, _processes())
    if len(shares) == 1:
        analysed = _analysed(corpus.documents, analyzer, progress)
    else:
        analysed = _analysed_in_parallel(shares, analyzer)
        progress(f"split and analysed {len(corpus.documents)} documents ({len(analysed.chunks)} chunks) in "
                 f"{len(shares)} processes")
    chunks = analysed.chunks
    progress(f"analysed {len(chunks)} chunks; building BM25 impacts")
    bm25 = BM25.from_tokens(analysed.terms, analysed.token_terms, analysed.token_chunks, analysed.lengths)
    frequencies: Counter[str] = Counter()
    for doc in corpus.documents:
        frequencies.update(words(doc.title))
        frequencies.update(words(" ".join(doc.aliases)))
    frequencies.update(dict(zip(analysed.words, analysed.word_counts.tolist(), strict=True)))
    for group in corpus.synonyms:
        frequencies.update(words(" ".join(group)))
    fingerprint = build_fingerprint(corpus.fingerprint)
    version = f"{__version__}+{fingerprint[:12]}"
    return IndexedCorpus(corpus.documents, ChunkTable.of(corpus.documents, chunks), bm25, dict(frequencies),
                         corpus.synonyms, fingerprint, version, corpus.profile)


def _analysed_in_parallel(shares: list[Sequence[Document]], analyzer: Analyzer) -> Analysed:
    """_analysed over consecutive shares of the documents, the first here and each other one in a
    fresh interpreter of its own (not fork: a server rebuilding has threads; not multiprocessing:
    it would re-run the caller's main script), joined in order, so that the result is exactly one
    process's: same chunks, words, terms and counts, numbered in the same orders. A share whose
    process cannot start or fails is done here instead."""
    helpers = [_Helper(share) for share in shares[1:]]
    try:
        parts = [_analysed(shares[0], analyzer)]
        for helper, share in zip(helpers, shares[1:], strict=True):
            parts.append(helper.result() or _analysed(share, analyzer))
    finally:
        for helper in helpers:
            helper.stop()
    return _joined(parts)


class _Helper:
    """One share analysed by `python -c ..._analyse_piped()`: documents pickled to its stdin (by a
    thread, so that this process works meanwhile), its result unpickled from its stdout."""

    def __init__(self, share: Sequence[Document]) -> None:
        self._output: tuple[bytes, bytes] = (b"", b"")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        try:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-c", "from guidebot.build import _analyse_piped; _analyse_piped()"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        except OSError as exc:
            log.warning("could not start a build process (%s); analysing its share here", exc)
            self._process = None
            return
        payload = pickle.dumps(list(share), protocol=pickle.HIGHEST_PROTOCOL)
        self._talker = threading.Thread(target=self._talk, args=(payload,), daemon=True)
        self._talker.start()

    def _talk(self, payload: bytes) -> None:
        assert self._process is not None
        self._output = self._process.communicate(payload)

    def result(self) -> Analysed | None:
        """The share's analysis, or None when the process failed (the reason is logged)."""
        if self._process is None:
            return None
        self._talker.join()
        if self._process.returncode != 0:
            log.warning("a build process failed (%s); analysing its share here", self._output[1][-500:])
            return None
        return pickle.loads(self._output[0])  # written by our own child process

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()


def _analyse_piped() -> None:
    """A helper process of _analysed_in_parallel: documents pickled on stdin, _analysed on stdout."""
    with _collector_paused():
        documents = pickle.load(sys.stdin.buffer)
        pickle.dump(_analysed(documents, Analyzer.create()), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


def _processes() -> int:
    """The cores this process may use that are idle now (by the 1-minute load average): on a
    machine whose other cores are busy, a second process only adds its start-up and the copying."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        idle = cores - os.getloadavg()[0]
    except OSError:
        idle = cores
    return max(1, min(cores, int(idle + 0.5)))


def _shares(documents: Sequence[Document], processes: int) -> list[Sequence[Document]]:
    """Consecutive runs of documents with about equal text, one per process; one run for a corpus
    too small to repay starting a process (about 0.5 s: a new interpreter importing guidebot)."""
    total = sum(len(d.text) for d in documents)
    count = min(processes, MAX_PROCESSES, total // PARALLEL_CHARS_PER_PROCESS)
    if count < 2:
        return [documents]
    shares: list[Sequence[Document]] = []
    start, running = 0, 0
    for i, doc in enumerate(documents):
        running += len(doc.text)
        if running >= total * (len(shares) + 1) / count and len(shares) < count - 1:
            shares.append(documents[start:i + 1])
            start = i + 1
    shares.append(documents[start:])
    return [share for share in shares if share]


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
