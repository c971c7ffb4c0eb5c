"""The `guidebot` command as a user runs it: a real subprocess, real files, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from .conftest import CORPUS, ROOT, write_doc

BROKEN_TOPIC = "---\nid: Not An Id\ntitle: Broken\nkind: topic\nprice: 3\n---\n\nText.\n"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "guidebot.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env)


def test_index_builds_with_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "index.gbi"
    result = run("index", "--corpus", str(CORPUS), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "documents" in result.stdout and "chunks" in result.stdout and "terms" in result.stdout
    assert "read and validated" in result.stderr and "wrote" in result.stderr  # progress
    assert out.exists()


def test_index_on_a_broken_corpus_exits_2_listing_every_problem(tmp_path: Path) -> None:
    write_doc(tmp_path, "a.md", "---\nid: a\ntitle: A\nkind: topic\nprice: 3\n---\n\ntext\n")
    write_doc(tmp_path, "b.md", "")
    out = tmp_path / "index.gbi"
    result = run("index", "--corpus", str(tmp_path), "--out", str(out))
    assert result.returncode == 2
    assert "a.md: price" in result.stderr and "b.md" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_index_check_lists_every_problem_of_a_broken_corpus(corpus_copy: Path) -> None:
    write_doc(corpus_copy, "topics/broken.md", BROKEN_TOPIC)
    result = run("index", "--check", "--corpus", str(corpus_copy))
    assert result.returncode == 2
    assert "topics/broken.md: price" in result.stderr and "topics/broken.md: id" in result.stderr
    assert "Traceback" not in result.stderr


def test_index_check_validates_without_writing(tmp_path: Path) -> None:
    result = run("index", "--check", "--corpus", str(CORPUS), "--out", str(tmp_path / "x.gbi"))
    assert result.returncode == 0 and "corpus OK" in result.stdout
    assert not (tmp_path / "x.gbi").exists()


def test_index_warns_of_a_synonym_phrase_that_matches_as_one_everyday_word(corpus_copy: Path) -> None:
    synonyms = corpus_copy / "synonyms.yaml"
    synonyms.write_text(synonyms.read_text(encoding="utf-8") + "  - [admission, get in]\n", encoding="utf-8")
    result = run("index", "--check", "--corpus", str(corpus_copy))
    assert result.returncode == 0 and "corpus OK" in result.stdout
    assert "note: synonyms.yaml: 'get in' is matched as 'get' alone" in result.stderr


def test_ask_prints_answer_with_sources(tmp_path: Path) -> None:
    result = run("ask", "What are the admission requirements?", "--index", str(tmp_path / "i.gbi"))
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout and "Sources:" in result.stdout


def test_ask_json_matches_the_api_shape(tmp_path: Path) -> None:
    result = run("ask", "Where is CMU?", "--json", "--index", str(tmp_path / "i.gbi"))
    body = json.loads(result.stdout)
    assert set(body) == {"answer", "answered", "confidence", "citations", "suggestions", "blocks", "kind",
                         "sources"}
    assert "Pittsburgh" in body["answer"]


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "GUIDEBOT_INDEX_PATH": str(tmp_path / "env.gbi")}
    result = run("index", env=env)
    assert result.returncode == 0 and (tmp_path / "env.gbi").exists()


def test_bad_settings_value_stops_the_command_naming_the_variable() -> None:
    import os

    result = run("index", "--check", env={**os.environ, "GUIDEBOT_MAX_BODY_BYTES": "lots"})
    assert result.returncode == 2 and "GUIDEBOT_MAX_BODY_BYTES='lots' is not valid" in result.stderr
    assert "Traceback" not in result.stderr


def test_eval_prints_per_category_results(tmp_path: Path) -> None:
    result = run("eval", "--quiet", "--index", str(tmp_path / "i.gbi"))
    assert result.returncode == 0
    assert "split tune" in result.stdout and "out_of_scope" in result.stdout


def test_ask_prints_a_list_answer_as_a_list_and_sources_grouped_by_section(tmp_path: Path) -> None:
    result = run("ask", "Which universities are in California?", "--index", str(tmp_path / "i.gbi"))
    assert result.returncode == 0, result.stderr
    items = [line for line in result.stdout.splitlines() if line.startswith("  - ") and "California." in line]
    assert len(items) == 4 and all(re.search(r"\[\d\]$", line) for line in items)
    assert "https://www.berkeley.edu/" in result.stdout  # each university's link under its source
