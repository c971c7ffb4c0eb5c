"""Keeping a running service's index current without downtime.

Owns the serving engine's lifecycle: `EngineHolder` (the one engine reference requests read, and
the atomic swap), rebuilding from the corpus under a lock that spans worker processes
(POST /api/reindex), following the index file when another process rewrote it (several workers,
`guidebot index` while serving), and `CorpusWatcher` for `guidebot serve --watch`.
It knows nothing about HTTP: the API turns its results and errors into responses.

How several workers stay in step: whoever rebuilds writes the index file atomically (temporary
name, then rename); every worker stats the file at most once per `reload_check_seconds` and, when
its manifest's fingerprint differs from the one it serves, loads it and swaps it in.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import stat
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .corpus import Document, load_corpus
from .dialogue import suggestion_pool
from .engine import Engine, build_fingerprint, build_index, load_or_build
from .errors import CorpusError, GuidebotError, IndexFileError
from .index import IndexedCorpus, load_index, read_manifest, save_index

log = logging.getLogger("guidebot.lifecycle")

FileStamp = tuple[int, int, int]  # (inode, size, mtime in ns): changes whenever the file is replaced


class RebuildInProgress(GuidebotError):
    """Another rebuild (in this or another worker process) holds the rebuild lock."""

    def __init__(self) -> None:
        super().__init__("another index rebuild is running; try again in a few seconds")


@dataclass(frozen=True)
class Changes:
    """Which documents a rebuild added, removed or changed (text or metadata), by document id."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, list[str]]:
        return {"added": list(self.added), "removed": list(self.removed), "changed": list(self.changed)}

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def document_changes(old: Iterable[Document], new: Iterable[Document]) -> Changes:
    """Compare two sets of documents by id; a document changed when any field (text included) differs."""
    before = {d.id: d for d in old}
    after = {d.id: d for d in new}
    return Changes(
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        changed=tuple(sorted(i for i in before.keys() & after.keys() if before[i] != after[i])),
    )


@dataclass(frozen=True)
class Rebuild:
    """What one rebuild produced, as POST /api/reindex reports it."""

    documents: int
    chunks: int
    changes: Changes
    seconds: float
    index_version: str

    def as_dict(self) -> dict[str, object]:
        return {"documents": self.documents, "chunks": self.chunks, "changes": self.changes.as_dict(),
                "seconds": round(self.seconds, 3), "index_version": self.index_version}


def file_stamp(path: Path) -> FileStamp | None:
    """A cheap identity of a file's current version (one stat call); None when it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@contextmanager
def rebuild_lock(index_path: Path, blocking: bool) -> Iterator[None]:
    """Hold the exclusive rebuild lock for `index_path`, shared by every process on this machine.

    An advisory flock on `<index>.lock`; it is released when the file is closed, so a crashed
    process never leaves it held. Raises RebuildInProgress when not `blocking` and it is taken."""
    lock_path = Path(index_path).with_name(Path(index_path).name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            raise RebuildInProgress() from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ready_engine(indexed: IndexedCorpus) -> Engine:
    """An engine with its per-engine caches warmed, so its first request is as fast as the rest."""
    engine = Engine(indexed)
    suggestion_pool(engine)
    return engine


def load_for_serving(corpus_dir: Path, index_path: Path) -> IndexedCorpus:
    """The index a (re)starting worker should serve: fresh from the corpus when it is valid; the
    existing index file when the corpus has errors (a maintainer is mid-edit), with a warning."""
    try:
        return load_or_build(corpus_dir, index_path)
    except CorpusError as exc:
        try:
            indexed = load_index(index_path)
        except IndexFileError:
            raise exc from None
        for problem in exc.problems:
            log.warning("corpus problem, serving the previous index: %s", problem)
        return indexed


class EngineHolder:
    """The engine currently serving. Replacing `engine` is one reference assignment, so requests
    already running keep the engine they started with and new ones get the new one.

    `rebuild` and `refresh` block for as long as a build or load takes: call them from a worker
    thread, never on the event loop."""

    def __init__(self, engine: Engine, corpus_dir: Path, index_path: Path) -> None:
        self.engine = engine
        self.corpus_dir = Path(corpus_dir)
        self.index_path = Path(index_path)
        self._swap_lock = threading.Lock()  # one rebuild or reload at a time in this process
        self._seen_stamp = file_stamp(self.index_path)

    def rebuild(self) -> Rebuild:
        """Rebuild from the corpus, write the index file, swap the new engine in.

        Raises CorpusError (every problem; the current engine keeps serving), RebuildInProgress,
        or OSError when the index file cannot be written (nothing is swapped)."""
        if not self._swap_lock.acquire(blocking=False):
            raise RebuildInProgress()
        try:
            with rebuild_lock(self.index_path, blocking=False):
                started = time.perf_counter()
                indexed = build_index(load_corpus(self.corpus_dir))
                save_index(indexed, self.index_path)
                self._seen_stamp = file_stamp(self.index_path)
                engine = ready_engine(indexed)
                changes = document_changes(self.engine.indexed.documents, indexed.documents)
                self.engine = engine
                seconds = time.perf_counter() - started
        finally:
            self._swap_lock.release()
        log.info("rebuilt the index from %s: version %s, %d documents, %d chunks, %s in %.2f s",
                 self.corpus_dir, indexed.version, len(indexed.documents), len(indexed.chunks),
                 _describe(changes), seconds)
        return Rebuild(len(indexed.documents), len(indexed.chunks), changes, seconds, indexed.version)

    def index_file_changed(self) -> bool:
        """Cheap (one stat): has the index file been replaced since this process last looked?"""
        return file_stamp(self.index_path) != self._seen_stamp

    def refresh(self) -> bool:
        """Load the index file and swap it in if another process wrote a different index; True if swapped.

        A damaged or unreadable file is logged and ignored until it changes again; the current
        engine keeps serving."""
        if not self._swap_lock.acquire(blocking=False):
            return False  # a rebuild in this process is about to update the stamp itself
        try:
            stamp = file_stamp(self.index_path)
            if stamp is None or stamp == self._seen_stamp:
                return False
            self._seen_stamp = stamp
            try:
                if read_manifest(self.index_path).get("fingerprint") == self.engine.indexed.fingerprint:
                    return False
                indexed = load_index(self.index_path)
            except IndexFileError as exc:
                log.warning("%s; still serving index version %s", exc, self.engine.version)
                return False
            old = self.engine
            self.engine = ready_engine(indexed)
        finally:
            self._swap_lock.release()
        log.info("loaded index version %s written by another process (was %s): %s", indexed.version, old.version,
                 _describe(document_changes(old.indexed.documents, indexed.documents)))
        return True


async def follow_index_file(holder: EngineHolder, interval: float) -> None:
    """Forever: every `interval` seconds, stat the index file and reload it (in a worker thread)
    when another process replaced it. Runs as a background task of each worker's event loop."""
    while True:
        await asyncio.sleep(interval)
        try:
            if holder.index_file_changed():
                await asyncio.to_thread(holder.refresh)
        except Exception:  # a failed check must not end the task; the next one may succeed
            log.exception("checking the index file %s failed", holder.index_path)


class CorpusWatcher:
    """Polls the corpus folder and rebuilds the index file when files change (`serve --watch`).

    Runs in a daemon thread of the `guidebot serve` process. It only writes the index file;
    every worker picks the new file up through EngineHolder.refresh. A corpus with errors is
    logged, problem by problem, and the index file is left alone, so workers keep serving."""

    def __init__(self, corpus_dir: Path, index_path: Path, interval: float = 1.0, debounce: float = 1.0) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.index_path = Path(index_path)
        self.interval = interval
        self.debounce = debounce
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="guidebot-corpus-watcher", daemon=True)

    def start(self) -> CorpusWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        stamp = corpus_stamp(self.corpus_dir)
        changed_at: float | None = None
        while not self._stop.wait(self.interval):
            current = corpus_stamp(self.corpus_dir)
            if current != stamp:
                stamp, changed_at = current, time.monotonic()
                continue
            if changed_at is not None and time.monotonic() - changed_at >= self.debounce:
                changed_at = None
                try:
                    self.rebuild_if_changed()
                except Exception:  # the watcher must outlive any one failed rebuild
                    log.exception("rebuilding the index after a corpus change failed; still serving the old one")

    def rebuild_if_changed(self) -> bool:
        """Validate the corpus and, when its content differs from the index file's, rebuild the file."""
        try:
            corpus = load_corpus(self.corpus_dir)
        except CorpusError as exc:
            log.warning("the corpus changed but has %d problem(s); still serving the previous index",
                        len(exc.problems))
            for problem in exc.problems:
                log.warning("corpus problem: %s", problem)
            return False
        with rebuild_lock(self.index_path, blocking=True):
            try:
                manifest = read_manifest(self.index_path)
                if manifest.get("fingerprint") == build_fingerprint(corpus.fingerprint):
                    return False
                old_documents: tuple[Document, ...] = load_index(self.index_path).documents
            except IndexFileError:
                old_documents = ()
            started = time.perf_counter()
            indexed = build_index(corpus)
            save_index(indexed, self.index_path)
        log.info("corpus changed; rebuilt %s: version %s, %d documents, %d chunks, %s in %.2f s", self.index_path,
                 indexed.version, len(indexed.documents), len(indexed.chunks),
                 _describe(document_changes(old_documents, indexed.documents)), time.perf_counter() - started)
        return True


def corpus_stamp(corpus_dir: Path) -> tuple[tuple[str, int, int, int], ...]:
    """(path, inode, size, mtime) of every file under the corpus: changes on any edit, add, delete or rename."""
    entries = []
    for path in sorted(Path(corpus_dir).rglob("*")):
        try:
            st = path.stat()
        except OSError:
            continue  # deleted between listing and stat: the next poll sees the deletion
        if stat.S_ISREG(st.st_mode):
            entries.append((path.as_posix(), st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(entries)


def _describe(changes: Changes) -> str:
    if not changes:
        return "no document changes"
    parts = [f"{name} {', '.join(ids)}" for name, ids in
             (("added", changes.added), ("removed", changes.removed), ("changed", changes.changed)) if ids]
    return "; ".join(parts)
