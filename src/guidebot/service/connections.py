"""Limits on connections that the server itself enforces, so that a client connecting directly is as
constrained as one going through nginx: uvicorn's httptools protocol accepts request heads of
any size, waits forever for a head that trickles in, and keeps every connection it accepts.

`GuardedHttpToolsProtocol` (passed to uvicorn as its `http` protocol) adds, per connection:
- a head size limit: more than `max_header_bytes` received without a complete request line and
  headers gets a 431 and the connection is closed (a 128 MiB header used to freeze the loop);
- a head timeout: a connection must complete each request head within `header_timeout_seconds`
  of its first byte (or of connecting): else 408 (or, when it sent nothing, just closed);
- a connection cap: past `max_connections` open connections (never more than the open-file limit
  leaves room for) the connections that have been waiting longest without a request in
  progress are closed, so a thousand slow connections cannot shut out new clients.
Bodies are timed by the body limit middleware (middleware.py), keep-alive idleness by uvicorn.
What was closed and why is logged once per 10 s on `guidebot.connections`, as counts.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections import Counter, OrderedDict
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from ..settings import Settings

log = logging.getLogger("guidebot.connections")
FD_RESERVE = 64  # open files kept free for the index, logs and the listening sockets
LOG_EVERY_SECONDS = 10.0


class ConnectionGuard:
    """The limits and the counts of one server process (one per uvicorn server state)."""

    def __init__(self, settings: Settings) -> None:
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        room = settings.max_connections if soft == resource.RLIM_INFINITY else int(soft) - FD_RESERVE
        self.max_connections = max(8, min(settings.max_connections, room))
        self.max_header_bytes = settings.max_header_bytes
        self.header_timeout = settings.header_timeout_seconds
        self.closed: Counter[str] = Counter()
        # Connections waiting for a request head, longest-waiting first (the ones to close first).
        self.waiting: OrderedDict[GuardedHttpToolsProtocol, None] = OrderedDict()
        self._flush_scheduled = False
        self._last_flush = -LOG_EVERY_SECONDS

    @classmethod
    def of(cls, server_state: Any) -> ConnectionGuard:
        guard = getattr(server_state, "guidebot_guard", None)
        if guard is None:
            guard = cls(Settings.from_env())
            server_state.guidebot_guard = guard
        return guard

    def note(self, reason: str, loop: asyncio.AbstractEventLoop) -> None:
        """Count a closed connection; the counts are logged soon after the first, then at most
        once per LOG_EVERY_SECONDS."""
        self.closed[reason] += 1
        if not self._flush_scheduled:
            self._flush_scheduled = True
            loop.call_later(max(0.0, self._last_flush + LOG_EVERY_SECONDS - time.monotonic()), self.flush)

    def flush(self) -> None:
        self._flush_scheduled = False
        self._last_flush = time.monotonic()
        if self.closed:
            log.warning("closed %d connection(s) since the last report: %s", sum(self.closed.values()),
                        ", ".join(f"{count} {reason}" for reason, count in self.closed.most_common()))
            self.closed.clear()

    def make_room(self, newcomer: GuardedHttpToolsProtocol) -> None:
        """Close the connections idle longest (no request in progress) while there are too many."""
        excess = len(newcomer.server_state.connections) - self.max_connections
        while excess > 0:
            victim = next((c for c in self.waiting if c is not newcomer), None)
            if victim is None:  # every other connection is busy with a request: refuse the new one
                newcomer.refuse(503, "too many connections; try again shortly", "refused: every connection busy")
                return
            victim.close_idle(f"idle or slow when the limit of {self.max_connections} connections was reached")
            excess -= 1


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a head size limit, a head timeout and a connection cap."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = ConnectionGuard.of(self.server_state)
        self.waiting_since: float | None = None  # monotonic time this connection started waiting for a head
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()
        self._arm_head_timer()
        self.guard.make_room(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        self._stop_waiting()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.waiting_since is not None:
            self._head_bytes += len(data)
            if self._head_timer is None:
                self._arm_head_timer()  # the first byte of a new head (after a keep-alive pause)
        super().data_received(data)
        if self.waiting_since is not None and self._head_bytes > self.guard.max_header_bytes:
            self.refuse(431, f"the request line and headers are larger than {self.guard.max_header_bytes} bytes",
                        f"request heads over {self.guard.max_header_bytes} bytes")

    def on_headers_complete(self) -> None:
        self._stop_waiting()
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
            self._await_head()  # uvicorn's keep-alive timer runs until the next byte arrives

    def _await_head(self) -> None:
        self.waiting_since = time.monotonic()
        self._head_bytes = 0
        self.guard.waiting[self] = None
        self.guard.waiting.move_to_end(self)

    def _stop_waiting(self) -> None:
        self.waiting_since = None
        self.guard.waiting.pop(self, None)

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.guard.header_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.waiting_since is None or self.transport.is_closing():
            return
        if self._head_bytes:
            self.refuse(408, f"the request head did not arrive within {self.guard.header_timeout:g} s",
                        f"request heads slower than {self.guard.header_timeout:g} s")
        elif self.cycle is None:  # connected and never sent a byte
            self.close_idle(f"silent for {self.guard.header_timeout:g} s after connecting")

    def close_idle(self, reason: str) -> None:
        self.guard.note(reason, self.loop)
        self._stop_waiting()
        self.transport.close()

    def refuse(self, status: int, message: str, reason: str) -> None:
        """Answer `status` with a plain-text `message` and close, without reading further."""
        if self.transport.is_closing():
            return
        self.guard.note(reason, self.loop)
        self._stop_waiting()
        self._cancel_head_timer()
        body = message.encode("ascii", "replace")
        self.transport.write(b"".join([
            STATUS_LINE[status], b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n", b"connection: close\r\n\r\n", body]))
        self.transport.close()
