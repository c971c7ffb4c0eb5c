"""Passages that answer a question as a whole, beside the sentence-by-sentence selection: the
passage whose heading asks the question itself (an FAQ entry's, a section named for the topic),
read from its opening, and, for "what is X?", the passage with a sentence saying what X is."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from math import fsum

from ..analysis import words
from ..search import Scored
from .context import Context
from .question import QuestionAnalysis
from .selection import Candidate, asks_the_reader, with_list_items


def with_definition(ctx: Context, analysis: QuestionAnalysis, hits: list[Scored]) -> list[Scored]:
    """"What is sed?" in an FAQ about sed: its one word is in every passage, so BM25's best passages
    are the ones repeating it most, and none may say what it is. When the question asks what one
    thing is and the best hit has no sentence saying so, the first passage that has one ("Sed is a
    non-interactive editor"), among the hits and then the best `definition_passages` with the word,
    leads the hits, at the best hit's score."""
    concepts = [c for c in analysis.concepts if not c.hint]
    if not analysis.definition or len(concepts) != 1 or not hits:
        return hits
    searcher, pattern = ctx.searcher, ctx.lexicon.pattern("defining_sentence")
    concept = concepts[0]

    def defines(position: int) -> int:
        """2 for a sentence whose subject is the word ("Sed is ..."), 1 qualified ("GNU sed is ...")."""
        best, chunk = 0, searcher.chunks[position]
        for start, end in chunk.sentences:
            match = pattern.match(chunk.text[start:end])
            subject = words(match.group(1)) if match else []
            if subject and subject[-1] == concept.word and len(subject) <= 3 \
                    and not any(w in searcher.analyzer.stop for w in subject[:-1]):
                best = max(best, 2 if len(subject) == 1 else 1)
        return best

    first = defines(hits[0].position)
    if first == 2:
        return hits
    looked = [*hits[1:], *searcher.top({stem: 1.0 for stem in concept.stems}, ctx.policy.definition_passages)]
    # the first of the best: the hits' order, then BM25's
    strength, _order, found = max(((defines(hit.position), -i, hit.position) for i, hit in enumerate(looked)),
                                  default=(0, 0, -1))
    if strength <= first or found == hits[0].position:
        return hits
    return [Scored(found, hits[0].score), *(h for h in hits if h.position != found)]


def heading_answer(ctx: Context, analysis: QuestionAnalysis, positions: Sequence[int],
                   exclude: Iterable[str] = (), question: str = "") -> list[Candidate]:
    """A question a passage's heading (or document title) asks itself, an FAQ entry's or a section
    named for the topic: that passage's opening sentences, which answer it without repeating its
    words. Of `positions` (best passages by retrieval), the one whose heading holds
    `heading_answer_share` of the question's weight or more, its most distinctive word among them,
    the largest share first; among headings holding as much, one that is the question itself, every
    word counted ("What is sed?" under "What is sed?", not under "How do I emulate file-includes,
    using sed?"; "When should I use sed?" not under "When should I NOT use sed?"): the heading whose
    words are most nearly the question's, when they are `heading_as_question` of both together;
    then retrieval's order."""
    concepts = [c for c in analysis.concepts if not c.hint]
    if not concepts:
        return []
    key = max(concepts, key=lambda c: c.distinctiveness)
    total = fsum(c.weight for c in concepts)
    best: tuple[tuple[float, float], int, frozenset[str]] | None = None
    asked = frozenset(words(question.casefold()))
    for position in dict.fromkeys(positions):
        heading = ctx.searcher.context_terms(position)
        in_heading = [c for c in concepts if c.covered_by(heading)]
        share = fsum(c.weight for c in in_heading) / total
        if key not in in_heading or share < ctx.policy.heading_answer_share:
            continue
        chunk = ctx.searcher.chunks[position]
        written = frozenset(words(f"{chunk.title} {chunk.section or ''}".casefold()))
        alike = len(asked & written) / (len(asked | written) or 1)
        rank = (round(share, 6), alike if alike >= ctx.policy.heading_as_question else 0.0)
        if best is None or rank > best[0]:
            best = (rank, position, heading)
    if best is None:
        return []
    _rank, position, heading = best
    return _opening(ctx, analysis, position, heading, {q.strip() for q in exclude})


def _opening(ctx: Context, analysis: QuestionAnalysis, position: int, heading: frozenset[str],
             excluded: set[str]) -> list[Candidate]:
    """A passage's first sentences, within the sentence and character budget, and their list items."""
    policy, chunk = ctx.policy, ctx.searcher.chunks[position]
    picks: list[Candidate] = []
    used = 0
    for index, terms in enumerate(ctx.searcher.sentence_terms(position)):
        start, end = chunk.sentences[index]
        text = chunk.text[start:end]
        if text.strip() in excluded or asks_the_reader(text):
            continue
        if len(picks) >= policy.max_sentences or (picks and used + len(text) > policy.max_chars):
            break
        covered = frozenset(c for c in analysis.concepts if c.covered_by(terms))
        context = frozenset(c for c in analysis.concepts if c.covered_by(heading)) - covered
        picks.append(Candidate(position, index, 0, 1.0, covered, context, text, (chunk.start, start)))
        used += len(text) + 1
    return with_list_items(ctx, picks, policy.max_chars)
