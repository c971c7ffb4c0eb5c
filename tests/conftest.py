"""Shared fixtures: the real corpus and the bot answering from it, throwaway corpora for validation
tests, the app through TestClient, real `guidebot serve` processes on free loopback ports
(`serve`, the one launcher every suite uses; `live_server` is a session-wide one), and the
recording store on SQLite and on a real PostgreSQL server (`postgres`, `store_url`)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from guidebot.build import build_index
from guidebot.chat import Guidebot
from guidebot.corpus import load_corpus
from guidebot.service.app import create_app
from guidebot.settings import Settings

from .postgres import PostgresServer, find_bin_dir

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def bot() -> Guidebot:
    return Guidebot(build_index(load_corpus(CORPUS)))


@pytest.fixture(scope="module")
def client(bot: Guidebot, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app with default settings (no admin token), as most deployments run it, recording into
    a SQLite file of its own (beside a would-be index in a temporary folder)."""
    settings = Settings(index_path=tmp_path_factory.mktemp("client") / "index.gbi")
    with TestClient(create_app(settings, bot=bot)) as test_client:
        yield test_client


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def write_doc(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(process: subprocess.Popen, timeout: float = 10.0) -> None:  # type: ignore[type-arg]
    """Ask a server process to stop; kill it if it does not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@dataclass
class Server:
    """A running `guidebot serve` process: its base URL and its combined stdout/stderr log."""

    base: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def log_tail(self, chars: int = 4000) -> str:
        return self.log()[-chars:]


def wait_until_up(server: Server, timeout: float) -> None:
    """Poll /api/health until it answers 200; fail early (with the log) if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            if httpx.get(server.base + "/api/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"guidebot serve at {server.base} did not come up "
                       f"(exit code {server.process.poll()}):\n{server.log_tail()}")


@contextmanager
def serve(workdir: Path, *args: str, corpus: Path = CORPUS, index: Path | None = None,
          env: Mapping[str, str] | None = None, timeout: float = 60.0,
          preexec_fn: Callable[[], None] | None = None) -> Iterator[Server]:
    """A real `python -m guidebot.cli serve` on a free loopback port over `corpus`, serving
    `index` (default: `workdir/index.gbi`), with `env` added to this process's environment and
    extra CLI `args` (and `preexec_fn` run in the child first, e.g. to set a resource limit);
    waits until /api/health answers. Its output goes to a log file in `workdir`."""
    port = free_port()
    log_path = workdir / f"serve-{port}.log"
    command = [sys.executable, "-m", "guidebot.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--corpus", str(corpus), "--index", str(index or workdir / "index.gbi"), *args]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
                                   stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_until_up(server, timeout)
        yield server
    finally:
        stop_process(process, timeout=15)


@contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """Make `folder` unwritable for the duration (immutable for root, which ignores permissions;
    mode 0555 otherwise); skip the test when neither works here."""
    immutable = os.geteuid() == 0 and shutil.which("chattr") is not None
    if immutable:
        subprocess.run(["chattr", "+i", str(folder)], check=False, capture_output=True)
    else:
        folder.chmod(0o555)
    try:
        try:
            (folder / ".probe").touch()
        except OSError:
            yield folder
        else:
            (folder / ".probe").unlink()
            pytest.skip(f"cannot make {folder} read-only here")
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=False, capture_output=True)
        else:
            folder.chmod(0o755)


@contextmanager
def full_disk(folder: Path, *keep: Path) -> Iterator[Path]:
    """`folder` (new) as a small filesystem of its own (tmpfs) holding copies of `keep`, then filled
    up: every further write in it fails with ENOSPC, as on a full disk. Skips the test where it
    cannot mount (mounting needs root)."""
    folder.mkdir()
    size = sum(path.stat().st_size for path in keep) + 256 * 1024
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "guidebot-full", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a small filesystem here: {mounted.stderr.strip()}")
    try:
        for path in keep:
            shutil.copy2(path, folder / path.name)
        filler = os.open(folder / ".filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(filler, b"\0" * 4096):
                pass
        except OSError:
            pass  # full
        finally:
            os.close(filler)
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=False, capture_output=True)


def file_size_limit(size: int) -> Callable[[], None]:
    """A preexec_fn limiting the files a child process writes to `size` bytes (writes past it fail with EFBIG)."""
    import resource

    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `guidebot serve` process with default settings; yields its base URL."""
    with serve(tmp_path_factory.mktemp("live")) as server:
        yield server.base


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole session (skipped without the binaries, failed in CI)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        if in_ci():
            pytest.fail(message + " (CI=true, so this is a failure rather than a skip)", pytrace=False)
        pytest.skip(message)
    server = PostgresServer(bin_dir, free_port())
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database URL: a SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'guidebot.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()
