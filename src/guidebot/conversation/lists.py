"""Lists and comparisons over the program notes: "which universities are in California?" runs
the same selection inside every program note and keeps one cited sentence per match; "which
universities does the guide list?" cites the guide passage naming the most of them; "compare CMU
and MIT" answers the same question from each named note. Lead-ins are templated; every fact is
a cited sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from math import fsum

from ..analysis import words
from ..answering.citing import Block, Citation, Reply, Segment, citation_for, cite, cited, paragraph
from ..answering.grounding import confidence_of, coverage
from ..answering.needs import describe_need, find_needs
from ..answering.question import QuestionAnalysis, analyse_question
from ..answering.selection import Candidate, select_sentences
from ..budget import check_budget
from .asking import has_subject
from .context import Dialogue
from .degrees import degrees_asked, names_degree
from .overview import answer_overview
from .replies import join, partial
from .single import answer_single
from .turns import Resolved


def answer_list(d: Dialogue, resolved: Resolved) -> Reply:
    """Every program note that matches the filter words, one cited sentence each.

    Membership follows the predicate: a sentence that contradicts it ("does not offer", "the
    guide's claim ... is wrong") never makes a university a member, unless what the guide gets
    wrong is asked. A negated question ("which ones don't offer ...?") lists the notes that say they
    do not; when none says so but some say they do, which ones don't is not known, except for a place
    every note states. "Which of them ..." after a list keeps to the universities that list named."""
    analyzer, lexicon = d.searcher.analyzer, d.lexicon
    negated = bool(lexicon.pattern("negated_question").search(resolved.text))
    # "Which universities are in the Midwest?" is read as "... in Illinois or Michigan?"
    asked = d.entities.with_regions_as_places(lexicon.pattern("list_except").sub(" ", resolved.intent or resolved.text))
    filter_words = [w for w in words(asked)
                    if w not in lexicon.list_stop and w not in lexicon.negation_words]
    if _asks_the_guides_list(d, resolved, filter_words):
        return answer_guide_list(d, resolved)
    alternatives = _alternatives(d, d.entities.with_regions_as_places(resolved.text), set(filter_words))
    analysis = analyse_question(d, " ".join(filter_words), corrections=resolved.corrections)
    if not analysis.concepts:
        return answer_guide_list(d, resolved)
    required = [frozenset(analyzer.terms(alt)) for alt in alternatives] or [frozenset()]
    scope = [doc for doc in d.searcher.indexed.documents if doc.kind == "program"
             and (not resolved.focus or doc.id in resolved.focus) and doc.id not in resolved.without]
    matching = {doc.id for doc in d.searcher.documents_matching(analysis.weights, kinds=("program",))}
    affirms: dict[str, Candidate | None] = dict.fromkeys((doc.id for doc in scope), None)
    denies: dict[str, Candidate | None] = dict(affirms)
    doubting = bool(lexicon.pattern("asks_what_is_wrong").search(resolved.text))  # then a correction affirms
    degrees = [] if negated or doubting else degrees_asked(d, resolved.intent or resolved.text)  # "an MS in CS"
    for doc in scope:
        if doc.id in matching:  # a note with none of the words can neither affirm nor deny
            check_budget()
            affirms[doc.id] = _member_sentence(d, doc.id, analysis, required, False, doubting, degrees)
            denies[doc.id] = _member_sentence(d, doc.id, analysis, required, True, doubting)
    if negated:
        items = [pick for pick in denies.values() if pick is not None]
        if not items and any(affirms.values()):  # none says it does not, some say it does
            if not d.entities.in_places(resolved.text):  # "aren't STEM designated?": silence says neither
                return _none_deny(d, [pick for pick in affirms.values() if pick is not None])
            # "Which universities are not in California?": every note says where it is, so the notes that
            # never name the place are the ones (when no note says it either way, there is no list).
            items = [pick for doc in scope if affirms[doc.id] is None and (pick := _opening_pick(d, doc.id))]
    else:  # a note that denies it is no member, whatever else it says
        items = [pick for doc_id, pick in affirms.items() if pick is not None and denies[doc_id] is None]
    if not items:
        return _none_match(d, resolved, affirms)
    parts, citations = cite(d, items)
    lead = d.lexicon.reply("list_lead", count=len(items))
    blocks = (paragraph(Segment(lead)), Block("list", cited(citations)))
    return Reply(lead + " " + " ".join(parts), True, d.policy.list_confidence, tuple(citations), kind="list",
                 focus=tuple(d.searcher.chunks[p.chunk_index].doc_id for p in items), blocks=blocks)


def _asks_the_guides_list(d: Dialogue, resolved: Resolved, filter_words: Sequence[str]) -> bool:
    """Nothing to filter by ("which universities does the guide cover?"), or only what the guide
    lists them for, the corpus's own topic (its profile's `topic`): "which universities does the guide
    list for an MS in machine learning?" is its list, not the notes that say they offer one. Not
    "which universities in the guide have an MS in ML?", which asks which of them do."""
    analyzer = d.searcher.analyzer
    asked = [w for w in filter_words if analyzer.is_content(w) or w == "where"]
    if not asked:
        return True
    topic = set(analyzer.terms(str(d.searcher.indexed.profile.get("topic", ""))))
    return bool(topic) and {analyzer.stem(w) for w in asked} <= topic \
        and bool(d.lexicon.pattern("guide_lists").search(resolved.text))


def _none_match(d: Dialogue, resolved: Resolved, scope: dict[str, Candidate | None]) -> Reply:
    """No note is a member: the question answered as a single one ("Do universities in California
    require the GRE?" about the California notes), said to be unknown when it asked for members
    and the answer names none."""
    place = [doc_id for doc_id in d.entities.in_places(resolved.text) if doc_id in scope]
    text = " ".join(d.lexicon.pattern("in_the_guide").sub(" ", resolved.text).split())  # not "list" to cover
    single = answer_single(d, replace(resolved, text=text, mode="single", focus=tuple(place) or resolved.focus))
    asks_members = d.lexicon.pattern("asks_for_members").search(resolved.text)
    if asks_members and single.answered and not (place or resolved.focus) and not _names_members(d, single):
        return _none_say(d, _saying_enough(d, resolved, single.citations))
    return single


def _none_deny(d: Dialogue, affirming: Sequence[Candidate]) -> Reply:
    """"Which universities aren't STEM designated?" when no note says one isn't: not known, and what
    the notes that say one is do say (answered false)."""
    lexicon = d.lexicon
    head, lead, pointer = lexicon.reply("list_none_deny"), lexicon.reply("partial_known"), lexicon.reply("pointer_none")
    parts, citations = cite(d, list(affirming))
    blocks = (paragraph(Segment(head)), paragraph(Segment(lead)), Block("list", cited(citations)),
              paragraph(Segment(pointer.strip())))
    return Reply(f"{head} {lead} {' '.join(parts)}{pointer}", False, 0.0, tuple(citations), kind="partial",
                 blocks=blocks)


def _saying_enough(d: Dialogue, resolved: Resolved, citations: Sequence[Citation]) -> list[Citation]:
    """The cited sentences that say, in their own words, the share of the question a partial reply's
    general sentences must ("which universities require work experience?" is not told in general
    by "An F-1 student may not start OPT work before ..."), numbered again from 1."""
    analysis = analyse_question(d, resolved.text, drop_words=d.lexicon.filler, corrections=resolved.corrections)
    needed, terms = d.policy.partial_general_share * analysis.total_weight, d.searcher.analyzer.terms
    kept = [c for c in citations if needed > 0 and fsum(
        concept.weight for concept in analysis.concepts if concept.covered_by(frozenset(terms(c.quote)))) >= needed]
    return [replace(c, id=n) for n, c in enumerate(kept, 1)]


def _names_members(d: Dialogue, reply: Reply) -> bool:
    """Does the reply cite a program note, or a sentence naming one ("the following universities
    ...: Carnegie Mellon University (CMU)")?"""
    return any(d.entities.kind(c.doc_id) == "program" or any(d.entities.kind(e) == "program"
                                                              for e in d.entities.find(c.quote))
               for c in reply.citations)


def _none_say(d: Dialogue, general: Sequence[Citation]) -> Reply:
    """"Which universities require work experience?" and no note says of any: which ones is not
    known, whatever the guide says in general, which the reply gives as such (answered false).
    Not "which English tests do universities accept?": that asks for tests, which a note names."""
    lexicon = d.lexicon
    head = lexicon.reply("list_none_say")
    lead = lexicon.reply("partial_in_general")
    pointer = lexicon.reply("pointer_none")
    if not general:
        return Reply(head + pointer, False, 0.0, kind="partial")
    blocks = (paragraph(Segment(head)), paragraph(Segment(lead), *cited(general)), paragraph(Segment(pointer.strip())))
    said = " ".join(f"{c.quote} [{c.id}]" for c in general)
    return Reply(f"{head} {lead} {said}{pointer}", False, 0.0, tuple(general), kind="partial", blocks=blocks)


def _alternatives(d: Dialogue, text: str, filter_words: set[str]) -> list[str]:
    """The filter's alternatives, in the words of the message as typed: "in Illinois, Michigan or
    Washington" is three ("," counts as "or" only in a question that says "or")."""
    separator = r"\bor\b|[,;/]" if re.search(r"\bor\b", text, re.IGNORECASE) else r"\bor\b"
    parts = ([w for w in words(part) if w in filter_words] for part in re.split(separator, text, flags=re.IGNORECASE))
    return [" ".join(part) for part in parts if part]


def _member_sentence(d: Dialogue, doc_id: str, analysis: QuestionAnalysis, required: list[frozenset[str]],
                     denying: bool, doubting: bool = False,
                     degrees: Sequence[tuple[str, ...]] = ()) -> Candidate | None:
    """The note's best sentence that matches the predicate and affirms it (or, `denying`, denies
    it), if any; one that affirms a degree asked by name must name it as a degree (`degrees`)."""
    policy = d.policy
    hits = d.searcher.top(analysis.weights, policy.list_passages_per_note, doc_ids=[doc_id])
    for pick in select_sentences(d, analysis, hits, max_sentences=policy.list_sentences_per_note,
                                 max_chars=policy.list_chars_per_note):
        if _denies(d, pick, analysis, doubting) != denying:
            continue
        terms = d.searcher.sentence_terms(pick.chunk_index)[pick.sentence_index]
        if any(_covers_alternative(d, alt, terms, analysis) for alt in required) and (
                not degrees or names_degree(d, pick.text, degrees)):
            return pick
    return None


def _denies(d: Dialogue, pick: Candidate, analysis: QuestionAnalysis, doubting: bool = False) -> bool:
    """Does the sentence deny the predicate? A negation before one of the predicate's words ("does
    not offer a master's degree titled ..."), or a correction ("the guide's claim ... is wrong")
    of a claim holding them; not a negation that only follows them ("California Institute of
    Technology does not ..."). The note's own name is not the predicate."""
    if doubting:  # asked what the guide gets wrong: its correction is what is asked, nothing else
        return not d.lexicon.pattern("correction").search(pick.text)
    tokens = words(pick.text)
    doc = d.searcher.documents[d.searcher.chunks[pick.chunk_index].doc_id]
    name = set(words(f"{doc.title} {doc.university or ''} {' '.join(doc.aliases)}"))
    stem = d.searcher.analyzer.stem
    predicate = {s for c in pick.covered for s in c.stems}
    positions = [i for i, t in enumerate(tokens) if stem(t) in predicate and t not in name]
    # What is denied is the predicate's most distinctive word ("not as a master's major" does not
    # deny a PhD major); when that word is not written out as one token, any of its words.
    key = max(pick.covered, key=lambda c: c.distinctiveness, default=None)
    key_positions = [i for i in positions if key is not None and stem(tokens[i]) in key.stems]
    positions = key_positions or positions
    if not positions:
        return False
    if d.lexicon.pattern("correction").search(pick.text):
        return True
    negations = [i for i, t in enumerate(tokens) if t in d.lexicon.negation_words]
    return any(0 < p - n <= d.policy.denial_window for n in negations for p in positions)


def _opening_pick(d: Dialogue, doc_id: str) -> Candidate | None:
    """A note's first sentence, as a list item (what the note is about)."""
    for position in d.searcher.chunks_of(doc_id):
        chunk = d.searcher.chunks[position]
        if chunk.sentences:
            start, end = chunk.sentences[0]
            return Candidate(position, 0, 0, 1.0, frozenset(), frozenset(), chunk.text[start:end],
                             (chunk.start, start))
    return None


def _covers_alternative(d: Dialogue, alternative: frozenset[str], terms: frozenset[str],
                        analysis: QuestionAnalysis) -> bool:
    """The sentence matches one alternative ("in Illinois" of "Illinois or Michigan"): it has the
    alternative's most distinctive word (rare here and in English: "PhD", not "major") and most of
    the weight of its words."""
    needed = [c for c in analysis.concepts if c.stems & alternative] or list(analysis.concepts)
    key = max(needed, key=lambda c: c.distinctiveness)
    covered = fsum(c.weight for c in needed if c.covered_by(terms))
    return key.covered_by(terms) and covered >= d.policy.list_alternative_share * fsum(c.weight for c in needed)


def answer_guide_list(d: Dialogue, resolved: Resolved) -> Reply:
    """'Which universities does the guide list?': the guide passage that names the most universities."""
    best: tuple[int, int] | None = None
    for doc in d.searcher.indexed.documents:
        if doc.kind != "guide":
            continue
        for chunk_index in d.searcher.chunks_of(doc.id):
            named = d.entities.named_in(words(d.searcher.chunks[chunk_index].text))
            if best is None or len(named) > best[0]:
                best = (len(named), chunk_index)
    if best is None or best[0] < 2:
        return answer_single(d, replace(resolved, mode="single"))
    chunk = d.searcher.chunks[best[1]]
    named = [quote for quote in chunk.sentence_texts() if (found := d.entities.named_in(words(quote)))
             and not set(found) & set(resolved.without)]
    citations = [citation_for(chunk, quote, n) for n, quote in enumerate(named, start=1)]
    items = "; ".join(f"{c.quote} [{c.id}]" for c in citations)
    lead = d.lexicon.reply("guide_list_lead_without", count=len(citations),
                           names=join([d.entities.name(i) for i in resolved.without])) \
        if resolved.without else d.lexicon.reply("guide_list_lead", count=len(citations))
    blocks = (paragraph(Segment(lead)), Block("list", cited(citations)))
    return Reply(f"{lead} {items}.", True, d.policy.list_confidence, tuple(citations), kind="list", blocks=blocks)


def answer_compare(d: Dialogue, resolved: Resolved) -> Reply:
    """Side by side: the same question answered from each named university's note."""
    policy = d.policy
    docs = [d.searcher.documents[i] for i in resolved.focus if i in d.searcher.documents]
    needs = find_needs(d, resolved.text)
    judged = [n for n in needs if n.kind in ("judgement", "personal")]
    if judged:  # "which is better, CMU or Stanford?": the notes state facts, never a verdict
        return partial(d, resolved, docs, describe_need(d, judged[0]), judged[0].kind)
    if needs:  # "what GPA do CMU and Georgia Tech want?": the single answer checks the specific in each note
        return answer_single(d, replace(resolved, mode="single"))
    if not has_subject(d, resolved.intent):
        return answer_overview(d, resolved, docs)
    analysis = analyse_question(d, resolved.intent, drop_words=d.lexicon.filler | d.lexicon.compare_words,
                                corrections=resolved.corrections)
    parts: list[str] = []
    citations: list[Citation] = []
    items: list[Segment] = []
    covers, silent = [], []
    for doc in docs[:policy.compare_documents]:
        hits = d.searcher.top(analysis.weights, policy.compare_passages_per_note, doc_ids=[doc.id])
        picks = select_sentences(d, analysis, hits, max_sentences=policy.compare_sentences_per_note,
                                 max_chars=policy.compare_chars_per_note)
        cover = coverage(analysis, picks, policy) if picks else 0.0
        if cover < policy.answer_threshold:
            silent.append(doc)  # "are CMU and Stanford STEM?": Stanford's note does not say
            continue
        covers.append(cover)
        sentence_parts, sentence_citations = cite(d, picks, start_id=len(citations) + 1)
        parts.append(" ".join(sentence_parts))
        citations.extend(sentence_citations)
        items.append(Segment(" ".join(c.quote for c in sentence_citations), tuple(c.id for c in sentence_citations)))
    if not citations:  # no note says: the partial reply, with what holds in general
        return answer_single(d, replace(resolved, mode="single"))
    blocks = [Block("list", tuple(items))]
    if silent:
        parts.append(d.lexicon.reply("compare_silent", names=join([doc.title for doc in silent])))
        blocks.append(paragraph(Segment(parts[-1])))
    cover = sum(covers) / (len(covers) + len(silent))  # a note that does not say lowers the confidence
    return Reply(" ".join(parts), True, confidence_of(analysis, cover, policy), tuple(citations), kind="answer",
                 focus=resolved.focus, blocks=tuple(blocks))
