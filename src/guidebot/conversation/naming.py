"""Which of a note's names a question uses, and which a sentence says: the words that name a
document, the parts of a topic asked by name ("I-20" of the F-1 note, "IELTS" of "English language
tests (TOEFL, IELTS, Duolingo)"), the fields of the degrees a note names ("Data Science", "Computer
Science" in the Arizona note), and whether a sentence names them. Used by the single-question
answers to keep to what is said of the subject asked, and by follow-up resolution to read "it" as
the part the question before named ("tell me about the TOEFL", "who makes it?")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from weakref import WeakKeyDictionary

from ..analysis import words
from ..answering.question import QuestionAnalysis
from ..answering.selection import Candidate
from ..corpus import Document
from ..search import Scored, Searcher
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


def without_rival_degrees(d: Dialogue, subjects: Sequence[Document], analysis: QuestionAnalysis,
                          picks: list[Candidate], question: str = "") -> list[Candidate]:
    """Of a note naming several degrees, a sentence naming only another degree's field does not
    answer for the one asked: "does Arizona's MS in Data Science have a thesis?" is not answered by
    "... offers a Master of Science (MS) in Computer Science with thesis and non-thesis options".
    A field contained in another ("Computer Science" in "Computer Science and Engineering") is the
    same; one most of the notes name (the corpus's own theme, "Machine Learning") asks for no degree
    in particular. A degree asked for by a field of other notes' degrees that this note never names
    ("is UW's data science masters evening?") is answered only by a sentence naming that field."""
    asked = frozenset().union(*(c.stems for c in analysis.concepts)) if analysis.concepts else frozenset()
    fields_of, theme = _degree_fields(d.searcher, d.lexicon.pattern("degree_field"))
    terms = d.searcher.analyzer.terms
    as_degrees = _fields_asked_as_degrees(d, question, {f for fields in fields_of.values() for f in fields} - theme)
    for doc in subjects:
        fields = fields_of.get(doc.id, ())
        foreign = [f for f in as_degrees if not any(_within(f, g) or _within(g, f) or _initials(d, g) == f
                                                    for g in fields)]
        if foreign and not any(set(f) <= asked for f in fields if f not in theme):
            picks = [p for p in picks if any(_within(f, tuple(terms(p.text))) for f in foreign)]
            continue
        named = [f for f in fields if set(f) <= asked]
        rivals = [f for f in fields if f not in named and not any(_within(f, n) or _within(n, f) for n in named)]
        if any(f not in theme for f in named) and rivals:
            said = {id(p): tuple(terms(p.text)) for p in picks}
            picks = [p for p in picks if not (any(_within(r, said[id(p)]) for r in rivals)
                                              and not any(_within(n, said[id(p)]) for n in named))]
    return _without_rival_acronyms(d, subjects, analysis, picks)


def _without_rival_acronyms(d: Dialogue, subjects: Sequence[Document], analysis: QuestionAnalysis,
                            picks: list[Candidate]) -> list[Candidate]:
    """A degree asked for by its short name ("can I finish the OMSCS while working?") is not
    answered by a sentence naming only another of the note's degrees by theirs ("Every Georgia Tech
    MSCS student completes ..."). Short names are those the note defines after a degree's full name;
    one that begins another ("MS" of "MSCS", "MCS" of "MCS-DS") is no rival."""
    asked = {c.word.casefold() for c in analysis.concepts if c.name}
    defined_in = _short_names(d)[0] if asked else {}
    for doc in subjects:
        defined = defined_in.get(doc.id, frozenset())
        named = defined & asked
        rivals = {a for a in defined - named if not any(a.startswith(n) or n.startswith(a) for n in named)}
        if named and rivals:
            said = {id(p): {w.casefold() for w in words(p.text)} for p in picks}
            picks = [p for p in picks if not (said[id(p)] & rivals) or said[id(p)] & named]
    return picks


def degrees_asked(d: Dialogue, question: str) -> list[Field]:
    """The degree fields a question asks for by name ("which universities offer an *MS in computer
    science*?"): fields of the notes' degrees written next to a degree word."""
    fields_of, _theme = _degree_fields(d.searcher, d.lexicon.pattern("degree_field"))
    return _fields_asked_as_degrees(d, question, {f for fields in fields_of.values() for f in fields})


def names_degree(d: Dialogue, text: str, fields: Sequence[Field]) -> bool:
    """Does the sentence name a degree in one of the fields: by its full name ("Master of Science in
    Computer Science"), by a short name the notes define for one ("MSCS"), or as the field beside a
    degree word ("computer science master's"), not only the field's words ("the Master of Science in
    Machine Learning ... in the School of Computer Science")?"""
    terms, pattern = d.searcher.analyzer.terms, d.lexicon.pattern("degree_field")
    named = [tuple(terms(m.group(1) or m.group(2))) for m in pattern.finditer(text)]
    short = _short_names(d)[1]
    named += [field for word in words(text) for field in short.get(word, ())]
    if any(_within(f, g) or _within(g, f) or _initials(d, g) == f for f in fields for g in named if g):
        return True
    return bool(_fields_asked_as_degrees(d, text, set(fields)))  # "computer science master's students"


def _fields_asked_as_degrees(d: Dialogue, question: str, fields: set[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The fields written next to a degree word in the question ("data science masters", "MS in
    data science"), not those of the student's background ("with a computer science bachelor's")."""
    said = words(question.lower())
    at = [i for i, word in enumerate(said) if d.lexicon.pattern("degree_word").fullmatch(word)]
    if not at or not fields:
        return []
    terms = d.searcher.analyzer.terms
    windows = [tuple(terms(" ".join(said[max(0, i - 3):i + 4]))) for i in at]
    return sorted(f for f in fields if any(_within(f, window) for window in windows))


Field = tuple[str, ...]
Degrees = tuple[dict[str, tuple[Field, ...]], frozenset[Field]]  # each note's degree fields; the theme
# Per index (weakly: a replaced index is not kept alive): the pattern read with, each program
# note's degree fields, and the fields most notes name.
_DEGREES: WeakKeyDictionary[Searcher, tuple[re.Pattern[str], dict[str, tuple[Field, ...]], frozenset[Field]]] = \
    WeakKeyDictionary()


ShortNames = tuple[dict[str, frozenset[str]], dict[str, tuple[Field, ...]]]  # per note; each one's fields
_SHORT: WeakKeyDictionary[Searcher, tuple[re.Pattern[str], ShortNames]] = WeakKeyDictionary()


def _short_names(d: Dialogue) -> ShortNames:
    """The degree short names each note defines ("Master of Science in Computer Science (MSCS)"),
    case-folded, and for each short name the fields of the degrees it stands for. Read once per index."""
    searcher, acronym, field = d.searcher, d.lexicon.pattern("degree_acronym"), d.lexicon.pattern("degree_field")
    known = _SHORT.get(searcher)
    if known is None or known[0] is not acronym:
        by_note: dict[str, frozenset[str]] = {}
        fields: dict[str, set[Field]] = {}
        terms, chunks = searcher.analyzer.terms, searcher.chunks
        for doc in searcher.indexed.documents:
            found = [m for position in searcher.chunks_of(doc.id) for m in acronym.finditer(chunks[position].text)]
            by_note[doc.id] = frozenset(m.group(1).casefold() for m in found)
            for m in found:
                fields.setdefault(m.group(1).casefold(), set()).update(
                    f for n in field.finditer(m.group(0)) if (f := tuple(terms(n.group(1) or n.group(2)))))
        known = _SHORT[searcher] = (acronym, (by_note, {k: tuple(sorted(v)) for k, v in fields.items()}))
    return known[1]


def _degree_fields(searcher: Searcher, pattern: re.Pattern[str]) -> Degrees:
    """Each program note's degree fields as term sequences, and the theme: the fields more than half
    of the notes name (within a field of theirs). Read once per index."""
    known = _DEGREES.get(searcher)
    if known is not None and known[0] is pattern:
        return known[1], known[2]
    terms = searcher.analyzer.terms
    fields_of: dict[str, tuple[Field, ...]] = {}
    for doc in searcher.indexed.documents:
        if doc.kind == "program":
            found = {tuple(terms(m.group(1) or m.group(2))) for position in searcher.chunks_of(doc.id)
                     for m in pattern.finditer(searcher.chunks[position].text)}
            fields_of[doc.id] = tuple(sorted(f for f in found if f))
    notes = list(fields_of.values())
    every = {f for fields in notes for f in fields}
    theme = frozenset(f for f in every if 2 * sum(any(_within(f, g) for g in fields) for fields in notes) > len(notes))
    _DEGREES[searcher] = (pattern, fields_of, theme)
    return fields_of, theme


def _initials(d: Dialogue, field: tuple[str, ...]) -> tuple[str, ...]:
    """The one-term field a field is shortened to ("EECS" for Electrical Engineering and Computer Science)."""
    return (d.searcher.analyzer.stem("".join(term[0] for term in field)),) if len(field) > 1 else ()


def _within(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    """Is `part` a run of consecutive terms of `whole`?"""
    n = len(part)
    return any(whole[i:i + n] == part for i in range(len(whole) - n + 1))


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
