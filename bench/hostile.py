"""Availability under attack: benign users' latency and errors with hostile clients beside them, against
the same benign load with nobody else, in one run.

Starts a real `guidebot serve` (default settings: rate limit on, one worker, the shipped corpus)
on a free loopback port with `ulimit -n 1024`, then runs two phases of `--duration` seconds each:

1. unloaded: benign clients alone;
2. loaded: the same benign clients, and, from a separate process, hostile ones (the two phases
   alternate over `--rounds` rounds, so that both sample the same stretch of a shared machine):
   - worst chats within the limits: 1,998 normalised characters of U+FDFA (18 characters each
     after normalisation) or of made-up words, with histories of such turns up to the request
     limit, and old turns that only need their length checked;
   - unbounded searches: k=50 and a 2,000-character query of made-up words or U+FDFA;
   - slow connections: hundreds of connections trickling a request head one byte at a time (more
     than the open-file limit leaves room for), and a few trickling a body;
   - large headers: requests with 15 KiB of headers (served), and 1 MiB ones (refused).
   Hostile requests come from 4 addresses (`--hostile-addresses`), as from a few machines, so the
   per-address limits apply; `--hostile-addresses 0` gives each request a new address, as from a
   botnet, where only the work queue and the priority of ordinary work can help.

Benign clients are people: each conversation (a gold-set question, or a follow-up thread) on a new
connection from its own address, a short pause between turns, and every message distinct (no
reply cache hits, however long the run: see `distinct_conversations`). Reported per phase:
benign requests, p50/p99 latency and errors (anything but a 200), the server's CPU use, the
hostile requests by status (and the attacker's own CPU time: on one small machine it competes
with the server), and the server's peak RSS; then each target of issue 13 beside its reference
in this run, met or not: benign p99 with hostile clients at most 3x the unloaded p99, no benign
errors, and the server's peak RSS under attack at most its RSS at the start plus what its memo
caches may hold by their byte bounds; and the load average before and after (a shared machine).
Exits 1 on benign errors.

    .venv/bin/python -m bench.hostile                 # 30 s per phase
    .venv/bin/python -m bench.hostile --quick --json  # 4 s per phase (used by make test)
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import os
import random
import resource
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import free_port, percentile, process_tree, rss_mb

ROOT = Path(__file__).resolve().parents[1]
GROWS = "\ufdfa"  # one character, 18 after NFKC normalisation
P99_RATIO_TARGET = 3.0  # benign p99 beside hostile clients, at most this many times the unloaded p99
VARIANTS = ("{q}", "{lower}", "so {lower}", "ok, {lower}", "{bare}", "{bare}??", "hi! {q}", "{q} thanks")


# ---------------------------------------------------------------------------------------------
# A small HTTP/1.1 client on asyncio streams (cheap enough that the load generator does not
# crowd out the server on a small machine)


async def request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, method: str, path: str,
                  body: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method == "POST":
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed by the server")
    status = int(status_line.split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


# ---------------------------------------------------------------------------------------------
# Benign clients


def benign_conversations() -> list[tuple[str, ...]]:
    """The gold set's questions and threads, each in several phrasings: every message distinct."""
    from guidebot.evaluation import load_cases

    threads = [case.turns for case in load_cases(ROOT / "tests" / "gold")]
    conversations = []
    for variant in VARIANTS:
        for turns in threads:
            phrased = tuple(variant.format(q=t, lower=t[:1].lower() + t[1:], bare=t.rstrip("?.!")) for t in turns)
            if all(t.strip() for t in phrased):
                conversations.append(phrased)
    conversations = list(dict.fromkeys(conversations))  # some phrasings coincide
    random.Random(13).shuffle(conversations)
    return conversations


def distinct_conversations() -> Iterator[tuple[str, ...]]:
    """The conversations over and over, each pass with one more space after the first word of every
    message: a message is never sent twice (the reply cache never answers a benign request; a pass
    is ~1,900 requests, under 20 s), and reads the same. Only one-word openings ("hi", "thanks")
    repeat, 27 a pass, as they do among real users."""
    conversations = benign_conversations()
    for spaces in itertools.count(1):
        for turns in conversations:
            yield tuple(turn.replace(" ", " " * spaces, 1) for turn in turns)


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    server_cpu_s: float = 0.0


async def benign_client(port: int, conversations: Iterator[tuple[str, ...]], stop_at: float, phase: Phase, pause: float,
                        seed: int) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        turns = next(conversations)
        address = f"10.{rng.randrange(1, 200)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        history: list[dict[str, str]] = []
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError as exc:
            phase.errors[f"connect: {exc.__class__.__name__}"] += 1
            await asyncio.sleep(pause)
            continue
        try:
            for message in turns:
                body = json.dumps({"message": message, "history": history}).encode()
                started = time.perf_counter()
                try:
                    status, payload = await request(reader, writer, "POST", "/api/chat", body,
                                                    {"X-Forwarded-For": address})
                except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
                    phase.errors[f"transport: {exc.__class__.__name__}"] += 1
                    break
                if status != 200:
                    phase.errors[f"HTTP {status}"] += 1
                    break
                phase.latencies.append(time.perf_counter() - started)
                history += [{"role": "user", "content": message},
                            {"role": "assistant", "content": json.loads(payload)["answer"]}]
                await asyncio.sleep(pause)
        finally:
            writer.close()


async def benign_phase(port: int, conversations: Iterator[tuple[str, ...]], clients: int, seconds: float,
                       pause: float) -> Phase:
    phase = Phase()
    stop_at = time.monotonic() + seconds
    await asyncio.gather(*(benign_client(port, conversations, stop_at, phase, pause, n) for n in range(clients)))
    return phase


# ---------------------------------------------------------------------------------------------
# Hostile clients (run in their own process)


def made_up(rng: random.Random, chars: int) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 10))))
    return " ".join(words)[:chars]


def worst_chat(rng: random.Random) -> dict[str, object]:
    """A chat at the limits: 1,998 normalised characters of message, up to 16,000 read in all."""
    kind = rng.randrange(3)
    if kind == 0:
        message, turn = GROWS * 111, GROWS * 222  # 1,998 and 3,996 characters after normalisation
    elif kind == 1:
        message, turn = made_up(rng, 1998), made_up(rng, 3996)
    else:
        message, turn = "which universities are in " + made_up(rng, 1900), made_up(rng, 3996)
    old = [{"role": "assistant", "content": GROWS * 222}] * 38  # only length-checked, never read
    recent = [{"role": "user", "content": turn}] * 3 + [{"role": "assistant", "content": "ok"}] * 9
    return {"message": message, "history": old + recent}


@dataclass
class Payloads:
    """Hostile requests made up front, so that making them costs the attacker nothing during the run
    (on one small machine the attacker's CPU is the server's)."""

    chats: list[bytes]
    search_paths: list[str]
    paddings: list[str]

    @classmethod
    def make(cls, seed: int = 7, variants: int = 24) -> Payloads:
        rng = random.Random(seed)
        chats = [json.dumps(worst_chat(rng)).encode() for _ in range(variants)]
        queries = [GROWS * 111 if n % 2 else made_up(rng, 2000) for n in range(variants)]
        return cls(chats, [f"/api/search?k=50&q={_quote(q)}" for q in queries], ["a" * 15_000, "a" * (1 << 20)])


async def hostile_requests(port: int, stop_at: float, counts: Counter[str], kind: str, addresses: int,
                           seed: int, payloads: Payloads) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop_at:
        address = f"10.{200 + rng.randrange(50)}.{rng.randrange(256)}.{rng.randrange(1, 255)}" if not addresses \
            else f"10.250.0.{1 + rng.randrange(addresses)}"
        headers = {"X-Forwarded-For": address}
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            counts[f"{kind}: connect failed"] += 1
            await asyncio.sleep(0.05)
            continue
        try:
            if kind == "chat":
                status, _ = await request(reader, writer, "POST", "/api/chat", rng.choice(payloads.chats), headers)
            elif kind == "search":
                status, _ = await request(reader, writer, "GET", rng.choice(payloads.search_paths), headers=headers)
            else:  # large headers: at the limit (served) and far over it (refused)
                padding = payloads.paddings[0] if rng.random() < 0.7 else payloads.paddings[1]
                status, _ = await request(reader, writer, "GET", "/api/health", headers={**headers,
                                                                                         "X-Padding": padding})
            counts[f"{kind}: {status}"] += 1
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            counts[f"{kind}: closed"] += 1
        finally:
            writer.close()


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


async def slow_connection(port: int, stop_at: float, counts: Counter[str], body: bool) -> None:
    """Open a connection and trickle a request (head, or body) one byte a second; reopen when closed."""
    payload = b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 9000\r\n\r\n{\"message\": \"" if body \
        else b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: "
    while time.monotonic() < stop_at:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            counts["slow: connect failed"] += 1
            await asyncio.sleep(0.5)
            continue
        counts["slow: opened"] += 1
        try:
            writer.write(payload)
            while time.monotonic() < stop_at and not reader.at_eof():
                writer.write(b"a")
                await writer.drain()
                await asyncio.sleep(1.0)
        except (OSError, ConnectionError):
            pass
        finally:
            counts["slow: closed"] += 1
            writer.close()


async def attack(port: int, seconds: float, chats: int, searches: int, headers: int, slow: int,
                 addresses: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    payloads = Payloads.make()
    stop_at = time.monotonic() + seconds
    tasks = [hostile_requests(port, stop_at, counts, "chat", addresses, n, payloads) for n in range(chats)]
    tasks += [hostile_requests(port, stop_at, counts, "search", addresses, 100 + n, payloads) for n in range(searches)]
    tasks += [hostile_requests(port, stop_at, counts, "headers", addresses, 200 + n, payloads) for n in range(headers)]
    tasks += [slow_connection(port, stop_at, counts, body=n % 10 == 0) for n in range(slow)]
    await asyncio.gather(*tasks)
    return counts


def attacker(port: int, seconds: float, chats: int, searches: int, headers: int, slow: int, addresses: int,
             out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    counts = dict(asyncio.run(attack(port, seconds, chats, searches, headers, slow, addresses)))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out.put({**counts, "attacker CPU ms": round((usage.ru_utime + usage.ru_stime) * 1000)})


# ---------------------------------------------------------------------------------------------
# The run


def start_server(workdir: Path, port: int, workers: int, fd_limit: int) -> subprocess.Popen[bytes]:
    corpus = workdir / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

    log = open(workdir / "server.log", "wb")  # noqa: SIM115 (kept open for the server's lifetime)
    return subprocess.Popen([sys.executable, "-m", "guidebot.cli", "serve", "--host", "127.0.0.1", "--port",
                             str(port), "--corpus", str(corpus), "--index", str(workdir / "index.gbi"), "--workers",
                             str(workers)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, preexec_fn=limit_files,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


async def wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            status, _ = await request(reader, writer, "GET", "/api/health")
            writer.close()
            if status == 200:
                return
        except (OSError, ConnectionError, asyncio.IncompleteReadError):
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the server did not come up")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of the server and its worker processes so far."""
    total = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


async def sample_rss(pid: int, stop: asyncio.Event, peak: list[float]) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], rss_mb(pid))
        await asyncio.sleep(0.5)


async def idle(port: int) -> None:
    """Wait until the server has no chat or search work left (a hostile job may still be finishing)."""
    for _ in range(300):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        _status, body = await request(reader, writer, "GET", "/api/health")
        writer.close()
        queue = json.loads(body)["queue"]
        if not any(lane["running"] or lane["waiting"] for lane in queue.values()):
            return
        await asyncio.sleep(0.1)


async def measured(port: int, conversations: Iterator[tuple[str, ...]], args: argparse.Namespace, pid: int,
                   phase: Phase, peak: list[float]) -> None:
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pid, stop, peak))
    cpu = cpu_seconds(pid)
    part = await benign_phase(port, conversations, args.clients, args.duration / args.rounds, args.pause)
    phase.server_cpu_s += cpu_seconds(pid) - cpu
    stop.set()
    await sampler
    phase.latencies += part.latencies
    phase.errors.update(part.errors)


async def run(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    """Rounds of (benign alone, benign beside the attacker), so that both conditions sample the same
    stretch of a noisy machine; the attacker is a fresh process each round, and each unloaded part
    starts only once the server has finished the previous round's hostile work."""
    port = free_port()
    process = start_server(workdir, port, args.workers, args.fd_limit)
    conversations = distinct_conversations()
    unloaded, loaded, hostile_counts = Phase(), Phase(), Counter()
    context = multiprocessing.get_context("spawn")
    try:
        await wait_until_up(port, process)
        await benign_phase(port, conversations, args.clients, 2.0, args.pause)  # warm-up
        rss_start = rss_mb(process.pid)
        unloaded_peak, loaded_peak = [rss_start], [rss_start]
        for _round in range(args.rounds):
            await idle(port)
            await measured(port, conversations, args, process.pid, unloaded, unloaded_peak)
            queue: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
            hostile = context.Process(target=attacker, args=(
                port, args.duration / args.rounds + 1.0, args.hostile_chats, args.hostile_searches,
                args.hostile_headers, args.slow_connections, args.hostile_addresses, queue))
            hostile.start()
            await asyncio.sleep(1.0)  # let the slow connections pile up first
            await measured(port, conversations, args, process.pid, loaded, loaded_peak)
            hostile_counts.update(await asyncio.get_running_loop().run_in_executor(None, queue.get, True, 120))
            hostile.join(30)
        await idle(port)
        rss_end = rss_mb(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    log = (workdir / "server.log").read_text(encoding="utf-8", errors="replace")
    return summary(args, unloaded, loaded, dict(hostile_counts), {
        "start": round(rss_start, 1), "peak_unloaded": round(unloaded_peak[0], 1),
        "peak_loaded": round(loaded_peak[0], 1), "end": round(rss_end, 1)}, log)


def describe(phase: Phase, seconds: float) -> dict[str, object]:
    return {"requests": len(phase.latencies) + sum(phase.errors.values()), "errors": sum(phase.errors.values()),
            "error_kinds": dict(phase.errors), "per_second": round(len(phase.latencies) / seconds, 1),
            "server_cpu_share": round(phase.server_cpu_s / seconds, 2),
            "p50_ms": round(percentile(phase.latencies, 0.50) * 1000, 1),
            "p99_ms": round(percentile(phase.latencies, 0.99) * 1000, 1)}


def cache_bounds_mib() -> float:
    """What the server's memo caches may hold together by their byte bounds (one serving index):
    stems, normalised texts, spelling corrections, names found, resolved turns, encoded replies."""
    import inspect

    from guidebot import analysis
    from guidebot.conversation import context
    from guidebot.policy import Policy
    from guidebot.service.replies import ReplyCache

    spelling = inspect.signature(analysis.SpellingCorrector).parameters["cache_bytes"].default
    replies = inspect.signature(ReplyCache).parameters["max_bytes"].default
    total = (analysis.MAX_STEM_CACHE_BYTES + analysis._NORMALIZED.max_bytes + spelling
             + 2 * Policy().entity_cache_bytes + context.RESOLVED_CACHE_BYTES + replies)
    return total / (1 << 20)


def targets(before: dict[str, object], under: dict[str, object], p99_ratio: float, rss: dict[str, float],
            workers: int) -> list[dict[str, object]]:
    """Each target of issue 13 beside its reference in this run, and whether it is met (each worker
    has its own caches)."""
    caches = workers * cache_bounds_mib()
    bound = rss["start"] + caches
    errors = int(before["errors"]) + int(under["errors"])  # type: ignore[call-overload]
    return [
        {"target": f"benign p99 with hostile clients <= {P99_RATIO_TARGET:g}x unloaded",
         "reference": f"unloaded p99 {before['p99_ms']} ms",
         "measured": f"{under['p99_ms']} ms (x{p99_ratio})", "met": p99_ratio <= P99_RATIO_TARGET},
        {"target": "0 benign errors", "reference": f"{before['requests']:,} unloaded + {under['requests']:,} "
                                                   "loaded benign requests",
         "measured": f"{errors} errors", "met": errors == 0},
        {"target": "server RSS bounded: peak under attack <= RSS at start + the caches' byte bounds",
         "reference": f"{rss['start']} + {caches:.0f} = {bound:.0f} MiB",
         "measured": f"peak {rss['peak_loaded']} MiB, end {rss['end']} MiB", "met": rss["peak_loaded"] <= bound},
    ]


def summary(args: argparse.Namespace, unloaded: Phase, loaded: Phase, hostile: dict[str, int],
            rss: dict[str, float], log: str) -> dict[str, object]:
    before, under = describe(unloaded, args.duration), describe(loaded, args.duration)
    p99_ratio = round(float(under["p99_ms"]) / max(float(before["p99_ms"]), 0.001), 2)  # type: ignore[arg-type]
    return {"duration_s": args.duration, "rounds": args.rounds, "benign_clients": args.clients,
            "workers": args.workers,
            "fd_limit": args.fd_limit, "hostile_addresses": args.hostile_addresses or "a new one per request",
            "unloaded": before, "loaded": under,
            "p50_ratio": round(float(under["p50_ms"]) / max(float(before["p50_ms"]), 0.001), 2),  # type: ignore[arg-type]
            "p99_ratio": p99_ratio, "targets": targets(before, under, p99_ratio, rss, args.workers),
            "hostile": dict(sorted(hostile.items())), "rss_mib": rss,
            "server_tracebacks": log.count("Traceback"), "connection_reports": log.count("connection(s) since")}


def print_report(report: dict[str, object]) -> None:
    before, under = report["unloaded"], report["loaded"]
    print(f"{report['benign_clients']} benign clients, {report['duration_s']:g} s per phase in "
          f"{report['rounds']} alternating rounds, "
          f"{report['workers']} worker(s), server open-file limit {report['fd_limit']}, hostile addresses: "
          f"{report['hostile_addresses']}\n")
    print("| phase | benign requests | per s | p50 | p99 | errors | server CPU (cores) |")
    print("|---|---|---|---|---|---|---|")
    for name, phase in (("unloaded", before), ("with hostile clients", under)):
        print(f"| {name} | {phase['requests']:,} | {phase['per_second']} | {phase['p50_ms']} ms | "  # type: ignore[index]
              f"{phase['p99_ms']} ms | {phase['errors']} | {phase['server_cpu_share']} |")  # type: ignore[index]
    print(f"\nbenign latency with hostile clients: p50 ×{report['p50_ratio']}, p99 ×{report['p99_ratio']} the "
          f"unloaded run")
    print("server RSS (MiB): " + ", ".join(f"{k} {v}" for k, v in report["rss_mib"].items()))  # type: ignore[attr-defined]
    print("hostile requests by outcome: " + ", ".join(f"{k} {v}" for k, v in report["hostile"].items()))  # type: ignore[attr-defined]
    print(f"server log: {report['server_tracebacks']} tracebacks, {report['connection_reports']} reports of "
          "closed connections")
    for phase in (before, under):
        for kind, count in phase["error_kinds"].items():  # type: ignore[index]
            print(f"benign error: {kind} × {count}")
    print(f"load average (1, 5, 15 min) before: {report['loadavg_before']}, after: {report['loadavg_after']}; "
          f"{os.cpu_count()} CPUs")
    print("\n| target | reference (same run) | measured | met |\n|---|---|---|---|")
    for target in report["targets"]:  # type: ignore[attr-defined]
        print(f"| {target['target']} | {target['reference']} | {target['measured']} | "
              f"{'yes' if target['met'] else 'no'} |")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per phase (default 30)")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two phases (default 3)")
    parser.add_argument("--clients", type=int, default=8, help="benign clients (default 8)")
    parser.add_argument("--pause", type=float, default=0.05, help="benign pause between turns, s (default 0.05)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--fd-limit", type=int, default=1024, help="the server's open-file limit (default 1024)")
    parser.add_argument("--hostile-chats", type=int, default=8)
    parser.add_argument("--hostile-searches", type=int, default=8)
    parser.add_argument("--hostile-headers", type=int, default=4)
    parser.add_argument("--slow-connections", type=int, default=1000)
    parser.add_argument("--hostile-addresses", type=int, default=4,
                        help="addresses hostile requests come from (default 4; 0: a new one per request)")
    parser.add_argument("--quick", action="store_true", help="4 s per phase, 4 benign clients, 300 slow connections")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON line")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.rounds, args.clients, args.slow_connections = 4.0, 2, 4, 300
    loadavg_before = load_average()
    with tempfile.TemporaryDirectory(prefix="guidebot-hostile-") as workdir:
        report = asyncio.run(run(args, Path(workdir)))
    report["loadavg_before"], report["loadavg_after"] = loadavg_before, load_average()
    if args.json:
        print(json.dumps(report))
    else:
        print_report(report)
    return 1 if report["loaded"]["errors"] or report["unloaded"]["errors"] else 0  # type: ignore[index]


if __name__ == "__main__":
    raise SystemExit(main())
