"""The benchmarks stay runnable: each quick mode runs to the end as its own process and prints its
tables. No timing is asserted here (timings live in bench/RESULTS.md)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.beir import DATA
from guidebot.chat import Guidebot

from .conftest import ROOT


def run_bench(module: str, timeout: float, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", module, "--quick", *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_scale_quick_indexes_1000_chunks_and_compares_with_rank_bm25() -> None:
    out = run_bench("bench.scale", 120)
    assert "| 1,000 |" in out
    assert "rank-bm25" in out and "identical top 10" in out
    assert "chat mean ms" in out


@pytest.mark.skipif(not (DATA / "corpus.jsonl").exists(), reason=f"SciFact is not in {DATA}")
def test_beir_quick_reports_ndcg_beside_the_reference() -> None:
    out = run_bench("bench.beir", 120)
    assert "| guidebot" in out and "| rank-bm25" in out
    assert "nDCG@10" in out and "Recall@100" in out


def test_http_quick_drives_the_real_server_with_chat_and_health() -> None:
    out = run_bench("bench.serve_http", 120)
    assert "POST /api/chat" in out and "GET /api/health" in out
    assert "throughput chat/no-op" in out


def test_startup_quick_measures_3000_notes_beside_300() -> None:
    out = run_bench("bench.startup", 300)
    assert "| 300 |" in out and "| 3,000 |" in out
    assert "per note" in out and "16,000-char history" in out


def test_hostile_quick_keeps_benign_users_served_beside_attackers() -> None:
    """Counts only: every benign request answered, no server traceback, the attacks really ran and
    were refused (the latency ratios are in bench/RESULTS.md, not asserted)."""
    report = json.loads(run_bench("bench.hostile", 300, "--json").strip().splitlines()[-1])
    for phase in ("unloaded", "loaded"):
        assert report[phase]["requests"] > 0 and report[phase]["errors"] == 0, report[phase]["error_kinds"]
    assert report["server_tracebacks"] == 0
    hostile = report["hostile"]
    assert hostile.get("headers: 431") and hostile.get("slow: opened")
    assert hostile.get("chat: 503", 0) + hostile.get("chat: 429", 0) > 0
    assert [t["target"].split(":")[0] for t in report["targets"]] == [
        "benign p99 with hostile clients <= 3x unloaded", "0 benign errors", "server RSS bounded"]
    assert report["targets"][1]["met"]  # counts only: the p99 and RSS targets are judged in bench/RESULTS.md


def test_recording_quick_measures_both_mixes_with_recording_on_and_off_in_one_run() -> None:
    out = run_bench("bench.recording", 180)
    assert "| chat mix | this | on |" in out and "| distinct | this | off |" in out
    assert "Per-round on/off ratios" in out and "throughput" in out and "server CPU per request" in out
    assert "0 dropped, 0 queued" in out


def test_release_compare_replays_a_revision_with_the_chat_facade_as_this_code_answers(bot: Guidebot) -> None:
    """`bench.release_compare --rev` plays a revision's own code in a subprocess; played on this very
    tree, it must give this code's replies, follow-ups included."""
    from bench.release_compare import new_replies, old_replies

    conversations = [("Where is CMU?",), ("tell me about uiuc", "is it online?"), ("is a thesis required?",)]
    mine = new_replies(bot, conversations)
    replayed = old_replies(ROOT, ROOT / "corpus", conversations)
    assert [(r.text, r.answered, r.kind) for r in replayed] == [(r.text, r.answered, r.kind) for r in mine]
    assert [[c.doc_id for c in r.citations] for r in replayed] == [[c.doc_id for c in r.citations] for r in mine]
