"""Retrieval within some documents or kinds (guidebot.search): the same scores as ranking every chunk,
at a cost that follows the documents asked for, not the corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bench.notes import write_corpus
from guidebot.build import build_index
from guidebot.chat import Guidebot
from guidebot.corpus import load_corpus
from guidebot.search import Scored, Searcher


@pytest.fixture(scope="module")
def many_notes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Guidebot]:
    folder = tmp_path_factory.mktemp("notes") / "corpus"
    write_corpus(folder, 120)
    yield Guidebot(build_index(load_corpus(folder)))


def dense_top(searcher: Searcher, weights: dict[str, float], k: int, allowed: list[int]) -> list[Scored]:
    """The reference: dense scores of every chunk, then the allowed ones ranked (terms summed in
    sorted order, as every search does, so that floats compare equal)."""
    scores = searcher._bm25.scores(dict(sorted(weights.items())))
    indices = np.asarray(sorted(allowed), dtype=np.int64)
    order = np.lexsort((indices, -scores[indices]))[:k]
    return [Scored(int(indices[i]), float(scores[indices[i]])) for i in order if scores[indices[i]] > 0]


QUERIES = ("where is it located", "online master of science machine learning", "school studies campus",
           "admission requirements gre", "zenkalo university")


@pytest.mark.parametrize("query", QUERIES)
def test_search_within_documents_equals_ranking_every_chunk(many_notes: Guidebot, query: str) -> None:
    searcher = many_notes.searcher
    weights = searcher.query_weights(query)
    documents = list(searcher.indexed.documents)
    for chosen in (documents[:1], documents[5:7], documents[40:41], documents[::9]):
        ids = [d.id for d in chosen]
        allowed = [i for d in ids for i in searcher.chunks_of(d)]
        assert searcher.top(weights, 8, doc_ids=ids) == dense_top(searcher, weights, 8, allowed)
    for kinds in (("guide", "topic"), ("program",), ("topic",)):
        allowed = [i for d in documents if d.kind in kinds for i in searcher.chunks_of(d.id)]
        assert searcher.top(weights, 8, kinds=kinds) == dense_top(searcher, weights, 8, allowed)


def test_documents_matching_are_those_a_restricted_search_finds_something_in(many_notes: Guidebot) -> None:
    searcher = many_notes.searcher
    weights = searcher.query_weights("california online")
    matching = searcher.documents_matching(weights, kinds=("program",))
    with_hits = [d for d in searcher.indexed.documents if d.kind == "program" and searcher.top(weights, 1, [d.id])]
    assert matching == with_hits and 0 < len(matching) < 131


def test_search_within_no_or_unknown_documents_is_empty(many_notes: Guidebot, tmp_path: Path) -> None:
    weights = many_notes.searcher.query_weights("machine learning")
    assert many_notes.searcher.top(weights, 5, doc_ids=[]) == []
    assert many_notes.searcher.top(weights, 5, doc_ids=["no-such-note"]) == []


@pytest.mark.parametrize("limit", [0, 1, 256])
def test_search_within_few_chunks_by_dicts_equals_the_array_path(many_notes: Guidebot, limit: int,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Scored by dict lookups (few chunks, terms of few postings), by numpy (`FEW_CHUNKS` 0), or
    falling back to numpy for a term with too many postings (`TERM_MAP_POSTINGS` 0 or 1): equal
    floats, equal order, with weights other than 1 too."""
    from guidebot import search
    searcher = Searcher(many_notes.indexed)
    documents = list(searcher.indexed.documents)
    for query in QUERIES:
        weights = {term: weight * 2.5 for term, weight in searcher.query_weights(query).items()}
        for ids in ([d.id for d in documents[:1]], [d.id for d in documents[3:9]]):
            allowed = [i for d in ids for i in searcher.chunks_of(d)]
            monkeypatch.setattr(search, "TERM_MAP_POSTINGS", limit)
            fast = searcher.top(weights, 8, doc_ids=ids)
            monkeypatch.setattr(search, "FEW_CHUNKS", 0)
            assert fast == searcher.top(weights, 8, doc_ids=ids) == dense_top(searcher, weights, 8, allowed)
            monkeypatch.undo()
