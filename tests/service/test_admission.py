"""Admission of chat and search work (guidebot.service.admission, health.py): off the event loop, a
bounded queue refusing at once when full, a deadline that really stops the work, and readiness
that says so. Blocking is arranged with events, never timed."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from guidebot.budget import BudgetExceeded, Deadline, check_budget, within
from guidebot.chat import Guidebot
from guidebot.conversation import turns
from guidebot.service.admission import Lane, Outcomes, Saturated
from guidebot.service.app import create_app
from guidebot.settings import Settings


def test_a_full_lane_refuses_at_once_and_frees_its_place_when_the_job_ends() -> None:
    release = threading.Event()

    async def scenario() -> tuple[str, bool]:
        lane = Lane("test", threads=1, queue=0)
        first = asyncio.ensure_future(lane.run(release.wait, Deadline.after(30)))
        await asyncio.sleep(0)
        try:
            await lane.run(lambda: "never", Deadline.after(30))
            refused = False
        except Saturated:
            refused = True
        release.set()
        await first
        return await lane.run(lambda: "ran", Deadline.after(30)), refused

    with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever runs in this thread
        assert thread.submit(lambda: asyncio.run(scenario())).result(30) == ("ran", True)


def test_a_deadline_stops_the_work_at_its_next_check() -> None:
    steps = []
    deadline = Deadline.after(60)

    def work() -> None:
        for step in range(1000):
            steps.append(step)
            if step == 3:
                object.__setattr__(deadline, "at", 0.0)  # the budget runs out here
            check_budget()

    with pytest.raises(BudgetExceeded), within(deadline):
        work()
    assert steps == [0, 1, 2, 3]
    check_budget()  # outside `within` there is no deadline


@pytest.fixture
def blocked_chat(bot: Guidebot, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """bot.chat blocks until `release` is set (after setting `started`)."""
    started, release = threading.Event(), threading.Event()
    answer = bot.chat

    def blocking_chat(*args: object, **kwargs: object) -> object:
        started.set()
        release.wait(30)
        return answer(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bot, "chat", blocking_chat)
    yield started, release
    release.set()


def test_a_full_work_queue_answers_503_at_once_and_health_says_busy(bot: Guidebot, blocked_chat) -> None:
    started, release = blocked_chat
    settings = Settings(work_threads=1, work_queue=0, rate_limit_per_minute=0)
    with TestClient(create_app(settings, bot=bot)) as client, ThreadPoolExecutor(1) as pool:
        first = pool.submit(client.post, "/api/chat", json={"message": "Where is CMU?"})
        assert started.wait(30)
        refused = client.post("/api/chat", json={"message": "What is OPT?"})
        health = client.get("/api/health")
        assert client.get("/api/health/live").json()["status"] == "alive"
        release.set()
        assert first.result(30).status_code == 200
        after = client.get("/api/health")
    assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
    assert "busy" in refused.json()["detail"]
    assert health.status_code == 503 and health.json()["status"] == "busy" and not health.json()["ready"]
    assert health.json()["queue"]["light"] == {"running": 1, "waiting": 0, "capacity": 1, "refused": 1}
    assert after.status_code == 200 and after.json()["status"] == "ok"


def test_search_runs_off_the_event_loop(bot: Guidebot, monkeypatch: pytest.MonkeyPatch) -> None:
    started, release = threading.Event(), threading.Event()
    search = bot.search

    def blocking_search(*args: object, **kwargs: object) -> object:
        started.set()
        release.wait(30)
        return search(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bot, "search", blocking_search)
    with TestClient(create_app(Settings(rate_limit_per_minute=0), bot=bot)) as client, ThreadPoolExecutor(1) as pool:
        pending = pool.submit(client.get, "/api/search", params={"q": "scholarships"})
        assert started.wait(30)
        health = client.get("/api/health")  # answered while the search is still running
        release.set()
        assert pending.result(30).status_code == 200
    assert health.status_code == 200 and health.json()["queue"]["light"]["running"] == 1


def test_an_over_budget_chat_stops_its_work_and_answers_503(bot: Guidebot, monkeypatch: pytest.MonkeyPatch) -> None:
    resolved: list[str] = []
    first_turn = threading.Event()
    resolve_turn = turns.resolve_turn

    def slow_resolve_turn(*args: object, **kwargs: object) -> object:
        resolved.append(str(args[1]))
        first_turn.set()
        threading.Event().wait(0.2)  # each turn takes a while; the budget is spent after a few
        return resolve_turn(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(turns, "resolve_turn", slow_resolve_turn)
    history = [{"role": "user", "content": f"tell me about topic {n}"} for n in range(12)]
    settings = Settings(request_timeout_seconds=0.3, rate_limit_per_minute=0)
    with TestClient(create_app(settings, bot=bot)) as client:
        reply = client.post("/api/chat", json={"message": "Where is CMU?", "history": history})
        body = client.get("/api/health").json()
        threading.Event().wait(12 * 0.2)  # time enough for every turn, had the work gone on
    assert reply.status_code == 503 and reply.headers["retry-after"]
    assert "longer than 0.3 s" in reply.json()["detail"]
    assert first_turn.is_set() and len(resolved) < 12  # it stopped instead of finishing in the background
    assert body["queue"]["light"]["running"] == 0


def test_readiness_fails_when_most_recent_requests_failed() -> None:
    outcomes = Outcomes()
    for ok in [True] * 4 + [False] * 8:
        outcomes.record(ok)
    assert outcomes.failure_share() == pytest.approx(8 / 12)
    assert Outcomes().failure_share() == 0.0  # too few to judge


def test_heavy_work_waits_at_its_check_points_while_light_work_is_in_its_lane() -> None:
    from guidebot.service.admission import WorkQueue

    release, heavy_started = threading.Event(), threading.Event()
    steps: list[int] = []

    def light_job() -> str:
        release.wait(30)
        return "light"

    def heavy_job() -> str:
        for step in range(100):
            steps.append(step)
            heavy_started.set()
            check_budget()
        return "heavy"

    async def scenario() -> tuple[str, str, int]:
        work = WorkQueue(threads=2, queue=2, heavy_cost=1000)
        light = asyncio.ensure_future(work.run(light_job, 10, Deadline.after(30)))
        await asyncio.sleep(0.05)
        heavy = asyncio.ensure_future(work.run(heavy_job, 5000, Deadline.after(30)))
        while not heavy_started.is_set():
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)  # were the heavy job not paused, it would finish its 100 steps meanwhile
        progress = len(steps)
        release.set()
        return await light, await heavy, progress

    with ThreadPoolExecutor(1) as thread:
        light, heavy, progress = thread.submit(lambda: asyncio.run(scenario())).result(30)
    assert (light, heavy) == ("light", "heavy") and progress == 1 and len(steps) == 100
