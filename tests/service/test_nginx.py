"""The shipped nginx configuration (deploy/nginx/guidebot.conf), run by Debian's nginx in front of a
real `guidebot serve` (bench/nginx.py substitutes its ports): it is valid, proxies chat and search,
forwards what guidebot trusts (the client address and the Host for /embed), and refuses oversized
heads and bodies itself."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from bench.nginx import NGINX, Nginx

from ..conftest import Server, free_port, serve

pytestmark = pytest.mark.skipif(not NGINX.exists() and os.environ.get("CI") != "true",
                                reason="Debian's nginx (/usr/sbin/nginx) is not installed")


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Server]]:
    folder = tmp_path_factory.mktemp("nginx")
    with serve(folder) as server, Nginx(folder, [int(server.base.rsplit(":", 1)[1])], free_port()) as nginx:
        for _ in range(100):
            try:
                if httpx.get(nginx.base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        yield nginx.base, server


def test_chat_and_search_go_through_the_proxy(proxied: tuple[str, Server]) -> None:
    base, _server = proxied
    assert httpx.post(base + "/api/chat", json={"message": "Where is CMU?"}, timeout=15).json()["answered"]
    assert httpx.get(base + "/api/search", params={"q": "scholarships"}, timeout=15).json()["results"]
    assert httpx.head(base + "/api/health", timeout=15).status_code == 200


def test_the_proxy_forwards_the_client_address_and_host_that_guidebot_trusts(proxied: tuple[str, Server]) -> None:
    base, server = proxied
    page = httpx.get(base + "/embed", headers={"Host": "chat.example.edu"}, timeout=15).text
    assert "http://chat.example.edu/widget.js" in page  # nginx is a trusted peer (127.0.0.1): its Host is used
    reply = httpx.get(base + "/api/health", headers={"X-Request-ID": "nginx-check-1"}, timeout=15)
    assert reply.headers["x-request-id"] != "nginx-check-1"  # nginx sets its own $request_id


def test_the_proxy_refuses_oversized_heads_and_bodies_itself(proxied: tuple[str, Server]) -> None:
    base, _server = proxied
    big_header = httpx.get(base + "/api/health", headers={"X-Padding": "a" * 10_000}, timeout=15)
    assert big_header.status_code in (400, 431, 494)
    big_body = httpx.post(base + "/api/chat", content=b"x" * 300_000, headers={"Content-Type": "application/json"},
                          timeout=15)
    assert big_body.status_code == 413 and "nginx" in big_body.text


def test_the_proxy_closes_a_trickling_head(proxied: tuple[str, Server]) -> None:
    base, _server = proxied
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    assert data == b"" or data.startswith(b"HTTP/1.1 408")  # nginx closes after client_header_timeout
