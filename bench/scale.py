"""Retrieval at scale: corpora of 1,000 / 10,000 / 100,000 chunks of real English, indexed through
the same code path as `guidebot index`, measured beside references in the same run.

Each corpus is the shipped corpus plus standard-library docstrings written as plain notes (front
matter `id`, `title`, `kind: topic`; one heading per chunk, so the chunk count is exact). Keeping
the shipped corpus inside makes the chat and search comparison honest: the same questions, the
same answers, with 100,000 distracting chunks around them.

Reports per size: build time and its stages (`build.build_and_save`), guidebot's sentence splitter
beside nltk's Punkt on the same lines (time, identical spans), index file size; start (load_index,
Guidebot(), warm-up), the staleness check before it, and peak RSS of a fresh serving process, its
private and file-backed (shared) parts; query p50/p95 of `BM25.top` and of `Guidebot.search`, and
on the same analysed tokens rank-bm25's `get_scores` time, top-10 agreement and the largest score
difference; chat and search beside the shipped corpus in one process. It ends with the issue's
targets at the largest size, each beside its reference.

    .venv/bin/python -m bench.scale                  # 1,000 / 10,000 / 100,000 chunks
    .venv/bin/python -m bench.scale --chunks 1000000 # one size (1,000,000 is optional, takes minutes)
    .venv/bin/python -m bench.scale --quick          # 1,000 chunks, fewer queries (used by the tests)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import numpy as np

from bench.stdlib_text import docstrings
from bench.workload import CHAT_MIX, queries
from guidebot.analysis import Analyzer
from guidebot.build import build_and_save, indexed_text, is_stale
from guidebot.chunking import MAX_CHUNK_CHARS, chunk_corpus
from guidebot.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CORPUS = ROOT / "corpus"
CHUNKS_PER_FILE = 100
SIZES = (1_000, 10_000, 100_000)
TOP_K = 10
TIE = 1e-9


# ---------------------------------------------------------------------------------------------
# The corpus


def write_corpus(folder: Path, chunks: int, paragraphs: list[tuple[str, str]]) -> int:
    """The shipped corpus plus notes files making `chunks` chunks in all; returns the notes' chunk count.

    Chunk j of the notes is paragraph a followed by paragraph b (a = j mod n, b = a + 1 + j // n),
    so up to n × (n - 1) distinct passages of real prose can be made from n paragraphs. Each chunk
    gets its own heading: merged_blocks never joins paragraphs across a heading.
    """
    shutil.copytree(SHIPPED_CORPUS, folder)
    shipped = len(chunk_corpus(load_corpus(folder).documents))
    wanted = chunks - shipped
    if wanted < 0:
        raise SystemExit(f"--chunks must be at least {shipped} (the shipped corpus alone has that many)")
    usable = [(name.rsplit(" (", 1)[0], text) for name, text in paragraphs if not text.startswith(("#", "-", "*"))]
    n = len(usable)
    notes = folder / "notes"
    notes.mkdir()
    for file_number, first in enumerate(range(0, wanted, CHUNKS_PER_FILE), start=1):
        title = f"Standard library notes, part {file_number}"
        parts = [f"---\nid: stdlib-notes-{file_number:05d}\ntitle: {title}\nkind: topic\n---\n"]
        for j in range(first, min(first + CHUNKS_PER_FILE, wanted)):
            a = j % n
            b = (a + 1 + j // n) % n
            heading, text = usable[a]
            combined = f"{text} {usable[b][1]}"
            parts.append(f"\n## {heading}\n\n{combined if len(combined) <= MAX_CHUNK_CHARS else text}\n")
        (notes / f"part-{file_number:05d}.md").write_text("".join(parts), encoding="utf-8")
    return wanted


# ---------------------------------------------------------------------------------------------
# Fresh processes: one that loads an index and serves like a worker (load time, peak RSS), and one
# that serves from the shipped index and a large one side by side (latency ratios)


def probe(index_path: Path, search_queries: list[str]) -> dict[str, object]:
    """Load like a server worker does, serve every search and chat once; time the loading and
    report the peak RSS."""
    from guidebot.chat import Guidebot, Turn
    from guidebot.index import load_index

    started = time.perf_counter()
    indexed = load_index(index_path)
    loaded = time.perf_counter()
    bot = Guidebot(indexed)
    constructed = time.perf_counter()
    bot.warm()
    warmed = time.perf_counter()
    for query in search_queries:
        bot.search(query, 5)
    for _label, turns in CHAT_MIX:
        history: list[Turn] = []
        for turn in turns:
            reply = bot.chat(turn, history)
            history += [Turn("user", turn), Turn("assistant", reply.text)]
    return {"load_s": loaded - started, "engine_s": constructed - loaded, "warm_s": warmed - constructed,
            "start_s": warmed - started, **_resident()}


def _resident() -> dict[str, float]:
    """Peak resident memory of this process, and resident memory now: private (anonymous) and
    file-backed (the mapped index and libraries, shared with every process mapping the same files),
    in MB. The peak is /proc's VmHWM: getrusage's ru_maxrss would include the parent's resident
    size at the fork that started this process (Linux keeps the larger of the two across exec)."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return {"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    return {name: int(fields[key].split()[0]) / 1024 for name, key in
            (("maxrss_mb", "VmHWM"), ("anon_mb", "RssAnon"), ("file_mb", "RssFile")) if key in fields}


def paired(shipped_index: Path, index_path: Path, search_queries: list[str], repeats: int) -> dict[str, object]:
    """The shipped index and a large one served side by side in one process, calls interleaved
    (shipped, large, shipped, large...) so that a noisy machine slows both alike.

    Guidebot.search: medians of repeated calls. Chat: Guidebot.chat keeps an answer cache per bot, so
    each repeat starts two fresh bots (warmed like a server worker) and plays every conversation
    of the chat mix and of the gold set turn by turn: every timed answer is computed, none cached.
    Then the chat mix once more on the same bots: the cost of a repeated question (cache hit).
    """
    from guidebot.chat import Guidebot, Turn
    from guidebot.index import load_index

    indexed = [load_index(shipped_index), load_index(index_path)]
    plays = [turns for _label, turns in CHAT_MIX] + gold_conversations()
    bots = [Guidebot(ix) for ix in indexed]
    search = _interleaved([lambda q, e=e: e.search(q, 5) for e in bots], [search_queries] * 2, repeats)
    cold: list[list[list[float]]] = [[[] for play in plays for _ in play] for _ in indexed]
    hit: list[list[list[float]]] = [[[] for _ in CHAT_MIX] for _ in indexed]
    answered: list[list[bool]] = [[] for _ in indexed]
    for repeat in range(repeats):
        bots = [Guidebot(ix).warm() for ix in indexed]
        histories: list[list[list[Turn]]] = [[[] for _ in plays] for _ in bots]
        request = 0
        for p, turns in enumerate(plays):
            for turn in turns:
                for e, bot in enumerate(bots):
                    history = histories[e][p]
                    t = time.perf_counter()
                    reply = bot.chat(turn, list(history))
                    cold[e][request].append((time.perf_counter() - t) * 1e3)
                    history += [Turn("user", turn), Turn("assistant", reply.text)]
                    if repeat == 0 and p < len(CHAT_MIX) and turn is turns[-1]:
                        answered[e].append(reply.answered)
                request += 1
        for m, (_label, turns) in enumerate(CHAT_MIX):
            for e, bot in enumerate(bots):
                history = histories[e][m][:-2]
                t = time.perf_counter()
                bot.chat(turns[-1], history)
                hit[e][m].append((time.perf_counter() - t) * 1e3)
    last_turns = [sum(len(play) for play in plays[:m + 1]) - 1 for m in range(len(CHAT_MIX))]
    cold_ms = [[statistics.median(s) for s in per_bot] for per_bot in cold]
    return {"search_ms": search, "chat_ms": cold_ms, "mix_ms": [[ms[i] for i in last_turns] for ms in cold_ms],
            "hit_ms": [[statistics.median(s) for s in per_bot] for per_bot in hit], "answered": answered}


def gold_conversations() -> list[tuple[str, ...]]:
    from guidebot.evaluation import load_cases

    return [case.turns for case in load_cases(ROOT / "tests" / "gold")]


def _interleaved(calls: list, items: list[list], repeats: int) -> list[list[float]]:  # type: ignore[type-arg]
    """For each call, per item, the median over `repeats` timed calls in ms (after one untimed pass)."""
    for call, its in zip(calls, items, strict=True):
        for item in its:
            call(item)
    samples = [[[] for _ in its] for its in items]  # type: ignore[var-annotated]
    for _ in range(repeats):
        for i in range(len(items[0])):
            for c, call in enumerate(calls):
                t = time.perf_counter()
                call(items[c][i])
                samples[c][i].append((time.perf_counter() - t) * 1e3)
    return [[statistics.median(s) for s in per_call] for per_call in samples]


def _timed(call, items: list, repeats: int) -> list[float]:  # type: ignore[no-untyped-def]
    return _interleaved([call], [items], repeats)[0]


def serve_start(corpus_dir: Path, index_path: Path, rounds: int = 2) -> float:
    """Seconds from starting `guidebot serve` (its index already built) to its first 200 on
    /api/health, best of `rounds`: imports, the staleness check and the index load that the CLI
    does before starting uvicorn, then the worker's own, and the warm-up."""
    best = float("inf")
    for _ in range(rounds):
        with socket.socket() as probe_socket:
            probe_socket.bind(("127.0.0.1", 0))
            port = probe_socket.getsockname()[1]
        env = {**os.environ, "GUIDEBOT_RATE_LIMIT_PER_MINUTE": "0"}
        started = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "guidebot.cli", "serve", "--corpus", str(corpus_dir),
                                   "--index", str(index_path), "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while server.poll() is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1) as response:
                        if response.status == 200:
                            best = min(best, time.perf_counter() - started)
                            break
                except OSError:
                    time.sleep(0.02)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return best


def run_in_subprocess(mode: str, paths: list[Path], search_queries: list[str], repeats: int) -> dict[str, object]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(search_queries, f)
    try:
        out = subprocess.run([sys.executable, "-m", "bench.scale", f"--{mode}", *map(str, paths), "--probe-queries",
                              f.name, "--repeats", str(repeats)], cwd=ROOT, check=True, capture_output=True,
                             text=True)
    finally:
        os.unlink(f.name)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# BM25 against the reference, on the same analysed tokens


def compare_with_reference(bm25, tokens: list[list[str]], query_terms: list[list[str]],  # type: ignore[no-untyped-def]
                           reference_count: int, repeats: int) -> dict[str, float]:
    from rank_bm25 import BM25Okapi

    weights = [dict(Counter(terms)) for terms in query_terms]
    ours_ms = _timed(lambda w: bm25.top(w, TOP_K), weights, repeats)

    started = time.perf_counter()
    reference = BM25Okapi(tokens)
    reference_build = time.perf_counter() - started
    sample = list(range(min(reference_count, len(query_terms))))
    reference_ms: list[float] = []
    agree = 0
    max_diff = 0.0
    for i in sample:
        t = time.perf_counter()
        expected = reference.get_scores(query_terms[i])
        expected_top = np.argsort(-expected, kind="stable")[:TOP_K]
        reference_ms.append((time.perf_counter() - t) * 1e3)
        expected_top = [int(d) for d in expected_top if expected[d] > 0]
        ours = bm25.top(weights[i], TOP_K)
        same = len(ours) == len(expected_top) and all(
            abs(expected[d] - expected[e]) <= TIE for (d, _), e in zip(ours, expected_top, strict=True))
        agree += same
        dense = bm25.scores(weights[i])
        max_diff = max(max_diff, float(np.abs(dense - expected).max()),
                       max((abs(s - expected[d]) for d, s in ours), default=0.0))
    ours_sample = [ours_ms[i] for i in sample]
    return {
        "top_p50_ms": _pct(ours_ms, 50), "top_p95_ms": _pct(ours_ms, 95),
        "ref_build_s": reference_build, "ref_p50_ms": _pct(reference_ms, 50), "ref_p95_ms": _pct(reference_ms, 95),
        "ours_sample_p50_ms": _pct(ours_sample, 50), "speedup": _pct(reference_ms, 50) / _pct(ours_sample, 50),
        "agree": agree, "sample": len(sample), "max_diff": max_diff,
    }


def compare_sentence_splitting(chunk_texts: list[str]) -> dict[str, float]:
    """guidebot's Punkt (chunking.sentences.punkt_spans) beside nltk's PunktSentenceTokenizer with
    the same abbreviations, on every line that chunking hands to Punkt: time and identical spans."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    from guidebot.chunking.sentences import ABBREVIATIONS, LIST_ITEM, punkt_spans

    lines = [line for text in chunk_texts for line in text.splitlines(keepends=True)
             if line.strip() and not LIST_ITEM.match(line)]
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    reference = PunktSentenceTokenizer(params)
    started = time.perf_counter()
    ours = [punkt_spans(line) for line in lines]
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs = [list(reference.span_tokenize(line)) for line in lines]
    nltk_s = time.perf_counter() - started
    return {"lines": len(lines), "sentences": sum(map(len, theirs)), "ours_s": ours_s, "nltk_s": nltk_s,
            "same": sum(a == b for a, b in zip(ours, theirs, strict=True))}


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


# ---------------------------------------------------------------------------------------------
# One size, and the report


def measure(chunks: int, workdir: Path, shipped_index: Path, paragraphs: list[tuple[str, str]],
            query_texts: list[str], guide_questions: list[str], reference_count: int,
            repeats: int) -> dict[str, object]:
    from guidebot.chat import Guidebot
    from guidebot.index import load_index

    corpus_dir = workdir / f"corpus-{chunks}"
    index_path = workdir / f"index-{chunks}.gbi"
    write_corpus(corpus_dir, chunks, paragraphs)
    indexed, report, phases = timed_build(corpus_dir, index_path)
    if report.chunks != chunks:
        raise SystemExit(f"the corpus for {chunks} chunks made {report.chunks}: check write_corpus")
    del indexed
    started = time.perf_counter()
    is_stale(corpus_dir, index_path)  # what a (re)starting worker does before it loads the file
    stale_check_s = time.perf_counter() - started
    serving = run_in_subprocess("probe", [index_path], guide_questions + query_texts, repeats)
    serving["serve_start_s"] = serve_start(corpus_dir, index_path)
    side_by_side = run_in_subprocess("paired", [shipped_index, index_path], guide_questions, repeats)
    loaded = load_index(index_path)
    analyzer = Analyzer.create()
    tokens = [analyzer.terms(indexed_text(c)) for c in loaded.chunks]
    query_terms = [analyzer.terms(q) for q in query_texts]
    bot = Guidebot(loaded)
    search_ms = _timed(lambda q: bot.search(q, TOP_K), query_texts, repeats)
    parity = compare_with_reference(loaded.bm25, tokens, query_terms, reference_count, repeats)
    splitting = compare_sentence_splitting([c.text for c in loaded.chunks])
    return {
        "chunks": chunks, "documents": report.documents, "vocabulary": report.vocabulary,
        "build_s": report.seconds, "phases": phases, "stale_check_s": stale_check_s, "splitting": splitting,
        "size_mb": index_path.stat().st_size / 1e6, "serving": serving,
        "side_by_side": side_by_side, "search_p50_ms": _pct(search_ms, 50), "search_p95_ms": _pct(search_ms, 95),
        **parity,
    }


def timed_build(corpus_dir: Path, index_path: Path) -> tuple[object, object, dict[str, float]]:
    """build_and_save, with the seconds of each stage read off its progress messages (chunking and
    analysis are one stage when the build ran them in several processes)."""
    marks: list[tuple[float, str]] = []
    load = os.getloadavg()[0]
    cpu = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    indexed, report = build_and_save(corpus_dir, index_path,
                                     progress=lambda message: marks.append((time.perf_counter() - started, message)))
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = time.process_time() - cpu[0] + children.ru_utime + children.ru_stime - cpu[1].ru_utime - cpu[1].ru_stime

    def at(prefix: str) -> float | None:
        return next((t for t, m in marks if m.startswith(prefix)), None)

    read, analysed, wrote = at("read and validated"), at("analysed " + f"{report.chunks} chunks;"), at("wrote ")
    together = next((m for _t, m in marks if m.startswith("split and analysed")), None)
    split = None if together else at("split ")
    assert read is not None and analysed is not None and wrote is not None, marks
    return indexed, report, {
        "read_s": read, "chunk_s": None if split is None else split - read,
        "analyse_s": analysed - (read if split is None else split), "impacts_write_s": wrote - analysed,
        "processes": int(together.rsplit(" in ", 1)[1].split()[0]) if together else 1, "cpu_s": cpu_s,
        "load_before": load}


def print_report(rows: list[dict], shipped: dict, queries_count: int, guide_count: int,  # type: ignore[type-arg]
                 chat_count: int) -> None:
    def ms(value: float) -> str:
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"

    sized = [(f"{shipped['chunks']:,} (shipped)", shipped)] + [(f"{r['chunks']:,}", r) for r in rows]
    print("\n### Scale: build (build.build_and_save; stages read off its progress messages)\n")
    print("| chunks | docs | terms | build s | CPU s (all processes) | load average before | read corpus s | "
          "chunk + split sentences s | analyse s | BM25 impacts + write s | index MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, r in sized:
        f = r["phases"]
        chunk = f"{f['chunk_s']:.2f}" if f["chunk_s"] is not None else f"with analysis, {f['processes']} processes"
        print(f"| {label} | {r['documents']:,} | {r['vocabulary']:,} | {r['build_s']:.2f} | {f['cpu_s']:.2f} | "
              f"{f['load_before']:.1f} | {f['read_s']:.2f} | {chunk} | {f['analyse_s']:.2f} | "
              f"{f['impacts_write_s']:.2f} | {r['size_mb']:.1f} |")

    print("\n### Scale: sentence splitting, guidebot's Punkt beside nltk's on every line chunking splits\n")
    print("| chunks | lines | sentences | guidebot s | nltk PunktSentenceTokenizer s | speed-up | identical spans |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        s = r["splitting"]
        print(f"| {r['chunks']:,} | {s['lines']:,} | {s['sentences']:,} | {s['ours_s']:.2f} | {s['nltk_s']:.2f} | "
              f"{s['nltk_s'] / s['ours_s']:.1f}× | {s['same']:,}/{s['lines']:,} lines |")

    print(f"\n### Scale: start and memory (a fresh process, as a worker starts: load_index, Guidebot(), warm; "
          f"then {guide_count + queries_count} searches and the chat mix)\n")
    print("| chunks | load_index s | Guidebot() s | warm-up s | start s | staleness check s (reads the corpus) | "
          "`guidebot serve` to first /api/health s | serving RSS MB (peak) | private MB | file-backed MB (shared) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, r in sized:
        v = r["serving"]
        print(f"| {label} | {v['load_s']:.3f} | {v['engine_s']:.3f} | {v['warm_s']:.2f} | {v['start_s']:.2f} | "
              f"{r['stale_check_s']:.2f} | {v['serve_start_s']:.2f} | {v['maxrss_mb']:.0f} | "
              f"{v.get('anon_mb', float('nan')):.0f} | {v.get('file_mb', float('nan')):.0f} |")

    print(f"\n### Scale: queries ({queries_count} numpy-docstring queries, top {TOP_K}), beside rank-bm25 on the "
          f"same analysed tokens\n")
    print("| chunks | BM25.top p50 ms | p95 ms | Guidebot.search p50 ms | p95 ms | rank-bm25 get_scores+top p50 ms | "
          "p95 ms | speed-up (p50, same queries) | identical top 10 | max score diff | rank-bm25 build s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['chunks']:,} | {ms(r['top_p50_ms'])} | {ms(r['top_p95_ms'])} | {ms(r['search_p50_ms'])} | "
              f"{ms(r['search_p95_ms'])} | {ms(r['ref_p50_ms'])} | {ms(r['ref_p95_ms'])} | "
              f"{r['speedup']:,.0f}× (n={r['sample']}) | {r['agree']}/{r['sample']} | {r['max_diff']:.1e} | "
              f"{r['ref_build_s']:.1f} |")

    print(f"\n### Scale: serving latency beside the shipped corpus ({shipped['chunks']} chunks), both bots in one "
          f"process, calls interleaved\n")
    print(f"Search: Guidebot.search (k=5) on {guide_count} gold-set questions, medians of repeated calls. Chat: "
          f"Guidebot.chat on every turn of the chat mix and the gold set ({chat_count} requests), each answered "
          f"by a fresh bot (answer cache empty), medians over repeats; and the chat mix asked again (cache hit)."
          f"\n")
    print("| chunks | search p50 ms shipped | large | ratio | chat p50 ms shipped | large | ratio | chat mean ms "
          "shipped | large | ratio | chat p95 ms shipped | large | cache hit mean ms shipped | large | "
          "same answered/abstained |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        side = r["side_by_side"]
        (s_small, s_large), (c_small, c_large), (h_small, h_large) = side["search_ms"], side["chat_ms"], side["hit_ms"]
        a_small, a_large = side["answered"]
        same = sum(a == b for a, b in zip(a_small, a_large, strict=True))
        print(f"| {r['chunks']:,} | {ms(_pct(s_small, 50))} | {ms(_pct(s_large, 50))} | "
              f"{_pct(s_large, 50) / _pct(s_small, 50):.2f}× | {ms(_pct(c_small, 50))} | {ms(_pct(c_large, 50))} | "
              f"{_pct(c_large, 50) / _pct(c_small, 50):.2f}× | {ms(statistics.fmean(c_small))} | "
              f"{ms(statistics.fmean(c_large))} | {statistics.fmean(c_large) / statistics.fmean(c_small):.2f}× | "
              f"{ms(_pct(c_small, 95))} | {ms(_pct(c_large, 95))} | {ms(statistics.fmean(h_small))} | "
              f"{ms(statistics.fmean(h_large))} | {same}/{len(CHAT_MIX)} |")
    if rows:
        biggest = rows[-1]
        (c_small, c_large), (a_small, a_large) = biggest["side_by_side"]["mix_ms"], biggest["side_by_side"]["answered"]
        print(f"\nChat mix per request (computed, not cached), shipped vs {biggest['chunks']:,} chunks (ms; a = "
              f"answered, - = abstained or small talk):\n")
        print(f"| request | kind | shipped | {biggest['chunks']:,} | ratio |")
        print("|---|---|---:|---:|---:|")
        for (label, turns), a, b, x, y in zip(CHAT_MIX, c_small, c_large, a_small, a_large, strict=True):
            print(f"| {turns[-1][:48]} | {label} | {ms(a)} {'a' if x else '-'} | {ms(b)} {'a' if y else '-'} | "
                  f"{b / a:.2f}× |")
        print_targets(biggest, shipped)


TARGETS_AT = 100_000


def print_targets(r: dict, shipped: dict) -> None:  # type: ignore[type-arg]
    """The issue's targets for the largest corpus measured, each beside its reference from this run."""
    v, sv, s, side = r["serving"], shipped["serving"], r["splitting"], r["side_by_side"]
    search = [_pct(x, 50) for x in side["search_ms"]]
    chat = [_pct(x, 50) for x in side["chat_ms"]]
    f = r["phases"]
    note = "" if r["chunks"] == TARGETS_AT else f" (the targets are for {TARGETS_AT:,} chunks; this run measured " \
                                                f"{r['chunks']:,})"
    rows = [
        ("build ≤ 15 s", f"{r['build_s']:.1f} s (read {f['read_s']:.1f}, "
         + (f"chunk + split {f['chunk_s']:.1f}, analyse {f['analyse_s']:.1f}" if f["chunk_s"] is not None else
            f"chunk + split + analyse {f['analyse_s']:.1f} in {f['processes']} processes")
         + f", impacts + write {f['impacts_write_s']:.1f}); CPU {f['cpu_s']:.1f} s, load average "
         f"{f['load_before']:.1f} before it",
         f"sentence splitting {s['ours_s']:.1f} s vs nltk Punkt {s['nltk_s']:.1f} s on the same lines, "
         f"{s['same']:,}/{s['lines']:,} identical", r["build_s"] <= 15),
        ("start ≤ 1 s (load_index + Guidebot() + warm, fresh process)",
         f"{v['start_s']:.2f} s (load_index {v['load_s']:.2f}); staleness check before it {r['stale_check_s']:.2f} s; "
         f"whole `guidebot serve` to first reply {v['serve_start_s']:.1f} s",
         f"shipped corpus {sv['start_s']:.2f} s; `guidebot serve` {sv['serve_start_s']:.1f} s", v["start_s"] <= 1),
        ("serving RSS ≤ 300 MB (peak)", f"{v['maxrss_mb']:.0f} MB (now {v.get('anon_mb', 0):.0f} private + "
         f"{v.get('file_mb', 0):.0f} file-backed)", f"shipped corpus {sv['maxrss_mb']:.0f} MB", v["maxrss_mb"] <= 300),
        ("chat p50 ≤ 1.3× the shipped corpus", f"{chat[1]:.3f} ms, {chat[1] / chat[0]:.2f}×",
         f"shipped corpus {chat[0]:.3f} ms, same process, interleaved", chat[1] <= 1.3 * chat[0]),
        ("search p50 ≤ 1.3× the shipped corpus", f"{search[1]:.3f} ms, {search[1] / search[0]:.2f}×",
         f"shipped corpus {search[0]:.3f} ms, same process, interleaved", search[1] <= 1.3 * search[0]),
        ("same top 10 and scores as rank-bm25", f"{r['agree']}/{r['sample']} identical, max score difference "
         f"{r['max_diff']:.1e}", f"rank-bm25 BM25Okapi {r['ref_p50_ms']:.1f} ms p50 vs {r['top_p50_ms']:.3f} ms",
         r["agree"] == r["sample"] and r["max_diff"] <= 1e-9),
    ]
    print(f"\n### Scale: targets at {r['chunks']:,} chunks{note}\n")
    print("| target | measured | reference in the same run | met |")
    print("|---|---|---|---|")
    for target, measured, reference, met in rows:
        print(f"| {target} | {measured} | {reference} | {'yes' if met else '**no**'} |")


def shipped_row(workdir: Path, guide_questions: list[str], query_texts: list[str], repeats: int) -> dict:  # type: ignore[type-arg]
    index_path = workdir / "index-shipped.gbi"
    _indexed, report, phases = timed_build(SHIPPED_CORPUS, index_path)
    started = time.perf_counter()
    is_stale(SHIPPED_CORPUS, index_path)
    stale_check_s = time.perf_counter() - started
    serving = run_in_subprocess("probe", [index_path], guide_questions + query_texts, repeats)
    serving["serve_start_s"] = serve_start(SHIPPED_CORPUS, index_path)
    return {"chunks": report.chunks, "documents": report.documents, "vocabulary": report.vocabulary,
            "build_s": report.seconds, "phases": phases, "stale_check_s": stale_check_s,
            "size_mb": index_path.stat().st_size / 1e6, "index": str(index_path), "serving": serving}


def gold_questions() -> list[str]:
    from guidebot.evaluation import load_cases

    return [turn for case in load_cases(ROOT / "tests" / "gold") for turn in case.turns]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 chunks, 60 queries, 2 repeats")
    parser.add_argument("--chunks", type=int, help="one corpus size instead of 1,000 / 10,000 / 100,000")
    parser.add_argument("--queries", type=int, default=300, help="numpy-docstring queries (default 300)")
    parser.add_argument("--reference-queries", type=int,
                        help="queries timed on rank-bm25 (default: all up to 10,000 chunks, then 20)")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per query (median kept)")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--probe", nargs=1, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--paired", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--probe-queries", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.probe or args.paired:
        search_queries = json.loads(args.probe_queries.read_text())
        result = probe(args.probe[0], search_queries) if args.probe else \
            paired(args.paired[0], args.paired[1], search_queries, args.repeats)
        print(json.dumps(result))
        return 0

    sizes = [args.chunks] if args.chunks else ([1_000] if args.quick else list(SIZES))
    query_count = 60 if args.quick else args.queries
    repeats = 2 if args.quick else args.repeats
    paragraphs = docstrings(100_000)
    query_texts = queries(query_count)
    guide_questions = gold_questions()
    if args.quick:
        guide_questions = guide_questions[:40]
    rows = []
    with tempfile.TemporaryDirectory(prefix="guidebot-scale-") as tmp:
        workdir = Path(tmp)
        shipped = shipped_row(workdir, guide_questions, query_texts, repeats)
        for n in sizes:
            reference_count = args.reference_queries or (len(query_texts) if n <= 10_000 else 20)
            started = time.perf_counter()
            rows.append(measure(n, workdir, Path(shipped["index"]), paragraphs, query_texts, guide_questions,
                                reference_count, repeats))
            print(f"[{n:,} chunks measured in {time.perf_counter() - started:.0f} s]", file=sys.stderr)
            for path in workdir.glob(f"*-{n}*"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    chat_count = sum(len(turns) for _label, turns in CHAT_MIX) + sum(map(len, gold_conversations()))
    print_report(rows, shipped, len(query_texts), len(guide_questions), chat_count)
    if args.json:
        args.json.write_text(json.dumps({"shipped": shipped, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
