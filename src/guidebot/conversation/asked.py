"""The question in a message of several sentences.

Students write what they ask beside what they tell: "I have a 3.2 GPA from India. Do I need the
GRE for UCSD?", "Does CMU's MSML need the GRE? I'm really worried about my quant score." The
sentences around the question say who is asking, not what is asked; answered as one text, their
words ("worried", "quant", "India") are words no sentence of the notes says beside the GRE, and the
question abstains. So a message whose one question stands among statements is answered as that
question, unless the question refers back to them ("My bachelor's took three years. Is *that*
enough?"), asks less without them ("I'm from Pakistan with a 3.2 CGPA, can I get into CMU?" asks
for chances), says little on its own (two words beyond framing, or one beside a document's name: "My
wireless card doesn't work with Linux. What should I do?")
or they name what the question is about and the question does not ("I really want MIT for ML. What
do I even apply to?"). A message with no question, or with several, is left whole.

A yes/no question may also offer the other answer ("Does Berkeley have an MS in ML, or is that just
a blog thing?", "is the MSML a STEM program or does CMU call it something else?"); `without_alternative`
gives its first half, which the responder tries when the whole is not answered, unless the second
clause names a university the first does not (then it asks of that one).
"""

from __future__ import annotations

import re

from ..answering.needs import find_needs
from ..answering.spelling import correct_spelling
from .asking import subject_words
from .context import Dialogue

# The words a question clause opens with, after a comma (both comma rules below).
_OPENS_A_QUESTION = "do|does|did|is|are|am|can|could|should|will|would|what|which|how|where|when|why|who"
# A sentence ends at "?" or "!", or at a full stop after a lowercase word, a figure or an acronym
# ("... from India. Do I ...", "... the SAT. Is ...") but not inside "U.S.", "3.2", "e.g." or "etc.",
_SENTENCE_END = re.compile(
    r"(?<=[?!])\s+"
    r"|(?:(?<=[a-z0-9)][.])|(?<=[A-Z]{2}[.]))(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)(?<!\bvs\.)(?<!\bapprox\.)"
    r"\s+(?=[A-Za-z])"
    # or at a comma before a statement about the student ("..., there's so much wrong info online",
    # "..., i'm really worried", "..., my senior says ...")
    r"|,\s+(?=(?i:there'?s|there\s+is|i'?m|i\s+am|i'?ve|i\s+have|i\s+keep|i\s+was|my|because|cause|cuz|sorry|thanks|btw)\b)"
    # and at a comma before the question after a statement ("i did my bachelors in the us, do i still ...")
    rf"|(?<=[\w)]),\s+(?=(?i:{_OPENS_A_QUESTION})"
    r"\s+(?i:i|we|you|they|the|my|there|it)\b)")
# A statement about the student ("I'm looking at the OPT rules", "my degree is in EE") or an aside ("so
# adding it all up", "honestly i cant pay full fees myself") ends at a comma before a question word too
# ("..., how long is OPT?", "..., do unis give any scholarships?"); not "UK vs US masters in AI, which
# is better?", whose first half is what is asked about.
_ABOUT_THE_STUDENT = re.compile(r"^\W*(?:i|i'm|i’m|im|i've|i’ve|ive|my|we|we're|we’re|our|so|ok|okay|well|anyway|"
                                r"basically|honestly|overall|then)\b", re.IGNORECASE)
_QUESTION_AFTER_COMMA = re.compile(rf"(?<=[\w)]),\s+(?=(?:{_OPENS_A_QUESTION})\s+\w)", re.IGNORECASE)
# "Does Berkeley have an MS in ML, *or is that just a blog thing*?", "can the UCSD MS be done part
# time *or is full time compulsory*?": a yes/no question's second clause offers the other answer; it
# asks nothing the first does not, and its words are no sentence's.
_ALTERNATIVE = re.compile(
    r"\s*,?\s+or\s+(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have)\s+"
    r"\w[^?]*(?=\?|$)", re.IGNORECASE)
# A clause that sets a condition of the question ("*If I use OPT while studying*, do I lose time
# after graduation?") is part of what is asked, not a statement about the student.
_CONDITION = re.compile(r"^\W*(?:if|when|whenever|while|once|after|before|unless|until|suppose|assuming|in\s+case)\b",
                        re.IGNORECASE)
# Words with which a question points back at what the message said before it ("is *that* enough?").
_REFERS_BACK = re.compile(r"\b(?:it|its|that|this|these|those|they|them|their|she|her|hers|he|him|his|same|such|so)\b",
                          re.IGNORECASE)


def _refers_back(d: Dialogue, question: str, before: list[str]) -> bool:
    """Does the question point back at what came before it? Not with "these universities", "those
    programs" (the guide's own kinds of thing, its list words) after statements that name none
    ("Money is tight for my family. Do these universities ever help pay ...?"): then they are the
    guide's. After "My friend got into CMU and Stanford." they are those two."""
    names_before = any(d.entities.find(part) for part in before)
    for match in _REFERS_BACK.finditer(question):
        following = question[match.end():].split(maxsplit=1)
        if not names_before and match.group(0).lower() in ("these", "those") and following \
                and following[0].strip("?.,!").lower() in d.lexicon.list_words:
            continue
        return True
    return False


def _asks_chances(d: Dialogue, text: str) -> bool:
    return any(need.kind == "personal" for need in find_needs(d, text))


def sentences_of(text: str) -> list[str]:
    """The message's sentences, in order."""
    parts = [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]
    return [piece.strip() for part in parts
            for piece in (_QUESTION_AFTER_COMMA.split(part, maxsplit=1) if _ABOUT_THE_STUDENT.match(part) else [part])
            if piece.strip()]


def without_alternative(d: Dialogue, question: str) -> str:
    """A yes/no question without the other answer it offers ("..., or is that just a blog thing?"),
    tried when the whole question is not answered: "is the PMP online, or is it in person?" is
    answered by its second half ("held in person")."""
    if not d.lexicon.pattern("asks_a_question").match(question) or d.lexicon.pattern("question_start").match(question):
        return question  # only a yes/no question offers its other answer ("what is it, or is it ...")
    first = _ALTERNATIVE.sub("", question).strip()
    if not first or set(d.entities.find(question)) - set(d.entities.find(first)):
        return question  # "is CMU's MSML online, or is Stanford's?": the second clause asks of another
    return first


def question_of(d: Dialogue, text: str) -> str:
    """The message's one question when the rest only tells about the student; else the message."""
    parts = sentences_of(text)
    if len(parts) < 2:
        return text
    asks = d.lexicon.pattern("asks_a_question")
    questions = [part for part in parts if part.endswith("?") or asks.match(part)]
    if len(questions) != 1:
        return text
    question = questions[0]
    before = parts[:parts.index(question)]  # a question can point back only at what came before it
    if before and _refers_back(d, question, before) \
            or any(_CONDITION.match(part) for part in parts if part is not question):
        return text
    if _asks_chances(d, text) and not _asks_chances(d, question):
        return text  # "I'm from Pakistan with a 3.2 CGPA, can I get into CMU?": the profile is asked about
    def names(part: str) -> set[str]:  # as typed, else as the spelling is corrected: "u of arizona" names Arizona
        return set(d.entities.find(part)) or set(d.entities.find(correct_spelling(d, part)[0]))

    named = names(question)
    if len(subject_words(d, question)) < (1 if named else 2):
        return text  # "What should I do?", "How do I migrate?": what is asked is in the statements
    if not named and any(names(part) for part in parts if part is not question):
        return text  # the statements name what is asked about (a question naming its own is about that)
    return question
