"""What happens around every HTTP request, before and after the routes: request ids and one
structured log line per request, a last-resort JSON 500, security headers (and the CSP of our
HTML pages), and the request body size limit (413). The per-client rate limit lives in
ratelimit.py, the logging configuration in logs.py.

All middlewares here are plain ASGI (no BaseHTTPMiddleware): they sit on the hot path of every
request. Routes add fields to the request's log line through `log_fields(scope)`; nothing here
knows about answers or the bot.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import logging
import os
import re
import time
from collections.abc import Collection
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .logs import timestamp, write_line

access_log = logging.getLogger("guidebot.access")
error_log = logging.getLogger("guidebot.errors")

LOG_FIELDS = "guidebot.log_fields"  # scope key of the dict a route adds log fields to
REQUEST_ID_HEADER = b"x-request-id"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def log_fields(scope: Scope) -> dict[str, Any]:
    """The extra fields of this request's log line; a throwaway dict outside RequestLogMiddleware."""
    fields = scope.get(LOG_FIELDS)
    return fields if fields is not None else {}


async def send_json(send: Send, status: int, body: dict[str, Any],
                    headers: Collection[tuple[bytes, bytes]] = ()) -> None:
    """Send a complete JSON response from a middleware (the app is not called)."""
    payload = orjson.dumps(body)
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()), *headers]})
    await send({"type": "http.response.body", "body": payload})


class RequestLogMiddleware:
    """Gives each request an id (the caller's X-Request-ID when it is sane, else a new one), returns
    it as X-Request-ID, logs one JSON line per request on `guidebot.access`, and turns any
    exception that escaped the app into a JSON 500 carrying the id, with the traceback logged.

    The line: ts, request_id, worker (pid), method, route (the route template, never the raw
    URL or query string, which may hold a question), status, ms, plus what the route added
    (chat: answered, kind)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.worker = os.getpid()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        id_header = (REQUEST_ID_HEADER, request_id.encode("ascii"))
        fields: dict[str, Any] = {}
        scope[LOG_FIELDS] = fields
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            error_log.exception("unhandled error in request %s (%s %s)", request_id, scope["method"],
                                _route_template(scope) or scope["path"][:200])
            if status == 0:
                await send_json(send_with_id, 500, {
                    "detail": f"internal error; please report request id {request_id}", "request_id": request_id})
            status = 500
        if access_log.isEnabledFor(logging.INFO):
            line: dict[str, Any] = {
                "ts": timestamp(time.time()), "request_id": request_id, "worker": self.worker,
                "method": scope["method"], "route": _route_template(scope), "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 2)}
            if line["route"] is None:
                line["path"] = scope["path"][:200]
            line.update(fields)
            write_line(access_log, orjson.dumps(line).decode())


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            text = value.decode("latin-1")
            if _INCOMING_ID.match(text):
                return text
            break
    return new_request_id()


class _Ids:
    """Request ids only need to be unique: 4 random bytes drawn once per process (again in a forked
    child), then a counter; os.urandom on every request cost 24 µs here (one getrandom call each)."""

    prefix = ""
    counter: itertools.count[int] = itertools.count()

    @classmethod
    def reset(cls) -> None:
        cls.prefix = os.urandom(4).hex()
        cls.counter = itertools.count(int.from_bytes(os.urandom(4), "big"))


_Ids.reset()
os.register_at_fork(after_in_child=_Ids.reset)


def new_request_id() -> str:
    """16 hex characters, as before: the process's prefix and the next number of its counter."""
    return f"{_Ids.prefix}{next(_Ids.counter) & 0xFFFFFFFF:08x}"


def _route_template(scope: Scope) -> str | None:
    route = scope.get("route")
    return getattr(route, "path", None)


# ---------------------------------------------------------------------------------------------
# Security headers

COMMON_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
)
API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
_INLINE_BLOCK = re.compile(r"<(script|style)\b([^>]*)>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)


class SecurityHeadersMiddleware:
    """nosniff, a referrer policy and no framing on every response; on JSON API routes also a CSP
    that allows nothing (a JSON body must never run as a page). HTML pages set their own CSP
    (see `page_security_headers`); /widget.js and /static are left without one, since a CSP on a
    script or a static file does nothing for the foreign pages that embed the widget, and
    /docs uses Swagger UI from a CDN."""

    def __init__(self, app: ASGIApp, csp_prefixes: tuple[str, ...] = ("/api/", "/openapi.json")) -> None:
        self.app = app
        self.csp_prefixes = csp_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wants_csp = scope["path"].startswith(self.csp_prefixes)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in COMMON_HEADERS if h[0] not in present)
                if wants_csp and API_CSP[0] not in present:
                    headers.append(API_CSP)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def page_security_headers(html: str) -> dict[str, str]:
    """Headers for one of our HTML pages: a CSP allowing exactly its own inline <style> and
    <script> blocks (by SHA-256 hash), scripts from this origin (widget.js) and API calls to
    this origin; nothing else (no plugins, frames, forms, foreign hosts or base-URL changes).

    Hashing the rendered page keeps the policy right whenever a template's inline blocks change.
    The widget styles its shadow root with a constructed stylesheet, which CSP does not restrict."""
    scripts: list[str] = []
    styles: list[str] = []
    for match in _INLINE_BLOCK.finditer(html):
        tag, attributes, body = match.groups()
        if tag.lower() == "script" and re.search(r"\bsrc\s*=", attributes, re.IGNORECASE):
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        (scripts if tag.lower() == "script" else styles).append(f"'sha256-{digest}'")
    policy = "; ".join((
        "default-src 'none'",
        " ".join(("script-src 'self'", *scripts)),
        " ".join(("style-src", *styles)) if styles else "style-src 'none'",
        "connect-src 'self'",
        "img-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ))
    return {"Content-Security-Policy": policy}


# ---------------------------------------------------------------------------------------------
# Request body size


class BodyLimitMiddleware:
    """Refuses request bodies over `max_bytes` with a 413: at once when Content-Length says so, and
    while reading otherwise (chunked uploads). A body within the limit is read here and handed to
    the app unchanged, so the app never sees more than `max_bytes`. A body that takes longer
    than `timeout` seconds to arrive (a client trickling it) gets a 408 and the connection is
    closed, so a slow client holds a connection for a bounded time."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared, chunked = _declared_body(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send)
            return
        if not declared and not chunked:
            await self.app(scope, receive, send)  # no body to read
            return
        try:
            async with asyncio.timeout(self.timeout):
                body = await self._read(receive)
        except TimeoutError:
            log_fields(scope)["slow_body"] = True
            await send_json(send, 408, {"detail": f"the request body did not arrive within {self.timeout:g} s"},
                            headers=[(b"connection", b"close")])
            return
        if body is None:
            return  # the client went away before sending its body
        if len(body) > self.max_bytes:
            await self._refuse(send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or its first `max_bytes + 1` bytes or more when it is too large; None when
        the client disconnected."""
        parts: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None
            part = message.get("body", b"")
            size += len(part)
            parts.append(part)
            if size > self.max_bytes or not message.get("more_body", False):
                return b"".join(parts)

    async def _refuse(self, send: Send) -> None:
        await send_json(send, 413, {"detail": f"the request body is larger than {self.max_bytes} bytes; "
                                              "send a shorter message or fewer history turns"},
                        headers=[(b"connection", b"close")])


def _declared_body(scope: Scope) -> tuple[int | None, bool]:
    """(Content-Length if given and valid, whether the body is chunked)."""
    length: int | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                length = None
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
    return length, chunked
