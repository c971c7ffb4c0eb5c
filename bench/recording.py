"""What recording costs the chat path: two real servers (`guidebot serve`, 1 worker each) over
the same index, one recording every turn into SQLite (the default) and one with
GUIDEBOT_DATABASE_URL=none, driven alternately by the same load generator in the same run (so a
shared machine's slow moments fall on both alike): POST /api/chat with the chat mix of
bench/workload.py (many answers served from the reply cache, as in production) and with the
distinct realistic questions of bench/questions.py (each answer computed). Reports requests/s,
p99 and the server's CPU time per request (all its threads, from /proc: what recording costs the
server itself, apart from the load generator that shares this machine's CPUs) per server, the
on/off ratios (target: throughput within 5%), and checks afterwards that every recorded turn
reached the database. The CPU is also given for the event loop's thread alone (the main thread:
what serves a cached reply); the rest is the lane threads (computed answers) and the writer.

    .venv/bin/python -m bench.recording              # 32 connections, 6 rounds of 2 x 5 s per mix
    .venv/bin/python -m bench.recording --quick      # 8 connections, 2 rounds of 1 s
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.serve_http import WRK, chat_bodies, distinct_load, run_async_client, run_wrk, server
from guidebot.build import build_and_save

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.95


def cpu_seconds(pid: int, tid: int | None = None) -> float:
    """User and system CPU time of a process, all its threads (Linux /proc), or of one of its threads."""
    path = f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat"
    fields = Path(path).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(connections: int, seconds: float, rounds: int, workdir: Path) -> dict[str, object]:
    load = run_wrk if WRK else run_async_client
    on_dir, off_dir = workdir / "on", workdir / "off"
    for folder in (on_dir, off_dir):
        folder.mkdir()
        build_and_save(ROOT / "corpus", folder / "index.gbi")
    secret = {"GUIDEBOT_SECRET": "bench-secret-0123456789abcdef0123"}
    with server(on_dir / "index.gbi", 1, extra_env=secret) as (on, on_pid), \
            server(off_dir / "index.gbi", 1, extra_env={"GUIDEBOT_DATABASE_URL": "none"}) as (off, off_pid):
        bodies, distinct = chat_bodies(on), distinct_load(on)
        chat_bodies(off)
        mixes = {"chat mix": [b for _label, b in bodies], "distinct": distinct}
        cells: dict[tuple[str, str], list[dict[str, float]]] = {}
        for _ in range(rounds):
            for mix, payloads in mixes.items():
                for name, base, pid in (("on", on, on_pid), ("off", off, off_pid)):
                    before, loop_before = cpu_seconds(pid), cpu_seconds(pid, pid)
                    cell = load(base, "/api/chat", connections, seconds, workdir, payloads)
                    cell["cpu_us"] = (cpu_seconds(pid) - before) * 1e6 / max(cell["requests"], 1)
                    cell["loop_us"] = (cpu_seconds(pid, pid) - loop_before) * 1e6 / max(cell["requests"], 1)
                    cells.setdefault((mix, name), []).append(cell)
        health = httpx.get(on + "/api/health", timeout=10).json()["recording"]
        deadline = time.monotonic() + 30
        while health["queued"] and time.monotonic() < deadline:
            time.sleep(0.2)
            health = httpx.get(on + "/api/health", timeout=10).json()["recording"]
    results: dict[str, object] = {"connections": connections, "seconds": seconds, "rounds": rounds,
                                  "generator": "wrk" if WRK else "httpx", "recording": health}
    for mix in mixes:
        summary = {}
        for name in ("on", "off"):
            runs = cells[(mix, name)]
            summary[name] = {"rps": round(statistics.median(r["rps"] for r in runs), 1),
                             "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
                             "cpu_us": round(statistics.median(r["cpu_us"] for r in runs), 1),
                             "loop_us": round(statistics.median(r["loop_us"] for r in runs), 1),
                             "non2xx": sum(r["non2xx"] for r in runs), "requests": sum(r["requests"] for r in runs)}
        summary["throughput_ratio"] = round(summary["on"]["rps"] / summary["off"]["rps"], 3)
        summary["p99_ratio"] = round(summary["on"]["p99_ms"] / summary["off"]["p99_ms"], 3)
        summary["cpu_ratio"] = round(summary["on"]["cpu_us"] / summary["off"]["cpu_us"], 3)
        results[mix] = summary
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    connections, seconds, rounds = (8, 1.0, 2) if args.quick else (32, 5.0, 6)
    with tempfile.TemporaryDirectory(prefix="guidebot-bench-recording-") as tmp:
        results = run(connections, seconds, rounds, Path(tmp))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{time.strftime('%Y-%m-%d')} · {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{results['generator']}, {connections} connections, {rounds} rounds x {seconds:g} s per cell\n")
    print("| mix | recording | requests/s | p99 | server CPU per request | of it the event loop's thread | non-2xx |\n"
          "| --- | --- | --- | --- | --- | --- | --- |")
    ok = True
    for mix in ("chat mix", "distinct"):
        summary = results[mix]
        assert isinstance(summary, dict)
        for name in ("on", "off"):
            cell = summary[name]
            print(f"| {mix} | {name} | {cell['rps']:,.0f} | {cell['p99_ms']:.1f} ms | {cell['cpu_us']:.0f} µs | "
                  f"{cell['loop_us']:.0f} µs | {cell['non2xx']} |")
        ok = ok and summary["throughput_ratio"] >= TARGET
    for mix in ("chat mix", "distinct"):
        summary = results[mix]
        assert isinstance(summary, dict)
        print(f"\n{mix}: on/off throughput {summary['throughput_ratio']:.3f} (target >= {TARGET}), "
              f"p99 {summary['p99_ratio']:.3f}, server CPU per request {summary['cpu_ratio']:.3f}")
    recording = results["recording"]
    assert isinstance(recording, dict)
    print(f"recorded: {recording['written']} written, {recording['dropped']} dropped, {recording['queued']} queued")
    return 0 if ok and not recording["dropped"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
