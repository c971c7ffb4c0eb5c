"""Recent chat replies, already encoded, so a repeated request (a starter suggestion, a common
first question) is served without answering or encoding it again.

A `ReplyCache` belongs to one serving bot (see `lifecycle.Serving`): `Guidebot.chat` is a pure
function of the index, the message and the history, and a reindex swaps in a new bot with an
empty cache. Bounded in entries and in bytes, and long conversations are never kept.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from ..chat import Turn

ReplyKey = tuple[str, ...]


@dataclass(frozen=True)
class CachedReply:
    """One encoded reply and what its request's log line records about it."""

    payload: bytes
    answered: bool
    kind: str


class ReplyCache:
    """A thread-safe LRU of encoded replies, keyed by the message and the whole history; at most
    `size` entries and `max_bytes` of keys and replies."""

    MAX_KEY_CHARS = 4000

    def __init__(self, size: int = 2048, max_bytes: int = 16 * 1024 * 1024) -> None:
        self._size = size
        self._max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[ReplyKey, CachedReply] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def key(cls, message: str, history: Sequence[Turn]) -> ReplyKey | None:
        """The cache key of a request; None when the request is too long to be worth keeping."""
        key = (message, *(part for turn in history for part in (turn.role, turn.content)))
        return key if sum(map(len, key)) <= cls.MAX_KEY_CHARS else None

    def get(self, key: ReplyKey) -> CachedReply | None:
        with self._lock:
            reply = self._entries.get(key)
            if reply is not None:
                self._entries.move_to_end(key)
            return reply

    def put(self, key: ReplyKey, reply: CachedReply) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= _size(key, old)
            self._entries[key] = reply
            self._bytes += _size(key, reply)
            while self._entries and (len(self._entries) > self._size or self._bytes > self._max_bytes):
                evicted_key, evicted = self._entries.popitem(last=False)
                self._bytes -= _size(evicted_key, evicted)

    def __len__(self) -> int:
        return len(self._entries)


def _size(key: ReplyKey, reply: CachedReply) -> int:
    return sum(sys.getsizeof(part) for part in key) + len(reply.payload) + 200
