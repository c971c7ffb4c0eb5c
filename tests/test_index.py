"""The BM25 index: same scores and top 10 as rank-bm25's BM25Okapi on real text; the index file
round-trips, is never a pickle, is mapped rather than copied, and a damaged or foreign file is
refused (staleness and rebuilding are tests/test_build.py's)."""

from __future__ import annotations

import io
import mmap
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bench.stdlib_text import docstrings
from guidebot import archive
from guidebot.analysis import Analyzer
from guidebot.build import build_index
from guidebot.chunking import chunk_corpus
from guidebot.corpus import load_corpus
from guidebot.errors import IndexFileError
from guidebot.index import BM25, load_index, save_index

from .conftest import CORPUS


@pytest.fixture(scope="module")
def stdlib_tokens() -> list[list[str]]:
    analyzer = Analyzer.create()
    return [analyzer.terms(f"{title} {text}") for title, text in docstrings(3000)]


QUERIES = ["return the value of the environment variable", "socket timeout error", "parse json string",
           "thread lock acquire release", "decode bytes utf-8", "file file file path", "zzzunknownzzz",
           "sort list key reverse", "http request header", "temporary directory"]


def test_scores_match_rank_bm25_on_real_text(stdlib_tokens: list[list[str]]) -> None:
    assert len(stdlib_tokens) >= 2500
    ours = BM25.build(stdlib_tokens)
    reference = BM25Okapi(stdlib_tokens)
    analyzer = Analyzer.create()
    for query in QUERIES:
        terms = analyzer.terms(query)
        expected = reference.get_scores(terms)
        weights: dict[str, float] = {}
        for term in terms:
            weights[term] = weights.get(term, 0.0) + 1.0
        np.testing.assert_allclose(ours.scores(weights), expected, rtol=0, atol=1e-9)
        top = ours.top(weights, 10)
        expected_top = sorted(range(len(expected)), key=lambda i: (-expected[i], i))[:10]
        expected_top = [i for i in expected_top if expected[i] > 0]
        assert [i for i, _ in top] == expected_top, query
        for i, score in top:
            assert abs(score - expected[i]) < 1e-9


def test_negative_idf_terms_use_epsilon_times_average_idf() -> None:
    docs = [["common", "a"], ["common", "b"], ["common", "c"], ["rare"]]
    ours = BM25.build(docs)
    reference = BM25Okapi(docs)
    assert ours.term_idf("common") == pytest.approx(reference.idf["common"])
    np.testing.assert_allclose(ours.scores({"common": 1.0}), reference.get_scores(["common"]), atol=1e-12)


def test_index_file_round_trips_and_is_not_a_pickle(tmp_path: Path) -> None:
    indexed = build_index(load_corpus(CORPUS))
    path = tmp_path / "index.gbi"
    save_index(indexed, path)
    with zipfile.ZipFile(path) as zipped:
        names = zipped.namelist()
        assert "manifest.json" in names
        assert all(n.endswith((".json", ".npy", ".txt")) for n in names)
        for name in names:  # every array is a plain .npy file, readable without guidebot
            if name.endswith(".npy"):
                assert np.load(io.BytesIO(zipped.read(name)), allow_pickle=False) is not None
    loaded = load_index(path)
    assert list(loaded.chunks) == list(indexed.chunks)
    assert loaded.documents == indexed.documents
    assert loaded.fingerprint == indexed.fingerprint
    np.testing.assert_array_equal(loaded.bm25.impacts, indexed.bm25.impacts)


def mapped_file_of(array: np.ndarray) -> object:
    """What an array's memory finally belongs to (following views back to their buffer)."""
    base: object = array
    while isinstance(base, np.ndarray):
        base = base.base
    return base.obj if isinstance(base, memoryview) else base


def test_loaded_arrays_are_aligned_read_only_views_of_the_file_not_copies(tmp_path: Path) -> None:
    path = tmp_path / "index.gbi"
    save_index(build_index(load_corpus(CORPUS)), path)
    loaded = load_index(path)
    arrays = [loaded.bm25.indptr, loaded.bm25.postings, loaded.bm25.impacts, loaded.bm25.idf,
              *loaded.chunks.columns.values()]
    for array in arrays:
        assert isinstance(mapped_file_of(array), mmap.mmap)
        assert not array.flags.writeable
        assert array.ctypes.data % archive.ALIGNMENT == 0


def test_chunks_read_from_the_file_behave_like_the_chunks_chunking_made() -> None:
    corpus = load_corpus(CORPUS)
    made = chunk_corpus(corpus.documents)
    table = build_index(corpus).chunks
    assert len(table) == len(made) and list(table) == made
    assert table[-1] == made[-1] and table[2:5] == made[2:5]
    chunk = table[3]
    assert chunk.sentence_texts() == made[3].sentence_texts()
    assert chunk.text == corpus.by_id()[chunk.doc_id].text[chunk.start:chunk.end]
    assert table.positions[chunk.chunk_id] == 3
    with pytest.raises(IndexError):
        table[len(table)]


def test_truncated_index_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "index.gbi"
    save_index(build_index(load_corpus(CORPUS)), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexFileError, match="corrupt|truncated"):
        load_index(path)


def rewrite_member(path: Path, name: str, change: Callable[[bytes], bytes]) -> None:
    """Alter one member and keep the old manifest, as a damaged or tampered file would."""
    with zipfile.ZipFile(path) as zipped:
        members = {n: zipped.read(n) for n in zipped.namelist()}
    members[name] = change(members[name])
    with zipfile.ZipFile(path, "w") as zipped:
        for member, data in members.items():
            zipped.writestr(member, data)


@pytest.mark.parametrize("member", ["documents.json", "impacts.npy", "sentences.npy", "chunk_ids.txt"])
def test_tampered_index_fails_its_checksum(tmp_path: Path, member: str) -> None:
    path = tmp_path / "index.gbi"
    save_index(build_index(load_corpus(CORPUS)), path)
    rewrite_member(path, member, lambda data: data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(IndexFileError, match=f"checksum mismatch in {member}"):
        load_index(path)


def test_compressed_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index.gbi"
    save_index(build_index(load_corpus(CORPUS)), path)
    with zipfile.ZipFile(path) as zipped:
        members = {n: zipped.read(n) for n in zipped.namelist()}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for member, data in members.items():
            zipped.writestr(member, data)
    with pytest.raises(IndexFileError, match="compressed"):
        load_index(path)


def test_not_an_index_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index.gbi"
    path.write_text("hello")
    with pytest.raises(IndexFileError, match="rebuild|Rebuild"):
        load_index(path)


def test_top_within_allowed_passages_equals_sorting_every_allowed_passage(stdlib_tokens: list[list[str]]) -> None:
    ours = BM25.build(stdlib_tokens)
    analyzer = Analyzer.create()
    rng = np.random.default_rng(16)
    for query in QUERIES:
        weights = {term: 1.0 for term in analyzer.terms(query)}
        scores = ours.scores(weights)
        for share in (0.01, 0.3, 1.0):
            among = rng.random(len(stdlib_tokens)) < share
            allowed = np.flatnonzero(among & (scores != 0))
            expected = sorted(((int(i), float(scores[i])) for i in allowed), key=lambda p: (-p[1], p[0]))[:7]
            assert ours.top(weights, 7, among) == expected, (query, share)
