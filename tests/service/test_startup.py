"""A server that has an index it can load always starts (guidebot.service.startup, `guidebot serve`),
and `guidebot index` reports a file it cannot write in one line: every start-up case of a
maintainer mid-edit, a read-only folder, a full disk (a real one: a small tmpfs, filled up), a
file-size limit, and a build killed while writing its temporary file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from guidebot.build import build_and_save
from guidebot.index import load_index
from guidebot.service.replyids import SECRET_FILE, load_secret

from ..conftest import CORPUS, ROOT, file_size_limit, full_disk, read_only_folder, serve, write_doc
from .conftest import BROKEN_TOPIC, NEW_TOPIC


def health(base: str) -> dict:
    return httpx.get(base + "/api/health", timeout=10).json()


def test_serve_with_a_broken_corpus_serves_the_last_good_index_and_cleans_up_crashed_builds(
        tmp_path: Path, corpus_copy: Path) -> None:
    index = tmp_path / "index.gbi"
    indexed, _report = build_and_save(corpus_copy, index)
    write_doc(corpus_copy, "topics/broken.md", BROKEN_TOPIC)  # a maintainer mid-edit
    crashed = tmp_path / ".index.gbi.999999999.tmp"  # left by a build killed with -9
    crashed.write_bytes(b"PK half an index")
    running = tmp_path / f".index.gbi.{os.getpid()}.tmp"  # another build, still writing
    running.write_bytes(b"PK")
    with serve(tmp_path, corpus=corpus_copy, index=index) as server:
        body = health(server.base)
        assert body["status"] == "ok" and body["index_version"] == indexed.version
        assert body["index"]["corpus_problems"] >= 2 and body["index"]["persisted"]
        assert httpx.post(server.base + "/api/chat", json={"message": "Where is CMU?"}).json()["answered"]
        log = server.log()
    assert "serving the last good index" in log and "topics/broken.md: price" in log
    assert not crashed.exists() and running.exists()
    assert "removed" in log and crashed.name in log


def test_serve_with_a_broken_corpus_and_no_index_exits_2_listing_the_problems(tmp_path: Path,
                                                                              corpus_copy: Path) -> None:
    write_doc(corpus_copy, "topics/broken.md", BROKEN_TOPIC)
    result = subprocess.run([sys.executable, "-m", "guidebot.cli", "serve", "--corpus", str(corpus_copy),
                             "--index", str(tmp_path / "none.gbi"), "--port", "9"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "topics/broken.md: price" in result.stderr
    assert "Traceback" not in result.stderr


def stale_index(tmp_path: Path, corpus: Path) -> Path:
    folder = tmp_path / "index-folder"
    folder.mkdir()
    build_and_save(corpus, folder / "index.gbi")
    write_doc(corpus, "topics/quokka.md", NEW_TOPIC)  # the corpus moved on: the index file is stale
    return folder / "index.gbi"


def test_serve_on_a_read_only_folder_serves_the_rebuilt_index_from_memory(tmp_path: Path, corpus_copy: Path) -> None:
    index = stale_index(tmp_path, corpus_copy)
    with read_only_folder(index.parent), serve(tmp_path, corpus=corpus_copy, index=index) as server:
        body = health(server.base)
        hits = httpx.get(server.base + "/api/search", params={"q": "quokkas"}).json()["results"]
        log = server.log()
    assert body["status"] == "ok" and body["index"]["persisted"] is False
    assert hits[0]["doc_id"] == "quokka-topic"  # the new corpus, built in memory
    assert "serving the new index from memory" in log and "from memory (the index file could not be written)" in log
    assert "Traceback" not in log


def test_serve_under_a_file_size_limit_serves_from_memory(tmp_path: Path, corpus_copy: Path) -> None:
    index = stale_index(tmp_path, corpus_copy)
    with serve(tmp_path, corpus=corpus_copy, index=index, preexec_fn=file_size_limit(100_000)) as server:
        body = health(server.base)
        log = server.log()
    assert body["index"]["persisted"] is False and "Traceback" not in log
    assert not list(index.parent.glob(".*.tmp"))  # the half-written file was removed


def test_serve_on_a_full_disk_serves_the_rebuilt_index_from_memory_and_says_so(tmp_path: Path,
                                                                              corpus_copy: Path) -> None:
    stale = stale_index(tmp_path, corpus_copy)
    with full_disk(tmp_path / "full", stale) as folder, \
            serve(tmp_path, corpus=corpus_copy, index=folder / "index.gbi") as server:
        body = health(server.base)
        hits = httpx.get(server.base + "/api/search", params={"q": "quokkas"}).json()["results"]
        chat = httpx.post(server.base + "/api/chat", json={"message": "Where is CMU?"}, timeout=10)
        log = server.log()
        assert load_index(folder / "index.gbi").fingerprint == load_index(stale).fingerprint  # left as it was
        assert not list(folder.glob(".index.gbi.*.tmp"))  # the half-written file was removed
    assert body["status"] == "ok" and body["index"]["persisted"] is False
    assert hits[0]["doc_id"] == "quokka-topic" and chat.status_code == 200 and chat.json()["answered"]
    assert "No space left on device" in log and "serving the new index from memory" in log
    assert "from memory (the index file could not be written)" in log and "Traceback" not in log


def test_a_full_disk_at_first_start_leaves_no_empty_secret_behind(tmp_path: Path) -> None:
    """Recording is off while the secret cannot be written, and on again at the next start with room."""
    with full_disk(tmp_path / "full") as folder:
        with pytest.raises(OSError):
            load_secret("", folder)
        assert not (folder / SECRET_FILE).exists()
        (folder / ".filler").unlink()
        assert len(load_secret("", folder)) >= 32


def run_index(out: Path, preexec_fn=None) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run([sys.executable, "-m", "guidebot.cli", "index", "--corpus", str(CORPUS), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=preexec_fn)


def assert_one_line_exit_2(result: subprocess.CompletedProcess[str], path: Path) -> None:
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"cannot write the index file {path}" in errors[0]
    assert "Traceback" not in result.stderr


def test_index_on_a_read_only_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    with read_only_folder(folder):
        assert_one_line_exit_2(run_index(folder / "index.gbi"), folder / "index.gbi")


def test_index_under_a_file_size_limit_is_one_line_and_exit_2(tmp_path: Path) -> None:
    assert_one_line_exit_2(run_index(tmp_path / "index.gbi", file_size_limit(100_000)), tmp_path / "index.gbi")
    assert not list(tmp_path.glob(".*.tmp"))


def test_index_on_a_full_disk_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with full_disk(tmp_path / "full") as folder:
        result = run_index(folder / "index.gbi")
        assert_one_line_exit_2(result, folder / "index.gbi")
        assert "No space left on device" in result.stderr
        assert not list(folder.glob(".index.gbi.*.tmp"))


def test_index_removes_the_temporary_files_of_crashed_builds(tmp_path: Path) -> None:
    crashed = tmp_path / ".index.gbi.999999999.tmp"  # left by a build killed with -9
    crashed.write_bytes(b"PK half an index")
    running = tmp_path / f".index.gbi.{os.getpid()}.tmp"  # another build, still writing
    running.write_bytes(b"PK")
    result = run_index(tmp_path / "index.gbi")
    assert result.returncode == 0, result.stderr
    assert not crashed.exists() and running.exists() and load_index(tmp_path / "index.gbi").chunks


def test_serving_collects_cyclic_garbage_less_often_and_leaves_a_collector_turned_off_alone() -> None:
    import gc

    from guidebot.service.startup import GC_YOUNGEST_THRESHOLD, tune_interpreter
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        tune_interpreter()
        assert gc.get_threshold() == (GC_YOUNGEST_THRESHOLD, 10, 10)
        gc.set_threshold(0, 10, 10)
        tune_interpreter()
        assert gc.get_threshold() == (0, 10, 10)
    finally:
        gc.set_threshold(*before)
