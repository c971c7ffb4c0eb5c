"""guidebot replicas on loopback, set up as deploy/ describes them, for the cluster benchmark and its
tests: each replica is a real `guidebot serve` with the environment of deploy/guidebot.env.example
(only the values that name this machine's paths, the database and the secret changed), its own
port and its own folder holding its index file and a `corpus` symlink to the current release, as
one machine of a deployment would.

Also the index rollout README "Operating at scale" describes: build the new release's index once,
then replica by replica point its corpus at the release and replace its index file (an atomic
rename); the replica reloads it within GUIDEBOT_RELOAD_CHECK_SECONDS; wait until its /api/health
reports the new `index_version` before the next.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = ROOT / "deploy" / "guidebot.env.example"


def read_env_file(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """KEY=VALUE lines of a systemd environment file (comments and blank lines skipped)."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def replica_env(overrides: Mapping[str, str]) -> dict[str, str]:
    """The shipped environment file's settings with `overrides`; the ones still saying CHANGE-ME
    (or an address that is not this machine's) must be among the overrides."""
    values = {**read_env_file(), **overrides}
    unset = [key for key, value in values.items() if "CHANGE-ME" in value]
    if unset:
        raise ValueError(f"{ENV_EXAMPLE.name}: give these for this machine: {', '.join(unset)}")
    return values


def build_index(corpus: Path, out: Path) -> float:
    """`guidebot index` over `corpus` into `out`, as an operator runs it; returns the seconds it took."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "guidebot.cli", "index", "--corpus", str(corpus), "--out", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def point_symlink(link: Path, target: Path) -> None:
    """Make `link` point at `target` in one rename (a reader sees the old release or the new one)."""
    temporary = link.with_name(f".{link.name}.next")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    os.replace(temporary, link)


def install_index(built: Path, index_path: Path) -> None:
    """Copy a built index file into place with one rename (a replica never reads half a file)."""
    temporary = index_path.with_name(f".{index_path.name}.rollout")
    shutil.copyfile(built, temporary)
    os.replace(temporary, index_path)


class Replica:
    """One `guidebot serve` on `port`, in `folder` (index.gbi, the corpus symlink, serve.log)."""

    def __init__(self, folder: Path, port: int, env: Mapping[str, str]) -> None:
        self.folder = folder
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.env = dict(env)
        self.corpus = folder / "corpus"
        self.index_path = folder / "index.gbi"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        folder.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        """Start the process (as systemd's ExecStart does: flags for the port and the index file)."""
        self.starts += 1
        with open(self.folder / "serve.log", "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "guidebot.cli", "serve", "--port", str(self.port), "--index",
                 str(self.index_path)], cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, **self.env, "GUIDEBOT_CORPUS_DIR": str(self.corpus), "PYTHONUNBUFFERED": "1",
                     "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH"))
                                                   if p)})

    def health(self, timeout: float = 2.0) -> dict[str, object] | None:
        try:
            reply = httpx.get(self.base + "/api/health", timeout=timeout)
        except httpx.HTTPError:
            return None
        return reply.json() if reply.status_code in (200, 503) else None

    def wait_until_up(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"replica {self.port} exited with {self.process.returncode}: {self.log_tail()}")
            health = self.health(1.0)
            if health is not None and health.get("status") == "ok":
                return
            time.sleep(0.05)
        raise RuntimeError(f"replica {self.port} did not come up: {self.log_tail()}")

    def wait_for_version(self, version: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            health = self.health(1.0)
            if health is not None and health.get("index_version") == version:
                return
            time.sleep(0.02)
        raise RuntimeError(f"replica {self.port} did not load index {version}: {self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush of its recording queue (a crash, or the OOM killer)."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return (self.folder / "serve.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def tracebacks(self) -> int:
        return self.log_tail(10_000_000).count("Traceback")


def roll_out(release: Path, built: Path, replicas: Sequence[Replica], version: str) -> list[float]:
    """Roll the index `built` from `release` across `replicas`, one at a time; returns, for each,
    the seconds from the start of the rollout until it served `version`."""
    started = time.perf_counter()
    served = []
    for replica in replicas:
        point_symlink(replica.corpus, release)  # a restart from now on rebuilds (or loads) the new release
        install_index(built, replica.index_path)
        replica.wait_for_version(version)
        served.append(time.perf_counter() - started)
    return served


def index_version(index_path: Path) -> str:
    """The version a built index file will report in /api/health."""
    from guidebot.index import read_manifest

    return str(read_manifest(index_path)["version"])
