"""HEAD requests: answered as the GET of the same URL without its body (RFC 9110), for every GET route
and page, so monitors and proxies that probe with HEAD get 200 rather than 405. A plain ASGI
middleware: the route runs as a GET, and the response keeps its status and headers (its
Content-Length too) while its body bytes are dropped. Routes that allow no GET still answer 405.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)
