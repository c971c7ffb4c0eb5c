"""The degrees a university's note names, and which of them a question or a sentence is about.

A note often names several degrees (UW's PMP and its MS in Artificial Intelligence and Machine
Learning for Engineering; Berkeley's MEng and MIDS), by full name ("Master of ... in <Field>") and
by the short names it defines for them ("(MSCS)", "Professional Master's Program (PMP)"). What the
note says of one degree does not answer for another: `without_rival_degrees` keeps the sentences
that could be about the degree asked. `degrees_asked` and `names_degree` let a list ask for a
degree by its field ("which universities offer an MS in data science?"). And after an answer about
one degree, "is *it* online?" asks about that degree (`it_as_the_degree_named`): when the question
before asked about a degree (a degree word or a short name) and the answer's first sentence named
exactly one, "it" or "that program" is read as that degree's name. A degree asked about that the
note says is not there ("Is Caltech's ML master's online?": "Caltech does not offer a master's
degree in machine learning") is answered by that denial (`denying_the_degree_asked`). Degree names
are the notes' own, read once per index with the lexicon's patterns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from weakref import WeakKeyDictionary

from ..analysis import words
from ..answering.question import QuestionAnalysis
from ..answering.selection import Candidate, select_sentences
from ..corpus import Document
from ..search import Searcher
from .context import Dialogue


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
        picks = _without_rival_short_names(d, doc, [f for f in named if f not in theme], picks)
        if any(f not in theme for f in named) and rivals:
            said = {id(p): tuple(terms(p.text)) for p in picks}
            picks = [p for p in picks if not (any(_within(r, said[id(p)]) for r in rivals)
                                              and not any(_within(n, said[id(p)]) for n in named))]
    return _without_rival_acronyms(d, subjects, analysis, picks)


def _without_rival_short_names(d: Dialogue, doc: Document, named: list[Field],
                               picks: list[Candidate]) -> list[Candidate]:
    """A degree asked for by its field ("is UW's MS in Artificial Intelligence and Machine Learning online?")
    is not answered by a sentence naming only another of the note's degrees by its short name ("PMP")."""
    if not named:
        return picks
    defined, fields_of = short_names(d)
    rivals = {s for s in defined.get(doc.id, ()) if not any(_within(g, n) or _within(n, g)
                                                             for g in fields_of.get(s, ()) for n in named)}
    if not rivals:
        return picks
    terms = d.searcher.analyzer.terms
    return [p for p in picks if not ({w.casefold() for w in words(p.text)} & rivals)
            or any(_within(n, tuple(terms(p.text))) for n in named)]


def _without_rival_acronyms(d: Dialogue, subjects: Sequence[Document], analysis: QuestionAnalysis,
                            picks: list[Candidate]) -> list[Candidate]:
    """A degree asked for by its short name ("can I finish the OMSCS while working?") is not
    answered by a sentence naming only another of the note's degrees by theirs ("Every Georgia Tech
    MSCS student completes ..."). Short names are those the note defines after a degree's full name;
    one that begins another ("MS" of "MSCS", "MCS" of "MCS-DS") is no rival."""
    asked = {c.word.casefold() for c in analysis.concepts if c.name}
    defined_in = short_names(d)[0] if asked else {}
    for doc in subjects:
        defined = defined_in.get(doc.id, frozenset())
        named = defined & asked
        rivals = {a for a in defined - named if not any(a.startswith(n) or n.startswith(a) for n in named)}
        if named and rivals:
            said = {id(p): {w.casefold() for w in words(p.text)} for p in picks}
            picks = [p for p in picks if not (said[id(p)] & rivals) or said[id(p)] & named]
    return picks


def denying_the_degree_asked(d: Dialogue, question: str, analysis: QuestionAnalysis, subjects: Sequence[Document],
                             picks: Sequence[Candidate]) -> list[Candidate]:
    """The sentences of the subjects' notes saying that the degree the question asks about is not
    there: "Is Caltech's machine learning master's available online?" is answered by "Caltech does
    not offer a master's degree in machine learning", whatever else it asks of that degree. Looked
    for among the picks, then in the notes by the degree's field."""
    fields = degrees_asked(d, question)
    if not fields:
        return []
    denies, degree = d.lexicon.pattern("denies_degree"), d.lexicon.pattern("degree_word")
    terms = d.searcher.analyzer.terms

    def denial(pick: Candidate) -> bool:
        return bool(denies.search(pick.text) and degree.search(pick.text)) \
            and any(_within(f, tuple(terms(pick.text))) for f in fields)

    found = [p for p in picks if denial(p)]
    if not found:
        ids = [doc.id for doc in subjects if doc.kind == "program"]
        hits = d.searcher.top({t: 1.0 for f in fields for t in f}, d.policy.focus_passages, doc_ids=ids) if ids else []
        found = [p for p in select_sentences(d, analysis, hits) if denial(p)]
    # What the note says itself ("does not offer") before its correction of the guide ("is not accurate").
    return sorted(found, key=lambda p: "accurate" in p.text)


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
    short = short_names(d)[1]
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


def short_names(d: Dialogue) -> ShortNames:
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


_IT = re.compile(r"\b(?:it|(?:that|this|the) (?:program|programme|degree|one))\b(?!['’]s)", re.IGNORECASE)
_FIRST_SENTENCE = re.compile(r"^(.*?)\s*\[1\]")


def it_as_the_degree_named(d: Dialogue, text: str, focus: Sequence[str], asked_before: str,
                           last_answer: str) -> str:
    """`text` with "it" replaced by the one degree the last answer's first sentence named, when the
    focus is one university and the question before asked about a degree; else `text` unchanged."""
    doc = d.searcher.documents.get(focus[0]) if len(focus) == 1 else None
    if doc is None or doc.kind != "program" or not _IT.search(text) or not _asks_of_a_degree(d, asked_before):
        return text
    first = _FIRST_SENTENCE.match(last_answer)
    named = _degrees_in(d, first.group(1)) if first else []
    return _IT.sub(f"the {named[0]}", text, count=1) if len(named) == 1 else text


def _asks_of_a_degree(d: Dialogue, question: str) -> bool:
    defined = {name for names in short_names(d)[0].values() for name in names}
    return bool(d.lexicon.pattern("degree_word").search(question)) \
        or any(w.casefold() in defined for w in words(question))


def _degrees_in(d: Dialogue, sentence: str) -> list[str]:
    """The distinct degrees a sentence names, each as first written: by its full name, or by a
    short name the notes define for it (a full name followed by its short name is one degree)."""
    found: dict[str, str] = {}
    for match in d.lexicon.pattern("degree_field").finditer(sentence):
        field = " ".join(d.searcher.analyzer.terms(match.group(1) or match.group(2)))
        found.setdefault(field, match.group(0))
    defined, fields_of = short_names(d)
    known = {name for names in defined.values() for name in names}
    for word in words(sentence):
        short = word.casefold()
        if short in known:
            fields = [" ".join(f) for f in fields_of.get(short, ())]
            if not any(f in found for f in fields):
                found.setdefault(fields[0] if fields else short, word)
    return list(found.values())
