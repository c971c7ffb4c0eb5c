"""Shared fixtures: the real corpus and engine, throwaway corpora for validation tests, the app
through TestClient, and a real uvicorn server on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from guidebot.corpus import load_corpus
from guidebot.engine import Engine, build_index

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(build_index(load_corpus(CORPUS)))


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


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not come up")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `guidebot serve` process on a free loopback port; yields its base URL."""
    port = free_port()
    index = tmp_path_factory.mktemp("live") / "index.gbi"
    env = {**os.environ, "GUIDEBOT_INDEX_PATH": str(index), "GUIDEBOT_CORPUS_DIR": str(CORPUS)}
    process = subprocess.Popen([sys.executable, "-m", "guidebot.cli", "serve", "--host", "127.0.0.1", "--port",
                                str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/api/health")
        yield base
    finally:
        stop_process(process)
