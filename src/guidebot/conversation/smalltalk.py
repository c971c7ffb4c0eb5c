"""Small talk: greetings, thanks, goodbyes, "what can you do?", answered without retrieval.
Patterns and reply texts come from the lexicon."""

from __future__ import annotations

import re

from ..lexicon import Lexicon

_LETTER_RUNS = re.compile(r"(\w)\1{2,}")
_TOKENS = re.compile(r"[a-z']+")
# When a message mixes several ("ok thanks bye"), the most final intent wins.
_PRECEDENCE = ("bye", "thanks", "greeting", "ack")


def smalltalk_reply(lexicon: Lexicon, text: str) -> str | None:
    """The reply to a small-talk message, or None when the message asks something."""
    cleaned = text.strip().lower()
    for rule in lexicon.smalltalk:
        if rule.pattern.match(cleaned):
            return lexicon.smalltalk_reply(rule.name)
    tokens = _TOKENS.findall(_LETTER_RUNS.sub(r"\1", cleaned))
    if tokens and "?" not in cleaned and all(t in lexicon.smalltalk_words for t in tokens):
        for name in _PRECEDENCE:
            if any(t in lexicon.smalltalk_keys[name] for t in tokens):
                return lexicon.smalltalk_reply(name)
    return None
