"""`WorkerThreads`: the threads a work lane (admission.py) runs its jobs on, and the cheap way each
job's result gets back to the event loop.

A job is a plain callable put on a `queue.SimpleQueue` (C code, no per-job work item, idle
semaphore or lock as in `ThreadPoolExecutor`), and its result is an asyncio future of the loop
that submitted it. A thread that finishes a job appends the result to that loop's list of
finished jobs and wakes the loop only if no wake-up is already pending: the loop sets every
result finished since then in one callback. Under load (many jobs finishing while the loop is
busy) this is one self-pipe write and one loop iteration per batch instead of per job; measured
at 32 concurrent trivial jobs, 13-15 µs of CPU per job against 61-64 µs for
`loop.run_in_executor` with `asyncio.wait_for(asyncio.shield(...))` (bench/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from typing import Any

Finished = tuple["asyncio.Future[Any]", bool, Any]  # (future, whether it returned, result or exception)


class WorkerThreads:
    """`count` daemon threads named `name`-N, started on the first job."""

    def __init__(self, count: int, name: str) -> None:
        self.count = count
        self.name = name
        self._jobs: queue.SimpleQueue[tuple[asyncio.AbstractEventLoop, Callable[[], Any],
                                            asyncio.Future[Any]] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._finished: dict[asyncio.AbstractEventLoop, list[Finished]] = {}  # per loop, not yet handed over
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, job: Callable[[], Any]) -> asyncio.Future[Any]:
        """Queue `job`; a future of the running loop that gets its result (or exception)."""
        if self._closed:
            raise RuntimeError(f"the {self.name} threads are shut down")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        if not self._threads:
            self._start()
        self._jobs.put((loop, job, future))
        return future

    def shutdown(self) -> None:
        """Stop the threads once the jobs already running are done; queued jobs are not run."""
        self._closed = True
        while True:
            try:
                item = self._jobs.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                loop, _job, future = item
                loop.call_soon_threadsafe(future.cancel)
        for _ in self._threads:
            self._jobs.put(None)

    def _start(self) -> None:
        with self._lock:
            if self._threads:
                return
            for n in range(self.count):
                thread = threading.Thread(target=self._work, name=f"{self.name}-{n}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def _work(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            loop, job, future = item
            try:
                finished: Finished = (future, True, job())
            except BaseException as exc:  # noqa: BLE001 (handed to the awaiting request, as an executor does)
                finished = (future, False, exc)
            with self._lock:
                waiting = self._finished.get(loop)
                if waiting is not None:  # the loop is already told: it takes this one too
                    waiting.append(finished)
                    continue
                self._finished[loop] = [finished]
            try:
                loop.call_soon_threadsafe(self._hand_over, loop)
            except RuntimeError:  # the loop was closed: nobody waits for these
                with self._lock:
                    self._finished.pop(loop, None)

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            finished = self._finished.pop(loop, [])
        for future, returned, value in finished:
            if future.cancelled():
                continue
            if returned:
                future.set_result(value)
            else:
                future.set_exception(value)
