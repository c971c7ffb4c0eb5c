"""What the server itself does with connections (guidebot.service.connections, the body timeout in
middleware.py), tested on a real `guidebot serve` over raw sockets: head size limit, head and body
timeouts, closing silent connections, the connection cap, and that it is logged. Also HEAD
requests, and which address /embed puts in its snippet."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from guidebot.chat import Guidebot
from guidebot.service.app import create_app
from guidebot.settings import Settings

from ..conftest import Server, serve
from .conftest import wait_for

LIMITS = {"GUIDEBOT_HEADER_TIMEOUT_SECONDS": "1", "GUIDEBOT_BODY_TIMEOUT_SECONDS": "1",
          "GUIDEBOT_MAX_CONNECTIONS": "20", "GUIDEBOT_MAX_HEADER_BYTES": "8192"}


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("guarded"), env=LIMITS) as server:
        yield server


def connect(server: Server) -> socket.socket:
    host, port = server.base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=15)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_a_request_head_over_the_limit_gets_431_and_the_connection_closed(guarded: Server) -> None:
    with connect(guarded) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 20_000)
        assert read_all(sock).startswith(b"HTTP/1.1 431 ")


def test_a_head_within_the_limit_is_served(guarded: Server) -> None:
    reply = httpx.get(guarded.base + "/api/health", headers={"X-Padding": "a" * 7000})
    assert reply.status_code == 200


def test_a_trickling_request_head_gets_408(guarded: Server) -> None:
    with connect(guarded) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        assert read_all(sock).startswith(b"HTTP/1.1 408 ")


def test_a_silent_connection_is_closed(guarded: Server) -> None:
    with connect(guarded) as sock:
        assert read_all(sock) == b""


def test_a_trickling_body_gets_408(guarded: Server) -> None:
    with connect(guarded) as sock:
        sock.sendall(b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"message\": ")
        reply = read_all(sock)
    assert reply.startswith(b"HTTP/1.1 408 ") and b"did not arrive within 1 s" in reply


def test_past_the_connection_cap_the_longest_idle_connections_are_closed(guarded: Server) -> None:
    idle = [connect(guarded) for _ in range(30)]
    try:
        reply = httpx.get(guarded.base + "/api/health", timeout=15)  # a new client still gets in
        assert reply.status_code == 200
        idle[0].settimeout(15)
        assert idle[0].recv(1) == b""  # the first (longest idle) ones were closed to make room
    finally:
        for sock in idle:
            sock.close()
    wait_for(lambda: "when the limit of 20 connections was reached" in guarded.log(), timeout=30)  # logged as counts


def test_head_requests_get_the_get_headers_without_a_body(client: TestClient) -> None:
    for path in ("/api/health", "/api/config", "/", "/embed", "/widget.js"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == 200 == get.status_code, path
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
    assert client.head("/api/chat").status_code == 405


def embed_snippet(client: TestClient, **headers: str) -> str:
    text = client.get("/embed", headers=headers).text
    return text.split('<code id="snippet">', 1)[1].split("</code>", 1)[0]


def test_embed_snippet_never_reflects_an_untrusted_host_header(bot: Guidebot) -> None:
    with TestClient(create_app(Settings(), bot=bot)) as client:
        assert "evil.example" not in embed_snippet(client, host="evil.example")
        assert "http://testserver/widget.js" in embed_snippet(client, host="evil.example")
    with TestClient(create_app(Settings(public_url="https://chat.example.edu/"), bot=bot)) as client:
        assert "https://chat.example.edu/widget.js" in embed_snippet(client, host="evil.example")
    with TestClient(create_app(Settings(forwarded_allow_ips="*"), bot=bot)) as client:  # behind a trusted proxy
        assert "https://chat.example.org/widget.js" in embed_snippet(
            client, host="chat.example.org", **{"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"})


def test_a_public_url_must_be_an_http_url(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="GUIDEBOT_PUBLIC_URL"):
        Settings(public_url="javascript:alert(1)")
