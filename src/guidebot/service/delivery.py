"""How pages and assets travel: HEAD answered like GET without the body (every route), and for
the pages and assets (everything outside /api/) gzip, an ETag and Cache-Control, with 304 Not
Modified when the browser already has that version. Also `ScriptFile`: a script as served, its
comments and indentation left out (the file in the package stays the readable source).

The JSON API is left alone on purpose: its replies are small, the chat route already serves
repeated requests from encoded bytes, and compressing them would cost more CPU than it saves.
Pages keep their CSP: it is computed from the rendered HTML before anything here runs, and
gzip changes the bytes on the wire, not the page. ETags are weak (W/"…") because the same page
is sent gzipped or not. Plain ASGI, like middleware.py.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/api/"
PAGE_CACHE_CONTROL = "no-cache"  # pages may change on any reindex: always revalidate (a 304 is cheap)
CACHED_TYPES = ("text/html", "text/javascript", "application/javascript", "text/css")


class WebDelivery:
    """HEAD for every GET route; gzip, ETag, Cache-Control and 304s for everything outside /api/."""

    def __init__(self, app: ASGIApp, compresslevel: int = 6) -> None:
        self.app = app
        self.pages = GZipMiddleware(ConditionalGet(app), minimum_size=500, compresslevel=compresslevel)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        target = self.app if scope["path"].startswith(API_PREFIX) else self.pages
        if scope["method"] != "HEAD":
            await target(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        # The route runs as GET (so its headers, Content-Length included, are those of the GET);
        # the scope is changed in place and restored, so the request log still says HEAD.
        scope["method"] = "GET"
        try:
            await target(scope, receive, send_headers_only)
        finally:
            scope["method"] = "HEAD"


class ConditionalGet:
    """Gives a 200 page, script or stylesheet an ETag (a hash of its content, unless it has one)
    and Cache-Control (unless set), and answers 304 when If-None-Match names that ETag."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        buffered: list[bytes] | None = None

        async def capture(message: Message) -> None:
            nonlocal start, buffered
            if message["type"] == "http.response.start":
                media_type = Headers(raw=message.get("headers", [])).get("content-type", "").split(";")[0].strip()
                if message["status"] == 200 and media_type in CACHED_TYPES:
                    start, buffered = message, []
                    return
            elif message["type"] == "http.response.body" and buffered is not None and start is not None:
                buffered.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await finish(start, b"".join(buffered))
                return
            await send(message)

        async def finish(message: Message, body: bytes) -> None:
            headers = MutableHeaders(raw=list(message.get("headers", [])))
            etag = headers.get("etag") or '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            etag = etag if etag.startswith("W/") else "W/" + etag
            headers["etag"] = etag
            headers.setdefault("cache-control", PAGE_CACHE_CONTROL)
            if _matches(Headers(scope=scope).get("if-none-match", ""), etag):
                for name in ("content-length", "content-type"):
                    del headers[name]
                await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send({**message, "headers": headers.raw})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, capture)


def _matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match uses weak comparison: W/"x" and "x" name the same version."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    return any(tag.strip() == "*" or tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


class ScriptFile:
    """A JavaScript file as served: the header comment cut to its first line, comment-only lines
    and indentation removed (about 15% less after gzip; no code changes). Re-read when the file
    changes, so an edited widget.js is served without a restart. Only for files written in this
    repository's style: no template literals or multi-line strings."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._body = b""
        self._lock = threading.Lock()

    def body(self) -> bytes:
        stat = self.path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            with self._lock:
                self._body, self._stamp = compact_script(self.path.read_text(encoding="utf-8")).encode("utf-8"), stamp
        return self._body


def compact_script(source: str) -> str:
    if source.startswith("/*!") and "*/" in source:
        header, _, rest = source.partition("*/")
        source = header.splitlines()[0] + " */" + rest
    kept = []
    for line in source.splitlines():
        line = line.strip()
        if not line or line.startswith("//") or (line.startswith("/*") and line.endswith("*/") and kept):
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"
