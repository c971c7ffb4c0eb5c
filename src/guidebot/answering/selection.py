"""Sentence selection: from the passages retrieval found, the sentences that answer the question,
in a readable order, within the policy's sentence and character budget."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from math import fsum

from ..analysis import words
from ..budget import check_budget
from ..chunking import Chunk
from ..search import Scored
from .context import Context
from .question import Concept, QuestionAnalysis


@dataclass
class Candidate:
    """A sentence that may be cited: where it is, and which of the question's concepts it covers."""

    chunk_index: int
    sentence_index: int
    rank: int
    rank_factor: float
    covered: frozenset[Concept]
    context: frozenset[Concept]
    text: str
    position: tuple[int, int] = field(default=(0, 0))
    defines: bool = False  # "SEVIS is the ...", for "what is SEVIS?": its subject is the word asked
    lists: bool = False  # "courses in A, B, and C", for "what courses ...?": it names some of the kind asked for


def asks_the_reader(sentence: str) -> bool:
    """A sentence that asks ("Looking to jumpstart your career in ML?") tells nothing: never quoted
    as an answer (an overview skips it too, unless the opening itself is asked for)."""
    return sentence.rstrip().endswith("?")


def _defines(ctx: Context, sentence: str, covered: Iterable[Concept]) -> bool:
    """'SEVIS is the Student and ...': the sentence's subject is one of the asked words."""
    match = ctx.lexicon.pattern("defining_sentence").match(sentence)
    if not match:
        return False
    subject = " ".join(words(match.group(1)))
    return any(c.word in subject.split() for c in covered)


def _names_instances(ctx: Context, sentence: str, kind: Concept) -> bool:
    """'... core courses in statistics, algorithms, and programming': after the kind of thing asked
    for ("what classes ..."), the sentence names some (not "one online class per term")."""
    after, stem = ctx.lexicon.pattern("instances_after"), ctx.searcher.analyzer.stem
    return any(stem(m.group(0).casefold()) in kind.stems and after.match(sentence, m.end())
               for m in re.finditer(r"[^\W_]+", sentence))


def _candidates(ctx: Context, analysis: QuestionAnalysis, hits: Sequence[Scored], excluded: set[str],
                skip_negative: bool) -> list[tuple[float, Candidate]]:
    """Every sentence of the hits that covers a concept, with its relevance.

    A sentence's relevance is the weight of the question's concepts it contains, plus a share
    (`context_credit`) of the weight of those only its heading or document title contains, scaled
    by its passage's BM25 score relative to the best passage's."""
    policy, searcher = ctx.policy, ctx.searcher
    negation, pointer = ctx.lexicon.pattern("negation"), ctx.lexicon.pattern("pointer_sentence")
    top_score = hits[0][1] or 1.0
    universe = _covering_terms(analysis.concepts)
    found: list[tuple[float, Candidate]] = []
    for rank, (chunk_index, score) in enumerate(hits):
        check_budget()
        chunk = searcher.chunks[chunk_index]
        context_terms = searcher.context_terms(chunk_index)
        in_context = frozenset(c for c in analysis.concepts if c.covered_by(context_terms)) \
            if universe is None or not universe.isdisjoint(context_terms) else frozenset()
        rank_factor = policy.rank_floor + (1 - policy.rank_floor) * (score / top_score)
        for sentence_index, terms in enumerate(searcher.sentence_terms(chunk_index)):
            if universe is not None and universe.isdisjoint(terms):
                continue  # no term any concept could be covered by: nothing covered
            covered = frozenset(c for c in analysis.concepts if c.covered_by(terms))
            if not covered:
                continue
            start, end = chunk.sentences[sentence_index]
            text = chunk.text[start:end]
            if text.strip() in excluded or (skip_negative and negation.search(text)):
                continue
            if not analysis.wants_pointer and pointer.match(text):
                continue  # "Check the official site ..." answers only "where can I find ..."
            if asks_the_reader(text):
                continue
            context = in_context - covered
            relevance = (fsum(c.weight for c in covered)
                         + policy.context_credit * fsum(c.weight for c in context)) * rank_factor
            defines = analysis.definition and _defines(ctx, text, covered)
            if defines:
                relevance *= policy.definition_boost
            lists = analysis.asked_for in covered and _names_instances(ctx, text, analysis.asked_for)
            if lists:
                relevance *= policy.instances_boost
            found.append((relevance, Candidate(chunk_index, sentence_index, rank, rank_factor, covered, context,
                                               text, (chunk.start, start), defines, lists)))
    return found


def _covering_terms(concepts: Sequence[Concept]) -> frozenset[str] | None:
    """Every term that can make `Concept.covered_by` true for one of the concepts (its stems, its
    own terms, its synonyms' terms): a sentence with none of them covers nothing, which one set
    test says (most sentences of the passages retrieved; four `covered_by` calls each before).
    None when a concept has an empty synonym, which covers any sentence."""
    universe: set[str] = set()
    for concept in concepts:
        if any(not alternative for alternative in concept.alternatives):
            return None
        universe.update(concept.stems, concept.own or (), *concept.alternatives)
    return frozenset(universe)


_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+•]|\d+[.)])[ \t]+$")


def with_list_items(ctx: Context, picks: list[Candidate], max_chars: int) -> list[Candidate]:
    """A picked lead-in ("The following universities ...:") brings the list items after it, all of
    them, whatever the sentence budget: a list cut after three items misinforms."""
    extra: list[Candidate] = []
    taken = {(p.chunk_index, p.sentence_index) for p in picks}
    for pick in picks:
        if not pick.text.rstrip().endswith(":"):
            continue
        chunk = ctx.searcher.chunks[pick.chunk_index]
        for index in range(pick.sentence_index + 1, len(chunk.sentences)):
            start, end = chunk.sentences[index]
            line_start = chunk.text.rfind("\n", 0, start) + 1
            if not _LIST_MARKER.match(chunk.text[line_start:start]):
                break
            if (pick.chunk_index, index) in taken:
                continue
            taken.add((pick.chunk_index, index))
            extra.append(Candidate(pick.chunk_index, index, pick.rank, pick.rank_factor, frozenset(), frozenset(),
                                   chunk.text[start:end], (chunk.start, start)))
    return picks + extra


def select_sentences(ctx: Context, analysis: QuestionAnalysis, hits: Sequence[Scored],
                     max_sentences: int | None = None, max_chars: int | None = None,
                     exclude: Iterable[str] = (), skip_negative: bool = False) -> list[Candidate]:
    """The sentences most relevant to the question, in a readable order.

    The most relevant sentence is always taken; the others within `relative_cutoff` of its
    relevance (`passage_cutoff` in its own passage) follow passage by passage in BM25 order (so
    the best passage speaks whole) until the sentence or character budget is spent; then all are
    put back in document order.
    """
    picks = arrange(ctx, ranked_sentences(ctx, analysis, hits, max_sentences, max_chars, exclude, skip_negative))
    # "how long is my TOEFL score good for?" opens with "valid for two years", the specific asked
    meets = next((p for p in picks if all(need.met_by(p.text) for need in analysis.needs)), None) \
        if analysis.needs else None
    return [meets, *(p for p in picks if p is not meets)] if meets is not None else picks


def ranked_sentences(ctx: Context, analysis: QuestionAnalysis, hits: Sequence[Scored],
                     max_sentences: int | None = None, max_chars: int | None = None,
                     exclude: Iterable[str] = (), skip_negative: bool = False) -> list[Candidate]:
    """The sentences `select_sentences` picks, in the order it picks them (best first): its first n
    are what a budget of n sentences picks, so one ranking serves a full answer and a brief one."""
    policy = ctx.policy
    max_sentences = policy.max_sentences if max_sentences is None else max_sentences
    max_chars = policy.max_chars if max_chars is None else max_chars
    if not hits or not analysis.concepts:
        return []
    candidates = _candidates(ctx, analysis, hits, {q.strip() for q in exclude}, skip_negative)
    if not candidates:
        return []
    best_relevance, best = max(candidates, key=lambda rc: (rc[0], -rc[1].rank, [-x for x in rc[1].position]))

    def cutoff(candidate: Candidate) -> float:
        same_passage = candidate.chunk_index == best.chunk_index
        return (policy.passage_cutoff if same_passage else policy.relative_cutoff) * best_relevance

    eligible = sorted((c for relevance, c in candidates if relevance >= cutoff(c) and c is not best),
                      key=lambda c: (c.rank, c.position))
    picks: list[Candidate] = [best]
    used_chars = len(best.text) + 1
    seen_texts: set[str] = {best.text}
    for candidate in eligible:
        if len(picks) >= max_sentences:
            break
        if candidate.text in seen_texts or used_chars + len(candidate.text) > max_chars:
            continue
        picks.append(candidate)
        seen_texts.add(candidate.text)
        used_chars += len(candidate.text) + 1
    return picks


def arrange(ctx: Context, picks: list[Candidate]) -> list[Candidate]:
    """Picked sentences as an answer reads them: a lead-in's list items after it; documents in the
    order retrieval ranked their passages (the best passage first), each in reading order, except
    that a sentence of the first document saying all the others say of the question leads when the
    first does not ("Is CMU's ML master's a STEM program?" opens with "Carnegie Mellon says that
    its Master's in Machine Learning is a STEM program", not with how applicants apply), that
    "what is X?" opens with the sentence saying what X is, and "what classes ...?" with one naming
    some ("core courses in statistics, algorithms, and programming")."""
    picks = with_list_items(ctx, picks, ctx.policy.max_chars)
    chunks = ctx.searcher.chunks
    doc_rank: dict[str, int] = {}
    for pick in picks:
        doc_id = chunks[pick.chunk_index].doc_id
        doc_rank[doc_id] = min(doc_rank.get(doc_id, pick.rank), pick.rank)
    ordered = sorted(picks, key=lambda c: (doc_rank[chunks[c.chunk_index].doc_id], c.position))
    if len(ordered) < 2:
        return ordered
    definition = next((p for p in ordered if p.defines), None)  # what X is; else some of the kind asked for
    lead = definition or next((p for p in ordered if p.lists), None)
    if lead is not None and not (ordered[0].defines if definition else ordered[0].lists):
        return [lead, *(p for p in ordered if p is not lead)]
    said = frozenset().union(*(p.covered for p in ordered))
    first_doc = chunks[ordered[0].chunk_index].doc_id
    whole = next((p for p in ordered if p.covered >= said and chunks[p.chunk_index].doc_id == first_doc), None)
    if ordered[0].covered >= said:
        return ordered
    if whole is None:
        whole = _most_of_what_is_asked(ordered, first_doc, chunks)
    if whole is None:
        return ordered
    return [whole, *(p for p in ordered if p is not whole)]


def _most_of_what_is_asked(ordered: list[Candidate], first_doc: str, chunks: Sequence[Chunk]) -> Candidate | None:
    """The first document's sentence saying most of what is asked beyond the names asked about
    ("is UCSD's online MDS ok for F-1?": the sentence on the F-1 visa, not the two naming the MDS;
    "is the visa interview mandatory?": the one on the interview, not the F-1 rules saying "must"),
    when it says more of it than the first sentence does."""
    def asked(pick: Candidate) -> float:
        return fsum(c.weight for c in pick.covered if not c.name)
    best = max((p for p in ordered if chunks[p.chunk_index].doc_id == first_doc), key=asked)
    return best if asked(best) > asked(ordered[0]) + 1e-9 else None
