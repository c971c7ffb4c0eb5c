"""Load under rebuilds: many concurrent chat clients against a real `guidebot serve` while the index
is rebuilt several times through POST /api/reindex. Loopback only and bounded in time.

Starts the server itself on a free 127.0.0.1 port, over a temporary copy of the corpus (each
rebuild adds or removes one small document, so every swap is a real change of index), with an
admin token and rate limiting off (all clients share one address). Reports requests, errors (any
non-200 or transport error; must be 0), p50/p99 latency, the reindex replies, and the server's
resident memory (VmRSS of the server and its worker processes) after warm-up, after each rebuild
and at the end. Exits 1 when there was any error.

    .venv/bin/python -m bench.load                     # 30 s, 16 clients, 1 worker, 5 rebuilds
    .venv/bin/python -m bench.load --workers 2
    .venv/bin/python -m bench.load --quick --json      # 5 s; used by tests/test_load_quick.py

(Run it as a module from the repository root: `python -m bench.load`.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
EXTRA_DOC = ("---\nid: load-test-note\ntitle: Load test note\nkind: topic\n---\n\n"
             "This note is added and removed by bench/load.py to force a real rebuild.\n")
# Conversations the clients replay: answered, abstained, small talk, a typo, lists and follow-ups.
CONVERSATIONS: tuple[tuple[str, ...], ...] = (
    ("What are the admission requirements for international students?",),
    ("Where is CMU?",),
    ("What is OPT?",),
    ("Do I need the GRE for Stanfrod?",),
    ("Which universities are in California?",),
    ("Compare CMU and MIT",),
    ("What is the tuition at Stanford?",),
    ("What is the weather on Mars?",),
    ("hi",),
    ("Tell me about Stanford", "where is it located?"),
    ("What are the admission requirements?", "what about funding?"),
)


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reindexes: list[dict[str, object]] = field(default_factory=list)
    rss_mb: dict[str, float] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.errors)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (uvicorn's workers are children of the `guidebot serve` process)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, stack = [], [pid]
    while stack:
        current = stack.pop()
        tree.append(current)
        stack.extend(children.get(current, ()))
    return tree


def rss_mb(pid: int) -> float:
    """Resident memory of the server process and its descendants, in MiB (from /proc/PID/status VmRSS)."""
    total_kb = 0
    for member in process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


async def wait_until_up(client: httpx.AsyncClient, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before it was up")
        try:
            if (await client.get("/api/health", timeout=1)).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the server did not come up")


async def chat_client(client: httpx.AsyncClient, number: int, stop_at: float, results: Results) -> None:
    turn = number
    while time.monotonic() < stop_at:
        conversation = CONVERSATIONS[turn % len(CONVERSATIONS)]
        turn += 1
        history: list[dict[str, str]] = []
        for message in conversation:
            started = time.perf_counter()
            try:
                reply = await client.post("/api/chat", json={"message": message, "history": history}, timeout=30)
                body = reply.json()
                if reply.status_code != 200 or "answer" not in body:
                    results.errors.append(f"{reply.status_code} {reply.text[:200]}")
                    break
            except (httpx.HTTPError, ValueError) as exc:
                results.errors.append(f"{message!r}: {exc!r}")
                break
            results.latencies.append(time.perf_counter() - started)
            history += [{"role": "user", "content": message}, {"role": "assistant", "content": body["answer"]}]


async def rebuilder(client: httpx.AsyncClient, token: str, corpus: Path, pid: int, times: list[float],
                    results: Results) -> None:
    extra = corpus / "topics" / "load-test-note.md"
    for number, at in enumerate(times, start=1):
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        if extra.exists():
            extra.unlink()
        else:
            extra.write_text(EXTRA_DOC, encoding="utf-8")
        try:
            reply = await client.post("/api/reindex", headers={"Authorization": f"Bearer {token}"}, timeout=120)
        except httpx.HTTPError as exc:
            results.errors.append(f"reindex {number}: {exc!r}")
            continue
        if reply.status_code != 200:
            results.errors.append(f"reindex {number}: {reply.status_code} {reply.text[:300]}")
        body = reply.json() if reply.headers.get("content-type") == "application/json" else {}
        results.reindexes.append({"status": reply.status_code, "seconds": body.get("seconds"),
                                  "index_version": body.get("index_version"), "changes": body.get("changes")})
        await asyncio.sleep(0.5)  # let requests that started on the old index finish before measuring
        results.rss_mb[f"after rebuild {number}"] = round(rss_mb(pid), 1)


async def run(args: argparse.Namespace, workdir: Path) -> Results:
    corpus = workdir / "corpus"
    shutil.copytree(CORPUS, corpus)
    token = secrets.token_urlsafe(24)
    port = free_port()
    env = {**os.environ, "GUIDEBOT_ADMIN_TOKEN": token, "GUIDEBOT_RATE_LIMIT_PER_MINUTE": "0"}
    with open(workdir / "server.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "guidebot.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--corpus",
             str(corpus), "--index", str(workdir / "index.gbi"), "--workers", str(args.workers)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    results = Results()
    limits = httpx.Limits(max_connections=args.clients + 2, max_keepalive_connections=args.clients + 2)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as client:
            await wait_until_up(client, process)
            warm = Results()
            await asyncio.gather(*(chat_client(client, n, time.monotonic() + 1.0, warm) for n in range(args.clients)))
            results.rss_mb["after warm-up"] = round(rss_mb(process.pid), 1)
            started = time.monotonic()
            stop_at = started + args.duration
            times = [started + args.duration * (i + 1) / (args.reindexes + 1) for i in range(args.reindexes)]
            await asyncio.gather(rebuilder(client, token, corpus, process.pid, times, results),
                                 *(chat_client(client, n, stop_at, results) for n in range(args.clients)))
            results.rss_mb["at the end"] = round(rss_mb(process.pid), 1)
            results.rss_mb["elapsed_s"] = round(time.monotonic() - started, 1)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    if results.errors:
        print((workdir / "server.log").read_text(encoding="utf-8", errors="replace")[-3000:], file=sys.stderr)
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def report(args: argparse.Namespace, results: Results) -> dict[str, object]:
    elapsed = float(results.rss_mb.pop("elapsed_s", args.duration))
    return {
        "duration_s": args.duration, "clients": args.clients, "workers": args.workers,
        "requests": results.requests, "errors": len(results.errors), "error_samples": results.errors[:5],
        "requests_per_s": round(results.requests / elapsed, 1) if elapsed else None,
        "p50_ms": round(percentile(results.latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(results.latencies, 0.99) * 1000, 1),
        "reindexes": results.reindexes, "rss_mb": results.rss_mb,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent chat clients (default 16)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (default 1)")
    parser.add_argument("--reindexes", type=int, default=5, help="rebuilds spread over the run (default 5)")
    parser.add_argument("--quick", action="store_true", help="5 s, 8 clients, 3 rebuilds (for make test)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON line")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.clients, args.reindexes = 5.0, 8, 3
    with tempfile.TemporaryDirectory(prefix="guidebot-load-") as workdir:
        results = asyncio.run(run(args, Path(workdir)))
    summary = report(args, results)
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{summary['requests']} chat requests in {args.duration:g} s from {args.clients} clients "
              f"({summary['requests_per_s']}/s), {args.workers} worker(s): {summary['errors']} errors")
        print(f"latency p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms")
        for number, rebuild in enumerate(results.reindexes, start=1):
            print(f"rebuild {number}: HTTP {rebuild['status']} in {rebuild['seconds']} s, "
                  f"version {rebuild['index_version']}, changes {rebuild['changes']}")
        print("server RSS (MiB): " + ", ".join(f"{k} {v}" for k, v in results.rss_mb.items()))
        for sample in summary["error_samples"]:  # type: ignore[union-attr]
            print(f"error: {sample}")
    return 1 if results.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
