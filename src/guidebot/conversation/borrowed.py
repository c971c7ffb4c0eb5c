"""Follow-ups that borrow the question before: "what about in general?" (the same question without
the university), "and IELTS?" after a question about the TOEFL (that question, asked of the part
now named), "for which schools?" (the same question, asked of every university), and "can I work
without it?" after "what is an EAD?" (the term asked about). Each returns
None when the message is no such follow-up, and `turns` tries the next rule."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..analysis import words
from .asking import asks_for_them_all, has_subject
from .context import Dialogue
from .resolved import Resolved


def in_general_again(d: Dialogue, text: str, previous: Resolved | None) -> Resolved | None:
    """"What about in general?" after "do I need it [the GRE] for Stanford?": the same question
    without the university, still about the topic in focus."""
    rest = d.lexicon.pattern("in_general").sub(" ", d.lexicon.pattern("elliptical").sub("", text))
    if previous is None or not previous.intent or has_subject(d, rest):
        return None
    return Resolved(f"in general, {previous.intent}", topics_of(d, previous), previous.intent, "single",
                    corrections=previous.corrections)


def asked_of_another_topic(d: Dialogue, intent: str, entities: Sequence[str], previous: Resolved | None) -> str | None:
    """"And IELTS?" after a question about another part of the same note (the TOEFL, of "English language
    tests (TOEFL, IELTS, Duolingo)"): that question, asked of the part now named (its names and pronouns
    swapped for it). Not when the message asks more than the name, nor after a university ("and the
    TOEFL?" asks it of the university), nor of another note (after the GRE, "what about English tests?")."""
    if previous is None or not previous.intent or not entities or not has_subject(d, previous.intent) \
            or any(d.entities.kind(e) != "topic" for e in previous.focus) \
            or not set(entities) <= set(topics_of(d, previous)):
        return None
    named = {w for e in entities for name in _names(d, e) for w in words(name.lower())}
    if not set(words(intent.lower())) - d.lexicon.filler <= named | d.searcher.analyzer.stop:
        return None
    before = {w for e in topics_of(d, previous) for name in _names(d, e) for w in words(name.lower())}
    pronoun, asked = d.lexicon.pattern("pronoun"), words(previous.intent)
    swapped = [i for i, w in enumerate(asked) if w.lower() in before or pronoun.fullmatch(w)]
    if not swapped:
        return None
    return " ".join(intent if i == swapped[0] else w for i, w in enumerate(asked)
                    if i == swapped[0] or i not in swapped)


def _names(d: Dialogue, doc_id: str) -> tuple[str, ...]:
    doc = d.searcher.documents.get(doc_id)
    return (doc.title, *doc.aliases) if doc is not None else ()


def topics_of(d: Dialogue, previous: Resolved | None) -> tuple[str, ...]:
    """The topic notes the previous question was about: in its focus, or named in what it asked
    ("is the GRE needed for UCSD?", "and for CMU?": the GRE)."""
    if previous is None:
        return ()
    found = (*previous.focus, *d.entities.find(previous.intent))
    return tuple(dict.fromkeys(doc_id for doc_id in found if d.entities.kind(doc_id) == "topic"))


def asked_of_them_all(d: Dialogue, text: str, previous: Resolved | None, is_list: bool) -> Resolved | None:
    """"Is the GRE required?", "for which schools?": nothing but a list noun after a question asks
    it of every university, a list ("which schools is the GRE required"), not for the guide's list."""
    if not is_list or previous is None or previous.mode != "single" or not previous.intent \
            or not has_subject(d, previous.intent) or not asks_for_them_all(d, text, True) \
            or d.lexicon.pattern("definition_question").match(previous.intent) \
            or not d.lexicon.pattern("asks_a_question").match(previous.intent):  # not "what is OPT?", no statement
        return None
    asked = f"{text.rstrip(' ?')} {previous.intent}"
    return Resolved(asked, (), asked, "list", corrections=previous.corrections)


_IT = re.compile(r"\b(?:it|that|this)\b(?!['’]s)", re.IGNORECASE)


def it_as_the_term_defined(d: Dialogue, text: str, previous: Resolved | None) -> Resolved | None:
    """"What is an EAD?", "can I work without it?": "it" is the term the question before asked the
    meaning of, when that question named no note (so no focus carries it): "can I work without an EAD?"."""
    if previous is None or previous.focus or previous.mode != "single" or not _IT.search(text):
        return None
    definition = d.lexicon.pattern("definition_question").match(previous.text)
    term = previous.text[definition.end():].strip(" ?.!") if definition else ""
    term = re.sub(r"^(?:is|are|an?|the)\s+", "", term, flags=re.IGNORECASE).strip()
    if not term or len(words(term)) > 4 or not has_subject(d, term):
        return None
    asked = _IT.sub(term, text, count=1)
    return Resolved(asked, (), asked, "single", corrections=previous.corrections)
