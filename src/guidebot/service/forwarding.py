"""Which requests came through a trusted proxy, and what they were forwarded for.

`uvicorn`'s ProxyHeadersMiddleware (inside this app rather than in the server, so that the app can
tell) replaces the client address and scheme with those of X-Forwarded-For / X-Forwarded-Proto
when the connection comes from `GUIDEBOT_FORWARDED_ALLOW_IPS`. `TrustedPeerMiddleware`, outside
it, first records in the scope whether the connection itself came from such a proxy: only then
is the request's Host header what a proxy set rather than what any client typed (see /embed).
"""

from __future__ import annotations

import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

TRUSTED_PEER = "guidebot.trusted_peer"  # scope key: the connection came from a trusted proxy

__all__ = ["TRUSTED_PEER", "ProxyHeadersMiddleware", "TrustedPeerMiddleware", "from_trusted_peer"]


class TrustedHosts:
    """GUIDEBOT_FORWARDED_ALLOW_IPS as uvicorn reads it: comma-separated addresses or networks, or *.
    Each peer address is judged once (parsing it and testing the networks took 7.6 µs on every
    request) and the answer kept, for up to REMEMBERED addresses at a time."""

    REMEMBERED = 4096

    def __init__(self, spec: str) -> None:
        items = [item.strip() for item in spec.split(",") if item.strip()]
        self.everyone = "*" in items
        self.networks = []
        self.names = set()
        for item in items:
            try:
                self.networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                self.names.add(item)  # a unix socket path or host name, compared as text
        self._judged: dict[str, bool] = {}

    def __contains__(self, host: str) -> bool:
        judged = self._judged.get(host)
        if judged is None:
            if len(self._judged) >= self.REMEMBERED:
                self._judged.clear()
            judged = self._judged[host] = self._trusts(host)
        return judged

    def _trusts(self, host: str) -> bool:
        if self.everyone or host in self.names:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)


class TrustedPeerMiddleware:
    def __init__(self, app: ASGIApp, trusted_hosts: str) -> None:
        self.app = app
        self.trusted = TrustedHosts(trusted_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            scope[TRUSTED_PEER] = bool(client) and client[0] in self.trusted
        await self.app(scope, receive, send)


def from_trusted_peer(scope: Scope) -> bool:
    return bool(scope.get(TRUSTED_PEER))
