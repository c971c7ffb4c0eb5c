"""Keeping the served index current (guidebot.service.lifecycle and .watcher): POST /api/reindex,
the holder's atomic swap of bot and reply cache, following an index file another process wrote,
atomic index files, and the corpus watcher of `serve --watch`."""

from __future__ import annotations

import logging
import weakref
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from guidebot.build import build_index, load_or_build
from guidebot.chat import Guidebot, Turn
from guidebot.corpus import Document, load_corpus
from guidebot.index import load_index, save_index
from guidebot.service.app import create_app
from guidebot.service.lifecycle import BotHolder, Changes, document_changes, rebuild_lock
from guidebot.service.replies import CachedReply, ReplyCache
from guidebot.service.watcher import CorpusWatcher

from ..conftest import CORPUS, write_doc
from .conftest import AUTH, BROKEN_TOPIC, NEW_TOPIC, TOKEN, settings_for


def doc_ids(client: TestClient, query: str) -> set[str]:
    return {r["doc_id"] for r in client.get("/api/search", params={"q": query}).json()["results"]}


def holder_for(corpus: Path, index: Path) -> BotHolder:
    return BotHolder(Guidebot(load_or_build(corpus, index)), corpus, index)


# ---------------------------------------------------------------------------------------------
# POST /api/reindex


def test_reindex_adds_a_new_document_that_search_then_finds(admin_client: TestClient, corpus_copy: Path) -> None:
    before = admin_client.get("/api/health").json()
    assert "quokka-topic" not in doc_ids(admin_client, "quokkas")
    write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
    reply = admin_client.post("/api/reindex", headers=AUTH)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["changes"] == {"added": ["quokka-topic"], "removed": [], "changed": []}
    assert body["documents"] == before["documents"] + 1 and body["chunks"] > before["chunks"]
    assert body["index_version"] != before["index_version"] and body["seconds"] >= 0
    assert admin_client.get("/api/health").json()["index_version"] == body["index_version"]
    hits = admin_client.get("/api/search", params={"q": "quokkas Rottnest"}).json()["results"]
    assert hits[0]["doc_id"] == "quokka-topic"


def test_reindex_reports_changed_and_removed_documents(admin_client: TestClient, corpus_copy: Path) -> None:
    cmu = corpus_copy / "programs" / "cmu.md"
    cmu.write_text(cmu.read_text(encoding="utf-8") + "\nCMU also has a campus in Qatar.\n", encoding="utf-8")
    (corpus_copy / "topics" / "gre.md").unlink()
    body = admin_client.post("/api/reindex", headers=AUTH).json()
    assert body["changes"] == {"added": [], "removed": ["gre"], "changed": ["cmu"]}


def test_reindex_of_an_unchanged_corpus_reports_no_changes(admin_client: TestClient) -> None:
    version = admin_client.get("/api/health").json()["index_version"]
    body = admin_client.post("/api/reindex", headers=AUTH).json()
    assert body["changes"] == {"added": [], "removed": [], "changed": []}
    assert body["index_version"] == version


def test_reindex_of_a_broken_corpus_is_422_listing_every_problem_and_old_index_keeps_serving(
        admin_client: TestClient, corpus_copy: Path) -> None:
    version = admin_client.get("/api/health").json()["index_version"]
    write_doc(corpus_copy, "topics/broken.md", BROKEN_TOPIC)
    write_doc(corpus_copy, "topics/empty.md", "")
    write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
    reply = admin_client.post("/api/reindex", headers=AUTH)
    assert reply.status_code == 422
    body = reply.json()
    assert "guidebot index --check" in body["detail"] and version in body["detail"]
    problems = body["problems"]
    assert {(p["file"], p["field"]) for p in problems} >= {("topics/broken.md", "price"),
                                                           ("topics/broken.md", "id"), ("topics/empty.md", None)}
    assert all(set(p) == {"file", "field", "message", "fix"} and p["fix"] for p in problems)
    assert admin_client.get("/api/health").json()["index_version"] == version
    assert admin_client.post("/api/chat", json={"message": "Where is CMU?"}).json()["answered"]
    assert "quokka-topic" not in doc_ids(admin_client, "quokkas")


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer é".encode()}])
def test_reindex_with_a_missing_or_wrong_token_is_401(admin_client: TestClient,
                                                      headers: dict[str, str | bytes]) -> None:
    reply = admin_client.post("/api/reindex", headers=headers)
    assert reply.status_code == 401
    assert reply.headers["www-authenticate"] == "Bearer"
    assert "GUIDEBOT_ADMIN_TOKEN" in reply.json()["detail"]


def test_reindex_without_a_configured_token_does_not_exist(client: TestClient) -> None:
    assert client.post("/api/reindex", headers=AUTH).status_code == 404
    assert "/api/reindex" not in client.get("/openapi.json").json()["paths"]


def test_reindex_with_a_token_is_documented_in_openapi(admin_client: TestClient) -> None:
    schema = admin_client.get("/openapi.json").json()
    operation = schema["paths"]["/api/reindex"]["post"]
    assert {"200", "401", "409", "422"} <= set(operation["responses"])
    assert operation["security"]


def test_only_one_rebuild_runs_at_a_time(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.gbi"
    app = create_app(settings_for(corpus_copy, index, rate_limit_per_minute=0),
                     bot=Guidebot(load_or_build(corpus_copy, index)))
    with TestClient(app) as client, rebuild_lock(index, blocking=False):  # as if another worker were rebuilding
        reply = client.post("/api/reindex", headers=AUTH)
    assert reply.status_code == 409 and reply.headers["retry-after"]
    assert "another index rebuild is running" in reply.json()["detail"]


def test_reindex_serves_new_answers_not_replies_cached_from_the_old_index(admin_client: TestClient,
                                                                        corpus_copy: Path) -> None:
    question = {"message": "What do quokkas eat on Rottnest Island?"}
    before = admin_client.post("/api/chat", json=question).json()
    before.pop("reply_id")  # each reply gets its own id, cached or not
    again = admin_client.post("/api/chat", json=question).json()
    again.pop("reply_id")
    assert again == before  # served from the cache
    write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
    assert admin_client.post("/api/reindex", headers=AUTH).status_code == 200
    after = admin_client.post("/api/chat", json=question).json()
    assert any(c["doc_id"] == "quokka-topic" for c in after["citations"]), after


# ---------------------------------------------------------------------------------------------
# Document changes


def test_document_changes_compares_text_and_metadata_by_id() -> None:
    a = Document("a", "A", "topic", "a.md", "text", aliases=("x",))
    b = Document("b", "B", "topic", "b.md", "text")
    assert document_changes([a, b], [a, b]) == Changes()
    renamed = Document("a", "A2", "topic", "a.md", "text", aliases=("x",))
    c = Document("c", "C", "topic", "c.md", "text")
    assert document_changes([a, b], [renamed, c]) == Changes(added=("c",), removed=("b",), changed=("a",))


def test_documents_loaded_from_an_index_file_equal_freshly_parsed_ones(tmp_path: Path) -> None:
    fresh = build_index(load_corpus(CORPUS))
    save_index(fresh, tmp_path / "index.gbi")
    assert document_changes(fresh.documents, load_index(tmp_path / "index.gbi").documents) == Changes()


# ---------------------------------------------------------------------------------------------
# The holder: one swap of bot and reply cache


def test_a_rebuild_swaps_in_a_new_bot_with_an_empty_reply_cache(corpus_copy: Path, tmp_path: Path) -> None:
    holder = holder_for(corpus_copy, tmp_path / "index.gbi")
    old = holder.serving
    key = ReplyCache.key("hi", [Turn("user", "hello")])
    assert key is not None
    old.replies.put(key, CachedReply(b"{}", False, "small_talk"))
    write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
    holder.rebuild()
    assert holder.serving is not old and holder.bot is holder.serving.bot is not old.bot
    assert len(holder.serving.replies) == 0 and old.replies.get(key) is not None
    assert "quokka-topic" in {d.id for d in holder.bot.documents}


def test_swapped_out_bots_are_released(corpus_copy: Path, tmp_path: Path) -> None:
    holder = holder_for(corpus_copy, tmp_path / "index.gbi")
    retired = []
    for round_ in range(3):
        retired.append(weakref.ref(holder.bot))
        write_doc(corpus_copy, f"topics/extra-{round_}.md", NEW_TOPIC.replace("quokka-topic", f"extra-{round_}"))
        holder.rebuild()
    assert [ref() for ref in retired] == [None, None, None]  # no cache or task keeps an old index alive


def test_holder_follows_an_index_file_rebuilt_by_another_process(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.gbi"
    holder = holder_for(corpus_copy, index)
    old = holder.bot
    assert not holder.index_file_changed() and not holder.refresh()
    write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
    load_or_build(corpus_copy, index)  # what another worker's reindex does
    assert holder.index_file_changed()
    assert holder.refresh()
    assert holder.bot is not old and "quokka-topic" in {d.id for d in holder.bot.documents}
    assert not holder.index_file_changed() and not holder.refresh()


def test_holder_keeps_serving_when_the_new_index_file_is_damaged(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.gbi"
    holder = holder_for(corpus_copy, index)
    old = holder.bot
    index.write_bytes(index.read_bytes()[:1000])
    assert holder.index_file_changed() and not holder.refresh()
    assert holder.bot is old


# ---------------------------------------------------------------------------------------------
# Index files and the corpus watcher


def test_index_file_is_replaced_atomically_and_leaves_no_temporary_file(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.gbi"
    load_or_build(corpus_copy, index)
    inode = index.stat().st_ino
    write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
    load_or_build(corpus_copy, index)
    assert index.stat().st_ino != inode  # a new file renamed over the old one, never rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_watcher_rebuilds_the_index_file_only_for_a_valid_changed_corpus(corpus_copy: Path, tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    index = tmp_path / "index.gbi"
    load_or_build(corpus_copy, index)
    watcher = CorpusWatcher(corpus_copy, index)
    assert not watcher.rebuild_if_changed()  # nothing changed
    write_doc(corpus_copy, "topics/broken.md", BROKEN_TOPIC)
    with caplog.at_level(logging.WARNING, logger="guidebot"):
        assert not watcher.rebuild_if_changed()
    assert "topics/broken.md: price" in caplog.text
    (corpus_copy / "topics" / "broken.md").unlink()
    write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
    assert watcher.rebuild_if_changed()
    assert "quokka-topic" in {d.id for d in load_index(index).documents}
