"""The per-client rate limit: token buckets per client address, and the middleware that answers
429 with Retry-After on the limited paths (chat, search, reindex) when a client is over budget.
A request costs one token when it arrives; a chat or search that reads a lot of text is charged
more once its cost is known (`charge`), so a client cannot buy a lot of work with few requests.
Each worker process counts on its own.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Collection

from starlette.types import ASGIApp, Receive, Scope, Send

from .middleware import log_fields, send_json

MAX_TRACKED_CLIENTS = 10_000


class TokenBucketLimiter:
    """Per-client token buckets: each client may make `burst` (default `per_minute`) requests at once
    and then one every 60/per_minute seconds. Memory is bounded: past `max_clients` the least recently seen
    client is forgotten (which at worst gives that client a fresh bucket)."""

    def __init__(self, per_minute: int, max_clients: int = MAX_TRACKED_CLIENTS,
                 clock: Callable[[], float] = time.monotonic, burst: int | None = None) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = float(per_minute if burst is None else max(1, burst))
        self.rate = per_minute / 60.0
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client → (tokens, time)

    def take(self, client: str) -> float:
        """Spend one token: 0.0 when the request may go ahead, else the seconds until it may."""
        now = self.clock()
        entry = self._buckets.pop(client, None)
        tokens = self.capacity if entry is None else min(self.capacity, entry[0] + (now - entry[1]) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[client] = (tokens, now)
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait

    def charge(self, client: str, tokens: float) -> None:
        """Take `tokens` more from a client whose request was let through and turned out costly (a
        long chat). The bucket may go down to minus its capacity, which the client then waits off."""
        now = self.clock()
        entry = self._buckets.pop(client, None)
        current = self.capacity if entry is None else min(self.capacity, entry[0] + (now - entry[1]) * self.rate)
        self._buckets[client] = (max(-self.capacity, current - tokens), now)
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)

    def __len__(self) -> int:
        return len(self._buckets)


class RateLimitMiddleware:
    """429 with Retry-After when a client exceeds its budget on the given paths (and, with `others`, its
    looser budget on any other path but the `exempt` ones: a flood of cheap requests crowds out
    everyone as surely as costly ones). A client is its IP
    address (behind a trusted proxy, the forwarded address that uvicorn puts in the scope); IPv6
    clients are grouped by /64, since one host can hold a whole /64.

    A 429 is sent after a pause of up to `delay` seconds (never past the Retry-After), for at most
    `max_delayed` requests at a time: a client that ignores Retry-After and retries at once would
    otherwise make the server refuse it hundreds of times a second, crowding out everyone else.
    Pausing costs no CPU; beyond `max_delayed`, 429s go out at once."""

    def __init__(self, app: ASGIApp, limiter: TokenBucketLimiter, paths: Collection[str],
                 others: TokenBucketLimiter | None = None, exempt: Collection[str] = (), delay: float = 1.0,
                 max_delayed: int = 256) -> None:
        self.app = app
        self.limiter = limiter
        self.paths = frozenset(paths)
        self.others = others  # every other path but `exempt` (pages, health, config), when given
        self.exempt = frozenset(exempt)
        self.delay = delay
        self.max_delayed = max_delayed
        self._delayed = 0

    def _limiter_for(self, scope: Scope) -> TokenBucketLimiter | None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            return None
        path = scope["path"]
        if path in self.paths:
            return self.limiter
        return None if path in self.exempt else self.others

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limiter = self._limiter_for(scope)
        if limiter is not None:
            wait = limiter.take(client_key(scope))
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                log_fields(scope)["rate_limited"] = True
                if self.delay > 0 and self._delayed < self.max_delayed:
                    self._delayed += 1
                    try:
                        await asyncio.sleep(min(self.delay, wait))
                    finally:
                        self._delayed -= 1
                await send_json(send, 429, {"detail": f"too many requests from your address; "
                                                      f"try again in {seconds} s"},
                                headers=[(b"retry-after", str(seconds).encode())])
                return
        await self.app(scope, receive, send)


def client_key(scope: Scope) -> str:
    client = scope.get("client")
    host = client[0] if client else "unknown"
    if ":" in host:
        try:
            return str(ipaddress.IPv6Network(f"{host}/64", strict=False))
        except ValueError:
            return host
    return host
