"""The work lanes' threads (service/workers.py) and the access line's direct write (service/logs.py):
results and exceptions reach the right event loop, many jobs finishing together are all handed
over, shutdown stops the threads, and request lines are written as logging would write them (on a
loop, those of one iteration together)."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from datetime import UTC, datetime

import pytest

from guidebot.service.logs import timestamp, write_line
from guidebot.service.workers import WorkerThreads


def _own_thread(test):  # type: ignore[no-untyped-def]
    """Run the test in a thread of its own: other suites (Playwright's sync API) can leave an event
    loop running in the main thread, and these tests are about what happens with and without one."""
    import functools

    @functools.wraps(test)
    def run(*args, **kwargs):  # type: ignore[no-untyped-def]
        outcome: list[BaseException] = []

        def body() -> None:
            try:
                test(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
                outcome.append(error)

        thread = threading.Thread(target=body)
        thread.start()
        thread.join()
        if outcome:
            raise outcome[0]
    return run


@_own_thread
def test_results_and_exceptions_come_back_to_the_awaiting_loop() -> None:
    threads = WorkerThreads(2, "test-lane")

    async def main() -> tuple[list[int], str]:
        results = await asyncio.gather(*(threads.submit(lambda n=n: n * n) for n in range(200)))

        def fails() -> None:
            raise ValueError("no")

        with pytest.raises(ValueError) as caught:
            await threads.submit(fails)
        return list(results), str(caught.value)

    results, message = asyncio.run(main())
    assert results == [n * n for n in range(200)] and message == "no"
    threads.shutdown()


@_own_thread
def test_jobs_run_on_the_lane_threads_and_several_loops_can_submit() -> None:
    threads = WorkerThreads(1, "test-lane")

    async def main() -> str:
        return await threads.submit(lambda: threading.current_thread().name)

    assert asyncio.run(main()) == "test-lane-0"
    assert asyncio.run(main()) == "test-lane-0"  # a second loop, the same thread
    threads.shutdown()
    for thread in threads._threads:
        thread.join(timeout=10)
        assert not thread.is_alive()


@_own_thread
def test_a_job_finishing_while_nobody_waits_any_more_is_dropped_quietly() -> None:
    threads = WorkerThreads(1, "test-lane")
    release = threading.Event()

    async def main() -> bool:
        future = threads.submit(release.wait)
        future.cancel()
        release.set()
        return await threads.submit(lambda: True)  # the lane keeps working after it

    assert asyncio.run(main())
    threads.shutdown()


@_own_thread
def test_write_line_writes_what_the_shipped_handler_would() -> None:
    logger = logging.getLogger("guidebot.test-access-line")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    fast, slow = io.StringIO(), io.StringIO()
    plain = logging.StreamHandler(fast)
    plain.setFormatter(logging.Formatter("%(message)s"))
    logger.handlers = [plain]
    write_line(logger, '{"route": "/api/chat"}')
    logger.info('{"route": "/api/chat"}')
    assert fast.getvalue() == '{"route": "/api/chat"}\n' * 2
    decorated = logging.StreamHandler(slow)
    decorated.setFormatter(logging.Formatter("access %(message)s"))
    logger.handlers = [decorated]  # not the shipped format: logging does the work
    write_line(logger, "x")
    assert slow.getvalue() == "access x\n"
    logger.handlers = []


@_own_thread
def test_on_an_event_loop_the_lines_of_one_iteration_are_written_together_and_in_order() -> None:
    logger = logging.getLogger("guidebot.test-access-batch")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    stream = io.StringIO()
    plain = logging.StreamHandler(stream)
    plain.setFormatter(logging.Formatter("%(message)s"))
    logger.handlers = [plain]

    async def main() -> tuple[str, str]:
        for n in range(3):
            write_line(logger, f"line {n}")
        before = stream.getvalue()  # nothing yet: written at the next iteration
        await asyncio.sleep(0)
        return before, stream.getvalue()

    before, after = asyncio.run(main())
    assert before == "" and after == "line 0\nline 1\nline 2\n"
    logger.handlers = []


@pytest.mark.parametrize("seconds", [1764547200.0, 1764547200.0004999, 1764547200.9999996, 1618549583.7809994,
                                     1764547259.999])
def test_timestamps_read_as_datetime_writes_them(seconds: float) -> None:
    assert timestamp(seconds) == datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")
