"""Admission of chat and search work: a bounded queue in front of a bounded thread pool, in two lanes,
so the event loop never computes an answer and a burst of costly requests cannot hold every thread.

Each lane has `threads` threads and room for `queue` more waiting requests. A request that finds its
lane full is refused at once (`Saturated`: 503 with Retry-After), as Elasticsearch's bounded
pools do, instead of waiting behind work that will not finish in time. Light requests (most of
them) and heavy ones (long histories, text that grows under normalisation) go to separate lanes;
the heavy lane has one thread, so heavy requests take turns on one core of CPU while light ones keep
their own threads.

Every job runs under its request's `Deadline`; past it the job's cooperative checks stop it
(`BudgetExceeded`), and the waiting request is answered 503 at the deadline even if the job
is inside a step that does not check. A lane counts a job until its thread is really free, so
`/api/health` reports occupancy honestly. `Outcomes` keeps the recent results that readiness is
judged on.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import orjson
from fastapi.responses import Response

from ..chat import BudgetExceeded, Deadline
from .inputs import InputTooLong

T = TypeVar("T")
GRACE_SECONDS = 0.25  # how long past its deadline a request waits for a job that has not noticed it


class Saturated(Exception):
    """The lane's threads and queue are all taken; try again shortly."""

    def __init__(self, lane: str, retry_after: int = 1) -> None:
        self.lane = lane
        self.retry_after = retry_after
        super().__init__(f"the server is busy ({lane} work queue full); try again in {retry_after} s")


class Lane:
    """`threads` worker threads and up to `queue` waiting jobs; `run` is called on the event loop only."""

    def __init__(self, name: str, threads: int, queue: int) -> None:
        self.name = name
        self.threads = threads
        self.capacity = threads + queue
        self.in_flight = 0  # jobs submitted and not yet finished by their thread
        self.refused = 0
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"guidebot-{name}")

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
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        future = loop.run_in_executor(self._executor, context.run, job)
        future.add_done_callback(self._finished)
        try:
            return await asyncio.wait_for(asyncio.shield(future), max(0.0, deadline.remaining()) + GRACE_SECONDS)
        except TimeoutError:
            raise BudgetExceeded(deadline.seconds) from None

    def _finished(self, future: asyncio.Future[object]) -> None:
        self.in_flight -= 1
        if not future.cancelled():
            future.exception()  # retrieved, so an abandoned job's error is not reported as unhandled

    def describe(self) -> dict[str, int]:
        return {"running": self.running, "waiting": self.waiting, "capacity": self.capacity,
                "refused": self.refused}

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class WorkQueue:
    """The two lanes: `light` for ordinary requests, `heavy` (one thread) for costly ones."""

    def __init__(self, threads: int, queue: int, heavy_cost: int) -> None:
        self.light = Lane("light", threads, queue)
        self.heavy = Lane("heavy", 1, max(1, queue // 8))
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
