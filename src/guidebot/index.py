"""The BM25 index: BM25Okapi scoring (rank-bm25's semantics, k1 1.5, b 0.75, epsilon 0.25) with
every (term, chunk) impact precomputed at build time in CSR arrays, so a query touches only its
own terms' postings. Also owns the index file: a versioned archive (archive.py: a zip whose
members can be memory-mapped) of JSON and .npy members (never a pickle), with a fingerprint of the
corpus and analysis and a checksum of every member. Loading maps the arrays instead of copying them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from . import archive
from .chunking.table import ChunkTable
from .corpus import Document
from .errors import IndexFileError

FORMAT_NAME = "guidebot-index"
# 3: chunks as arrays (chunking.table), members aligned for memory mapping; 2: chunks as JSON.
FORMAT_VERSION = 3
K1 = 1.5
B = 0.75
EPSILON = 0.25


@dataclass(frozen=True)
class BM25Params:
    k1: float = K1
    b: float = B
    epsilon: float = EPSILON


class BM25:
    """BM25Okapi over tokenised passages. Scores equal `rank_bm25.BM25Okapi.get_scores` (to float
    rounding) for any query, repeated terms counting once per repeat as there."""

    def __init__(self, vocabulary: list[str], indptr: np.ndarray, postings: np.ndarray, impacts: np.ndarray,
                 idf: np.ndarray, doc_count: int) -> None:
        self.vocabulary = vocabulary
        self.term_ids = {term: i for i, term in enumerate(vocabulary)}
        self.indptr = indptr
        self.postings = postings
        self.impacts = impacts
        self.idf = idf
        self.doc_count = doc_count

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]], params: BM25Params = BM25Params()) -> BM25:
        """Impacts of every (term, passage) pair, terms numbered in order of first appearance."""
        lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
        flat = list(itertools.chain.from_iterable(documents))
        vocabulary = list(dict.fromkeys(flat))
        terms = np.fromiter(map({term: i for i, term in enumerate(vocabulary)}.__getitem__, flat), np.int64, len(flat))
        return cls.from_tokens(vocabulary, terms, np.repeat(np.arange(len(documents)), lengths), lengths, params)

    @classmethod
    def from_tokens(cls, vocabulary: list[str], terms: np.ndarray, passages_of: np.ndarray, lengths: np.ndarray,
                    params: BM25Params = BM25Params()) -> BM25:
        """Impacts from numbered tokens: `terms[i]` is token i's position in `vocabulary`, `passages_of[i]`
        its passage's (any order); `lengths[p]` is passage p's token count. The pairs are counted by
        sorting one key per token (term × passages + passage), not by a Counter per passage."""
        doc_count = len(lengths)
        lengths = np.asarray(lengths, dtype=np.int64)
        avgdl = float(lengths.sum()) / doc_count if doc_count else 0.0
        passages = max(doc_count, 1)
        # int32 keys when they fit (half the memory to touch: fresh pages are slow to fault in a VM)
        key_type = np.int32 if len(vocabulary) * passages < 2 ** 31 else np.int64
        keys = terms.astype(key_type)
        keys *= passages
        keys += passages_of.astype(key_type, copy=False)
        keys.sort()
        starts = np.flatnonzero(_first_of_runs(keys))
        term_of, doc_of = np.divmod(keys[starts], passages)
        doc_of = doc_of.astype(np.int32, copy=False)
        tf_of = np.empty(len(starts), dtype=np.float64)  # run lengths, written straight as floats
        np.subtract(starts[1:], starts[:-1], out=tf_of[:-1])
        tf_of[-1:] = len(keys) - starts[-1:]
        df = np.bincount(term_of, minlength=len(vocabulary)).astype(np.float64)
        indptr = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(df.astype(np.int64), out=indptr[1:])
        idf = _okapi_idf(df, doc_count, params.epsilon)
        norm = params.k1 * (1.0 - params.b + params.b * lengths / avgdl) if avgdl else np.full(doc_count, params.k1)
        # idf[t] * (tf * (k1 + 1) / (tf + norm[d])) in place: the same operations (+, * commute exactly)
        impacts = tf_of * (params.k1 + 1.0)
        impacts /= norm[doc_of] + tf_of
        impacts *= idf[term_of]
        return cls(vocabulary, indptr, doc_of, impacts, idf, doc_count)

    def term_idf(self, term: str) -> float | None:
        term_id = self.term_ids.get(term)
        return None if term_id is None else float(self.idf[term_id])

    def document_frequency(self, term: str) -> int:
        term_id = self.term_ids.get(term)
        return 0 if term_id is None else int(self.indptr[term_id + 1] - self.indptr[term_id])

    def scores(self, weights: Mapping[str, float]) -> np.ndarray:
        """Dense scores of every passage for a weighted query (weight = how often the term counts)."""
        found = self._query_postings(weights)
        return self._dense(found) if found else np.zeros(self.doc_count, dtype=np.float64)

    def top(self, weights: Mapping[str, float], k: int, among: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The k best passages as (index, score), best first; ties broken by passage order; only
        passages where `among` (a boolean per passage) is true, when given.

        The query terms' postings are summed into dense scores by one bincount (no sort of the
        candidates). The k-th best score among one term's passages is a lower bound on the k-th best
        overall, so one comparison over the dense scores finds every passage that can be in the top
        k; the rarest term with more than k passages gives a tight bound cheaply.
        """
        found = self._query_postings(weights)
        if not found or k <= 0:
            return []
        passages, values = self._concatenated(found)
        scores = np.bincount(passages, weights=values, minlength=self.doc_count)
        longer = [p for p, _ in found if len(p) > k]
        bound = 0.0
        if longer and among is None:
            sample = scores[min(longer, key=len)]
            bound = float(np.partition(sample, len(sample) - k)[len(sample) - k])
        if among is not None:  # every allowed passage with a query term
            candidates = _distinct(passages[among[passages]])
        elif bound <= 0.0:  # few postings, or negative idfs (a tiny corpus): every passage with a query term
            candidates = _distinct(passages)
        elif len(passages) * 8 < self.doc_count:  # few postings: look only at them, not at every passage
            candidates = _distinct(passages[scores[passages] >= bound])
        else:
            candidates = np.flatnonzero(scores >= bound)
        totals = scores[candidates]
        if len(candidates) > k:
            kth = np.argpartition(-totals, k - 1)[:k]
            keep = np.flatnonzero(totals >= totals[kth].min())
            candidates, totals = candidates[keep], totals[keep]
        order = np.lexsort((candidates, -totals))[:k]
        return [(int(candidates[i]), float(totals[i])) for i in order]

    def _query_postings(self, weights: Mapping[str, float]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(passages, impacts × weight) of each query term in the vocabulary."""
        found = []
        for term, weight in weights.items():
            term_id = self.term_ids.get(term)
            if term_id is not None and weight:
                lo, hi = self.indptr[term_id], self.indptr[term_id + 1]
                impacts = self.impacts[lo:hi]
                found.append((self.postings[lo:hi], impacts * weight if weight != 1.0 else impacts))
        return found

    def _dense(self, found: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        passages, values = self._concatenated(found)
        return np.bincount(passages, weights=values, minlength=self.doc_count)

    @staticmethod
    def _concatenated(found: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        if len(found) == 1:
            return found[0]
        return np.concatenate([p for p, _ in found]), np.concatenate([v for _, v in found])


def _first_of_runs(values: np.ndarray) -> np.ndarray:
    """True where a sorted array's value differs from the one before it."""
    first = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return first


def _distinct(values: np.ndarray) -> np.ndarray:
    """np.unique(values), by a sort: numpy 2.4's hashing unique took 27 µs on 300 values, this 6 µs."""
    ordered = np.sort(values)
    return ordered[_first_of_runs(ordered)]


def _okapi_idf(df: np.ndarray, doc_count: int, epsilon: float) -> np.ndarray:
    """rank-bm25's BM25Okapi idf: log((N - df + 0.5) / (df + 0.5)); negatives → epsilon × mean idf."""
    if len(df) == 0:
        return np.zeros(0, dtype=np.float64)
    idf = np.array([math.log(doc_count - f + 0.5) - math.log(f + 0.5) for f in df.tolist()], dtype=np.float64)
    average = float(sum(idf.tolist())) / len(idf)
    idf[idf < 0] = epsilon * average
    return idf


@dataclass(frozen=True)
class IndexedCorpus:
    """Everything the engine serves from: documents' metadata, chunks, the BM25 index, the word
    frequencies that spelling correction uses, synonym groups, and the build fingerprint."""

    documents: tuple[Document, ...]
    chunks: ChunkTable
    bm25: BM25
    word_frequencies: dict[str, int]
    synonyms: tuple[tuple[str, ...], ...]
    fingerprint: str
    version: str
    profile: dict[str, Any] = field(default_factory=dict)  # the corpus's guidebot.yaml


def save_index(index: IndexedCorpus, path: Path) -> None:
    """Write the index to a temporary file and rename it into place, so readers never see half a file
    (and a process that has the old file mapped keeps reading the old file, whole)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {**index.chunks.columns, "indptr": index.bm25.indptr, "postings": index.bm25.postings,
              "impacts": index.bm25.impacts, "idf": index.bm25.idf}
    members: dict[str, bytes] = {
        "documents.json": orjson.dumps([_document_record(d) for d in index.documents]),
        "chunk_ids.txt": index.chunks.ids.encode(),
        "sections.json": orjson.dumps(index.chunks.sections),
        "vocabulary.json": orjson.dumps(index.bm25.vocabulary),
        "words.json": orjson.dumps(index.word_frequencies),
        "synonyms.json": orjson.dumps([list(g) for g in index.synonyms]),
        "profile.json": orjson.dumps(index.profile),
        **{f"{name}.npy": archive.npy(values) for name, values in arrays.items()},
    }
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "fingerprint": index.fingerprint,
        "version": index.version,
        "doc_count": index.bm25.doc_count,
        "checksums": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()},
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        archive.write(tmp, {"manifest.json": json.dumps(manifest, indent=2).encode(), **members})
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of an index file (cheap: no arrays are read). Raises IndexFileError."""
    try:
        with zipfile.ZipFile(path) as zipped:
            manifest = json.loads(zipped.read("manifest.json"))
    except FileNotFoundError:
        raise IndexFileError(str(path), "the file does not exist") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise IndexFileError(str(path), f"the file is corrupt or not a guidebot index ({exc})") from None
    if manifest.get("format") != FORMAT_NAME:
        raise IndexFileError(str(path), "the file is not a guidebot index")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexFileError(str(path), f"index format {manifest.get('format_version')} is not the supported "
                                        f"format {FORMAT_VERSION}")
    return manifest


def load_index(path: Path) -> IndexedCorpus:
    """Map and verify an index file; raise IndexFileError if anything is missing or altered.

    Every member's SHA-256 is checked (reading the file: ~0.05 s at 100,000 chunks); the arrays
    are then views of a read-only memory map of it (see archive.read), shared by every process
    serving the same file, and chunks are built from them on access (chunking.table)."""
    manifest = read_manifest(path)
    try:
        members = archive.read(path, manifest["checksums"])
    except archive.MemberAltered as exc:
        raise IndexFileError(str(path), f"checksum mismatch in {exc.name} (the file was altered)") from None
    except (archive.ArchiveError, KeyError) as exc:
        raise IndexFileError(str(path), f"the file is truncated or corrupt ({exc})") from None
    try:
        return _from_members(members, manifest)
    except (TypeError, ValueError, KeyError) as exc:
        raise IndexFileError(str(path), f"the file's contents do not match format {FORMAT_VERSION} ({exc})") from None


def _from_members(members: Mapping[str, memoryview], manifest: Mapping[str, Any]) -> IndexedCorpus:
    arrays = {name[:-4]: archive.array(data) for name, data in members.items() if name.endswith(".npy")}
    documents = tuple(_document_from_record(r) for r in orjson.loads(members["documents.json"]))
    chunks = ChunkTable(documents, str(members["chunk_ids.txt"], "utf-8"), orjson.loads(members["sections.json"]),
                        arrays)
    bm25 = BM25(orjson.loads(members["vocabulary.json"]), arrays["indptr"], arrays["postings"], arrays["impacts"],
                arrays["idf"], int(manifest["doc_count"]))
    if bm25.doc_count != len(chunks) or len(bm25.indptr) != len(bm25.vocabulary) + 1:
        raise ValueError("the file's arrays do not match its chunks")
    return IndexedCorpus(documents, chunks, bm25, orjson.loads(members["words.json"]),
                         tuple(tuple(g) for g in orjson.loads(members["synonyms.json"])), manifest["fingerprint"],
                         manifest["version"], orjson.loads(members["profile.json"]))


def _document_record(doc: Document) -> dict[str, Any]:
    record = asdict(doc)
    record["text"] = doc.text
    return record


def _document_from_record(record: dict[str, Any]) -> Document:
    record = {**record, "aliases": tuple(record.get("aliases") or ()), "sources": tuple(record.get("sources") or ()),
              "source_for": tuple((phrase, url) for phrase, url in record.get("source_for") or ())}
    return Document(**record)
