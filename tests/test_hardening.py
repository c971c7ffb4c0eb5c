"""Rebuilding the index while serving, and the service's defences: admin token, limits, security
headers, request logs, the last-resort 500. In-process through TestClient where the behaviour is
the app's own; real `guidebot serve` processes where it crosses a process boundary (swaps under
load, --watch, several workers)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import weakref
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from guidebot.api import create_app
from guidebot.engine import Engine, load_or_build
from guidebot.index import load_index
from guidebot.lifecycle import Changes, CorpusWatcher, EngineHolder, document_changes, rebuild_lock
from guidebot.middleware import TokenBucketLimiter
from guidebot.settings import Settings

from .conftest import CORPUS, ROOT, free_port, stop_process, wait_until_up, write_doc

TOKEN = "test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NEW_TOPIC = ("---\nid: quokka-topic\ntitle: Quokka facts\nkind: topic\n---\n\n"
             "Quokkas are small marsupials that live on Rottnest Island.\n")
BROKEN_TOPIC = "---\nid: Not An Id\ntitle: Broken\nkind: topic\nprice: 3\n---\n\nText.\n"
# Over ~20 s: marked slow, and skipped when QUICK=1 (the hook lives here: conftest.py is shared).
slow = pytest.mark.slow
skip_when_quick = pytest.mark.skipif(os.environ.get("QUICK") == "1", reason="slow; QUICK=1 skips it")
QUESTIONS = ("What are the admission requirements?", "Where is CMU?", "Is the GRE required?",
             "tell me about Stanford", "What is OPT?", "hi", "How much is tuition at MIT?")


# ---------------------------------------------------------------------------------------------
# Helpers


def settings_for(corpus: Path, index: Path, **overrides: object) -> Settings:
    return Settings(corpus_dir=corpus, index_path=index, admin_token=TOKEN, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def admin_client(corpus_copy: Path, tmp_path: Path) -> Iterator[TestClient]:
    """The app serving a writable corpus copy from its own index file, with an admin token."""
    app = create_app(settings_for(corpus_copy, tmp_path / "index.gbi", rate_limit_per_minute=0))
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def client(engine: Engine) -> Iterator[TestClient]:
    """The app with default limits and no admin token, as most deployments run it."""
    with TestClient(create_app(Settings(), engine=engine)) as test_client:
        yield test_client


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def serve(tmp_path: Path, corpus: Path, *args: str, **env: str) -> Iterator[Server]:
    """A real `guidebot serve` on a free loopback port over `corpus`, with the admin token set."""
    port = free_port()
    log_path = tmp_path / f"serve-{port}.log"
    environment = {**os.environ, "GUIDEBOT_ADMIN_TOKEN": TOKEN, "GUIDEBOT_RATE_LIMIT_PER_MINUTE": "0",
                   "GUIDEBOT_RELOAD_CHECK_SECONDS": "0.2", **env}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "guidebot.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--corpus", str(corpus), "--index", str(tmp_path / "index.gbi"), *args],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_until_up(server.base + "/api/health", timeout=60)
        yield server
    finally:
        stop_process(process, timeout=15)


def wait_for(condition, timeout: float, interval: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def search_doc_ids(base: str, query: str) -> set[str]:
    reply = httpx.get(f"{base}/api/search", params={"q": query, "k": 3}, timeout=10)
    return {r["doc_id"] for r in reply.json()["results"]}


# ---------------------------------------------------------------------------------------------
# POST /api/reindex


def test_reindex_adds_a_new_document_that_search_then_finds(admin_client: TestClient, corpus_copy: Path) -> None:
    before = admin_client.get("/api/health").json()
    assert "quokka-topic" not in {r["doc_id"] for r in admin_client.get("/api/search", params={"q": "quokkas"})
                                  .json()["results"]}
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
    assert "quokka-topic" not in {r["doc_id"] for r in admin_client.get("/api/search", params={"q": "quokkas"})
                                  .json()["results"]}


def test_index_check_lists_every_problem_of_a_broken_corpus(corpus_copy: Path) -> None:
    write_doc(corpus_copy, "topics/broken.md", BROKEN_TOPIC)
    result = subprocess.run([sys.executable, "-m", "guidebot.cli", "index", "--check", "--corpus", str(corpus_copy)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "topics/broken.md: price" in result.stderr and "topics/broken.md: id" in result.stderr
    assert "Traceback" not in result.stderr


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
                     engine=Engine(load_or_build(corpus_copy, index)))
    with TestClient(app) as client, rebuild_lock(index, blocking=False):  # as if another worker were rebuilding
        reply = client.post("/api/reindex", headers=AUTH)
    assert reply.status_code == 409 and reply.headers["retry-after"]
    assert "another index rebuild is running" in reply.json()["detail"]


def test_document_changes_compares_text_and_metadata_by_id() -> None:
    from guidebot.corpus import Document

    a = Document("a", "A", "topic", "a.md", "text", aliases=("x",))
    b = Document("b", "B", "topic", "b.md", "text")
    assert document_changes([a, b], [a, b]) == Changes()
    renamed = Document("a", "A2", "topic", "a.md", "text", aliases=("x",))
    c = Document("c", "C", "topic", "c.md", "text")
    assert document_changes([a, b], [renamed, c]) == Changes(added=("c",), removed=("b",), changed=("a",))


def test_documents_loaded_from_an_index_file_equal_freshly_parsed_ones(tmp_path: Path) -> None:
    from guidebot.corpus import load_corpus
    from guidebot.engine import build_index
    from guidebot.index import save_index

    fresh = build_index(load_corpus(CORPUS))
    save_index(fresh, tmp_path / "index.gbi")
    assert document_changes(fresh.documents, load_index(tmp_path / "index.gbi").documents) == Changes()


def test_swapped_out_engines_are_released(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.gbi"
    holder = EngineHolder(Engine(load_or_build(corpus_copy, index)), corpus_copy, index)
    retired = []
    for round_ in range(3):
        retired.append(weakref.ref(holder.engine))
        write_doc(corpus_copy, f"topics/extra-{round_}.md", NEW_TOPIC.replace("quokka-topic", f"extra-{round_}"))
        holder.rebuild()
    assert [ref() for ref in retired] == [None, None, None]  # no cache or task keeps an old index alive


# ---------------------------------------------------------------------------------------------
# Index files: atomic writes, damage detection, following another process's rebuild


def test_damaged_index_file_is_detected_and_rebuilt_with_a_warning(corpus_copy: Path, tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    index = tmp_path / "index.gbi"
    good = load_or_build(corpus_copy, index)
    with zipfile.ZipFile(index) as archive:  # tamper with one member and keep the old manifest
        members = {name: archive.read(name) for name in archive.namelist()}
    members["chunks.json"] = members["chunks.json"].replace(b"Pittsburgh", b"Pittsburxx")
    with zipfile.ZipFile(index, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with caplog.at_level(logging.WARNING, logger="guidebot"):
        rebuilt = load_or_build(corpus_copy, index)
    assert "checksum mismatch" in caplog.text and "rebuilding" in caplog.text
    assert rebuilt.fingerprint == good.fingerprint
    assert load_index(index).fingerprint == good.fingerprint  # the file was rewritten whole


def test_index_file_is_replaced_atomically_and_leaves_no_temporary_file(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.gbi"
    load_or_build(corpus_copy, index)
    inode = index.stat().st_ino
    write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
    load_or_build(corpus_copy, index)
    assert index.stat().st_ino != inode  # a new file renamed over the old one, never rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_holder_follows_an_index_file_rebuilt_by_another_process(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.gbi"
    holder = EngineHolder(Engine(load_or_build(corpus_copy, index)), corpus_copy, index)
    old = holder.engine
    assert not holder.index_file_changed() and not holder.refresh()
    write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
    load_or_build(corpus_copy, index)  # what another worker's reindex does
    assert holder.index_file_changed()
    assert holder.refresh()
    assert holder.engine is not old and "quokka-topic" in holder.engine.documents
    assert not holder.index_file_changed() and not holder.refresh()


def test_holder_keeps_serving_when_the_new_index_file_is_damaged(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index.gbi"
    holder = EngineHolder(Engine(load_or_build(corpus_copy, index)), corpus_copy, index)
    old = holder.engine
    index.write_bytes(index.read_bytes()[:1000])
    assert holder.index_file_changed() and not holder.refresh()
    assert holder.engine is old


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


# ---------------------------------------------------------------------------------------------
# Limits


def test_body_over_the_limit_is_413_by_content_length(client: TestClient) -> None:
    reply = client.post("/api/chat", content=b'{"message": "' + b"a" * 70_000 + b'"}',
                        headers={"Content-Type": "application/json"})
    assert reply.status_code == 413
    assert "65536 bytes" in reply.json()["detail"]


def test_body_over_the_limit_is_413_when_streamed_without_length(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"message": "'
        for _ in range(20):
            yield b"a" * 4096
        yield b'"}'

    reply = client.post("/api/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert reply.status_code == 413


def test_streamed_body_within_the_limit_reaches_the_route(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"message": "Where is '
        yield b'CMU?"}'

    reply = client.post("/api/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert reply.status_code == 200 and "Pittsburgh" in reply.json()["answer"]


def test_limits_come_from_settings(engine: Engine) -> None:
    settings = Settings(max_message_chars=10, max_history_items=1, max_body_bytes=200, rate_limit_per_minute=0)
    with TestClient(create_app(settings, engine=engine)) as client:
        assert client.post("/api/chat", json={"message": "x" * 11}).status_code == 422
        turn = {"role": "user", "content": "hi"}
        assert client.post("/api/chat", json={"message": "hi", "history": [turn, turn]}).status_code == 422
        assert client.post("/api/chat", json={"message": "hi", "history": [turn]}).status_code == 200
        assert client.post("/api/chat", json={"message": "hi", "history": [turn] * 8}).status_code == 413
        assert client.get("/api/search", params={"q": "x" * 11}).status_code == 422


def test_rate_limit_answers_429_with_retry_after(engine: Engine) -> None:
    with TestClient(create_app(Settings(rate_limit_per_minute=3), engine=engine)) as client:
        statuses = [client.get("/api/search", params={"q": "gre"}).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        limited = client.post("/api/chat", json={"message": "hi"})
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 20
        assert "try again in" in limited.json()["detail"]
        assert client.get("/api/health").status_code == 200  # only chat, search and reindex are limited
        assert client.get("/").status_code == 200


def test_token_bucket_refills_over_time_and_forgets_old_clients() -> None:
    now = [0.0]
    limiter = TokenBucketLimiter(per_minute=60, max_clients=3, clock=lambda: now[0])
    assert all(limiter.take("a") == 0 for _ in range(60))
    assert limiter.take("a") == pytest.approx(1.0)
    now[0] += 1.0
    assert limiter.take("a") == 0  # one token per second
    assert limiter.take("b") == 0  # buckets are per client
    for client in ("c", "d", "e"):
        limiter.take(client)
    assert len(limiter) == 3  # bounded memory


def test_chat_over_the_time_budget_is_503_with_a_clear_message(engine: Engine) -> None:
    settings = Settings(request_timeout_seconds=0.05, rate_limit_per_minute=0)
    slow_history = [{"role": "user", "content": "qwzx plmokn " * 400}] * 4  # spelling correction is slow
    with TestClient(create_app(settings, engine=engine)) as client:
        reply = client.post("/api/chat", json={"message": "Where is CMU?", "history": slow_history})
    assert reply.status_code == 503
    assert "longer than 0.05 s" in reply.json()["detail"] and reply.headers["retry-after"]


def test_bad_settings_value_is_a_clear_cli_error(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "guidebot.cli", "index", "--check"], cwd=ROOT, text=True,
                            capture_output=True, timeout=60, env={**os.environ, "GUIDEBOT_MAX_BODY_BYTES": "lots"})
    assert result.returncode == 2 and "GUIDEBOT_MAX_BODY_BYTES='lots' is not valid" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------------------------------
# Security headers


def inline_hashes(html: str, tag: str) -> set[str]:
    blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.DOTALL)
    return {"'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'" for b in blocks}


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_pages_have_a_csp_allowing_exactly_their_inline_blocks(client: TestClient, path: str) -> None:
    reply = client.get(path)
    csp = dict(part.strip().split(" ", 1) for part in reply.headers["content-security-policy"].split(";"))
    assert csp["default-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert csp["connect-src"] == "'self'" and csp["base-uri"] == "'none'"
    assert set(csp["style-src"].split()) == inline_hashes(reply.text, "style")
    assert set(csp["script-src"].split()) == {"'self'"} | inline_hashes(reply.text, "script")
    assert "unsafe" not in reply.headers["content-security-policy"]
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/api/health", "/api/chunks/nope", "/api/search?q="])
def test_api_responses_have_security_headers(client: TestClient, path: str) -> None:
    reply = client.get(path)
    assert reply.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_widget_script_is_served_without_a_page_csp(client: TestClient) -> None:
    reply = client.get("/widget.js")
    assert reply.status_code == 200 and reply.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in reply.headers  # it runs on foreign pages, under their policy


def test_cors_allows_only_configured_origins_and_exposes_retry_after(engine: Engine) -> None:
    settings = Settings(allowed_origins=("https://uni.example",), rate_limit_per_minute=1)
    with TestClient(create_app(settings, engine=engine)) as client:
        allowed = client.post("/api/chat", json={"message": "hi"}, headers={"Origin": "https://uni.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://uni.example"
        limited = client.post("/api/chat", json={"message": "hi"}, headers={"Origin": "https://uni.example"})
        assert limited.status_code == 429 and limited.headers["access-control-allow-origin"] == "https://uni.example"
        assert "retry-after" in limited.headers["access-control-expose-headers"].lower()
        other = client.get("/api/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


# ---------------------------------------------------------------------------------------------
# Request ids, logs, last-resort errors


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "guidebot.access"]


def test_every_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(client: TestClient) -> None:
    first = client.get("/api/health").headers["x-request-id"]
    second = client.get("/api/health").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{16}", first) and first != second
    assert client.get("/api/health", headers={"X-Request-ID": "proxy-42"}).headers["x-request-id"] == "proxy-42"
    assert client.get("/api/health", headers={"X-Request-ID": "bad id!"}).headers["x-request-id"] != "bad id!"
    assert client.get("/nowhere").headers["x-request-id"]


def test_one_json_log_line_per_request_without_the_question(client: TestClient,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    secret = "Can I get in with my low GPA of 2.1 after my divorce?"
    with caplog.at_level(logging.INFO, logger="guidebot.access"):
        chat = client.post("/api/chat", json={"message": secret})
        client.get("/api/search", params={"q": "divorce GPA"})
        client.get("/api/chunks/unknown-chunk")
    lines = access_lines(caplog)
    assert len(lines) == 3
    first = lines[0]
    assert first["request_id"] == chat.headers["x-request-id"]
    assert first["route"] == "/api/chat" and first["method"] == "POST" and first["status"] == 200
    assert isinstance(first["ms"], float) and first["worker"] == os.getpid()
    assert isinstance(first["answered"], bool) and first["kind"]
    assert lines[1]["route"] == "/api/search" and lines[2]["route"] == "/api/chunks/{chunk_id}"
    assert lines[2]["status"] == 404
    assert "divorce" not in caplog.text and "GPA" not in caplog.text


def test_questions_are_logged_only_when_turned_on(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with TestClient(create_app(Settings(log_questions=True), engine=engine)) as client, \
            caplog.at_level(logging.INFO, logger="guidebot.access"):
        client.post("/api/chat", json={"message": "Where is CMU?"})
    assert access_lines(caplog)[0]["question"] == "Where is CMU?"


def test_unexpected_error_is_a_json_500_with_the_request_id_and_a_logged_traceback(
        engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(), engine=engine)

    @app.get("/api/boom")
    async def boom() -> None:
        raise RuntimeError("kaboom")

    with TestClient(app) as client, caplog.at_level(logging.INFO, logger="guidebot"):
        reply = client.get("/api/boom")
    assert reply.status_code == 500
    body = reply.json()
    assert body["request_id"] == reply.headers["x-request-id"] and body["request_id"] in body["detail"]
    errors = [r for r in caplog.records if r.name == "guidebot.errors"]
    assert errors and errors[0].exc_info and "kaboom" in caplog.text
    assert access_lines(caplog)[0]["status"] == 500


# ---------------------------------------------------------------------------------------------
# Real servers: swaps under load, --watch, several workers


def test_requests_in_flight_during_repeated_reindexing_all_succeed(tmp_path: Path, corpus_copy: Path) -> None:
    with serve(tmp_path, corpus_copy) as server:
        errors: list[str] = []
        done = threading.Event()
        counts = [0]

        def hammer(offset: int) -> None:
            with httpx.Client(base_url=server.base, timeout=30) as http:
                i = offset
                while not done.is_set():
                    try:
                        reply = http.post("/api/chat", json={"message": QUESTIONS[i % len(QUESTIONS)]})
                        if reply.status_code != 200 or "answer" not in reply.json():
                            errors.append(f"{reply.status_code}: {reply.text[:200]}")
                    except httpx.HTTPError as exc:
                        errors.append(repr(exc))
                    counts[0] += 1
                    i += 1

        threads = [threading.Thread(target=hammer, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        versions = set()
        try:
            for round_ in range(4):
                extra = corpus_copy / "topics" / "quokka.md"
                if round_ % 2 == 0:
                    write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
                else:
                    extra.unlink()
                reply = httpx.post(f"{server.base}/api/reindex", headers=AUTH, timeout=60)
                assert reply.status_code == 200, reply.text
                versions.add(reply.json()["index_version"])
                time.sleep(0.3)
        finally:
            done.set()
            for thread in threads:
                thread.join(timeout=60)
        assert errors == []
        assert counts[0] > 20 and len(versions) == 2


def test_serve_watch_rebuilds_on_corpus_edits_and_survives_a_broken_corpus(tmp_path: Path, corpus_copy: Path) -> None:
    with serve(tmp_path, corpus_copy, "--watch") as server:
        assert "quokka-topic" not in search_doc_ids(server.base, "quokkas Rottnest")
        write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
        wait_for(lambda: "quokka-topic" in search_doc_ids(server.base, "quokkas Rottnest"), timeout=20)
        version = httpx.get(f"{server.base}/api/health", timeout=5).json()["index_version"]

        write_doc(corpus_copy, "topics/broken.md", BROKEN_TOPIC)
        wait_for(lambda: "topics/broken.md: price" in server.log(), timeout=20)
        assert httpx.get(f"{server.base}/api/health", timeout=5).json()["index_version"] == version
        assert httpx.post(f"{server.base}/api/chat", json={"message": "Where is CMU?"}, timeout=10).status_code == 200

        (corpus_copy / "topics" / "broken.md").unlink()
        cmu = corpus_copy / "programs" / "cmu.md"
        cmu.write_text(cmu.read_text(encoding="utf-8") + "\nCMU runs a wombat sanctuary.\n", encoding="utf-8")
        wait_for(lambda: "cmu" in search_doc_ids(server.base, "wombat sanctuary"), timeout=20)
    log = server.log()
    assert "Traceback" not in log
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any("corpus changed; rebuilt" in line.get("message", "") for line in lines)


@slow
@skip_when_quick
def test_every_worker_picks_up_a_rebuilt_index(tmp_path: Path, corpus_copy: Path) -> None:
    with serve(tmp_path, corpus_copy, "--workers", "2") as server:
        def health() -> dict:
            with httpx.Client(timeout=5) as fresh:  # a new connection, so either worker may answer
                return fresh.get(f"{server.base}/api/health").json()

        old_workers = wait_for(lambda: (w := {health()["worker"] for _ in range(20)}) and len(w) == 2 and w,
                               timeout=30)
        write_doc(corpus_copy, "topics/quokka.md", NEW_TOPIC)
        reply = httpx.post(f"{server.base}/api/reindex", headers=AUTH, timeout=60)
        assert reply.status_code == 200, reply.text
        new_version = reply.json()["index_version"]

        def all_workers_updated() -> bool:
            seen = [health() for _ in range(20)]
            return {h["worker"] for h in seen} == old_workers and all(h["index_version"] == new_version
                                                                       for h in seen)

        wait_for(all_workers_updated, timeout=20)
    assert "Traceback" not in server.log()


# ---------------------------------------------------------------------------------------------
# The pages in a real browser: the CSP blocks nothing they need


# Run in its own process: the browser suite keeps a sync Playwright running in the test thread,
# and a second one cannot start beside it.
CSP_PROBE = """
import json, sys
from playwright.sync_api import sync_playwright
base, chromium = sys.argv[1], sys.argv[2]
found = {}
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
    for path in ("/", "/embed"):
        page = browser.new_page()
        messages = []
        page.on("console", lambda m: messages.append(m.text))
        page.goto(base + path)
        page.wait_for_function("() => window.Guidebot && window.Guidebot.__mounted", timeout=15000)
        styled = page.evaluate("getComputedStyle(document.body).margin === '0px'")
        answered = None
        if path == "/":
            page.evaluate("() => window.Guidebot.ask('Where is CMU?')")
            page.wait_for_function("() => [...document.querySelectorAll('*')].some(e => e.shadowRoot && "
                                   "e.shadowRoot.textContent.includes('Pittsburgh'))", timeout=15000)
            answered = True
        found[path] = {"violations": [m for m in messages if "Content Security Policy" in m], "styled": styled,
                       "answered": answered}
        page.close()
    browser.close()
print(json.dumps(found))
"""


@pytest.mark.browser
def test_pages_and_widget_work_under_their_csp_in_chromium(live_server: str) -> None:
    chromium = os.environ.get("GUIDEBOT_CHROMIUM", "/usr/bin/chromium")
    if not shutil.which(chromium):
        pytest.skip(f"chromium not found at {chromium}")
    pytest.importorskip("playwright.sync_api")
    result = subprocess.run([sys.executable, "-c", CSP_PROBE, live_server, chromium], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    for path, page in found.items():
        assert page["violations"] == [], path
        assert page["styled"], f"{path}: its inline <style> was blocked"
    assert found["/"]["answered"]
