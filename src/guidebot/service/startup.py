"""Getting a worker something to serve, whatever state the disk is in: a server that has an index it
can load always starts.

- The corpus is valid and the index file fresh: load it.
- The index file is missing, stale or damaged: rebuild it; when it cannot be written (a read-only
  folder, a full disk, a file-size limit), serve the new index from memory and say so.
- The corpus fails validation (a maintainer is mid-edit): log every problem and serve the last
  good index file; only with no loadable file is there nothing to serve (CorpusError).

Also removes the temporary files of index writes that a crash (kill -9) interrupted, raises
the process's open-file limit so that connections, not file descriptors, run out last, and tunes
the interpreter for serving (lock hand-over, how often the cyclic garbage collector runs). What it
found is an `IndexOrigin`, which /api/health reports.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..build import build_fingerprint, build_index
from ..corpus import load_corpus
from ..errors import CorpusError, IndexFileError
from ..index import IndexedCorpus, load_index, save_index
from .lifecycle import IndexOrigin

log = logging.getLogger("guidebot.lifecycle")


@dataclass(frozen=True)
class Loaded:
    """An index to serve and where it came from."""

    indexed: IndexedCorpus
    origin: IndexOrigin


def _file_time(path: Path) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return time.time()


def load_for_serving(corpus_dir: Path, index_path: Path) -> Loaded:
    """The index a (re)starting worker should serve (see the module docstring). Raises CorpusError
    only when the corpus is invalid and no index file can be loaded."""
    index_path = Path(index_path)
    try:
        corpus = load_corpus(corpus_dir)
    except CorpusError as exc:
        try:
            indexed = load_index(index_path)
        except IndexFileError:
            raise exc from None
        log.warning("the corpus has %d problem(s); serving the last good index %s (version %s)",
                    len(exc.problems), index_path, indexed.version)
        for problem in exc.problems:
            log.warning("corpus problem, serving the previous index: %s", problem)
        return Loaded(indexed, IndexOrigin(built_at=_file_time(index_path), problems=len(exc.problems)))
    fingerprint = build_fingerprint(corpus.fingerprint)
    if index_path.exists():
        try:
            indexed = load_index(index_path)
            if indexed.fingerprint == fingerprint:
                return Loaded(indexed, IndexOrigin(built_at=_file_time(index_path)))
            log.info("index %s is stale; rebuilding from %s", index_path, corpus_dir)
        except IndexFileError as exc:
            log.warning("%s; rebuilding it from the corpus", exc)
    indexed = build_index(corpus)
    try:
        save_index(indexed, index_path)
    except OSError as exc:
        log.warning("cannot write the index file %s (%s); serving the new index from memory. Each worker "
                    "builds its own until the file can be written (fix the folder, or point "
                    "GUIDEBOT_INDEX_PATH somewhere writable)", index_path, exc.strerror or exc)
        return Loaded(indexed, IndexOrigin(built_at=time.time(), persisted=False))
    return Loaded(indexed, IndexOrigin(built_at=_file_time(index_path)))


def remove_stale_temporaries(index_path: Path) -> list[Path]:
    """Delete `.<index name>.<pid>.tmp` files (what `index.save_index` writes before renaming) whose
    process is gone: a build killed mid-write leaves one behind. Returns what was removed; a
    file that cannot be removed (read-only folder) is left and logged."""
    index_path = Path(index_path)
    pattern = re.compile(rf"^\.{re.escape(index_path.name)}\.(\d+)\.tmp$")
    removed: list[Path] = []
    try:
        entries = list(index_path.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if not match or _process_alive(int(match.group(1))):
            continue
        try:
            entry.unlink()
        except OSError as exc:
            log.warning("cannot remove %s, left by an interrupted index build: %s", entry, exc.strerror or exc)
            continue
        log.info("removed %s, left by an interrupted index build", entry)
        removed.append(entry)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def raise_open_file_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit (children inherit it);
    returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return int(soft)


SWITCH_INTERVAL_SECONDS = 0.001
# Python's youngest-generation threshold (700 net container allocations) ran a collection every ~7
# computed answers, ~500 µs each, and a full one every ~700 answers: 130-170 µs of collector time
# per distinct question, and 19-25% of the CPU of one in all (in-process app, bench/RESULTS.md).
# Reference counting frees almost everything a request makes; the collector is only for cycles.
GC_YOUNGEST_THRESHOLD = 10_000


def tune_interpreter() -> None:
    """Make a waiting thread get the interpreter lock within 1 ms instead of Python's 5: the event
    loop and ordinary requests then wait at most that long behind a costly request's thread at
    each hand-over (a request changes threads several times), at a small cost in throughput.
    Collect cyclic garbage less often (GC_YOUNGEST_THRESHOLD); a collector turned off (0) stays off."""
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_SECONDS))
    youngest, *older = gc.get_threshold()
    if 0 < youngest < GC_YOUNGEST_THRESHOLD:
        gc.set_threshold(GC_YOUNGEST_THRESHOLD, *older)
