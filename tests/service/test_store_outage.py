"""Real servers recording under load: chat answers throughout a PostgreSQL outage and every
event is in the database afterwards; a graceful shutdown writes what was still queued."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from ..conftest import serve
from .conftest import wait_for

QUESTIONS = ["where is CMU?", "What is the tuition at Stanford?", "Does Stanford have an online option?",
             "tell me about Purdue", "What are the admission requirements?"]
ENV = {"GUIDEBOT_RATE_LIMIT_PER_MINUTE": "0", "GUIDEBOT_SECRET": "outage-test-secret-0123456789abcdef"}


def count_turns(url: str) -> int:
    from guidebot.service.store import Store

    store = Store(url)
    try:
        return store.count("turns")
    finally:
        store.close()


def chat_until(base: str, stop: threading.Event, statuses: list[int], seen_errors: list[str]) -> None:
    with httpx.Client(base_url=base, timeout=15) as client:
        n = 0
        while not stop.is_set() and n < 5000:  # bounded, whatever happens
            reply = client.post("/api/chat", json={"message": QUESTIONS[n % len(QUESTIONS)], "history": []})
            statuses.append(reply.status_code)
            if reply.status_code != 200 or "reply_id" not in reply.json():
                seen_errors.append(reply.text[:200])
            n += 1


def test_chat_answers_through_a_postgres_outage_and_no_event_is_lost(postgres, tmp_path: Path) -> None:
    url = postgres.new_database()
    statuses: list[int] = []
    errors: list[str] = []
    stop = threading.Event()
    try:
        with serve(tmp_path, env={**ENV, "GUIDEBOT_DATABASE_URL": url}) as server:
            health = server.base + "/api/health"
            wait_for(lambda: httpx.get(health, timeout=5).json()["recording"]["ready"], timeout=20)
            clients = [threading.Thread(target=chat_until, args=(server.base, stop, statuses, errors))
                       for _ in range(3)]
            for c in clients:
                c.start()
            time.sleep(1.0)
            postgres.stop("fast")
            answered_before_outage = len(statuses)
            down = wait_for(lambda: (lambda r: r if r["last_error"] and r["queued"] else None)(
                httpx.get(health, timeout=5).json()["recording"]), timeout=15)
            time.sleep(1.5)
            assert len(statuses) > answered_before_outage + 20  # chat kept answering while it was down
            postgres.start()
            time.sleep(1.0)
            stop.set()
            for c in clients:
                c.join(timeout=30)
            recovered = wait_for(lambda: (lambda r: r if r["queued"] == 0 and r["last_error"] is None else None)(
                httpx.get(health, timeout=5).json()["recording"]), timeout=20)
        assert not errors and set(statuses) == {200}
        assert down["retries"] >= 1 and recovered["dropped"] == 0
        assert count_turns(url) == len(statuses)
    finally:
        stop.set()
        if not postgres.running():
            postgres.start()


def test_a_graceful_shutdown_writes_what_is_still_queued(tmp_path: Path) -> None:
    with serve(tmp_path, env=ENV) as server, httpx.Client(base_url=server.base, timeout=10) as client:
        for n in range(40):
            assert client.post("/api/chat", json={"message": QUESTIONS[n % len(QUESTIONS)]}).status_code == 200
    # serve() has stopped the process with SIGTERM: uvicorn's shutdown ran the lifespan's flush
    assert count_turns(f"sqlite:///{tmp_path / 'guidebot.db'}") == 40
    assert "dropped" not in server.log()
