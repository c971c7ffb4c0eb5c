"""The shipped nginx configuration (deploy/nginx/guidebot.conf), run by Debian's nginx in front of a
real `guidebot serve`: it is valid, proxies chat and search, forwards what guidebot trusts (the
client address and the Host for /embed), and refuses oversized heads and bodies itself."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ..conftest import ROOT, Server, free_port, serve, stop_process

NGINX = Path("/usr/sbin/nginx")
CONF = ROOT / "deploy" / "nginx" / "guidebot.conf"

pytestmark = pytest.mark.skipif(not NGINX.exists() and os.environ.get("CI") != "true",
                                reason="Debian's nginx (/usr/sbin/nginx) is not installed")


def nginx_conf(folder: Path, upstream_port: int, port: int) -> Path:
    """The shipped file with its upstream and listening port changed, inside a minimal nginx.conf
    whose files all live in `folder`."""
    site = CONF.read_text(encoding="utf-8").replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    (folder / "guidebot.conf").write_text(site, encoding="utf-8")
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    main = folder / "nginx.conf"
    main.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder}/guidebot.conf;
}}
""", encoding="utf-8")
    return main


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Server]]:
    folder = tmp_path_factory.mktemp("nginx")
    with serve(folder) as server:
        port = free_port()
        conf = nginx_conf(folder, int(server.base.rsplit(":", 1)[1]), port)
        check = subprocess.run([str(NGINX), "-t", "-c", str(conf), "-p", str(folder)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        process = subprocess.Popen([str(NGINX), "-c", str(conf), "-p", str(folder), "-g", "daemon off;"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            yield base, server
        finally:
            stop_process(process)
            shutil.rmtree(folder / "proxy", ignore_errors=True)


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
