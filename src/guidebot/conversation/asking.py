"""How a message asks, read from its words alone: whether it asks about something beyond names
(`has_subject`), whether it asks which of some options is better, whether it asks for a set of the
corpus's entities (a list question, by place or for them all), and which universities it names,
also by their place ("the one in Atlanta"). Follow-up resolution (turns.py) and the answers
(single.py, lists.py) ask these; nothing here looks at the conversation."""

from __future__ import annotations

from ..answering.needs import asks_specific, find_needs
from .context import Dialogue


def has_subject(d: Dialogue, text: str) -> bool:
    """Does the text ask about something (a content word, "where", "how much"...) beyond names?"""
    return bool(subject_words(d, text)) or any(h.pattern.search(text) for h in d.lexicon.intent_hints) \
        or asks_specific(d, text)


def subject_words(d: Dialogue, text: str) -> list[str]:
    """The content words of a text that are neither framing nor pronouns."""
    pronoun = d.lexicon.pattern("pronoun")
    return [w for w in d.searcher.analyzer.content_words(text) if w not in d.lexicon.filler
            and not pronoun.fullmatch(w)]


def asks_which_is_better(d: Dialogue, text: str) -> bool:
    """"Which one is better?", "should I apply to CMU or Stanford?": a choice between options."""
    return any(n.kind == "judgement" for n in find_needs(d, text))


def strip_words(text: str, drop: frozenset[str]) -> str:
    """The text without the given words (compared lowercased, punctuation trimmed)."""
    return " ".join(w for w in text.split() if w.lower().strip("?,.!") not in drop)


def is_list_question(d: Dialogue, text: str) -> bool:
    """Does the message ask about the corpus's entities as a set ("which universities ...")?"""
    lowered = text.lower()
    patterns = d.lexicon.patterns
    if patterns["list_of_the_guide"].search(lowered) and (
            patterns["list_noun"].search(lowered)
            or not [w for w in subject_words(d, text) if w not in d.lexicon.list_stop]):
        return True  # "which schools does the guide mention?", not "what industries does it mention?"
    return bool(patterns["list_asker"].search(lowered)) and bool(patterns["list_noun"].search(lowered))


def with_place_named(d: Dialogue, text: str) -> str:
    """"The one in Atlanta", "the Ann Arbor program": the university whose note gives that city or
    state, when one note alone does and one thing is referred to (not "the schools in California"),
    written by its name, so that the rest of the message is read as about it."""
    match = d.lexicon.pattern("one_by_place").search(text)
    if match is None or named_programs(d, text):
        return text
    found = d.entities.in_places(d.lexicon.pattern("place_in_name").sub(" ", match.group(0)))
    if len(found) != 1:
        return text
    return f"{text[:match.start()]}{d.entities.name(found[0])}{text[match.end():]}"


def asks_by_place(d: Dialogue, text: str) -> bool:
    """"Universities in California?", "I want to study in California, what are my options?": the
    entities of a place one of them is in (a note's city or state), asked for by a list noun and
    naming none of them, are a list even without "which"; so are those of a place several are in,
    named with nothing but a wish to study there ("I want to study in California", the lexicon's
    `place_intent`). "The University of California system" names no place."""
    if named_programs(d, text):
        return False
    unnamed = d.lexicon.pattern("place_in_name").sub(" ", text)
    if not d.lexicon.pattern("list_noun").search(text.lower()):  # "I want to study in California"
        rest = subject_words(d, " ".join(d.entities.words_besides_places(unnamed)))
        return len(d.entities.in_places(unnamed)) >= 2 and all(w in d.lexicon.place_intent for w in rest)
    return bool(d.entities.in_places(unnamed))


def asks_for_them_all(d: Dialogue, text: str, nothing_in_focus: bool) -> bool:
    """"Tell me about the universities", "the schools?": nothing but a list noun, with nothing in
    focus, asks for the guide's list (after "tell me about CMU", "what are the programs?" is CMU's)."""
    asked, noun = subject_words(d, text), d.lexicon.pattern("list_noun")
    return bool(asked) and all(noun.fullmatch(w) for w in asked) and not d.entities.find(text) \
        and nothing_in_focus


def named_programs(d: Dialogue, text: str) -> list[str]:
    """The universities (program notes) a text names, in the order it names them."""
    return [doc_id for doc_id in d.entities.find(text) if d.entities.kind(doc_id) == "program"]
