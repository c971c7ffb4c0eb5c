"""What a message means: the earlier turns a client sends (`Turn`) and a message once the conversation
so far is taken into account (`Resolved`: its focus, intent and mode). Made by follow-up resolution
(`turns`), read by the answers (single, lists, overview, replies) and the suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Turn:
    """One earlier turn of the conversation, as the client sends it (oldest first)."""

    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Resolved:
    """What a message means once the conversation so far is taken into account."""

    text: str  # the question to answer, pronouns and ellipsis resolved
    focus: tuple[str, ...] = ()  # documents (universities, topics) the question is about
    intent: str = ""  # the question without its entity names (borrowed by elliptical follow-ups)
    mode: str = "single"  # single | list | compare | more | smalltalk | uncovered
    smalltalk: str | None = None
    exclude: tuple[str, ...] = field(default=())  # quotes already given (for "tell me more")
    corrections: tuple[tuple[str, str], ...] = ()  # spelling corrections made to the message
    uncovered: tuple[str, ...] = ()  # universities named that the corpus does not cover
    tentative: bool = False  # the focus is the previous turn's, kept only if its notes answer
    without: tuple[str, ...] = ()  # documents a list leaves out ("besides CMU and MIT")
