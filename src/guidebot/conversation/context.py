"""What a conversation step consults: answering's context plus the entity matcher."""

from __future__ import annotations

from dataclasses import dataclass

from ..answering.context import Context
from .entities import EntityMatcher


@dataclass(frozen=True)
class Dialogue(Context):
    entities: EntityMatcher
