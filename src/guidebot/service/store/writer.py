"""`EventWriter`: the bounded in-memory queue between the chat path and the database, and the
background thread that writes it in batches.

`put` never blocks and never touches the database: it appends to a queue under a lock, or, when
`capacity` events are already waiting, drops the event and counts it. What is queued may be an
`Event` or anything `prepare` turns into one (or into a turn tuple, store/rows.py): the recorder
queues a small tuple per chat turn and the writer thread prepares it as it takes a batch
(service/recording.py). The writer thread migrates the schema on start, then writes up to
`batch_size` events per transaction every `interval` seconds (sooner when a batch is full); few,
large batches keep its share of the GIL, which it shares with the chat path, small (see
Store.write). When the database is down or refuses a batch for a transient reason (connection lost,
locked, timed out), the batch is kept and retried with a growing pause (up to `max_backoff`); new
events keep queueing meanwhile, up to `capacity`. A batch the database rejects for what it holds
(not transient) is dropped and counted, so one bad row cannot block everything behind it. It also
runs the retention purge, at start and hourly. `close` flushes what is queued (for up to `timeout`
seconds) and stops the thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from .events import Event
from .rows import Turn
from .store import Store

log = logging.getLogger("guidebot.store")
PURGE_EVERY_SECONDS = 3600.0
DROP_LOG_EVERY_SECONDS = 60.0


def transient(exc: BaseException) -> bool:
    """Worth retrying: the database was unreachable, locked or timed out, not the data's fault."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class EventWriter:
    def __init__(self, store: Store, capacity: int = 10000, batch_size: int = 1000, interval: float = 0.5,
                 max_backoff: float = 2.0, retention_days: int = 0,
                 prepare: Callable[[Any], Event | Turn] | None = None) -> None:
        self.store = store
        self.prepare = prepare
        self.capacity = capacity
        self.batch_size = batch_size
        self.interval = interval
        self.max_backoff = max_backoff
        self.retention_days = retention_days
        self._queue: deque[Any] = deque()  # events, or what `prepare` makes one of
        self._pending: list[Any] = []  # the batch being written (or retried), prepared
        self._lock = threading.Lock()  # `put` takes it directly: a Condition's `with` runs Python code
        self._cond = threading.Condition(self._lock)
        self._stop = False
        self._flushing = 0  # callers of flush() waiting: write without pausing meanwhile
        self._stopped = threading.Event()  # what a retry pause waits on (a full batch must not cut it short)
        self._thread: threading.Thread | None = None
        self.ready = threading.Event()  # set once the schema is migrated
        self.written = 0
        self.dropped = 0
        self.rejected = 0
        self.retries = 0
        self.last_error: str | None = None
        self._last_drop_log = 0.0
        self._next_purge = 0.0

    # ------------------------------------------------------------------------ the request side

    def put(self, event: Any) -> bool:
        """Queue an event for writing; False (and counted) when the queue is full."""
        with self._lock:
            if len(self._queue) + len(self._pending) >= self.capacity:
                self.dropped += 1
                dropped = self.dropped
            else:
                self._queue.append(event)
                if len(self._queue) == self.batch_size:  # a full batch is waiting: write it now
                    self._cond.notify()
                return True
        now = time.monotonic()
        if now - self._last_drop_log >= DROP_LOG_EVERY_SECONDS:
            self._last_drop_log = now
            log.warning("the event queue is full (%d waiting for the database): dropped %d events so far",
                        self.capacity, dropped)
        return False

    def stats(self) -> dict[str, Any]:
        with self._cond:
            queued = len(self._queue) + len(self._pending)
        return {"database": self.store.backend, "ready": self.ready.is_set(), "queued": queued,
                "written": self.written, "dropped": self.dropped, "rejected": self.rejected,
                "retries": self.retries, "last_error": self.last_error}

    # ------------------------------------------------------------------------ lifecycle

    def start(self) -> EventWriter:
        self._thread = threading.Thread(target=self._run, name="guidebot-event-writer", daemon=True)
        self._thread.start()
        return self

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is written (or dropped); True if it was in time."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._flushing += 1
            try:
                self._cond.notify_all()
                while self._queue or self._pending:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._cond.wait(min(remaining, 0.05))
                    self._cond.notify_all()
            finally:
                self._flushing -= 1
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (for at most `timeout` seconds), then stop; what is left is counted as dropped."""
        if self._thread is not None:
            self.flush(timeout)
        with self._cond:
            self._stop = True
            self._stopped.set()
            left = len(self._queue)
            self.dropped += left
            self._queue.clear()
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10.0)  # at most the attempt under way (connect timeouts are seconds)
        with self._cond:
            left += len(self._pending)
            self.dropped += len(self._pending)
            self._pending = []
        if left:
            log.warning("shutting down with the database unavailable: dropped %d queued events", left)
        self.store.close()

    # ------------------------------------------------------------------------ the writer thread

    def _run(self) -> None:
        backoff = self.interval
        while not self._stopping():
            try:
                if not self.ready.is_set():
                    revision = self.store.migrate()
                    self.ready.set()
                    log.info("recording to %s, schema revision %s", self.store.backend, revision)
                self._purge_when_due()
                wrote = self._write_batch()
            except Exception as exc:  # noqa: BLE001 (every failure is either retried or counted)
                if not self._failed(exc) or self._stop:
                    continue
                self.retries += 1
                self._sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            if self.last_error is not None and wrote:
                log.info("the database is back: writing the %d queued events", len(self._queue) + wrote)
                self.last_error = None
            backoff = self.interval
            self._wait_for_batch()

    def _write_batch(self) -> int:
        taken = False
        with self._cond:
            if not self._pending:
                while self._queue and len(self._pending) < self.batch_size:
                    self._pending.append(self._queue.popleft())
                taken = True
            batch = list(self._pending)
        if not batch:
            return 0
        if taken and self.prepare is not None:  # once per batch: a retry writes the events already made
            batch = [self.prepare(item) for item in batch]
            with self._cond:
                self._pending = list(batch)
        self.store.write(batch)
        with self._cond:
            self._pending = []
            self.written += len(batch)
            self._cond.notify_all()
        return len(batch)

    def _failed(self, exc: Exception) -> bool:
        """Record a failure; True when it is worth retrying after a pause."""
        message = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
        if transient(exc) or not self.ready.is_set():
            if self.last_error is None:
                log.warning("the database is unavailable, events are kept in memory and retried: %s", message)
            self.last_error = message
            return True
        with self._cond:
            self.rejected += len(self._pending)
            self._pending = []
            self._cond.notify_all()
        log.error("the database refused a batch of events, which were dropped: %s", message)
        return False

    def _purge_when_due(self) -> None:
        now = time.time()
        if self.retention_days and now >= self._next_purge:
            purged = self.store.purge(now - self.retention_days * 86400)
            self._next_purge = now + PURGE_EVERY_SECONDS
            if any(purged.as_dict().values()):
                log.info("purged records older than %d days: %s", self.retention_days, purged.as_dict())

    def _stopping(self) -> bool:
        """Stop once told to and either everything is written or the last attempt failed (close counts it)."""
        with self._cond:
            return self._stop and (not (self._queue or self._pending) or self.last_error is not None)

    def _sleep(self, seconds: float) -> None:
        self._stopped.wait(seconds)

    def _wait_for_batch(self) -> None:
        """Until a full batch is queued, `interval` has passed, or a flush or stop wants it now.
        Never straight on with a few events: a transaction per handful of events under steady
        load cost the chat path more CPU than everything else recording does."""
        with self._cond:
            if len(self._queue) < self.batch_size and not self._stop and not self._flushing:
                self._cond.wait(self.interval)
