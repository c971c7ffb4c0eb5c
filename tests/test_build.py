"""Building the index and deciding when a saved one is stale (guidebot.build): the fingerprint
covers everything that changes the built index, a stale or damaged index file is rebuilt."""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import pytest

from guidebot import build, chunking, index
from guidebot.build import build_fingerprint, build_index, is_stale, load_or_build
from guidebot.corpus import load_corpus
from guidebot.index import load_index, read_manifest

from .conftest import CORPUS, write_doc

NEW_TOPIC = "---\nid: new-topic\ntitle: New\nkind: topic\n---\n\nFresh words.\n"


@pytest.fixture
def fresh_build_key() -> Iterator[None]:
    """Forget the cached build settings before and after a test that changes them."""
    build._build_settings_key.cache_clear()
    yield
    build._build_settings_key.cache_clear()


def test_fingerprint_changes_when_a_chunking_constant_changes(monkeypatch: pytest.MonkeyPatch,
                                                              fresh_build_key: None) -> None:
    before = build_fingerprint("corpus")
    monkeypatch.setattr(chunking, "MAX_CHUNK_CHARS", chunking.MAX_CHUNK_CHARS + 1)
    build._build_settings_key.cache_clear()
    assert build_fingerprint("corpus") != before


def test_fingerprint_changes_when_a_shipped_word_list_changes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                              fresh_build_key: None) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in build.INDEX_DATA_FILES:
        (data / name).write_bytes(resources.files("guidebot.data").joinpath(name).read_bytes())
    before = build_fingerprint("corpus")
    monkeypatch.setattr(build, "resources", SimpleNamespace(files=lambda _package: data))
    build._build_settings_key.cache_clear()
    assert build_fingerprint("corpus") == before  # same bytes, same fingerprint
    for name in build.INDEX_DATA_FILES:
        original = (data / name).read_bytes()
        (data / name).write_bytes(original + b"\nquokka\n")
        build._build_settings_key.cache_clear()
        assert build_fingerprint("corpus") != before, name
        (data / name).write_bytes(original)


def test_fingerprint_changes_with_any_corpus_byte() -> None:
    assert build_fingerprint("a") != build_fingerprint("b")
    assert build_fingerprint("a") == build_fingerprint("a")


def test_index_goes_stale_when_the_corpus_changes_and_is_rebuilt(corpus_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "index.gbi"
    first = load_or_build(corpus_copy, path)
    assert not is_stale(corpus_copy, path)
    write_doc(corpus_copy, "topics/new.md", NEW_TOPIC)
    assert is_stale(corpus_copy, path)
    second = load_or_build(corpus_copy, path)
    assert second.fingerprint != first.fingerprint
    assert any(c.doc_id == "new-topic" for c in load_index(path).chunks)


def test_index_goes_stale_when_a_chunking_constant_changes(corpus_copy: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           fresh_build_key: None) -> None:
    path = tmp_path / "index.gbi"
    load_or_build(corpus_copy, path)
    assert not is_stale(corpus_copy, path)
    monkeypatch.setattr(chunking, "MAX_CHUNK_CHARS", chunking.MAX_CHUNK_CHARS - 1)
    build._build_settings_key.cache_clear()
    assert is_stale(corpus_copy, path)


def test_missing_index_file_is_stale(tmp_path: Path, corpus_copy: Path) -> None:
    assert is_stale(corpus_copy, tmp_path / "nowhere.gbi")


def test_damaged_index_is_rebuilt_from_the_corpus(corpus_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "index.gbi"
    load_or_build(corpus_copy, path)
    path.write_bytes(path.read_bytes()[:100])
    rebuilt = load_or_build(corpus_copy, path)
    assert len(rebuilt.chunks) == len(build_index(load_corpus(corpus_copy)).chunks)
    assert load_index(path).fingerprint == rebuilt.fingerprint


def test_tampered_index_file_is_detected_and_rebuilt_with_a_warning(corpus_copy: Path, tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    index = tmp_path / "index.gbi"
    good = load_or_build(corpus_copy, index)
    with zipfile.ZipFile(index) as archive:  # tamper with one member and keep the old manifest
        members = {name: archive.read(name) for name in archive.namelist()}
    members["documents.json"] = members["documents.json"].replace(b"Pittsburgh", b"Pittsburxx")
    with zipfile.ZipFile(index, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with caplog.at_level(logging.WARNING, logger="guidebot"):
        rebuilt = load_or_build(corpus_copy, index)
    assert "checksum mismatch" in caplog.text and "rebuilding" in caplog.text
    assert rebuilt.fingerprint == good.fingerprint
    assert load_index(index).fingerprint == good.fingerprint  # the file was rewritten whole


def test_index_file_of_an_older_format_is_rebuilt(corpus_copy: Path, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """Format 2 kept chunks as JSON; a file of it (from before the mapped layout) is rebuilt, not read."""
    path = tmp_path / "index.gbi"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"format": index.FORMAT_NAME, "format_version": 2,
                                                      "fingerprint": "old", "checksums": {}}))
        archive.writestr("chunks.json", "[]")
    assert is_stale(corpus_copy, path)
    with caplog.at_level(logging.WARNING, logger="guidebot"):
        rebuilt = load_or_build(corpus_copy, path)
    assert "index format 2 is not the supported format" in caplog.text
    assert read_manifest(path)["format_version"] == index.FORMAT_VERSION == 3
    assert load_index(path).fingerprint == rebuilt.fingerprint


def member_checksums(path: Path) -> dict[str, str]:
    return read_manifest(path)["checksums"]


def test_build_in_several_processes_writes_the_same_index_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    corpus = load_corpus(CORPUS)
    monkeypatch.setattr(build, "_processes", lambda: 1)
    one = tmp_path / "one.gbi"
    index.save_index(build_index(corpus), one)
    monkeypatch.setattr(build, "_processes", lambda: 3)
    monkeypatch.setattr(build, "PARALLEL_CHARS_PER_PROCESS", 1000)
    assert len(build._shares(corpus.documents, 3)) == 3
    several = tmp_path / "several.gbi"
    index.save_index(build_index(corpus), several)
    assert member_checksums(several) == member_checksums(one)
    monkeypatch.setattr(build.sys, "executable", "/bin/false")  # helpers that fail: their shares are done here
    with caplog.at_level(logging.WARNING, logger="guidebot"):
        fallback = tmp_path / "fallback.gbi"
        index.save_index(build_index(corpus), fallback)
    assert "a build process failed" in caplog.text
    assert member_checksums(fallback) == member_checksums(one)
