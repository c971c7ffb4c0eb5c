"""The HTTP path: the real server (`guidebot serve`, production settings) driven over loopback by a
load generator in another process, `POST /api/chat` with a mix of real conversations beside
`GET /api/health` (a no-op on the same server) in the same run, in two mixes: the conversations of
bench/workload.py cycled (repeats: answer-cache hits) and, at 32 connections, 60,000 distinct
realistic questions and follow-ups from bench/questions.py (each answer computed).

Uses Debian's `wrk` with a Lua script (bench/chat.lua, bodies injected at run time); without wrk,
an asyncio httpx client in a separate process. Reports requests/s, p50, p99 and non-2xx per
endpoint and connection count, and the chat/no-op ratios at 32 connections (targets: the mix's
throughput ≥ 0.8×, p99 ≤ 1.25×; distinct questions' throughput ≥ 0.3×, p99 ≤ 5×; zero non-2xx).
The rate limiter is disabled (GUIDEBOT_RATE_LIMIT_PER_MINUTE=0).

    .venv/bin/python -m bench.serve_http                  # 1 and 2 workers; 8, 32, 128 connections; 10 s each
    .venv/bin/python -m bench.serve_http --variants       # also uvicorn's pure-Python loop/parser at 32 conns
    .venv/bin/python -m bench.serve_http --profile        # py-spy on the 1-worker server under chat load
                                                          # (PY_SPY=path when py-spy is not on PATH)
    .venv/bin/python -m bench.serve_http --quick          # 1 worker, 8 connections, 2 s (used by the tests)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.questions import FOLLOW_UP_SHARE, distinct_questions
from bench.workload import CHAT_MIX

ROOT = Path(__file__).resolve().parents[1]
LUA_TEMPLATE = Path(__file__).with_name("chat.lua")
WRK = shutil.which("wrk")
TARGET_THROUGHPUT = 0.8
TARGET_P99 = 1.25
TARGET_DISTINCT_THROUGHPUT = 0.3  # issue 16 (goal 0.5), distinct questions, one worker, 32 connections
TARGET_DISTINCT_P99 = 5.0
DISTINCT_QUESTIONS = 60000


# ---------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(index_path: Path, workers: int, uvicorn_options: tuple[str, ...] = (),
           extra_env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """A server process on a free loopback port; yields (base URL, pid). `guidebot serve` unless
    uvicorn options are given (then `uvicorn guidebot.service.app:create_app --factory` with them)."""
    port = free_port()
    env = {**os.environ, "GUIDEBOT_CORPUS_DIR": str(ROOT / "corpus"), "GUIDEBOT_INDEX_PATH": str(index_path),
           "GUIDEBOT_RATE_LIMIT_PER_MINUTE": "0", **(extra_env or {})}
    if uvicorn_options:
        command = [sys.executable, "-m", "uvicorn", "guidebot.service.app:create_app", "--factory",
                   "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning",
                   "--no-access-log", *uvicorn_options]
    else:
        command = [sys.executable, "-m", "guidebot.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(workers)]
    log = index_path.with_name(f"server-{port}.log")  # a file, as in production: a pipe would fill and block it
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=log_file,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log)
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_up(base: str, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(base + "/api/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server at {base} did not come up in {timeout:.0f} s")


def chat_bodies(base: str) -> list[tuple[str, bytes]]:
    """The chat mix as (label, request body); earlier turns of a conversation are sent first and the
    server's real replies become the history, as the widget does."""
    bodies = []
    with httpx.Client(base_url=base, timeout=30.0) as client:
        for label, turns in CHAT_MIX:
            history: list[dict[str, str]] = []
            for turn in turns[:-1]:
                reply = client.post("/api/chat", json={"message": turn, "history": history})
                reply.raise_for_status()
                history += [{"role": "user", "content": turn}, {"role": "assistant", "content": reply.json()["answer"]}]
            body = {"message": turns[-1], "history": history}
            check = client.post("/api/chat", json=body)
            if check.status_code != 200:
                raise SystemExit(f"chat request {turns[-1]!r} failed before the benchmark: {check.status_code} "
                                 f"{check.text[:300]}")
            bodies.append((label, json.dumps(body).encode()))
    return bodies


@dataclass(frozen=True)
class QuestionLoad:
    """Distinct questions for wrk: each (message as JSON, index into `histories` from 1, or 0),
    and how a sample of them was answered (reply kinds)."""

    questions: list[tuple[str, int]]
    histories: list[str]
    kinds: Counter[str]

    def bodies(self) -> list[bytes]:
        history = ["[]", *self.histories]
        return [f'{{"message":{m},"history":{history[h]}}}'.encode() for m, h in self.questions]


Load = list[bytes] | QuestionLoad | None  # chat bodies cycled, distinct questions, or none (GET)


def distinct_load(base: str, count: int = DISTINCT_QUESTIONS, sample: int = 300) -> QuestionLoad:
    """bench/questions.py's distinct questions; the first turn of each follow-up is asked first and
    its real reply becomes the history. A sample is sent once to check it is answered (200) and to
    count the reply kinds; the reply cache holds 2,048, so these do not help the run."""
    asked = distinct_questions(count)
    firsts = sorted({q.first for q in asked if q.first})
    histories: list[str] = []
    with httpx.Client(base_url=base, timeout=30.0) as client:
        for first in firsts:
            reply = client.post("/api/chat", json={"message": first, "history": []})
            reply.raise_for_status()
            histories.append(json.dumps([{"role": "user", "content": first},
                                         {"role": "assistant", "content": reply.json()["answer"]}]))
        where = {first: n + 1 for n, first in enumerate(firsts)}
        load = QuestionLoad([(json.dumps(q.message), where[q.first] if q.first else 0) for q in asked], histories,
                            Counter())
        for body in load.bodies()[-sample:]:
            reply = client.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
            if reply.status_code != 200:
                raise SystemExit(f"distinct question {body[:200]!r} failed before the benchmark: "
                                 f"{reply.status_code} {reply.text[:300]}")
            load.kinds[reply.json()["kind"]] += 1
    return load


# ---------------------------------------------------------------------------------------------
# Load generators


def run_wrk(base: str, path: str, connections: int, seconds: float, workdir: Path,
            bodies: Load = None) -> dict[str, float]:
    """One wrk run; the Lua script cycles through `bodies` (POST) or sends GET `path`."""
    script = workdir / f"run-{path.strip('/').replace('/', '-')}.lua"
    threads = 1 if connections < 64 else 2
    script.write_text(lua_script(path, bodies, threads))
    out = subprocess.run([WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                          "-s", str(script), base], capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed: {out.stdout[-1000:]} {out.stderr[-1000:]}")
    raw = json.loads(line[len("WRKJSON "):])
    return {"rps": raw["requests"] / (raw["duration_us"] / 1e6), "p50_ms": raw["p50_us"] / 1e3,
            "p99_ms": raw["p99_us"] / 1e3, "non2xx": raw["status_errors"],
            "socket_errors": raw["connect"] + raw["read"] + raw["write"] + raw["timeout"], "requests": raw["requests"]}


def lua_script(path: str, bodies: Load, threads: int) -> str:
    """bench/chat.lua with the method, path and bodies filled in (Lua long strings hold the JSON)."""
    whole = bodies if isinstance(bodies, list) else []
    questions = bodies if isinstance(bodies, QuestionLoad) else QuestionLoad([], [], Counter())
    fill = {"--BODIES--": ",\n".join(f"  [==[{b.decode()}]==]" for b in whole),
            "--HISTORIES--": ",\n".join(f"  [==[{h}]==]" for h in questions.histories),
            "--QUESTIONS--": ",\n".join(f"  {{[==[{m}]==], {h}}}" for m, h in questions.questions),
            "--THREADS--": str(threads), "--START--": str(random.randrange(1 << 20)),
            "--PATH--": path, "--METHOD--": "POST" if bodies else "GET"}
    text = LUA_TEMPLATE.read_text()
    for marker, value in fill.items():
        text = text.replace(marker, value)
    return text


def run_async_client(base: str, path: str, connections: int, seconds: float, workdir: Path,
                     bodies: Load = None) -> dict[str, float]:
    """The fallback generator: the same load from an asyncio httpx client in another process."""
    spec = workdir / "client.json"
    whole = bodies.bodies() if isinstance(bodies, QuestionLoad) else bodies or []
    spec.write_text(json.dumps({"base": base, "path": path, "connections": connections, "seconds": seconds,
                                "bodies": [b.decode() for b in whole], "offset": random.randrange(1 << 20)}))
    out = subprocess.run([sys.executable, "-m", "bench.serve_http", "--client", str(spec)], cwd=ROOT,
                         capture_output=True, text=True, timeout=seconds + 60, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


async def _client(spec: dict) -> dict[str, float]:  # type: ignore[type-arg]
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0
    bodies = [b.encode() for b in spec["bodies"]]
    limits = httpx.Limits(max_connections=spec["connections"], max_keepalive_connections=spec["connections"])
    async with httpx.AsyncClient(base_url=spec["base"], limits=limits, timeout=10.0) as client:
        stop = time.perf_counter() + spec["seconds"]

        async def worker(n: int) -> None:
            nonlocal errors
            i = spec["offset"] + n
            while time.perf_counter() < stop:
                t = time.perf_counter()
                try:
                    if bodies:
                        r = await client.post(spec["path"], content=bodies[i % len(bodies)],
                                              headers={"Content-Type": "application/json"})
                    else:
                        r = await client.get(spec["path"])
                    statuses[r.status_code] += 1
                    latencies.append(time.perf_counter() - t)
                except httpx.HTTPError:
                    errors += 1
                i += spec["connections"]

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(spec["connections"])))
        elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e3 if latencies else float("nan")

    return {"rps": len(latencies) / elapsed, "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "non2xx": sum(n for s, n in statuses.items() if not 200 <= s < 300), "socket_errors": errors,
            "requests": len(latencies)}


# ---------------------------------------------------------------------------------------------
# The benchmark


def measure(base: str, connections: int, seconds: float, rounds: int, workdir: Path, bodies: list[bytes],
            distinct: QuestionLoad | None = None) -> dict[str, dict]:  # type: ignore[type-arg]
    """Health and chat alternately, `rounds` times `seconds / rounds` each, so that a shared machine's
    slow moments fall on both endpoints alike; medians over rounds, errors summed. With `distinct`
    questions, a third endpoint cell: chat with every request unlike any other (answers computed)."""
    load = run_wrk if WRK else run_async_client
    cells: dict[str, list[dict[str, float]]] = {"health": [], "chat": []}
    if distinct:
        cells["chat_distinct"] = []
    for _ in range(rounds):
        cells["health"].append(load(base, "/api/health", connections, seconds / rounds, workdir))
        cells["chat"].append(load(base, "/api/chat", connections, seconds / rounds, workdir, bodies))
        if distinct:
            cells["chat_distinct"].append(load(base, "/api/chat", connections, seconds / rounds, workdir, distinct))
    return {endpoint: {
        "rps": statistics.median(c["rps"] for c in runs), "p50_ms": statistics.median(c["p50_ms"] for c in runs),
        "p99_ms": statistics.median(c["p99_ms"] for c in runs), "non2xx": sum(c["non2xx"] for c in runs),
        "socket_errors": sum(c["socket_errors"] for c in runs), "requests": sum(c["requests"] for c in runs),
        "rounds": len(runs)} for endpoint, runs in cells.items()}


def profile_chat(base: str, pid: int, seconds: float, workdir: Path, bodies: Load) -> str:
    """py-spy on the server process while wrk drives chat at 32 connections; the top functions.
    Only samples holding the GIL count (--gil), so threads waiting for work do not dilute the shares."""
    py_spy = os.environ.get("PY_SPY") or shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    raw = workdir / "profile.txt"
    spy = subprocess.Popen([py_spy, "record", "--pid", str(pid), "--subprocesses", "--rate", "200", "--gil",
                            "--format", "raw", "--output", str(raw), "--duration", str(int(seconds))],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)
    run_wrk(base, "/api/chat", 32, seconds - 2, workdir, bodies)
    spy.wait(timeout=seconds + 30)
    if not raw.exists():
        return f"py-spy failed: {spy.stderr.read().decode()[-500:]}"  # type: ignore[union-attr]
    return summarize_profile(raw.read_text())


def summarize_profile(collapsed: str, top: int = 20) -> str:
    """Where the server's time goes, from py-spy's collapsed stacks: a share per part of the request
    path (what runs inside Guidebot.chat, else by the innermost frame's file), then guidebot's
    functions by inclusive share, then every function by self share."""
    parts: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = [_frame_name(f) for f in stack.split(";") if not f.startswith("process ")]
        parts[_part_of(frames)] += n
        for name in set(frames):
            if "guidebot/" in name and "guidebot/cli.py" not in name:  # cli.py only wraps the server
                inclusive[name] += n
        own[frames[-1]] += n
    if not total:
        return "py-spy recorded no samples"
    lines = [f"{total} samples (GIL held). Share per part of the request path:", "",
             "| share | part |", "|---:|---|"]
    lines += [f"| {n / total:.1%} | {name} |" for name, n in parts.most_common()]
    lines += ["", "guidebot functions, inclusive (the function and what it calls):", "",
              "| inclusive | function |", "|---:|---|"]
    lines += [f"| {n / total:.1%} | {name} |" for name, n in inclusive.most_common(top)]
    lines += ["", "All functions, self time:", "", "| self | function |", "|---:|---|"]
    lines += [f"| {n / total:.1%} | {name} |" for name, n in own.most_common(top)]
    return "\n".join(lines)


PARTS = (  # for samples outside Guidebot.chat, by the file of the innermost Python frame
    ("guidebot middleware (request id, log line, headers, limits)",
     ("guidebot/service/middleware.py", "guidebot/service/ratelimit.py")),
    ("guidebot routes (service/app.py)", ("guidebot/service/app.py", "guidebot/service/replies.py")),
    ("logging", ("logging/", "guidebot/service/logs.py")),
    ("request validation (pydantic)", ("pydantic",)),
    ("thread hand-off (work lanes)", ("concurrent/futures", "threading.py", "asyncio/threads",
                                      "guidebot/service/workers.py", "guidebot/service/admission.py")),
)
ANSWER_FRAMES = ("chat (guidebot/chat.py)", "Guidebot.chat (guidebot/chat.py)")  # py-spy names it either way


def _part_of(frames: list[str]) -> str:
    if any(frame.startswith(ANSWER_FRAMES) for frame in frames):
        return "answer assembly: Guidebot.chat (worker thread)"
    if any("guidebot/service/payload.py" in frame or "Recorder.learn" in frame for frame in frames):
        return "encoding the reply and its facts (payload.py, Recorder.learn)"
    if any("guidebot/service/recording.py" in frame or "guidebot/service/store/" in frame for frame in frames):
        return "recording (reply id, queue, writer thread)"
    for part, markers in PARTS:
        if any(marker in frames[-1] for marker in markers):
            return part
    return "HTTP stack (uvicorn, starlette, fastapi routing, asyncio)"


def _frame_name(frame: str) -> str:
    """'chat (guidebot/chat.py:101)' → 'chat (guidebot/chat.py)'."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{name} ({path})"


def print_tables(results: list[dict], seconds: float, rounds: int) -> None:  # type: ignore[type-arg]
    generator = "wrk " + subprocess.run([WRK, "-v"], capture_output=True, text=True).stdout.split()[1] if WRK \
        else "asyncio httpx client"
    print(f"\n### HTTP: chat beside the no-op endpoint ({generator}, loopback; per cell {seconds:g} s per endpoint "
          f"in {rounds} alternating rounds, medians over rounds)\n")
    print("| server | conns | endpoint | req/s | p50 ms | p99 ms | non-2xx | socket errors |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    names = {"health": "GET /api/health", "chat": "POST /api/chat (the mix; repeats are answer-cache hits)",
             "chat_distinct": "POST /api/chat (distinct realistic questions: answers computed)"}
    for r in results:
        for endpoint in (e for e in names if e in r):
            m = r[endpoint]
            name = names[endpoint]
            print(f"| {r['server']} | {r['connections']} | {name} | {m['rps']:,.0f} | {m['p50_ms']:.1f} | "
                  f"{m['p99_ms']:.1f} | {m['non2xx']} | {m['socket_errors']} |")
    print("\n### HTTP: chat / no-op ratios (targets at 32 connections: throughput ≥ 0.8×, p99 ≤ 1.25×, "
          "zero non-2xx)\n")
    print("| server | conns | throughput chat/no-op | p99 chat/no-op | non-2xx (all cells) | meets targets | "
          f"distinct questions: throughput / p99 vs no-op (targets ≥ {TARGET_DISTINCT_THROUGHPUT}×, "
          f"≤ {TARGET_DISTINCT_P99:g}×) |")
    print("|---|---:|---:|---:|---:|---|---|")
    for r in results:
        throughput = r["chat"]["rps"] / r["health"]["rps"]
        p99 = r["chat"]["p99_ms"] / r["health"]["p99_ms"]
        bad = sum(r[e]["non2xx"] + r[e]["socket_errors"] for e in names if e in r)
        ok = throughput >= TARGET_THROUGHPUT and p99 <= TARGET_P99 and bad == 0
        distinct = r.get("chat_distinct")
        other = ""
        if distinct:
            d_rps, d_p99 = distinct["rps"] / r["health"]["rps"], distinct["p99_ms"] / r["health"]["p99_ms"]
            met = d_rps >= TARGET_DISTINCT_THROUGHPUT and d_p99 <= TARGET_DISTINCT_P99
            other = f"{d_rps:.2f}× / {d_p99:.2f}× ({'met' if met else 'not met'})"
        print(f"| {r['server']} | {r['connections']} | {throughput:.2f}× | {p99:.2f}× | {bad} | "
              f"{'yes' if ok else 'no'} | {other} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve_http", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 worker, 8 connections, 2 s per endpoint")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per endpoint and cell (default 10)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternations of health and chat within a cell (default 2: 2 × 5 s each)")
    parser.add_argument("--connections", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--variants", action="store_true",
                        help="also uvicorn --loop asyncio --http h11 (pure Python) at 32 connections, 1 worker")
    parser.add_argument("--profile", action="store_true", help="py-spy the 1-worker server under chat load")
    parser.add_argument("--distinct", type=int, default=DISTINCT_QUESTIONS,
                        help=f"distinct questions cycled in the distinct mix (default {DISTINCT_QUESTIONS:,})")
    parser.add_argument("--client", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        print(json.dumps(asyncio.run(_client(json.loads(args.client.read_text())))))
        return 0
    seconds, connections, workers = (2.0, [8], [1]) if args.quick else (args.seconds, args.connections, args.workers)
    rounds = 1 if args.quick else args.rounds

    results = []
    profile: list[tuple[str, str]] | None = None
    with tempfile.TemporaryDirectory(prefix="guidebot-http-") as tmp:
        workdir = Path(tmp)
        index_path = workdir / "index.gbi"
        configs: list[tuple[str, int, tuple[str, ...], list[int]]] = [
            (f"guidebot serve, {w} worker{'s' if w > 1 else ''}", w, (), connections) for w in workers]
        if args.variants:
            configs.append(("uvicorn --loop asyncio --http h11, 1 worker", 1, ("--loop", "asyncio", "--http", "h11"),
                            [32]))
            configs.append(("uvicorn --loop uvloop --http httptools, 1 worker", 1,
                            ("--loop", "uvloop", "--http", "httptools"), [32]))
        kinds: Counter[str] = Counter()
        for name, w, options, conns in configs:
            with server(index_path, w, options) as (base, pid):
                labelled = chat_bodies(base)
                distinct = distinct_load(base, 5000 if args.quick else args.distinct, 50 if args.quick else 300)
                kinds.update(distinct.kinds)
                bodies = [b for _, b in labelled]
                run_wrk(base, "/api/chat", 8, 1, workdir, bodies) if WRK else None  # warm-up
                for c in conns:
                    with_distinct = distinct if (c == 32 or args.quick) and not options else None
                    cell = measure(base, c, seconds, rounds, workdir, bodies, with_distinct)
                    results.append({"server": name, "workers": w, "connections": c, **cell})
                    print(f"[{name}, {c} connections: health {cell['health']['rps']:,.0f} req/s, chat "
                          f"{cell['chat']['rps']:,.0f} req/s]", file=sys.stderr)
                if args.profile and w == 1 and not options and WRK:
                    profile = [("every request distinct (answers computed)", profile_chat(base, pid, 10, workdir,
                                                                                          distinct)),
                               ("the mix (answer-cache hits)", profile_chat(base, pid, 10, workdir, bodies))]
    print_tables(results, seconds, rounds)
    print(f"\nChat mix ({len(CHAT_MIX)} bodies, cycled): " + ", ".join(
        f"{n}× {label}" for label, n in Counter(label for label, _ in CHAT_MIX).items()))
    distinct_count = 5000 if args.quick else args.distinct
    print(f"\nDistinct questions (bench/questions.py): {distinct_count:,}, cycled from a random offset, "
          f"{FOLLOW_UP_SHARE:.0%} of them follow-ups; reply kinds in a sample of {sum(kinds.values())}: "
          + ", ".join(f"{n / sum(kinds.values()):.0%} {kind}" for kind, n in kinds.most_common()))
    for what, summary in profile or []:
        print(f"\n### Profile of POST /api/chat, {what} (py-spy, 1 worker, 32 connections)\n")
        print(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
