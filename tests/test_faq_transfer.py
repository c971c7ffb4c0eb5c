"""Transfer to a foreign corpus: the Debian FAQ, built on the fly from the installed `debian-faq`
package (bench/faq_corpus.py, never committed), each entry's own question asked (bench/faq.py).

Asserts only what must hold whatever the tuning: the corpus builds and validates with one document
per entry, replies cite existing documents, nothing in a reply speaks of the original corpus's
domain, the API answers as the bot does, and the report shows both conditions beside the naive
reference. The figures themselves are printed by `python -m bench.faq`, not asserted here.

Skipped when debian-faq is not installed, unless CI=true (then a failure: `.ci/run` installs it).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import faq
from bench.faq_corpus import WEB_BASE, FaqMissing, is_installed, read_entries, write_corpus
from guidebot.build import build_index
from guidebot.chat import Guidebot
from guidebot.corpus import load_corpus

from .conftest import ROOT


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module", autouse=True)
def _needs_debian_faq() -> None:
    if is_installed():
        return
    reason = "the Debian FAQ is not installed (apt-get install debian-faq)"
    if _in_ci():
        pytest.fail(f"{reason}; CI=true, so this is a failure rather than a skip: install it (.ci/run does)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def entries():  # type: ignore[no-untyped-def]
    return read_entries()


@pytest.fixture(scope="module")
def titled_dir(entries, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("faq") / "titled"
    write_corpus(folder, entries=entries)
    return folder


@pytest.fixture(scope="module")
def quick():  # type: ignore[no-untyped-def]
    return faq.run(quick=True, http=False)


def test_the_corpus_builds_and_validates_with_one_document_per_entry(entries, titled_dir: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = load_corpus(titled_dir)
    assert len(corpus.documents) == len(entries) > 100
    by_id = corpus.by_id()
    assert sorted(by_id) == sorted(e.id for e in entries)
    for entry in entries:
        doc = by_id[entry.id]
        assert doc.title == entry.question and doc.kind == "topic"
        assert doc.url and doc.url.startswith(WEB_BASE) and doc.url.endswith("#" + entry.anchor)
        assert doc.text.strip()
    assert corpus.profile["title"] and corpus.profile["suggestions"]


def test_the_untitled_condition_keeps_the_question_out_of_the_document(entries, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pairs = write_corpus(tmp_path / "untitled", titled=False, entries=entries)
    corpus = load_corpus(tmp_path / "untitled")
    by_id = corpus.by_id()
    assert len(corpus.documents) == len(entries)
    assert pairs and all(by_id[doc_id].title != question for question, doc_id in pairs)


def test_an_answer_found_by_meaning_alone_comes_from_the_entry_retrieval_ranks_first(entries, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Untitled, the question's words are not in its entry: the sentence picked by meaning must be
    the first-ranked entry's, not a sentence of another entry that merely sounds alike (it had been
    apt-get's "To upgrade all the packages on your system ...")."""
    write_corpus(tmp_path / "untitled", titled=False, entries=entries)
    bot = Guidebot(build_index(load_corpus(tmp_path / "untitled")))
    question = ("How can I keep a log of the packages I added to the system? I'd like to know when upgrades "
                "and removals have occurred and on which packages!")
    reply = bot.chat(question)
    assert bot.search(question, k=1)[0].doc_id == "keepingalog"
    assert reply.answered and reply.citations[0].doc_id == "keepingalog", reply.text


def test_the_words_that_frame_a_question_still_rank_the_entries(entries, titled_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """"Where can I *get* more *information* ...": words that only frame the question are not
    words to cover, but across entries they tip the ranking (it had cited the entry on other
    packages first, which says "Linux packages" too)."""
    bot = Guidebot(build_index(load_corpus(titled_dir)))
    reply = bot.chat("Where can I get more information about Linux packages for Debian?")
    assert reply.answered and reply.citations[0].doc_id == "moreinfo", reply.text


def test_it_never_writes_inside_the_repository(entries) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="inside the repository"):
        write_corpus(ROOT / "faq-corpus-should-not-exist", entries=entries)
    assert not (ROOT / "faq-corpus-should-not-exist").exists()


def test_a_missing_package_is_named_with_the_command_to_install_it(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUIDEBOT_DEBIAN_FAQ", str(tmp_path))
    with pytest.raises(FaqMissing, match="apt-get install debian-faq"):
        read_entries()


def test_the_quick_run_answers_with_citations_to_existing_entries(quick, entries) -> None:  # type: ignore[no-untyped-def]
    results, _ = quick
    ids = {e.id for e in entries}
    assert [r.label for r in results] == ["A", "B"]
    for result in results:
        assert len(result.outcomes) == faq.QUICK_QUESTIONS
        assert result.documents == len(entries)
        assert any(o.answered for o in result.outcomes)
        for o in result.outcomes:
            assert o.expected in ids
            assert set(o.cited) <= ids, o.question
            if o.answered:
                assert o.cited, f"answered without a citation: {o.question}"
    assert any(o.answered and o.first_right for o in results[0].outcomes)


def test_no_reply_speaks_of_the_original_domain(quick) -> None:  # type: ignore[no-untyped-def]
    results, _ = quick
    leaks = [(o.question, o.text) for r in results for o in r.outcomes if faq.FORBIDDEN.search(o.text)]
    assert not leaks, leaks[:3]


def test_the_report_shows_both_conditions_beside_the_naive_reference(quick) -> None:  # type: ignore[no-untyped-def]
    _, text = quick
    assert "| A titled | guidebot chat |" in text and "| B untitled | guidebot chat |" in text
    assert "| A titled | rank-bm25 whole entries (naive reference) |" in text
    assert "| B untitled | rank-bm25 whole entries (naive reference) |" in text
    assert "first citation − naive top-1" in text


@pytest.mark.skipif(importlib.util.find_spec("guidebot.service.app") is None, reason="no guidebot.service.app yet")
def test_the_api_answers_a_handful_as_the_bot_does(entries, titled_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from guidebot.service.app import create_app
    from guidebot.settings import Settings

    bot = Guidebot(build_index(load_corpus(titled_dir)))
    ids = {e.id for e in entries}
    questions = [q for q, _ in faq.quick_subset([(e.question, e.id) for e in entries if e.is_question], 6)]
    with TestClient(create_app(Settings(corpus_dir=titled_dir, rate_limit_per_minute=0), bot=bot)) as client:
        for question in questions:
            response = client.post("/api/chat", json={"message": question})
            assert response.status_code == 200, response.text
            payload = response.json()
            local = bot.chat(question)
            assert payload["answered"] == local.answered
            assert [c["doc_id"] for c in payload["citations"]] == [c.doc_id for c in local.citations]
            assert {c["doc_id"] for c in payload["citations"]} <= ids
            shown = " ".join([payload["answer"], *payload["suggestions"]])
            assert not faq.FORBIDDEN.search(shown), (question, shown)


def test_the_bench_runs_through_the_real_server() -> None:
    result = subprocess.run([sys.executable, "-m", "bench.faq", "--quick"], cwd=ROOT, capture_output=True,
                            text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith(("| A titled | ", "| B untitled | "))
            and line.count("|") == 10]
    assert len(rows) == 2, result.stdout
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[2] == str(faq.QUICK_QUESTIONS)  # asked through POST /api/chat
        assert cells[7] == "100.0%" and cells[8] == "0"  # same answers as in-process, no errors


_REPLIES = """
import sys
from pathlib import Path
from bench.faq_corpus import write_corpus
from guidebot.build import build_index
from guidebot.chat import Guidebot
from guidebot.corpus import load_corpus
folder = Path(sys.argv[1])
bot = Guidebot(build_index(load_corpus(folder)))
for line in sys.stdin.read().splitlines():
    reply = bot.chat(line)
    print(reply.kind, [c.chunk_id for c in reply.citations], reply.text.replace("\\n", " "))
"""


def test_every_worker_gives_the_same_reply_to_the_same_question(titled_dir: Path, entries) -> None:  # type: ignore[no-untyped-def]
    """Workers differ in their hash seed: an answer must not depend on the order a set is walked in
    (sums of term weights in another order once chose between two equally good passages)."""
    questions = "\n".join(e.question for e in entries if e.is_question)
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}"}
        done = subprocess.run([sys.executable, "-c", _REPLIES, str(titled_dir)], input=questions, env=env,
                              capture_output=True, text=True, timeout=300, check=True)
        outputs.append(done.stdout.splitlines())
    assert len(outputs[0]) == len(questions.splitlines()) > 100
    assert outputs[0] == outputs[1]
