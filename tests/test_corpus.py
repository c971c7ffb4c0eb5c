"""Corpus loading: the shipped corpus is valid, and every kind of broken file is reported with
its file name, field and fix, all at once, while nothing half-built is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidebot.build import build_and_save
from guidebot.corpus import load_corpus
from guidebot.errors import CorpusError

from .conftest import CORPUS, write_doc

PROGRAM = """---
id: demo
title: Demo University
kind: program
university: Demo University
aliases: [DU]
city: Springfield
state: Illinois
url: https://demo.example.edu/
reviewed: 2026-11-26
---

## Location

Demo University is located in Springfield, Illinois.
"""


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    return [str(p) for p in info.value.problems]


def test_shipped_corpus_has_the_guide_eleven_programs_and_topics() -> None:
    corpus = load_corpus(CORPUS)
    kinds = [d.kind for d in corpus.documents]
    assert kinds.count("guide") == 1
    assert kinds.count("program") == 11
    assert kinds.count("topic") >= 3
    assert corpus.synonyms, "synonyms.yaml should define groups"


def test_guide_keeps_the_source_words_unchanged() -> None:
    guide = next(d for d in load_corpus(CORPUS).documents if d.kind == "guide")
    source = (CORPUS.parent.parent / "shared" / "seeds" / "000_3850a2d72c5eb369.txt")
    if not source.exists():
        source = Path("/work/shared/seeds/000_3850a2d72c5eb369.txt")
    if not source.exists():
        pytest.skip("the source guide is not beside the repository")
    words_in = "".join(source.read_text(encoding="utf-8").replace("•", "").replace(":", "").split())
    words_out = "".join(guide.text.replace("## ", "").replace("- ", "").replace(":", "").split())
    assert words_in == words_out
    assert "## Admissions Requirements for International Students" in guide.text


def test_program_notes_have_official_site_and_location(tmp_path: Path) -> None:
    for doc in load_corpus(CORPUS).documents:
        if doc.kind == "program":
            assert doc.url and doc.url.startswith("https://"), doc.id
            assert f"located in {doc.city}, {doc.state}" in doc.text, doc.id
            assert doc.sources, f"{doc.id} lists no sources"


def test_missing_required_field_names_file_and_field(tmp_path: Path) -> None:
    write_doc(tmp_path, "programs/demo.md", PROGRAM.replace("city: Springfield\n", ""))
    [problem] = problems_of(tmp_path)
    assert "programs/demo.md: city" in problem and "fix:" in problem


def test_unknown_field_is_reported(tmp_path: Path) -> None:
    write_doc(tmp_path, "demo.md", PROGRAM.replace("reviewed:", "tuition: 50000\nreviewed:"))
    [problem] = problems_of(tmp_path)
    assert "demo.md: tuition" in problem and "unknown front-matter field" in problem


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    write_doc(tmp_path, "a.md", PROGRAM)
    write_doc(tmp_path, "b.md", PROGRAM)  # duplicate id
    write_doc(tmp_path, "empty.md", "")
    (tmp_path / "latin1.md").write_bytes("---\nid: x\n---\ncaf\xe9".encode("latin-1"))
    write_doc(tmp_path, "yaml.md", "---\nid: [unclosed\n---\nbody\n")
    write_doc(tmp_path, "nofront.md", "just text\n")
    problems = problems_of(tmp_path)
    joined = "\n".join(problems)
    assert "b.md: id" in joined and "already used by a.md" in joined
    assert "empty.md: the file is empty" in joined
    assert "latin1.md: not valid UTF-8" in joined
    assert "yaml.md: front matter is not valid YAML" in joined
    assert "nofront.md: no front matter" in joined
    assert len(problems) == 5


def test_bad_url_and_date_are_reported(tmp_path: Path) -> None:
    write_doc(tmp_path, "demo.md", PROGRAM.replace("https://demo.example.edu/", "javascript:alert(1)")
              .replace("2026-11-26", "last week"))
    joined = "\n".join(problems_of(tmp_path))
    assert "demo.md: url" in joined and "demo.md: reviewed" in joined


def test_topic_needs_only_id_title_kind(tmp_path: Path) -> None:
    write_doc(tmp_path, "t.md", "---\nid: t\ntitle: A topic\nkind: topic\n---\n\nSome text.\n")
    assert [d.id for d in load_corpus(tmp_path).documents] == ["t"]


def test_broken_corpus_writes_no_index(tmp_path: Path) -> None:
    write_doc(tmp_path / "c", "demo.md", PROGRAM.replace("kind: program", "kind: brochure"))
    out = tmp_path / "index.gbi"
    with pytest.raises(CorpusError) as info:
        build_and_save(tmp_path / "c", out)
    assert "kind" in str(info.value)
    assert not out.exists()


def test_bad_synonyms_file_is_reported(tmp_path: Path) -> None:
    write_doc(tmp_path, "demo.md", PROGRAM)
    write_doc(tmp_path, "synonyms.yaml", "groups:\n  - [lonely]\n")
    [problem] = problems_of(tmp_path)
    assert "synonyms.yaml: groups[1]" in problem


def with_sources(block: str) -> str:
    return PROGRAM.replace("reviewed: 2026-11-26\n", "reviewed: 2026-11-26\nsources:\n" + block)


def test_a_source_page_can_name_the_sentences_that_came_from_it(tmp_path: Path) -> None:
    write_doc(tmp_path, "demo.md", with_sources("  - https://demo.example.edu/about\n"
                                                "  - {url: 'https://demo.example.edu/where', for: [Springfield]}\n"))
    doc = load_corpus(tmp_path).documents[0]
    assert doc.sources == ("https://demo.example.edu/about", "https://demo.example.edu/where")
    assert doc.source_of("Demo University is located in Springfield, Illinois.") == "https://demo.example.edu/where"
    assert doc.source_of("Demo University has a library.") is None


@pytest.mark.parametrize(("block", "message"), [
    ("  - {url: 'https://demo.example.edu/', for: [Shelbyville]}\n", "the phrase 'Shelbyville' is not in the text"),
    ("  - {url: 'javascript:alert(1)', for: [Springfield]}\n", "must be an http(s) URL"),
    ("  - {url: 'https://demo.example.edu/', sentences: [Springfield]}\n", "needs 'url' and a list 'for' only"),
    ("  - not a url\n", "must be an http(s) URL"),
])
def test_a_bad_source_entry_names_the_entry_and_the_fix(tmp_path: Path, block: str, message: str) -> None:
    write_doc(tmp_path, "demo.md", with_sources(block))
    problems = problems_of(tmp_path)
    assert len(problems) == 1 and "demo.md: sources[1]" in problems[0] and message in problems[0]
