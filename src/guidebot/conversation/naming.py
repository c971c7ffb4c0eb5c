"""Which of a note's names a question uses, and which a sentence says: the words that name a
document, the parts of a topic asked by name ("I-20" of the F-1 note, "IELTS" of "English language
tests (TOEFL, IELTS, Duolingo)"), and whether a sentence names them (the degrees a note names are
degrees.py's). Used by the single-question
answers to keep to what is said of the subject asked, and by follow-up resolution to read "it" as
the part the question before named ("tell me about the TOEFL", "who makes it?")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..analysis import words
from ..answering.question import QuestionAnalysis
from ..answering.selection import Candidate
from ..corpus import Document
from ..search import Scored
from .context import Dialogue


def names_of(docs: Sequence[Document]) -> tuple[str, ...]:
    """The words that name the documents: their titles and aliases."""
    return tuple(words(" ".join(f"{doc.title} {' '.join(doc.aliases)}" for doc in docs)))


# A list in a title's brackets names its parts: "English language tests (TOEFL, IELTS, Duolingo)".
_LISTED_PARTS = re.compile(r"\(([^()]*,[^()]*)\)")
_LIST_SEPARATORS = re.compile(r",|\band\b|\bor\b")


def without_rival_parts(d: Dialogue, subjects: Sequence[Document], question: str,
                         picks: list[Candidate]) -> list[Candidate]:
    """Of a note whose title lists its parts, a sentence naming other parts only does not answer
    for the part asked: "what does IELTS measure?" is not answered by what the TOEFL measures,
    though it is by what holds for every English test."""
    rivals = rival_parts(d, subjects, question)
    return [pick for pick in picks if not rivals(pick.text)] if rivals is not None else picks


def rival_parts(d: Dialogue, subjects: Sequence[Document], question: str) -> Callable[[str], bool] | None:
    """Whether a sentence names only parts of the subjects' titles other than the one the question
    names ("TOEFL scores are valid for two years", asked how long IELTS is good for); None when the
    question names no such part, so that nothing need be tested."""
    if not any(_LISTED_PARTS.search(doc.title) for doc in subjects):
        return None
    terms = d.searcher.analyzer.terms
    asked = " ".join(terms(question))
    apart: list[tuple[list[str], list[str]]] = []  # per note: the parts named, the other parts
    for doc in subjects:
        parts = _listed_parts(d, doc)
        named = [part for part in parts if f" {part} " in f" {asked} "]
        others = [part for part in parts if part not in named]
        if named and others:
            apart.append((named, others))
    if not apart:
        return None
    return lambda sentence: any(_says_only(terms(sentence), others, named) for named, others in apart)


def _listed_parts(d: Dialogue, doc: Document) -> list[str]:
    """The parts a note's title lists in brackets, as terms: "toefl", "ielts", "duolingo" of
    "English language tests (TOEFL, IELTS, Duolingo)"."""
    terms = d.searcher.analyzer.terms
    found = (" ".join(terms(part)) for group in _LISTED_PARTS.findall(doc.title)
             for part in _LIST_SEPARATORS.split(group))
    return [part for part in found if part]


def _says_only(said: list[str], rivals: Sequence[str], named: Sequence[str]) -> bool:
    """Does the sentence name one of `rivals` and none of `named`?"""
    text = f" {' '.join(said)} "
    return any(f" {rival} " in text for rival in rivals) and not any(f" {part} " in text for part in named)


def part_names_asked(d: Dialogue, subjects: Sequence[Document], question: str) -> list[str] | None:
    """The aliases the question named its topic by that name a part of it, not the whole: words
    not in the note's title ("I-20" of the note "F-1 student visa basics", where "F1" and "student
    visa" name the whole). A general answer must name that part: "who gives the I-20?" is not
    answered by what "gives" F-1 students. None when the question used the topic's own name."""
    terms = d.searcher.analyzer.terms
    asked = terms(question)
    parts = []
    for doc in subjects:
        title = set(terms(doc.title))
        for alias in doc.aliases:
            name = terms(alias)
            if name and not set(name) <= title and any(asked[i:i + len(name)] == name
                                                        for i in range(len(asked) - len(name) + 1)):
                parts.append(alias)
    return parts or None


_IT = re.compile(r"\bit\b(?!['’]s)", re.IGNORECASE)


def it_as_the_part_named(d: Dialogue, text: str, focus: Sequence[str], before: str) -> str:
    """"Tell me about the TOEFL", then "who makes it?": "it" is the part of the topic note that the
    question before named (the TOEFL, not English tests in general), so the follow-up reads "who
    makes the TOEFL?". Unchanged when the focus is not one topic or the question before named it whole."""
    doc = d.searcher.documents.get(focus[0]) if len(focus) == 1 else None
    if doc is None or doc.kind == "program" or not _IT.search(text):
        return text
    terms = d.searcher.analyzer.terms
    asked, title = f" {' '.join(terms(before))} ", set(terms(doc.title))
    listed = set(_listed_parts(d, doc))
    named = [alias for alias in doc.aliases if (name := " ".join(terms(alias))) and f" {name} " in asked
             and (not set(name.split()) <= title or name in listed)]  # "I-20"; "TOEFL", listed in the title
    return _IT.sub(max(named, key=len), text, count=1) if named else text


def without_names_unsaid(d: Dialogue, analysis: QuestionAnalysis, hits: Sequence[Scored]) -> QuestionAnalysis:
    """The question without the names (acronyms, program names: "MEng", "MSCS") that no sentence of
    the general passages says: what holds in general for "does Berkeley's MEng offer scholarships?"
    is what the guide says of scholarships, which never names the MEng."""
    said = [terms for hit in hits for terms in d.searcher.sentence_terms(hit.position)]
    kept = tuple(c for c in analysis.concepts if not c.name or any(c.covered_by(terms) for terms in said))
    return replace(analysis, concepts=kept) if len(kept) < len(analysis.concepts) and kept else analysis


def names_a_subject(d: Dialogue, pick: Candidate, subjects: Sequence[Document],
                     names_asked: Sequence[str] | None = None) -> bool:
    """Does the sentence name one of the subjects, by one of its aliases (or its whole title), or
    by one of `names_asked` when given, its words in a row ("student visa", not "students ... visa
    restrictions")?"""
    terms = d.searcher.analyzer.terms
    names = [tuple(terms(name)) for name in names_asked] if names_asked else \
        [tuple(terms(name)) for doc in subjects for name in (doc.aliases or (doc.title,))]
    said = terms(pick.text)
    return any(said[i:i + len(name)] == list(name) for name in names if name
               for i in range(len(said) - len(name) + 1))


def says_only_where(d: Dialogue, analysis: QuestionAnalysis, question: str, picks: Sequence[Candidate]) -> bool:
    """"How cold is Ann Arbor in winter?", "is it safe to live in Atlanta?": the question is about a
    place where a note's university is (its city or state, data of the notes), and asks something
    of it; picks that only say the university is there ("located in Ann Arbor"), or say the rest
    of another place, do not answer it. True when the place is the question's most distinctive
    word, it asks more than the place, and no pick of a note at that place (or naming the place)
    says any of that more."""
    there = d.entities.in_places(question)
    concepts = [c for c in analysis.concepts if not c.hint]
    if not there or not concepts:
        return False
    besides = set(d.entities.words_besides_places(question))
    place = {w for w in words(question) if w not in besides}
    asked = [c for c in concepts if c.word not in place]
    if not asked or max(concepts, key=lambda c: c.distinctiveness).word not in place:
        return False
    chunks = d.searcher.chunks
    return not any(c in pick.covered for pick in picks for c in asked
                   if chunks[pick.chunk_index].doc_id in there or any(p.word in place for p in pick.covered))
