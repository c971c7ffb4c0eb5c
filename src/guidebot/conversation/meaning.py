"""Answers by meaning: for a question asked in other words than the corpus's, the retrieved
sentence closest to it in meaning (WordLlama sentence embeddings), when it is close, says one of
the question's words, and what it stands on (the document retrieval ranked first) is sound."""

from __future__ import annotations

from collections.abc import Sequence
from math import fsum

from ..answering.question import QuestionAnalysis
from ..answering.selection import Candidate
from ..search import Scored
from .context import Dialogue


def closest_in_meaning(d: Dialogue, analysis: QuestionAnalysis, question: str, hits: Sequence[Scored],
                        exclude: Sequence[str], threshold: float | None = None) -> Candidate | None:
    """A question in other words than the corpus's ("can I get paid to help a professor?"): the
    retrieved sentence closest to it in meaning, when it is close (policy `meaning_threshold`),
    says one of the question's words, and the question's key word is one the corpus knows. Not when
    half of what is asked is words the corpus never uses ("can I switch ... later?"): the corpus
    then lacks it, and the closest sentence is only near it."""
    policy, searcher = d.policy, d.searcher
    unknown = fsum(c.weight for c in analysis.concepts if not c.known)
    if not policy.neighbours or unknown >= policy.meaning_max_unknown_share * (analysis.total_weight or 1.0):
        return None
    known = [c for c in analysis.concepts if not c.hint]
    if not known or not max(known, key=lambda c: c.distinctiveness).known:
        return None
    pointer = d.lexicon.pattern("pointer_sentence")
    excluded = {q.strip() for q in exclude}
    for similarity, position, index in searcher.meaning.closest(question, [h.position for h in hits]):
        if similarity < (policy.meaning_threshold if threshold is None else threshold):
            return None
        chunk = searcher.chunks[position]
        start, end = chunk.sentences[index]
        text = chunk.text[start:end]
        terms = searcher.sentence_terms(position)[index]
        covered = frozenset(c for c in analysis.concepts if c.covered_by(terms))  # and the action asked, if any:
        if not covered or analysis.asked_action not in {*covered, None} or text.strip() in excluded \
                or pointer.match(text):  # "can I work while studying?" is not told by what F-1 study is
            continue
        return Candidate(position, index, 0, 1.0, covered, frozenset(), text, (chunk.start, start))
    return None


def of_best_document(d: Dialogue, hits: Sequence[Scored]) -> list[Scored]:
    """The hits of the first-ranked document: a sentence picked by meaning alone stands on retrieval's
    choice of document (from any passage, it was as often another entry's look-alike as the answer:
    "Can zlib work with more than 4 GB?" answered by another entry's "look in contrib/blast")."""
    chunks = d.searcher.chunks
    best = chunks[hits[0].position].doc_id if hits else None
    return [hit for hit in hits if chunks[hit.position].doc_id == best]
