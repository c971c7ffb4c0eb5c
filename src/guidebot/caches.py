"""Memo caches bounded by the memory their entries hold, not by their number of entries.

Per-word and per-text work (normalisation, stems, spelling corrections, the names a text holds) is
memoised so that a request repeating a word pays for it once. Counting entries is not a bound:
8,192 cached texts of 36,000 characters each pin hundreds of megabytes. `ByteBoundedCache`
charges every entry its approximate size (`sys.getsizeof` of key and value, plus what
`size_of` adds for containers) and forgets the least recently used entries past `max_bytes`;
an entry larger than `max_entry_bytes` is not kept at all.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_MISSING = object()


def size_of(value: object) -> int:
    """Approximate bytes held by a value: strings and numbers exactly, tuples, lists, frozensets and
    dicts with their items one level deep (what the caches here store)."""
    size = sys.getsizeof(value)
    if isinstance(value, tuple | list | frozenset | set):
        size += sum(sys.getsizeof(item) for item in value)
    elif isinstance(value, dict):
        size += sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in value.items())
    return size


class ByteBoundedCache(Generic[K, V]):
    """A thread-safe LRU memo holding at most `max_bytes` (approximately) of keys and values."""

    def __init__(self, max_bytes: int, max_entry_bytes: int | None = None,
                 measure: Callable[[object], int] = size_of) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 16 if max_entry_bytes is None else max_entry_bytes
        self._measure = measure
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: K, default: V | None = None) -> V | None:
        entry = self._entries.get(key, _MISSING)
        if entry is _MISSING:
            return default
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        return entry[0]  # type: ignore[index]

    def put(self, key: K, value: V) -> V:
        """Keep `value` under `key` (unless it alone is too large); returns `value`."""
        cost = self._measure(key) + self._measure(value) + 64  # 64: the entry's own bookkeeping
        if cost > self.max_entry_bytes:
            return value
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, cost)
            self._bytes += cost
            while self._bytes > self.max_bytes and self._entries:
                _key, (_value, freed) = self._entries.popitem(last=False)
                self._bytes -= freed
        return value

    def get_or_compute(self, key: K, compute: Callable[[K], V]) -> V:
        entry = self._entries.get(key, _MISSING)
        if entry is _MISSING:
            return self.put(key, compute(key))
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        return entry[0]  # type: ignore[index]

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
