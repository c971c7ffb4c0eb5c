"""Transfer to a foreign corpus: the Debian FAQ (`apt-get install debian-faq`), one document per entry,
each entry's own question asked, beside naive rank-bm25 over whole entries in the same run.

The corpus is built on the fly from the installed package into a temporary folder
(bench/faq_corpus.py) and never committed. Two conditions, reported apart:

- **A, titled**: the documents as built, the entry's question as the document title (so the question
  text is in the document: retrieval is nearly free, the answering rules are what is tested);
- **B, untitled**: the same documents with a neutral title ("Debian FAQ chapter 3 (Choosing a
  Debian distribution), entry 3.1.5"), so the question's words are not in the document: the honest
  retrieval test.

For each: answered %, first-citation accuracy (the reply's first citation is the entry asked
about), any-citation accuracy, and the reference, `rank_bm25.BM25Okapi` over whole entries (title +
body), lowercase `\\w+` tokens, top-1 = the entry. Also guidebot's own search top-1 (the retrieval
stage, `Guidebot.search`), the failures by cause with example questions, and the mean latency per
question in-process and through the HTTP API (a real `guidebot serve` on a free loopback port,
`POST /api/chat`) on the quick subset, with the API's answers checked against the in-process ones.

    .venv/bin/python -m bench.faq                 # every question (123), HTTP on the quick subset
    .venv/bin/python -m bench.faq --quick         # a fixed, evenly spread subset of 40 (used by make test)
    .venv/bin/python -m bench.faq --no-http       # in-process only
    .venv/bin/python -m bench.faq --json out.json # also write the measurements
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from rank_bm25 import BM25Okapi

from bench.faq_corpus import Entry, FaqMissing, faq_version, read_entries, write_corpus
from bench.serve_http import wait_until_up
from guidebot.build import build_index
from guidebot.chat import Guidebot
from guidebot.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
QUICK_QUESTIONS = 40
CONDITIONS = (("A", "titled", True), ("B", "untitled", False))
TOKEN = re.compile(r"\w+")
FORBIDDEN = re.compile(r"machine learning|universit", re.IGNORECASE)  # the original corpus's domain

REASONS = {
    "abstain_retrieved": "answered: false although guidebot's search ranked the right entry first",
    "abstain_missed": "answered: false, and the right entry not ranked first by guidebot's search",
    "cited_not_first": "right entry cited, but another entry cited first",
    "wrong_retrieved": "answered from another entry although the right one was ranked first",
    "wrong_naive_ok": "answered from another entry that guidebot's search ranks first; naive rank-bm25 ranks the "
                      "right one first",
    "wrong_both": "answered from another entry; neither guidebot's search nor naive rank-bm25 ranks the right one "
                  "first",
}
FLAGS = {
    "split": "the entry is split into several chunks",
    "not_covered": "reply says the corpus does not cover a name in the question",
    "spelling": "a word of the question was spelling-corrected",
    "mode": "small talk, list or clarification mode triggered",
    "partial": "partial reply (kind rule: a figure/date/amount asked and not found)",
}


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def quick_subset(pairs: Sequence[tuple[str, str]], n: int = QUICK_QUESTIONS) -> list[tuple[str, str]]:
    """n questions spread evenly over the FAQ's order (deterministic)."""
    if len(pairs) <= n:
        return list(pairs)
    return [pairs[i * len(pairs) // n] for i in range(n)]


# ---------------------------------------------------------------------------------------------
# One condition


@dataclass
class Outcome:
    question: str
    expected: str
    answered: bool
    kind: str
    first: str | None
    cited: list[str]
    search_top: str | None
    naive_top: str
    ms: float
    text: str
    reason: str | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def first_right(self) -> bool:
        return self.first == self.expected


@dataclass
class ConditionResult:
    label: str
    name: str
    documents: int
    chunks: int
    split_entries: int
    outcomes: list[Outcome]
    http: dict[str, float | int] | None = None

    def share(self, predicate) -> float:  # type: ignore[no-untyped-def]
        return sum(1 for o in self.outcomes if predicate(o)) / max(1, len(self.outcomes))

    def summary(self) -> dict[str, float | int]:
        n = len(self.outcomes)
        return {
            "questions": n,
            "answered": self.share(lambda o: o.answered),
            "first_citation": self.share(lambda o: o.first_right),
            "any_citation": self.share(lambda o: o.expected in o.cited),
            "answered_and_first_right": self.share(lambda o: o.answered and o.first_right),
            "search_top1": self.share(lambda o: o.search_top == o.expected),
            "naive_top1": self.share(lambda o: o.naive_top == o.expected),
            "mean_ms": statistics.fmean(o.ms for o in self.outcomes) if n else 0.0,
        }


def naive_ranker(entries: Sequence[Entry], titled: bool):  # type: ignore[no-untyped-def]
    """rank_bm25 over whole entries: title + body, lowercase word tokens; returns top-1 doc id."""
    bm25 = BM25Okapi([tokens(e.title(titled) + "\n" + e.body) for e in entries])
    ids = [e.id for e in entries]

    def top1(question: str) -> str:
        scores = bm25.get_scores(tokens(question))
        return ids[max(range(len(ids)), key=lambda i: (scores[i], -i))]

    return top1


def classify(o: Outcome, chunks_of: Counter[str]) -> None:
    if o.answered and o.first_right:
        return
    if not o.answered:
        o.reason = "abstain_retrieved" if o.search_top == o.expected else "abstain_missed"
    elif o.expected in o.cited:
        o.reason = "cited_not_first"
    elif o.search_top == o.expected:
        o.reason = "wrong_retrieved"
    elif o.naive_top == o.expected:
        o.reason = "wrong_naive_ok"
    else:
        o.reason = "wrong_both"
    if chunks_of[o.expected] > 1:
        o.flags.append("split")
    if re.search(r"(?:don.t|doesn.t) cover", o.text):
        o.flags.append("not_covered")
    if o.text.startswith("(Reading your question as"):
        o.flags.append("spelling")
    if o.kind in ("smalltalk", "list", "clarify"):
        o.flags.append("mode")
    if o.kind == "partial":
        o.flags.append("partial")


def run_condition(label: str, name: str, titled: bool, entries: list[Entry], pairs: Sequence[tuple[str, str]],
                  workdir: Path) -> tuple[ConditionResult, Path]:
    folder = workdir / f"corpus-{name}"
    write_corpus(folder, titled=titled, entries=entries)
    corpus = load_corpus(folder)
    if len(corpus.documents) != len(entries):
        raise SystemExit(f"{name}: {len(corpus.documents)} documents for {len(entries)} entries")
    bot = Guidebot(build_index(corpus)).warm()
    chunks_of = Counter(c.doc_id for c in bot.indexed.chunks)
    naive = naive_ranker(entries, titled)
    outcomes = []
    for question, expected in pairs:
        started = time.perf_counter()
        reply = bot.chat(question)
        ms = (time.perf_counter() - started) * 1000
        docs = [c.doc_id for c in reply.citations]
        hits = bot.search(question, k=10)
        o = Outcome(question, expected, reply.answered, reply.kind, docs[0] if docs else None, docs,
                    hits[0].doc_id if hits else None, naive(question), ms, reply.text)
        classify(o, chunks_of)
        outcomes.append(o)
    result = ConditionResult(label, name, len(corpus.documents), len(bot.indexed.chunks),
                             sum(1 for e in entries if chunks_of[e.id] > 1), outcomes)
    return result, folder


# ---------------------------------------------------------------------------------------------
# The HTTP path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(corpus_dir: Path, index_path: Path) -> Iterator[str]:
    """`guidebot serve` over `corpus_dir` on a free loopback port (rate limit off); yields its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "GUIDEBOT_ADMIN_TOKEN"}
    env |= {"GUIDEBOT_CORPUS_DIR": str(corpus_dir), "GUIDEBOT_INDEX_PATH": str(index_path),
            "GUIDEBOT_RATE_LIMIT_PER_MINUTE": "0"}
    log = index_path.with_name(f"server-{port}.log")
    with log.open("wb") as log_file:
        process = subprocess.Popen([sys.executable, "-m", "guidebot.cli", "serve", "--host", "127.0.0.1",
                                    "--port", str(port)], cwd=ROOT, env=env, stdout=log_file, stderr=log_file,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log, timeout=90)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_http(result: ConditionResult, folder: Path, subset: Sequence[tuple[str, str]]) -> None:
    """Ask the subset through POST /api/chat; record latency, the same metrics, and agreement with in-process."""
    by_question = {o.question: o for o in result.outcomes}
    index_path = folder.parent / f"index-{result.name}.gbi"
    times, answered, first_right, agree, errors = [], 0, 0, 0, 0
    with server(folder, index_path) as base, httpx.Client(base_url=base, timeout=30.0) as client:
        client.post("/api/chat", json={"message": "hello"})  # one warm-up request
        for question, expected in subset:
            started = time.perf_counter()
            response = client.post("/api/chat", json={"message": question})
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                errors += 1
                continue
            payload = response.json()
            docs = [c["doc_id"] for c in payload["citations"]]
            answered += payload["answered"]
            first_right += bool(docs) and docs[0] == expected
            local = by_question.get(question)
            agree += local is not None and local.answered == payload["answered"] \
                and local.first == (docs[0] if docs else None)
    n = len(subset)
    local_ms = [by_question[q].ms for q, _ in subset if q in by_question]
    result.http = {"questions": n, "errors": errors, "mean_ms": statistics.fmean(times) if times else 0.0,
                   "in_process_mean_ms": statistics.fmean(local_ms) if local_ms else 0.0,
                   "answered": answered / max(1, n), "first_citation": first_right / max(1, n),
                   "agree_with_in_process": agree / max(1, n)}


# ---------------------------------------------------------------------------------------------
# Report


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def report(results: Sequence[ConditionResult], entries: Sequence[Entry], mode: str, examples: int = 3) -> str:
    lines = []
    n_questions = len(results[0].outcomes) if results else 0
    lines.append(f"Debian FAQ transfer ({mode}): FAQ version {faq_version()}, {len(entries)} entries = "
                 f"{len(entries)} documents, {n_questions} questions asked (each entry's own heading)")
    lines.append("")
    lines.append("| condition | system | answered | first citation = entry | any citation = entry "
                 "| answered and first right | top-1 = entry |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        s = r.summary()
        cond = f"{r.label} {r.name}"
        lines.append(f"| {cond} | guidebot chat | {pct(s['answered'])} | {pct(s['first_citation'])} | "
                     f"{pct(s['any_citation'])} | {pct(s['answered_and_first_right'])} | |")
        lines.append(f"| {cond} | guidebot search (retrieval stage) | | | | | {pct(s['search_top1'])} |")
        lines.append(f"| {cond} | rank-bm25 whole entries (naive reference) | | | | | {pct(s['naive_top1'])} |")
    lines.append("")
    lines.append("| condition | first citation − naive top-1 | first citation / naive | search top-1 − naive "
                 "| documents | chunks | entries in several chunks |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        s = r.summary()
        naive = s["naive_top1"]
        ratio = f"{s['first_citation'] / naive:.2f}×" if naive else "n/a"
        lines.append(f"| {r.label} {r.name} | {100 * (s['first_citation'] - naive):+.1f} points | {ratio} | "
                     f"{100 * (s['search_top1'] - naive):+.1f} points | {r.documents} | {r.chunks} | "
                     f"{r.split_entries} |")
    lines.append("")
    lines.append("| condition | in-process mean ms (all asked) | HTTP questions | HTTP mean ms | in-process mean ms, "
                 "same questions | HTTP answered | HTTP first citation | HTTP = in-process | HTTP errors |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        s = r.summary()
        h = r.http
        if h:
            lines.append(f"| {r.label} {r.name} | {s['mean_ms']:.1f} | {h['questions']} | {h['mean_ms']:.1f} | "
                         f"{h['in_process_mean_ms']:.1f} | {pct(h['answered'])} | {pct(h['first_citation'])} | "
                         f"{pct(h['agree_with_in_process'])} | {h['errors']} |")
        else:
            lines.append(f"| {r.label} {r.name} | {s['mean_ms']:.1f} | not run | | | | | | |")
    for r in results:
        failures = [o for o in r.outcomes if o.reason]
        lines.append("")
        lines.append(f"Failures, condition {r.label} {r.name}: {len(failures)} of {len(r.outcomes)}")
        lines.append("")
        lines.append("| cause | count | examples |")
        lines.append("| --- | --- | --- |")
        for key, count in Counter(o.reason for o in failures).most_common():
            shown = "; ".join([f"“{o.question}” ({o.kind}, cited {o.first or 'nothing'})"
                               for o in failures if o.reason == key][:examples])
            lines.append(f"| {REASONS[key]} | {count} | {shown} |")
        flag_counts = Counter(f for o in failures for f in o.flags)
        for key, count in flag_counts.most_common():
            shown = "; ".join([f"“{o.question}”" for o in failures if key in o.flags][:examples])
            lines.append(f"| (among these) {FLAGS[key]} | {count} | {shown} |")
    return "\n".join(lines)


def run(quick: bool = False, http: bool = True, workdir: Path | None = None) -> tuple[list[ConditionResult], str]:
    entries = read_entries()
    pairs = [(e.question, e.id) for e in entries if e.is_question]
    subset = quick_subset(pairs)
    asked = subset if quick else pairs
    results = []
    with tempfile.TemporaryDirectory(prefix="guidebot-faq-") as tmp:
        base = Path(workdir or tmp)
        for label, name, titled in CONDITIONS:
            result, folder = run_condition(label, name, titled, entries, asked, base)
            if http:
                run_http(result, folder, subset)
            results.append(result)
    mode = f"quick, {len(asked)} of {len(pairs)} questions" if quick else f"all {len(pairs)} questions"
    return results, report(results, entries, mode)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.faq", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"a fixed subset of {QUICK_QUESTIONS} questions")
    parser.add_argument("--no-http", action="store_true", help="skip the real server")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args(argv)
    try:
        results, text = run(quick=args.quick, http=not args.no_http)
    except FaqMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(text)
    leaks = [o.question for r in results for o in r.outcomes if FORBIDDEN.search(o.text)]
    if leaks:
        print(f"\nwarning: {len(leaks)} replies speak of the original corpus's domain, e.g. “{leaks[0]}”")
    if args.json:
        args.json.write_text(json.dumps([{"condition": f"{r.label} {r.name}", "summary": r.summary(),
                                          "http": r.http, "outcomes": [asdict(o) for o in r.outcomes]}
                                         for r in results], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
