"""Debian's nginx running the shipped deploy/nginx/guidebot.conf, for the tests and the cluster
benchmark: the file as shipped, with only its upstream ports and listen address substituted,
included from a minimal nginx.conf whose pid, logs and temporary files all live in one folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
NGINX = Path("/usr/sbin/nginx")
CONF = ROOT / "deploy" / "nginx" / "guidebot.conf"
_UPSTREAM_SERVER = re.compile(r"^(\s*)server 127\.0\.0\.1:\d+([^;]*);.*$", re.MULTILINE)
TEMP_FOLDERS = ("body", "proxy", "fastcgi", "uwsgi", "scgi")


def site_conf(upstream_ports: Sequence[int], port: int) -> str:
    """The shipped file with one upstream `server` line per port (keeping the shipped line's
    options: max_fails, fail_timeout) and listening on 127.0.0.1:`port`."""
    text = CONF.read_text(encoding="utf-8")
    servers = list(_UPSTREAM_SERVER.finditer(text))
    if not servers or "listen 80;" not in text:
        raise ValueError(f"{CONF} no longer has the upstream servers or `listen 80;` this harness substitutes")
    indent, options = servers[0].group(1), servers[0].group(2)
    lines = "\n".join(f"{indent}server 127.0.0.1:{p}{options};" for p in upstream_ports)
    text = text[:servers[0].start()] + lines + text[servers[-1].end():]
    return text.replace("listen 80;", f"listen 127.0.0.1:{port};")


# With `access_log`: which replica served each request and how long it took there, for the
# cluster benchmark's attribution of slow replies (not part of the shipped file).
ACCESS_FORMAT = "log_format replicas '$msec|$status|$request_time|$upstream_addr|$upstream_response_time';"


def write_conf(folder: Path, upstream_ports: Sequence[int], port: int, worker_processes: int = 1,
               access_log: bool = False) -> Path:
    """nginx.conf in `folder`, including the substituted site file; returns its path."""
    (folder / "guidebot.conf").write_text(site_conf(upstream_ports, port), encoding="utf-8")
    for name in TEMP_FOLDERS:
        (folder / name).mkdir(exist_ok=True)
    main = folder / "nginx.conf"
    temp_paths = "\n".join(f"    {name}_temp_path {folder / name};" for name in TEMP_FOLDERS if name != "body")
    main.write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes {worker_processes};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    {ACCESS_FORMAT if access_log else ""}
    access_log {f"{folder}/access.log replicas" if access_log else "off"};
    client_body_temp_path {folder / "body"};
{temp_paths}
    include {folder}/guidebot.conf;
}}
""", encoding="utf-8")
    return main


class Nginx:
    """One nginx process (daemon off) in front of `upstream_ports`, listening on `port`."""

    def __init__(self, folder: Path, upstream_ports: Sequence[int], port: int, worker_processes: int = 1,
                 access_log: bool = False) -> None:
        self.folder = folder
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.conf = write_conf(folder, upstream_ports, port, worker_processes, access_log)
        self.process: subprocess.Popen[bytes] | None = None

    def check(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t` on the configuration."""
        return subprocess.run([str(NGINX), "-t", "-c", str(self.conf), "-p", str(self.folder)],
                              capture_output=True, text=True)

    def start(self, timeout: float = 30.0) -> Nginx:
        checked = self.check()
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t failed: {checked.stderr}")
        self.process = subprocess.Popen([str(NGINX), "-c", str(self.conf), "-p", str(self.folder), "-g",
                                         "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}: {self.error_log()}")
            try:
                httpx.get(self.base + "/api/health/live", timeout=1)
                return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    def access_log(self) -> list[tuple[float, int, float, str, str]]:
        """(time, status, seconds in nginx, the replica(s) tried, seconds at each) per logged request."""
        entries = []
        try:
            lines = (self.folder / "access.log").read_text(errors="replace").splitlines()
        except OSError:
            return entries
        for line in lines:
            parts = line.split("|")
            if len(parts) == 5:
                entries.append((float(parts[0]), int(parts[1]), float(parts[2]), parts[3], parts[4]))
        return entries

    def error_log(self, chars: int = 3000) -> str:
        try:
            return (self.folder / "error.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.folder / "proxy", ignore_errors=True)

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
