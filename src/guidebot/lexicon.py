"""The lexicon: the words and patterns that read a question, and the texts of every reply.

Loaded once per index from two places: guidebot's shipped, domain-free tables
(`data/lexicon.yaml`, `data/question_words.txt`, `data/shorthand.txt`) and the corpus's own
profile (`guidebot.yaml` in the corpus folder, carried in the index), which says what the corpus
is about, how to name it, its starter questions and the names it does not cover, and may
override any reply text. Code below the chat facade holds no reply text and no domain word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import datafiles
from .analysis import words


@dataclass(frozen=True)
class SmalltalkRule:
    name: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class NeedRule:
    """A kind of specific a question can ask for (money, a date, a score...), and how to spot it."""

    kind: str
    pattern: re.Pattern[str]
    describes: str


@dataclass(frozen=True)
class IntentHint:
    """A question word that asks for a kind of fact ("where" → a sentence about a location)."""

    name: str
    pattern: re.Pattern[str]
    words: tuple[str, ...]


def _pattern(entry: Mapping[str, Any]) -> re.Pattern[str]:
    return re.compile(entry["pattern"], re.IGNORECASE if entry.get("ignore_case") else 0)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class Lexicon:
    """Everything wordy the conversation uses; build it with `Lexicon.load(profile)`."""

    patterns: Mapping[str, re.Pattern[str]]
    needs: tuple[NeedRule, ...]
    need_names: tuple[tuple[re.Pattern[str], str], ...]
    intent_hints: tuple[IntentHint, ...]
    filler: frozenset[str]
    shorthand: Mapping[str, str]
    list_words: frozenset[str]
    compare_words: frozenset[str]
    framing_when_unused: frozenset[str]  # "steps", "process": framing unless the corpus uses the word
    light_actions: frozenset[str]  # "can I *study* ... part-time?": a verb that does not say what is asked
    place_intent: frozenset[str]  # "I want to *study* in California": a wish to be somewhere, nothing asked of it
    list_follow_up: str  # the lead an elliptical follow-up of a list is read with ("which ones")
    meaning_prefixes: frozenset[str]  # "re" in "reapply": the stripped word means something else
    negation_words: frozenset[str]
    contrasts: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # ways of being that answer each other's yes/no
    contrast_exclusive: tuple[str, ...]  # words by which a sentence saying one way excludes the other ("must")
    ordinals: Mapping[str, int]  # "second" → 2, "last" → -1
    list_stop: frozenset[str]
    name_abbreviations: Mapping[str, str]
    smalltalk: tuple[SmalltalkRule, ...]
    smalltalk_words: frozenset[str]
    smalltalk_keys: Mapping[str, frozenset[str]]
    replies: Mapping[str, str]
    variables: Mapping[str, str]
    suggestions: tuple[str, ...] = ()
    entity_suggestions: tuple[str, ...] = ()
    not_covered: tuple[tuple[str, ...], ...] = ()  # names as word tuples, longest first
    profile: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, profile: Mapping[str, Any] | None = None) -> Lexicon:
        profile = dict(profile or {})
        table = datafiles.yaml_table("lexicon.yaml")
        filler = frozenset(datafiles.word_list("question_words.txt"))
        list_words = _word_set(table["list_words"])
        replies = {**table["replies"], **profile.get("replies", {})}
        variables = {key: str(profile[key]).strip() for key in
                     ("topic", "sources", "scope", "coverage", "entities") if key in profile}
        variables = {"topic": "the documents I have", "sources": "the documents I have",
                     "scope": "the documents I have", "coverage": "the topics of those documents",
                     "entities": "documents", **variables}
        names = [tuple(words(line)) for line in profile.get("not_covered", ())]
        return cls(
            patterns={name: _pattern(entry) for name, entry in table["patterns"].items()},
            needs=tuple(NeedRule(e["kind"], _pattern(e), e["describes"]) for e in table["needs"]),
            need_names=tuple((_pattern(e), e["name"]) for e in table["need_names"]),
            intent_hints=tuple(IntentHint(e["name"], _pattern(e), tuple(e["words"])) for e in table["intent_hints"]),
            filler=filler,
            shorthand={typed.casefold(): meant for typed, meant in datafiles.pair_list("shorthand.txt")},
            list_words=list_words,
            compare_words=_word_set(table["compare_words"]),
            framing_when_unused=_word_set(table["framing_when_unused"]),
            light_actions=_word_set(table["light_actions"]),
            place_intent=_word_set(table["place_intent"]),
            list_follow_up=str(table["list_follow_up"]),
            meaning_prefixes=_word_set(table["meaning_prefixes"]),
            negation_words=_word_set(table["negation_words"]),
            contrasts=tuple((tuple(a), tuple(b)) for a, b in table["contrasts"]),
            contrast_exclusive=tuple(str(table["contrast_exclusive"]).split()),
            ordinals={str(k).lower(): int(v) for k, v in table["ordinals"].items()},
            list_stop=list_words | filler | _word_set(table["list_stop_extra"]),
            name_abbreviations=dict(table["name_abbreviations"]),
            smalltalk=tuple(SmalltalkRule(e["name"], _pattern(e)) for e in table["smalltalk"]),
            smalltalk_words=_word_set(table["smalltalk_words"]),
            smalltalk_keys={k: _word_set(v) for k, v in table["smalltalk_keys"].items()},
            replies=replies,
            variables=variables,
            suggestions=tuple(profile.get("suggestions", ())),
            entity_suggestions=tuple(profile.get("program_suggestions", ())),
            not_covered=tuple(sorted((n for n in names if n), key=len, reverse=True)),
            profile=profile,
        )

    def reply(self, name: str, **values: object) -> str:
        """A reply text with its {placeholders} filled from `values` and the corpus's variables."""
        template = " ".join(self.replies[name].split()) if not self.replies[name].startswith(" ") \
            else " " + " ".join(self.replies[name].split())
        if self.replies[name].endswith(" "):
            template += " "
        return template.format(**{**self.variables, **{k: str(v) for k, v in values.items()}})

    def pattern(self, name: str) -> re.Pattern[str]:
        return self.patterns[name]

    def smalltalk_reply(self, name: str) -> str:
        return self.reply(f"smalltalk_{name}")

    def describe_need(self, kind: str, phrase: str) -> str:
        """How the honest reply names a missing specific ("tuition, fees or costs")."""
        for pattern, name in self.need_names:
            if pattern.search(phrase):
                return self.replies.get(name, name)
        key = f"need_{kind}"
        return self.replies[key] if key in self.replies else self.replies["need_default"]

    def profile_text(self, key: str, default: str = "") -> str:
        value = self.profile.get(key)
        return " ".join(str(value).split()) if value else default
