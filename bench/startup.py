"""Start-up and per-request cost as the number of notes grows: the shipped corpus plus 300, 1,000 and
3,000 generated program notes (`bench/notes.py`), each size measured in a fresh process.

Per size: every start-up step a server or a reindex pays (read and validate the corpus, build the
index, write it, load it as a worker does, construct the engine, warm it), the first chat about a
note (its suggestions are answered then), and three costly requests: 2,000 characters of made-up
words, a list question that visits every matching note, and a 16,000-character history of
made-up words (the most GUIDEBOT_MAX_REQUEST_CHARS lets an answer read). Each figure is also
given per note, so linear growth shows as a constant column; the smallest size is the reference
measured in the same run. Before this was fixed, start-up took 3.7 s at 300 notes, 28.6 s at
1,000 and 240 s at 3,000 (issue 13).

    .venv/bin/python -m bench.startup            # 300 / 1,000 / 3,000 notes
    .venv/bin/python -m bench.startup --quick    # 300 and 3,000 notes (used by the tests)
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.notes import write_corpus

ROOT = Path(__file__).resolve().parents[1]
SIZES = (300, 1000, 3000)
QUICK_SIZES = (300, 3000)
STEPS = ("read corpus", "build index", "write index", "load index", "engine", "warm")
REQUESTS = ("first chat about a note", "2,000 chars of made-up words", "list question", "16,000-char history")


def made_up_text(chars: int, seed: int) -> str:
    rng = random.Random(seed)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 9))))
    return " ".join(words)[:chars]


def measure(notes: int) -> dict[str, float]:
    """Run in a fresh process: every step for one corpus size, in seconds; RSS in MiB."""
    from guidebot.build import build_index
    from guidebot.chat import Guidebot, Turn
    from guidebot.corpus import load_corpus
    from guidebot.index import load_index, save_index

    found: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="guidebot-startup-") as workdir:
        folder = Path(workdir) / "corpus"
        names = write_corpus(folder, notes)

        def step(name: str, work):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            result = work()
            found[name] = time.perf_counter() - started
            return result

        corpus = step("read corpus", lambda: load_corpus(folder))
        indexed = step("build index", lambda: build_index(corpus))
        step("write index", lambda: save_index(indexed, Path(workdir) / "index.gbi"))
        loaded = step("load index", lambda: load_index(Path(workdir) / "index.gbi"))
        bot = step("engine", lambda: Guidebot(loaded))
        step("warm", bot.warm)
        step("first chat about a note", lambda: bot.chat(f"Where is {names[len(names) // 2]}?"))
        step("2,000 chars of made-up words", lambda: bot.chat(made_up_text(2000, 1)))
        step("list question", lambda: bot.chat("Which universities are in Texas?"))
        history = [Turn("user", made_up_text(3500, n)) for n in range(4)]
        step("16,000-char history", lambda: bot.chat("where is it?", history))
    found["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return found


def run_size(notes: int) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-m", "bench.startup", "--measure", str(notes)], cwd=ROOT,
                            capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(results: dict[int, dict[str, float]]) -> str:
    sizes = sorted(results)
    reference = sizes[0]
    lines = ["| notes | " + " | ".join(STEPS) + " | start-up total | per note | × reference per note |",
             "|---" * (len(STEPS) + 4) + "|"]
    for notes in sizes:
        r = results[notes]
        total = sum(r[s] for s in STEPS)
        per_note = total / notes
        ratio = per_note / (sum(results[reference][s] for s in STEPS) / reference)
        lines.append(f"| {notes:,} | " + " | ".join(f"{r[s]:.2f} s" for s in STEPS)
                     + f" | {total:.2f} s | {per_note * 1000:.2f} ms | {ratio:.2f} |")
    lines += ["", "| notes | " + " | ".join(REQUESTS) + " | peak RSS |", "|---" * (len(REQUESTS) + 2) + "|"]
    for notes in sizes:
        r = results[notes]
        lines.append(f"| {notes:,} | " + " | ".join(f"{r[q] * 1000:.0f} ms" for q in REQUESTS)
                     + f" | {r['rss_mib']:.0f} MiB |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 and 3,000 notes only")
    parser.add_argument("--notes", type=int, nargs="*", help="corpus sizes (generated notes)")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # one size, in this process
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    sizes = args.notes or (QUICK_SIZES if args.quick else SIZES)
    results = {notes: run_size(notes) for notes in sizes}
    print(f"Start-up and costly requests by number of generated notes (plus the shipped corpus), "
          f"each size in a fresh process; reference: {min(sizes):,} notes.\n")
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
