"""The service across process boundaries, with real `guidebot serve` processes: requests in flight
while the index is rebuilt, `serve --watch`, and several workers following one index file."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import httpx
import pytest

from ..conftest import serve, write_doc
from .conftest import AUTH, BROKEN_TOPIC, NEW_TOPIC, TOKEN, search_doc_ids, wait_for

# Over ~20 s: marked slow, and skipped when QUICK=1.
slow = pytest.mark.slow
skip_when_quick = pytest.mark.skipif(os.environ.get("QUICK") == "1", reason="slow; QUICK=1 skips it")
QUESTIONS = ("What are the admission requirements?", "Where is CMU?", "Is the GRE required?",
             "tell me about Stanford", "What is OPT?", "hi", "How much is tuition at MIT?")
# An admin token, no rate limit, and quick checks of the index file.
ADMIN_ENV = {"GUIDEBOT_ADMIN_TOKEN": TOKEN, "GUIDEBOT_RATE_LIMIT_PER_MINUTE": "0",
             "GUIDEBOT_RELOAD_CHECK_SECONDS": "0.2"}


def test_requests_in_flight_during_repeated_reindexing_all_succeed(tmp_path: Path, corpus_copy: Path) -> None:
    with serve(tmp_path, corpus=corpus_copy, env=ADMIN_ENV) as server:
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
    with serve(tmp_path, "--watch", corpus=corpus_copy, env=ADMIN_ENV) as server:
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
    with serve(tmp_path, "--workers", "2", corpus=corpus_copy, env=ADMIN_ENV) as server:
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
