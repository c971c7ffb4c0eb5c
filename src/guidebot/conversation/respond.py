"""One message in, one reply out: resolve the message against the history, route it to small
talk, an uncovered university, a list, a comparison or a single answer, then add suggestions.
A pure function of the dialogue, the pool, the message and the recent turns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..answering.citing import Reply
from .asked import without_alternative
from .context import Dialogue
from .lists import answer_compare, answer_list
from .replies import uncovered
from .single import answer_single
from .suggestions import SuggestionPool
from .turns import Resolved, Turn, resolve


def reply_to(d: Dialogue, resolved: Resolved) -> Reply:
    """The reply to a resolved message, without suggestions."""
    if resolved.mode == "smalltalk":
        return Reply(resolved.smalltalk or "", False, 0.0, kind="smalltalk")
    if resolved.mode == "uncovered":
        return uncovered(d, resolved)
    if resolved.mode == "list":
        return answer_list(d, resolved)
    if resolved.mode == "compare":
        return answer_compare(d, resolved)
    return answer_single(d, resolved)


def respond(d: Dialogue, pool: SuggestionPool, message: str, history: Sequence[Turn] = ()) -> Reply:
    """Answer one message, given earlier turns (oldest first)."""
    resolved = resolve(d, message, history)
    reply = reply_to(d, resolved)
    if not reply.answered and resolved.mode == "single" \
            and (first := without_alternative(d, resolved.text)) != resolved.text:
        # "Does Berkeley have an MS in ML, or is that just a blog thing?": what the first half asks
        answered = answer_single(d, replace(resolved, text=first, intent=without_alternative(d, resolved.intent)))
        reply = answered if answered.answered else reply
    return replace(reply, suggestions=tuple(pool.suggest(d, resolved, reply)), corrections=resolved.corrections)


def answers(d: Dialogue, question: str) -> bool:
    """Is a question (asked on its own) answered? Used to keep only answerable suggestions."""
    resolved = resolve(d, question)
    if resolved.mode == "list":
        return answer_list(d, resolved).answered
    if resolved.mode == "compare":
        return answer_compare(d, resolved).answered
    return answer_single(d, resolved).answered
