"""Admission of chat and search work: a bounded queue in front of a bounded thread pool, in two lanes,
so the event loop never computes an answer and a burst of costly requests cannot hold every thread.

Each lane has `threads` threads and room for `queue` more waiting requests. A request that finds its
lane full is refused at once (`Saturated`: 503 with Retry-After), as Elasticsearch's bounded
pools do, instead of waiting behind work that will not finish in time. Light requests (most of
them) and heavy ones (long messages, histories or queries, text that grows under normalisation)
go to separate lanes, by a cost estimated before any work. The heavy lane has one thread, and
ordinary work goes first: while any other request is being handled, the heavy job waits at its
next budget check point (`Priority`), so in one process (one interpreter lock) costly requests
only use the CPU that ordinary ones leave.

Every job runs under its request's `Deadline`; past it the job's cooperative checks stop it
(`BudgetExceeded`), and the waiting request is answered 503 at the deadline even if the job
is inside a step that does not check. A lane counts a job until its thread is really free, so
`/api/health` reports occupancy honestly. `Outcomes` keeps the recent results that readiness is
judged on.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import orjson
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ..chat import BudgetExceeded, Deadline, yielding
from .inputs import InputTooLong
from .workers import WorkerThreads

T = TypeVar("T")
GRACE_SECONDS = 0.25  # how long past its deadline a request waits for a job that has not noticed it


class Saturated(Exception):
    """The lane's threads and queue are all taken; try again shortly."""

    def __init__(self, lane: str, retry_after: int = 1) -> None:
        self.lane = lane
        self.retry_after = retry_after
        super().__init__(f"the server is busy ({lane} work queue full); try again in {retry_after} s")


class Priority:
    """Ordinary work first: a heavy job waits at its check points while any other request is being
    handled by the app (counted by `ActivityMiddleware`, inside the body limit, so a client
    trickling a body does not count) or any light job is queued or running. The event loop and
    the light threads then have the interpreter lock to themselves; the heavy job uses the gaps."""

    def __init__(self) -> None:
        self.active = 0  # requests inside the app, heavy ones included (changed on the event loop only)
        self.light_lane: Lane | None = None
        self.heavy_lane: Lane | None = None
        self._changed = threading.Condition()
        self._waiting = 0  # heavy jobs waiting (changed under the condition's lock)

    def heavy(self, job: Callable[[], T]) -> Callable[[], T]:
        def run() -> T:
            with yielding(self._wait):
                return job()
        return run

    def enter(self) -> None:
        self.active += 1

    def leave(self) -> None:
        self.active -= 1
        if not self._busy():
            self.changed()

    def changed(self) -> None:
        if self._waiting:  # read without the lock: taking it on every request would hand the heavy
            with self._changed:  # thread the interpreter lock each time
                self._changed.notify_all()

    def _busy(self) -> bool:
        heavy = self.heavy_lane.in_flight if self.heavy_lane is not None else 0
        light = self.light_lane.in_flight if self.light_lane is not None else 0
        return light > 0 or self.active - heavy > 0

    def _wait(self, deadline: Deadline | None) -> None:
        if not self._busy():
            return
        with self._changed:
            self._waiting += 1
            try:
                while self._busy():
                    remaining = deadline.remaining() if deadline is not None else 1.0
                    if remaining <= 0:
                        return  # out of time: the check raises BudgetExceeded
                    self._changed.wait(min(remaining, 0.05))
            finally:
                self._waiting -= 1


class ActivityMiddleware:
    """Counts the requests inside the app for `Priority` (plain ASGI, on the event loop)."""

    def __init__(self, app: ASGIApp, priority: Priority) -> None:
        self.app = app
        self.priority = priority

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.priority.enter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.priority.leave()


class Lane:
    """`threads` worker threads and up to `queue` waiting jobs; `run` is called on the event loop only.
    `wrap` adapts each job to the lane's priority (see `Priority`)."""

    def __init__(self, name: str, threads: int, queue: int,
                 wrap: Callable[[Callable[[], Any]], Callable[[], Any]] = lambda job: job,
                 on_finished: Callable[[], None] = lambda: None) -> None:
        self.name = name
        self.threads = threads
        self.capacity = threads + queue
        self.in_flight = 0  # jobs submitted and not yet finished by their thread
        self.refused = 0
        self._wrap = wrap
        self._on_finished = on_finished
        self._threads = WorkerThreads(threads, f"guidebot-{name}")

    @property
    def running(self) -> int:
        return min(self.in_flight, self.threads)

    @property
    def waiting(self) -> int:
        return max(0, self.in_flight - self.threads)

    @property
    def full(self) -> bool:
        return self.in_flight >= self.capacity

    async def run(self, job: Callable[[], T], deadline: Deadline) -> T:
        """Run `job` on a thread of this lane and return its result. Raises Saturated at once when
        the lane is full, BudgetExceeded when the deadline passes first."""
        if self.full:
            self.refused += 1
            raise Saturated(self.name)
        self.in_flight += 1
        future = self._threads.submit(partial(contextvars.copy_context().run, self._wrap(job)))
        future.add_done_callback(self._finished)
        # Wait for the job or the deadline, whichever comes first; the job is never cancelled (as
        # with asyncio.shield): its thread stays counted until it is really free.
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()

        def wake(_: object = None) -> None:
            if not woken.done():
                woken.set_result(None)

        future.add_done_callback(wake)
        timer = loop.call_later(max(0.0, deadline.remaining()) + GRACE_SECONDS, wake)
        try:
            await woken
        finally:
            timer.cancel()
        if not future.done():
            raise BudgetExceeded(deadline.seconds)
        return future.result()

    def _finished(self, future: asyncio.Future[object]) -> None:
        self.in_flight -= 1
        if not self.in_flight:
            self._on_finished()
        if not future.cancelled():
            future.exception()  # retrieved, so an abandoned job's error is not reported as unhandled

    def describe(self) -> dict[str, int]:
        return {"running": self.running, "waiting": self.waiting, "capacity": self.capacity,
                "refused": self.refused}

    def shutdown(self) -> None:
        self._threads.shutdown()


class WorkQueue:
    """The two lanes: `light` for ordinary requests, `heavy` (one thread) for costly ones."""

    def __init__(self, threads: int, queue: int, heavy_cost: int) -> None:
        self.priority = Priority()
        self.light = Lane("light", threads, queue, on_finished=self.priority.changed)
        self.heavy = Lane("heavy", 1, max(1, queue // 8), wrap=self.priority.heavy)
        self.priority.light_lane, self.priority.heavy_lane = self.light, self.heavy
        self.heavy_cost = heavy_cost

    def lane_for(self, cost: int) -> Lane:
        return self.heavy if cost > self.heavy_cost else self.light

    async def run(self, job: Callable[[], T], cost: int, deadline: Deadline) -> T:
        return await self.lane_for(cost).run(job, deadline)

    def describe(self) -> dict[str, dict[str, int]]:
        return {"light": self.light.describe(), "heavy": self.heavy.describe()}

    def shutdown(self) -> None:
        self.light.shutdown()
        self.heavy.shutdown()


class Outcomes:
    """The last outcomes of chat and search work (ok, or why not), for readiness: a worker whose
    recent requests mostly fail is not ready, whatever else it reports."""

    def __init__(self, size: int = 50, window_seconds: float = 60.0) -> None:
        self.window_seconds = window_seconds
        self._recent: deque[tuple[float, bool]] = deque(maxlen=size)

    def record(self, ok: bool) -> None:
        self._recent.append((time.monotonic(), ok))

    def failure_share(self, minimum: int = 10) -> float:
        """Share of recent (within the window) outcomes that failed; 0.0 with fewer than `minimum`."""
        since = time.monotonic() - self.window_seconds
        recent = [ok for at, ok in self._recent if at >= since]
        if len(recent) < minimum:
            return 0.0
        return 1.0 - sum(recent) / len(recent)


def error_reply(detail: object, status: int, retry_after: int | None = None) -> Response:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return Response(orjson.dumps({"detail": detail}), status_code=status, media_type="application/json",
                    headers=headers)


async def admit(work: WorkQueue, outcomes: Outcomes, fields: dict[str, Any], job: Callable[[], T], estimate: int,
                deadline: Deadline, what: str) -> T | Response:
    """Run `job` through the work queue; its result, or the error reply: 422 for input over its
    limits, 503 with Retry-After when the queue is full or the deadline passed. Records the
    outcome for readiness and marks the request's log line (`saturated`, `timed_out`)."""
    try:
        result = await work.run(job, estimate, deadline)
    except InputTooLong as exc:
        return error_reply(exc.detail(), 422)
    except Saturated as exc:
        fields["saturated"] = exc.lane
        return error_reply(str(exc), 503, exc.retry_after)
    except BudgetExceeded:
        fields["timed_out"] = True
        outcomes.record(False)
        return error_reply(f"the {what} took longer than {deadline.seconds:g} s; try a shorter question or "
                           "fewer earlier turns", 503, 5)
    except Exception:
        outcomes.record(False)
        raise
    outcomes.record(True)
    return result
