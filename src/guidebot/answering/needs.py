"""Needs: the kind of specific a question asks for (a sum of money, a date, a score, a duration, a
count, a verdict between options, or a personal prediction no corpus can make), found by the
lexicon's need rules, and what a sentence must visibly hold to meet it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .context import Context


@dataclass(frozen=True)
class Need:
    """A kind of specific the question wants, which a sentence must visibly contain."""

    kind: str  # personal | money | date | score | duration | count | amount | contents | judgement
    phrase: str  # the user's words for it, used in the honest reply
    evidence: re.Pattern[str] | None = None  # what a sentence must contain; None: nothing will do

    def settled_by_heading(self, heading: str) -> bool:
        """A passage whose heading asks "which is better?" is the corpus's verdict, even when the
        verdict is "it depends", and one headed "what does X contain?" tells what X holds; a figure,
        date or sum must still be in the sentences. The heading must ask it in so many words: "Top
        Universities for ..." is no verdict on which is best."""
        return self.kind in ("judgement", "contents") and self.met_by(heading)

    def met_by(self, sentence: str) -> bool:
        """Does the sentence visibly hold what was asked for (a sum of money, a date, a figure)?"""
        return self.match(sentence) is not None

    def match(self, sentence: str) -> re.Match[str] | None:
        """Where the sentence shows what was asked for, if it does."""
        return self.evidence.search(sentence) if self.evidence is not None else None


# Which lexicon pattern shows that a sentence holds each kind of specific. Scores, GPAs and rates
# are written in digits (not F-1, I-20); durations as "12 months", "two years"; counts as a number.
_EVIDENCE = {"money": "money", "date": "date", "score": "figure", "duration": "time_span", "count": "number",
             "amount": "figure", "judgement": "judgement", "contents": "contents"}


def find_needs(ctx: Context, text: str) -> tuple[Need, ...]:
    """The first kind of specific the question asks for, if any."""
    lexicon = ctx.lexicon
    for rule in lexicon.needs:
        match = rule.pattern.search(text)
        if match:
            evidence = _EVIDENCE.get(rule.kind)
            need = Need(rule.kind, match.group(0), lexicon.pattern(evidence) if evidence else None)
            if need.kind == "personal" and lexicon.pattern("improving").search(text):
                return ()  # "how can I improve my chances?" asks for advice, which the guide gives
            if need.kind == "money" and lexicon.pattern("paying_how").search(text) \
                    and not lexicon.pattern("asks_sum").search(text):
                continue  # "how do I pay the SEVIS fee?" asks for the steps, not the sum
            if need.kind in ("money", "score", "date") and lexicon.pattern("asks_who_sets").search(text):
                continue  # "who decides the minimum TOEFL?" asks who
            return (need,)
    return ()


def asks_specific(ctx: Context, text: str) -> bool:
    return any(rule.pattern.search(text) for rule in ctx.lexicon.needs)


def describe_need(ctx: Context, need: Need) -> str:
    return ctx.lexicon.describe_need(need.kind, need.phrase)
