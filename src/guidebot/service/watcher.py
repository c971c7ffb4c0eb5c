"""`guidebot serve --watch`: polling the corpus folder and rebuilding the index file when its
files change. It only writes the file; every worker picks it up through `BotHolder.refresh`.
"""

from __future__ import annotations

import logging
import stat
import threading
import time
from pathlib import Path

from ..build import build_fingerprint, build_index
from ..corpus import Document, load_corpus
from ..errors import CorpusError, IndexFileError
from ..index import load_index, read_manifest, save_index
from .lifecycle import describe_changes, document_changes, rebuild_lock

log = logging.getLogger("guidebot.lifecycle")


class CorpusWatcher:
    """Polls the corpus folder and rebuilds the index file when files change (`serve --watch`).

    Runs in a daemon thread of the `guidebot serve` process. It only writes the index file;
    every worker picks the new file up through BotHolder.refresh. A corpus with errors is
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
                 describe_changes(document_changes(old_documents, indexed.documents)), time.perf_counter() - started)
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
