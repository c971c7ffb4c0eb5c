"""Keeping a running service's index current without downtime.

Owns what is being served: `Serving` (the `Guidebot` and its reply cache, swapped together in one
assignment) and `BotHolder` (the one reference requests read, and the atomic swap); rebuilding
from the corpus under a lock that spans worker processes (POST /api/reindex); and following the
index file when another process rewrote it (several workers, `guidebot index` or
`serve --watch` while serving; the watcher itself is in watcher.py).
It knows nothing about HTTP: the app turns its results and errors into responses.

How several workers stay in step: whoever rebuilds writes the index file atomically (temporary
name, then rename); every worker stats the file at most once per `reload_check_seconds` and, when
its manifest's fingerprint differs from the one it serves, loads it and swaps it in.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..build import build_index
from ..chat import Guidebot
from ..corpus import Document, load_corpus
from ..errors import GuidebotError, IndexFileError
from ..index import IndexedCorpus, load_index, read_manifest, save_index
from .replies import ReplyCache

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


@dataclass(frozen=True)
class IndexOrigin:
    """Where the served index came from, as /api/health reports it: when it was built (the index
    file's time, or the in-memory build's), whether it is in the index file (False: a read-only
    folder or full disk, served from memory), and how many corpus problems made the server keep
    a previous index instead of the corpus's current state."""

    built_at: float = field(default_factory=time.time)
    persisted: bool = True
    problems: int = 0


@dataclass(frozen=True)
class Serving:
    """What one index serves: the bot and the cache of its encoded replies. Replaced whole, so a
    request that read it once keeps a consistent pair and a new index starts with an empty cache."""

    bot: Guidebot
    replies: ReplyCache = field(default_factory=ReplyCache)
    origin: IndexOrigin = field(default_factory=IndexOrigin)


class BotHolder:
    """The bot currently serving. Replacing `serving` is one reference assignment, so requests
    already running keep the bot (and cache) they started with and new ones get the new one.

    `rebuild` and `refresh` block for as long as a build or load takes: call them from a worker
    thread, never on the event loop."""

    def __init__(self, bot: Guidebot, corpus_dir: Path, index_path: Path, origin: IndexOrigin | None = None) -> None:
        self.serving = Serving(bot, origin=origin or IndexOrigin())
        self.corpus_dir = Path(corpus_dir)
        self.index_path = Path(index_path)
        self._swap_lock = threading.Lock()  # one rebuild or reload at a time in this process
        self._seen_stamp = file_stamp(self.index_path)

    @property
    def bot(self) -> Guidebot:
        return self.serving.bot

    def _swap_in(self, indexed: IndexedCorpus) -> None:
        """A new bot with the same policy and its caches warmed, swapped in with one assignment."""
        built_at = os.stat(self.index_path).st_mtime if self.index_path.exists() else time.time()
        self.serving = Serving(Guidebot(indexed, policy=self.bot.policy).warm(), origin=IndexOrigin(built_at))

    def rebuild(self) -> Rebuild:
        """Rebuild from the corpus, write the index file, swap the new bot in.

        Raises CorpusError (every problem; the current bot keeps serving), RebuildInProgress,
        or OSError when the index file cannot be written (nothing is swapped)."""
        if not self._swap_lock.acquire(blocking=False):
            raise RebuildInProgress()
        try:
            with rebuild_lock(self.index_path, blocking=False):
                started = time.perf_counter()
                indexed = build_index(load_corpus(self.corpus_dir))
                save_index(indexed, self.index_path)
                self._seen_stamp = file_stamp(self.index_path)
                changes = document_changes(self.bot.documents, indexed.documents)
                self._swap_in(indexed)
                seconds = time.perf_counter() - started
        finally:
            self._swap_lock.release()
        log.info("rebuilt the index from %s: version %s, %d documents, %d chunks, %s in %.2f s",
                 self.corpus_dir, indexed.version, len(indexed.documents), len(indexed.chunks),
                 describe_changes(changes), seconds)
        return Rebuild(len(indexed.documents), len(indexed.chunks), changes, seconds, indexed.version)

    def index_file_changed(self) -> bool:
        """Cheap (one stat): has the index file been replaced since this process last looked?"""
        return file_stamp(self.index_path) != self._seen_stamp

    def refresh(self) -> bool:
        """Load the index file and swap it in if another process wrote a different index; True if swapped.

        A damaged or unreadable file is logged and ignored until it changes again; the current
        bot keeps serving."""
        if not self._swap_lock.acquire(blocking=False):
            return False  # a rebuild in this process is about to update the stamp itself
        try:
            stamp = file_stamp(self.index_path)
            if stamp is None or stamp == self._seen_stamp:
                return False
            self._seen_stamp = stamp
            old = self.bot
            try:
                if read_manifest(self.index_path).get("fingerprint") == old.fingerprint:
                    return False
                indexed = load_index(self.index_path)
            except IndexFileError as exc:
                log.warning("%s; still serving index version %s", exc, old.version)
                return False
            self._swap_in(indexed)
        finally:
            self._swap_lock.release()
        log.info("loaded index version %s written by another process (was %s): %s", indexed.version, old.version,
                 describe_changes(document_changes(old.documents, indexed.documents)))
        return True


async def follow_index_file(holder: BotHolder, interval: float) -> None:
    """Forever: every `interval` seconds, stat the index file and reload it (in a worker thread)
    when another process replaced it. Runs as a background task of each worker's event loop."""
    while True:
        await asyncio.sleep(interval)
        try:
            if holder.index_file_changed():
                await asyncio.to_thread(holder.refresh)
        except Exception:  # a failed check must not end the task; the next one may succeed
            log.exception("checking the index file %s failed", holder.index_path)


def describe_changes(changes: Changes) -> str:
    """The changes as a log line fragment: "added a, b; changed c" or "no document changes"."""
    if not changes:
        return "no document changes"
    parts = [f"{name} {', '.join(ids)}" for name, ids in
             (("added", changes.added), ("removed", changes.removed), ("changed", changes.changed)) if ids]
    return "; ".join(parts)
