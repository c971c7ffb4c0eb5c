"""Yes/no questions answered by the way a note says a thing is: "can I take the UW PMP online?" is
answered, no, by "PMP courses and exams are held in person"; "do Berkeley's online data science
students ever have to show up in person?" by the MIDS immersion "on the UC Berkeley campus". But
"is the Arizona MSIS available online?" is not answered by "offered on its main campus in Tucson",
which leaves online study open.

The lexicon lists the contrasts (online | in person, part-time | full-time, evening | daytime:
English, not any corpus's). For a yes/no question about a note in focus, a word of one side counts as
told by a sentence saying another word of its side, or a word of the other side with a word that
excludes the first ("must", "held", "required"); only for that question's own sentences, never
for lists ("which programs are online?" must not list those held in person) or the search, nor
when the question compares ("is the OMSCS the same degree as the on-campus MSCS?").
"""

from __future__ import annotations

from dataclasses import replace

from ..answering.question import QuestionAnalysis
from .context import Dialogue


def with_contrasts(d: Dialogue, analysis: QuestionAnalysis, question: str) -> QuestionAnalysis:
    """The analysis with each word of a contrast also covered by the other words of its side and by
    the other side's words beside an excluding word, when the question asks yes or no."""
    if not d.lexicon.contrasts or not d.lexicon.pattern("yes_no_question").search(question) \
            or d.lexicon.pattern("asks_sameness").search(question):  # "is the OMSCS the same as the on-campus MSCS?"
        return analysis
    terms = d.searcher.analyzer.terms
    exclusive = [t for w in d.lexicon.contrast_exclusive for t in terms(w)]
    changed = False
    concepts = []
    for concept in analysis.concepts:
        own = {tuple(terms(concept.word))}
        others: list[frozenset[str]] = []
        for side_a, side_b in d.lexicon.contrasts:
            for this, that in ((side_a, side_b), (side_b, side_a)):
                if own & {tuple(terms(w)) for w in this}:
                    # Its own side tells ("on campus" is "in person" too); the other side only when it
                    # excludes this one ("courses are *held* in person", "*must* live in Seattle"), not
                    # "offered on its main campus", which leaves online study open.
                    others += [frozenset(terms(w)) for w in this if terms(w)]
                    others += [frozenset((*terms(w), marker)) for w in that if terms(w) for marker in exclusive]
        if others:
            # What covers it alone stays what did (`_own`, worked out from the alternatives it had).
            concept = replace(concept, alternatives=concept.alternatives + tuple(others), own=concept._own)
            changed = True
        concepts.append(concept)
    return replace(analysis, concepts=tuple(concepts)) if changed else analysis
