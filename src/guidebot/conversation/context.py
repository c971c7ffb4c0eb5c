"""What a conversation step consults: answering's context plus the entity matcher, and the memo of
history turns already resolved (a conversation re-sends the same earlier turns with every message)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields, is_dataclass

from ..answering.context import Context
from ..caches import ByteBoundedCache, size_of
from .entities import EntityMatcher

RESOLVED_CACHE_BYTES = 4 * 1024 * 1024


def _approximate_size(value: object) -> int:
    """Bytes of a (message, previous resolved turn) key or a resolved turn, fields included."""
    if is_dataclass(value):
        return sys.getsizeof(value) + sum(_approximate_size(getattr(value, f.name)) for f in fields(value))
    if isinstance(value, tuple):
        return sys.getsizeof(value) + sum(_approximate_size(v) for v in value)
    return size_of(value)


def _resolved_cache() -> ByteBoundedCache[tuple[str, object], object]:
    return ByteBoundedCache(RESOLVED_CACHE_BYTES, measure=_approximate_size)


@dataclass(frozen=True)
class Dialogue(Context):
    entities: EntityMatcher
    resolved: ByteBoundedCache[tuple[str, object], object] = field(default_factory=_resolved_cache, compare=False)
