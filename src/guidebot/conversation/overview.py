"""A document as a whole: its overview ("tell me about CMU", "what is this guide about?"), its
opening or closing ("what is the guide's conclusion?"), and which document a question names by its
title."""

from __future__ import annotations

from collections.abc import Sequence
from weakref import WeakKeyDictionary

from ..analysis import words
from ..answering.citing import Citation, Reply, citation_for, cited, paragraph
from ..answering.question import QuestionAnalysis, analyse_question
from ..answering.selection import asks_the_reader
from ..corpus import Document
from ..search import Searcher
from .context import Dialogue
from .replies import partial
from .turns import Resolved

# Per index, weakly: each document title's set of words (every word, "where" and "more" included).
_TITLES: WeakKeyDictionary[Searcher, dict[frozenset[str], list[Document]]] = WeakKeyDictionary()


def document_titled(d: Dialogue, question: str) -> Document | None:
    """The one document whose title is the question, word for word in any order: "Where can I get
    more help?" has no word left to search for once its framing is set aside, but an FAQ entry may
    be titled with it. Titles are read once per index."""
    titles = _TITLES.get(d.searcher)
    if titles is None:
        titles = {}
        for doc in d.searcher.indexed.documents:
            titles.setdefault(frozenset(words(doc.title)), []).append(doc)
        _TITLES[d.searcher] = titles
    found = titles.get(frozenset(words(question)), [])
    return found[0] if len(found) == 1 else None


def document_part(d: Dialogue, resolved: Resolved, question: str) -> Reply | None:
    """A document asked for by a part of it ("the guide's conclusion", "how does the guide
    begin?"): when the rest of the question names one document, its closing or opening sentences."""
    for part in ("closing", "opening"):
        match = d.lexicon.pattern(f"document_{part}").search(question)
        if match is None:
            continue
        kept = match.groupdict().get("keep") or ""  # "how does *the guide* end?"
        rest = f"{question[:match.start()]} {kept} {question[match.end():]}"
        analysis = analyse_question(d, rest, drop_words=d.lexicon.filler, corrections=resolved.corrections)
        named = document_named(d, analysis)
        if named is not None:
            return answer_overview(d, resolved, [named], closing=part == "closing", as_written=True)
    return None


def document_named(d: Dialogue, analysis: QuestionAnalysis) -> Document | None:
    """The one document whose title holds every word the question asks about, when that is all it
    asks ("what is this guide about?", "tell me about the guide"): its opening answers."""
    concepts = [c for c in analysis.concepts if not c.hint]
    if not concepts or len(concepts) > 2 or analysis.needs or analysis.unknown_names:
        return None
    analyzer = d.searcher.analyzer
    terms = {t for c in concepts for t in (*c.stems, *(t for alt in c.alternatives for t in alt))}
    candidates = d.searcher.titled(terms)  # the documents with one of the words in their title
    found = [doc for doc in candidates if all(c.covered_by(frozenset(analyzer.terms(doc.title))) for c in concepts)]
    return found[0] if len(found) == 1 and found[0].kind != "program" else None


def answer_overview(d: Dialogue, resolved: Resolved, docs: Sequence[Document], closing: bool = False,
                    as_written: bool = False) -> Reply:
    """A question that only names a university or topic ("tell me about CMU"): its note's opening
    (or, `closing`, its last sentences: "what is the guide's conclusion?"). After "tell me more",
    the sentences already quoted are skipped: the note's next ones follow. A question to the reader
    ("Looking to jumpstart your career ...?") tells what a document is about nothing, and is skipped
    unless the opening itself is asked for (`as_written`: "how does the guide begin?")."""
    policy = d.policy
    said = {" ".join(q.split()) for q in resolved.exclude}
    per_doc = policy.overview_sentences if len(docs) == 1 else policy.overview_sentences_each
    parts: list[str] = []
    citations: list[Citation] = []
    for doc in docs[:policy.overview_documents]:
        sentences = (_closing_sentences(d, doc.id, per_doc) if closing
                     else _opening_sentences(d, doc.id, per_doc, skip_negative=len(docs) > 1, said=said,
                                             skip_questions=not as_written))
        for chunk_index, quote in sentences:
            n = len(citations) + 1
            citations.append(citation_for(d.searcher.chunks[chunk_index], quote, n))
            parts.append(f"{quote} [{n}]")
    if not citations:
        return partial(d, resolved, docs, None, None)
    return Reply(" ".join(parts), True, policy.overview_confidence, tuple(citations), kind="answer",
                 focus=resolved.focus, blocks=(paragraph(*cited(citations)),))


def _closing_sentences(d: Dialogue, doc_id: str, count: int) -> list[tuple[int, str]]:
    """The document's last `count` sentences, in reading order (its closing paragraph)."""
    found: list[tuple[int, str]] = []
    for chunk_index in reversed(d.searcher.chunks_of(doc_id)):
        for quote in reversed(d.searcher.chunks[chunk_index].sentence_texts()):
            found.append((chunk_index, quote))
            if len(found) >= count:
                return found[::-1]
    return found[::-1]


def _opening_sentences(d: Dialogue, doc_id: str, count: int, skip_negative: bool,
                       said: set[str] | frozenset[str] = frozenset(),
                       skip_questions: bool = True) -> list[tuple[int, str]]:
    negation = d.lexicon.pattern("overview_negation")
    found: list[tuple[int, str]] = []
    for chunk_index in d.searcher.chunks_of(doc_id):
        for quote in d.searcher.chunks[chunk_index].sentence_texts():
            if skip_negative and negation.search(quote) or " ".join(quote.split()) in said \
                    or skip_questions and asks_the_reader(quote):
                continue
            found.append((chunk_index, quote))
            if len(found) >= count:
                return found
    return found
