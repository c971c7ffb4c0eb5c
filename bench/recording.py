"""What recording costs the chat path: real servers (`guidebot serve`, 1 worker each) over the same
index, one recording every turn into SQLite (the default) and one with GUIDEBOT_DATABASE_URL=none,
driven alternately by the same load generator in the same run: POST /api/chat with the chat mix of
bench/workload.py (many answers served from the reply cache, as in production) and with the
distinct realistic questions of bench/questions.py (each answer computed).

A shared 2-vCPU machine moves a single figure by ±30%, so the verdict is read from many short
rounds: each round runs every server once per mix (the order reversed every other round, so
neither recording state always goes first), and each round gives its own on/off ratio from two
cells seconds apart; the report is the median of those per-round ratios with their quartiles and
range. The rounds are spread over several sets of fresh server processes (`--instances`), since
one process can run a few per cent faster than another of the same code, and every server runs
with the same PYTHONHASHSEED. The servers share one CPU and the load generator (and this process)
the others (sched_setaffinity), so the writer thread's work takes CPU from the chat path rather
than from an idle core, and wrk never competes with the server it measures. Beside throughput,
the server's CPU time per request (all its threads, from /proc, read after the writer has emptied
its queue) is the steadier measure: what recording costs the server itself. `--paired` loads
each version's two servers at the same time instead (each by its own wrk), so that whatever else
the machine is doing falls on both alike: the tightest CPU ratio, though then the two share the
CPU and throughput follows CPU. `--baseline NAME=SRC` also runs other versions of the code
(another checkout's src/, e.g. main's) in the same rounds, so before and after are measured side
by side. Afterwards it checks that every turn reached the database.

    .venv/bin/python -m bench.recording                              # 32 connections, 12 rounds x 3 s, 3 instances
    .venv/bin/python -m bench.recording --baseline main=../main/src  # the same, beside another version
    .venv/bin/python -m bench.recording --paired                     # on and off loaded together
    .venv/bin/python -m bench.recording --quick                      # 8 connections, 2 rounds of 1 s
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.serve_http import WRK, chat_bodies, distinct_load, run_async_client, run_wrk, server
from guidebot.build import build_and_save

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.95
MIXES = ("chat mix", "distinct")
DRAIN_SECONDS = 30.0


@dataclass
class Server:
    version: str  # "this", or a baseline's name
    recording: str  # "on" | "off"
    src: Path | None  # what PYTHONPATH names (None: this checkout's, as inherited)
    base: str = ""  # the current process's URL and pid
    pid: int = 0
    cells: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # per mix, one per round

    @property
    def name(self) -> str:
        return f"{self.version}-{self.recording}"  # also its folder (index, log, load scripts)


def cpu_seconds(pid: int, tid: int | None = None) -> float:
    """User and system CPU time of a process, all its threads (Linux /proc), or of one of its threads."""
    path = f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat"
    fields = Path(path).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def split_cpus(pin: bool) -> tuple[set[int] | None, set[int] | None]:
    """(the servers' CPU, the load generator's CPUs), or (None, None) when not pinning."""
    cpus = sorted(os.sched_getaffinity(0))
    if not pin or len(cpus) < 2:
        return None, None
    return {cpus[-1]}, set(cpus[:-1])


def pin(pid: int, cpus: set[int] | None) -> None:
    """Every thread of a process onto `cpus` (threads it starts later inherit the main thread's)."""
    if cpus is not None:
        for tid in os.listdir(f"/proc/{pid}/task"):
            os.sched_setaffinity(int(tid), cpus)


def recording_health(base: str) -> dict[str, object]:
    return httpx.get(base + "/api/health", timeout=10).json().get("recording") or {}


def drain(base: str) -> dict[str, object]:
    """Wait until the server's writer has written everything queued, so its CPU is counted in its cell."""
    deadline = time.monotonic() + DRAIN_SECONDS
    health = recording_health(base)
    while health.get("queued") and time.monotonic() < deadline:
        time.sleep(0.05)
        health = recording_health(base)
    return health


def measure(group: list[Server], mix: str, payloads: object, connections: int, seconds: float,
            workdir: Path) -> None:
    """One cell for each server of `group`, loaded at the same time (each by its own generator)."""
    load = run_wrk if WRK else run_async_client
    before = [(cpu_seconds(s.pid), cpu_seconds(s.pid, s.pid)) for s in group]
    with ThreadPoolExecutor(len(group)) as pool:
        cells = list(pool.map(lambda s: load(s.base, "/api/chat", connections, seconds, workdir / s.name, payloads),
                              group))  # type: ignore[arg-type]
    for srv in group:
        if srv.recording == "on":
            drain(srv.base)
    for srv, cell, (cpu, loop) in zip(group, cells, before, strict=True):
        requests = max(cell["requests"], 1)
        cell["cpu_us"] = (cpu_seconds(srv.pid) - cpu) * 1e6 / requests
        cell["loop_us"] = (cpu_seconds(srv.pid, srv.pid) - loop) * 1e6 / requests
        srv.cells.setdefault(mix, []).append(cell)


def make_servers(workdir: Path, versions: dict[str, Path | None]) -> list[Server]:
    """Each version's recording and non-recording server, with its own index folder (built once)."""
    servers = []
    for version, src in versions.items():
        for recording in ("on", "off"):
            srv = Server(version, recording, src)
            (workdir / srv.name).mkdir()
            build_and_save(ROOT / "corpus", workdir / srv.name / "index.gbi")
            servers.append(srv)
    return servers


def start(stack: ExitStack, srv: Server, workdir: Path, server_cpus: set[int] | None) -> None:
    """A fresh process for `srv` (the same index and database folder as its earlier ones)."""
    env = {"GUIDEBOT_SECRET": "bench-secret-0123456789abcdef0123"} if srv.recording == "on" else \
        {"GUIDEBOT_DATABASE_URL": "none"}
    env["PYTHONHASHSEED"] = "0"  # the same dict layouts in every server: one less difference between them
    if srv.src is not None:
        env["PYTHONPATH"] = str(srv.src)
    srv.base, srv.pid = stack.enter_context(server(workdir / srv.name / "index.gbi", 1, extra_env=env))
    pin(srv.pid, server_cpus)


def run(connections: int, seconds: float, rounds: int, workdir: Path, baselines: dict[str, Path] | None = None,
        pin_cpus: bool = True, mixes: tuple[str, ...] = MIXES, paired: bool = False,
        instances: int = 1) -> dict[str, object]:
    """`rounds` rounds, spread over `instances` sets of fresh server processes: a process's own
    speed (where its memory landed) differs from another's by a few per cent, as much as what is
    measured, so the verdict must not rest on one process per server."""
    server_cpus, load_cpus = split_cpus(pin_cpus)
    if load_cpus is not None:
        os.sched_setaffinity(0, load_cpus)  # this process and the load generators it starts
    versions: dict[str, Path | None] = {"this": None, **(baselines or {})}
    load_before = os.getloadavg()[0]
    servers = make_servers(workdir, versions)
    groups = [servers[i:i + 2] for i in range(0, len(servers), 2)] if paired else [[s] for s in servers]
    payloads: dict[str, object] = {}
    totals = {srv.version: {"written": 0, "dropped": 0} for srv in servers if srv.recording == "on"}
    recorded: dict[str, dict[str, object]] = {}
    shares = [rounds // instances + (k < rounds % instances) for k in range(instances)]
    done = 0
    for share in shares:
        with ExitStack() as stack:
            for srv in servers:
                start(stack, srv, workdir, server_cpus)
                bodies = chat_bodies(srv.base)  # the same replies in every server's cache
            payloads.setdefault("chat mix", [b for _label, b in bodies])
            if "distinct" in mixes and "distinct" not in payloads:
                payloads["distinct"] = distinct_load(servers[0].base)
            for _ in range(share):
                for mix in mixes:
                    for group in (groups if done % 2 == 0 else groups[::-1]):
                        measure(group, mix, payloads[mix], connections, seconds, workdir)
                done += 1
            for srv in servers:
                if srv.recording == "on":
                    recorded[srv.version] = health = drain(srv.base)
                    for key in ("written", "dropped"):
                        totals[srv.version][key] += int(health[key])  # type: ignore[call-overload]
    results: dict[str, object] = {
        "connections": connections, "seconds": seconds, "rounds": rounds, "instances": instances,
        "generator": "wrk" if WRK else "httpx", "paired": paired,
        "pinned": {"servers": sorted(server_cpus), "load": sorted(load_cpus)} if server_cpus and load_cpus else None,
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "recording": {version: {**health, **totals[version]} for version, health in recorded.items()}}
    for mix in mixes:
        results[mix] = {version: summarize(*(s for s in servers if s.version == version), mix=mix)
                        for version in versions}
    return results


def spread(values: list[float]) -> dict[str, float]:
    """Median, quartiles and range of per-round figures."""
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
    return {"median": round(q2, 3), "q1": round(q1, 3), "q3": round(q3, 3),
            "min": round(min(values), 3), "max": round(max(values), 3)}


def summarize(on: Server, off: Server, mix: str) -> dict[str, object]:
    summary: dict[str, object] = {}
    for srv in (on, off):
        runs = srv.cells[mix]
        summary[srv.recording] = {
            "rps": round(statistics.median(r["rps"] for r in runs), 1),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
            "cpu_us": round(statistics.median(r["cpu_us"] for r in runs), 1),
            "loop_us": round(statistics.median(r["loop_us"] for r in runs), 1),
            "non2xx": sum(r["non2xx"] for r in runs), "requests": sum(r["requests"] for r in runs)}
    pairs = list(zip(on.cells[mix], off.cells[mix], strict=True))  # cell n of each is round n
    summary["throughput_ratio"] = spread([a["rps"] / b["rps"] for a, b in pairs])
    summary["cpu_ratio"] = spread([a["cpu_us"] / b["cpu_us"] for a, b in pairs])
    summary["cpu_added_us"] = spread([a["cpu_us"] - b["cpu_us"] for a, b in pairs])
    summary["p99_ratio"] = spread([a["p99_ms"] / b["p99_ms"] for a, b in pairs])
    return summary


def describe(s: dict[str, float], unit: str = "") -> str:
    return (f"{s['median']:.3f}{unit} (quartiles {s['q1']:.3f}–{s['q3']:.3f}, range {s['min']:.3f}–{s['max']:.3f})"
            if not unit else f"{s['median']:+.1f}{unit} (quartiles {s['q1']:+.1f}–{s['q3']:+.1f})")


def print_report(results: dict[str, object], mixes: tuple[str, ...]) -> None:
    pinned = results["pinned"]
    print(f"{time.strftime('%Y-%m-%d')} · {platform.node()} · {platform.processor() or platform.machine()} · "
          f"{results['generator']}, {results['connections']} connections, {results['rounds']} rounds x "
          f"{results['seconds']:g} s per cell over {results['instances']} sets of processes · "
          f"servers on CPU {pinned['servers'] if pinned else 'any'}, "
          f"load on {pinned['load'] if pinned else 'any'} · "
          f"{'on and off loaded together' if results['paired'] else 'one server loaded at a time'} · load average "
          f"{results['load_average'][0]} → {results['load_average'][1]}\n")  # type: ignore[index]
    print("| mix | code | recording | requests/s | p99 | server CPU per request | of it the event loop's thread "
          "| non-2xx |\n| --- | --- | --- | --- | --- | --- | --- | --- |")
    for mix in mixes:
        for version, summary in results[mix].items():  # type: ignore[attr-defined]
            for name in ("on", "off"):
                c = summary[name]
                print(f"| {mix} | {version} | {name} | {c['rps']:,.0f} | {c['p99_ms']:.1f} ms | {c['cpu_us']:.0f} µs "
                      f"| {c['loop_us']:.0f} µs | {c['non2xx']} |")
    print("\nPer-round on/off ratios (median, quartiles, range over rounds):")
    for mix in mixes:
        for version, summary in results[mix].items():  # type: ignore[attr-defined]
            print(f"- {mix}, {version}: throughput {describe(summary['throughput_ratio'])} (target >= {TARGET}); "
                  f"server CPU per request {describe(summary['cpu_ratio'])}, "
                  f"{describe(summary['cpu_added_us'], ' µs')}; p99 {summary['p99_ratio']['median']:.3f}")
    for version, rec in results["recording"].items():  # type: ignore[attr-defined]
        print(f"recorded ({version}): {rec['written']} written, {rec['dropped']} dropped, {rec['queued']} queued")


def baselines(specs: list[str]) -> dict[str, Path]:
    """`--baseline` values as {name: src}: "main=../main/src", or a bare path named "baseline"."""
    named = [spec.split("=", 1) if "=" in spec else ("baseline", spec) for spec in specs]
    return {name: Path(src).resolve() for name, src in named}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 connections, 2 rounds of 1 s (a smoke test)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--seconds", type=int, help="per cell (wrk counts whole seconds)")
    parser.add_argument("--baseline", action="append", default=[], metavar="[NAME=]SRC",
                        help="another checkout's src/ to measure beside this one (repeatable)")
    parser.add_argument("--mix", choices=(*MIXES, "both"), default="both")
    parser.add_argument("--instances", type=int, help="fresh server processes this many times in the run")
    parser.add_argument("--no-pin", action="store_true", help="let the servers and wrk share every CPU")
    parser.add_argument("--paired", action="store_true",
                        help="load each version's on and off servers at the same time (CPU per request only)")
    args = parser.parse_args(argv)
    connections, seconds, rounds, instances = (8, 1, 2, 1) if args.quick else (32, 3, 12, 3)
    mixes = MIXES if args.mix == "both" else (args.mix,)
    with tempfile.TemporaryDirectory(prefix="guidebot-bench-recording-") as tmp:
        results = run(connections, args.seconds or seconds, args.rounds or rounds, Path(tmp),
                      baselines(args.baseline), not args.no_pin, mixes, args.paired, args.instances or instances)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_report(results, mixes)
    lost = any(rec["dropped"] or rec["queued"] for rec in results["recording"].values())  # type: ignore[attr-defined]
    failed = any(s[n]["non2xx"] for mix in mixes for s in results[mix].values() for n in ("on", "off"))  # type: ignore[attr-defined]
    met = all(results[mix]["this"]["throughput_ratio"]["median"] >= TARGET for mix in mixes)  # type: ignore[index]
    return 1 if lost or failed or not (met or args.quick) else 0


if __name__ == "__main__":
    raise SystemExit(main())
