"""Single questions: about the documents in focus (a university's note, a topic note), or about
studying in general (the guide and topic notes first). Decides between an answer, a general
answer for a university whose note is silent, the honest partial reply, and an abstention."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from math import fsum

from ..analysis import words
from ..answering.answerability import decide
from ..answering.citing import Reply, citation_for, cited, paragraph
from ..answering.grounding import coverage, grounded, needs_unmet
from ..answering.needs import Need, describe_need
from ..answering.passages import heading_answer, with_definition
from ..answering.question import Concept, QuestionAnalysis, analyse_question
from ..answering.selection import Candidate, arrange, ranked_sentences, select_sentences
from ..corpus import Document
from ..search import Scored
from . import naming
from .acronyms import answer_expansion
from .asking import has_subject
from .context import Dialogue
from .contrasts import with_contrasts
from .degrees import denying_the_degree_asked, without_rival_degrees
from .meaning import closest_in_meaning, of_best_document
from .naming import names_a_subject, names_of, part_names_asked, without_rival_parts
from .overview import answer_overview, document_named, document_part, document_titled
from .replies import abstain, clarify, compose, join, partial
from .turns import Resolved


def answer_single(d: Dialogue, resolved: Resolved) -> Reply:
    focus_docs = [d.searcher.documents[i] for i in resolved.focus if i in d.searcher.documents]
    question = resolved.intent if resolved.focus else resolved.text
    if focus_docs and not has_subject(d, question):
        return answer_overview(d, resolved, focus_docs)
    if focus_docs:
        reply = _answer_in_focus(d, resolved, focus_docs, question)
        if reply.answered:
            return reply
        if resolved.mode == "more":  # nothing more on that: more about what is in focus
            return answer_overview(d, resolved, focus_docs)
        if resolved.tentative:
            return _answer_general(d, resolved, _framed(d, resolved.text))
        return reply
    return _answer_general(d, resolved, _framed(d, question))


def _framed(d: Dialogue, question: str) -> str:
    """Without "in general, ...", which lets go of the focus and is no word to search for (GRE General Test)."""
    return " ".join(d.lexicon.pattern("in_general").sub(" ", question).split()) or question


def _answer_in_focus(d: Dialogue, resolved: Resolved, focus_docs: list[Document], question: str) -> Reply:
    """From the notes of the question's subjects.

    A question naming a university and a topic ("Does UCSD require the GRE?") is about the
    university: only sentences of its note that address the topic answer it; the topic's name is a
    word to cover there, not a second place to look. When the subject's note is silent, the reply is
    partial (answered false): what its note does not say, what holds in general with its citation,
    and where to check. A topic note in focus on its own is general knowledge: when it is silent,
    the guide's general answer is an answer.
    """
    filler, policy = d.lexicon.filler, d.policy
    subjects = [doc for doc in focus_docs if doc.kind == "program"] or focus_docs
    # Inside a note about OPT every sentence is about OPT: the note's own name is implied, and the rest
    # ("how do I apply") decides which sentences answer, unless nothing else is asked. A topic carried
    # over from the turn before ("... work for *that* [F-1]?") is searched for too.
    carried = _carried_topics(focus_docs, subjects, question)
    implied = frozenset(names_of([*subjects, *carried]))
    analysis = analyse_question(d, question, drop_words=filler, corrections=resolved.corrections,
                                implied_words=implied, as_written=resolved.text)
    if name_only := not analysis.concepts:  # "what is SEVIS?": the name is the subject after all
        analysis = analyse_question(d, question, drop_words=filler, corrections=resolved.corrections,
                                    as_written=resolved.text)
    if (spelled := answer_expansion(d, resolved, subjects, question)) is not None:
        return spelled  # "what does IELTS stand for?": the sentence spelling it out
    if not analysis.concepts:  # "how long is it?": only a figure will do; "tell me about it": the overview
        return (answer_need_only(d, resolved, subjects, analysis.needs[0]) if analysis.needs
                else answer_overview(d, resolved, subjects))
    analysis = with_contrasts(d, analysis, resolved.text)  # "is the PMP online?": "held in person" tells
    analysis, hits, picks = _picks_in_focus(d, resolved, analysis, subjects, carried, question)
    unmet = needs_unmet(analysis, picks, d.searcher.analyzer.terms)
    if unmet is not None and name_only and unmet.kind != "personal":
        # "is my TOEFL from 3 years ago still ok?": nothing but the note's name and a figure asked
        return answer_need_only(d, resolved, subjects, unmet)
    if unmet is not None:  # what is known: what answers but for the figure, or that there is no such degree
        known = _known_instead(d, analysis, picks, unmet) \
            or denying_the_degree_asked(d, question, analysis, subjects, picks)[:1]
        return partial(d, resolved, subjects, describe_need(d, unmet), unmet.kind, known=known)
    decision = decide(analysis, picks, policy, in_focus=True)
    topics = [doc for doc in focus_docs if doc not in subjects]
    if decision.answered and _topics_addressed(d, analysis, picks, topics):
        return compose(d, resolved, analysis, picks, decision.features.coverage, probability=decision.probability)
    if denied := denying_the_degree_asked(d, question, analysis, subjects, picks):  # "Caltech's ML master's": none
        return compose(d, resolved, analysis, denied[:1], coverage(analysis, denied[:1], policy))
    if all(doc.kind != "program" for doc in subjects):  # a topic note, asked in other words
        closest = closest_in_meaning(d, analysis, question, hits, resolved.exclude, policy.focus_meaning_threshold)
        if closest is not None:
            return compose(d, resolved, analysis, [closest], coverage(analysis, [closest], policy),
                           probability=decide(analysis, [closest], policy, in_focus=True).probability)
    return _general_instead(d, resolved, subjects, question, carried)


def _picks_in_focus(d: Dialogue, resolved: Resolved, analysis: QuestionAnalysis, subjects: Sequence[Document],
                    carried: Sequence[Document], question: str) \
        -> tuple[QuestionAnalysis, list[Scored], list[Candidate]]:
    """The subjects' sentences that answer the question (in a topic note with none, the section whose
    heading asks it): none that names only another part or degree than the one asked; and when a
    topic was carried over ("So would Berkeley's MIDS work for that [the F-1]?") and none names it,
    the search again with the topic asked for by name."""
    policy, ids = d.policy, [doc.id for doc in subjects]
    hits = d.searcher.top(analysis.weights, policy.focus_passages, doc_ids=ids)
    picks = select_sentences(d, analysis, hits, exclude=resolved.exclude)
    if not picks and all(doc.kind != "program" for doc in subjects):  # "do I need TOEFL?": "Who needs an English test"
        picks = heading_answer(d, analysis, [h.position for h in hits], resolved.exclude, question)
    picks = without_rival_degrees(d, subjects, analysis, without_rival_parts(d, subjects, question, picks), question)
    if carried and not any(names_a_subject(d, p, carried) for p in picks):
        asked = " ".join([question, *(doc.aliases[0] for doc in carried if doc.aliases)])
        named = analyse_question(d, asked, drop_words=d.lexicon.filler, corrections=resolved.corrections,
                                 implied_words=frozenset(names_of(subjects)), as_written=resolved.text)
        named_hits = d.searcher.top(named.weights, policy.focus_passages, doc_ids=ids)
        retry = select_sentences(d, named, named_hits, exclude=resolved.exclude)
        if any(names_a_subject(d, p, carried) for p in retry):
            return named, named_hits, retry
    return analysis, hits, picks


def _known_instead(d: Dialogue, analysis: QuestionAnalysis, picks: Sequence[Candidate], unmet: Need) -> list[Candidate]:
    """What the partial reply can still cite when the notes lack the specific asked: the picked
    sentences, when they would answer the question but for the specific (its key word cited and
    enough of it covered, more than a name); nothing for a question about the student's chances."""
    if unmet.kind == "personal" or not any(not c.name for p in picks for c in p.covered):
        return []  # "how long is the CMU MSML?" is not told by a sentence that only names it
    if not grounded(replace(analysis, needs=()), picks, coverage(analysis, picks, d.policy), d.policy.answer_threshold):
        return []
    return arrange(d, list(picks)[:d.policy.partial_general_sentences])


def _topics_addressed(d: Dialogue, analysis: QuestionAnalysis, picks: Sequence[Candidate],
                      topics: Sequence[Document]) -> bool:
    """A topic named beside the university ("the GRE" in "Do I need the GRE for UW's PMP?") is what
    is asked about it: a cited sentence of the university's note must name it."""
    for topic in topics:
        names = set(names_of([topic]))
        asked = [c for c in analysis.concepts if set(c.word.split()) & names]
        if asked and not any(c in p.covered for c in asked for p in picks):
            return False
        if not asked and not any(names_a_subject(d, p, [topic]) for p in picks):
            return False  # carried over from the turn before: a cited sentence must still name it
    return True


def _carried_topics(focus_docs: Sequence[Document], subjects: Sequence[Document], question: str) -> list[Document]:
    """Topics in focus beside the university that the question does not name itself."""
    asked = set(words(question))
    return [doc for doc in focus_docs if doc not in subjects and not asked & set(words(" ".join(doc.aliases)))]


def _general_instead(d: Dialogue, resolved: Resolved, subjects: list[Document], question: str,
                     carried: Sequence[Document] = ()) -> Reply:
    """The subjects' notes are silent: what the guide and topic notes say in general, if they
    clearly answer, as an answer for a topic and as a partial reply for a university. A topic
    carried over ("do I need *it* [the GRE] for Stanford?") is what the general sentences are about;
    the university's own program names ("MEng") are not (`naming.without_names_unsaid`)."""
    policy, subject_ids = d.policy, {doc.id for doc in subjects}
    topics_only = all(doc.kind != "program" for doc in subjects)
    # Outside a topic's note its name is no longer implied: "can I work on it [F-1]?" is answered by
    # what says F-1 and work ("OPT is work authorization for F-1 students"), not work alone (careers).
    implied = names_of(subjects) if topics_only else names_of(carried)
    analysis = analyse_question(d, question, drop_words=d.lexicon.filler, corrections=resolved.corrections,
                                implied_words=implied, as_written=resolved.text)
    where = {"doc_ids": [doc.id for doc in carried]} if carried and not topics_only else {"kinds": ("guide", "topic")}
    general = [hit for hit in d.searcher.top(analysis.weights, policy.focus_passages, **where)
               if d.searcher.chunks[hit.position].doc_id not in subject_ids][:policy.top_k_passages]
    asked, analysis = analysis, analysis if topics_only else naming.without_names_unsaid(d, analysis, general)
    focus = [doc for doc in map(d.searcher.documents.get, resolved.focus) if doc]  # "IELTS at CMU?": not the TOEFL's
    ranked = without_rival_parts(d, focus, question, ranked_sentences(d, analysis, general, exclude=resolved.exclude))
    if topics_only:  # only what is said of the topic answers for it
        names = part_names_asked(d, subjects, question)
        ranked = [pick for pick in ranked if names_a_subject(d, pick, subjects, names)]
    general_picks = arrange(d, ranked)
    general_cover = coverage(analysis, general_picks, policy)
    if not grounded(analysis, general_picks, general_cover, policy.fallback_threshold):
        return partial(d, resolved, subjects, None, None)
    if topics_only:
        lead = d.lexicon.reply("fallback_lead", names=join([d.entities.name(doc.id) for doc in subjects]))
        return compose(d, resolved, analysis, general_picks, general_cover * policy.fallback_confidence_share,
                       lead=lead)
    # Each general sentence must say much of what is asked on its own: "can I finish a master's at
    # UMich in one year?" is not told in general by "TOEFL scores are valid for two years".
    total = asked.total_weight  # the names no general sentence says still count in what is asked
    own = [pick for pick in ranked if fsum(c.weight for c in pick.covered) >= policy.partial_general_share * total]
    if not own:
        return partial(d, resolved, subjects, None, None)
    brief = arrange(d, own[:min(policy.partial_general_sentences, policy.max_sentences)])
    return partial(d, resolved, subjects, None, None, general=brief)


def _answer_general(d: Dialogue, resolved: Resolved, question: str) -> Reply:
    """A question naming no university: the guide and topic notes first. Across documents, the words
    that frame the question also tip the ranking ("are lsof executables *available*?")."""
    policy = d.policy
    analysis = analyse_question(d, question, drop_words=d.lexicon.filler, corrections=resolved.corrections)
    if (spelled := answer_expansion(d, resolved, None, question)) is not None:
        return spelled  # "what does EAD stand for?": the sentence spelling it out
    if not analysis.concepts:  # "Where can I get more help?" may be an FAQ entry's very title
        return answer_overview(d, resolved, [doc]) if (doc := document_titled(d, question)) else clarify(d)
    if (part := document_part(d, resolved, question)) is not None:  # "what is the guide's conclusion?"
        return part
    if (named := document_named(d, analysis)) is not None:  # "what is this guide about?": the document
        return answer_overview(d, resolved, [named])
    weights = {**dict.fromkeys(analysis.framing, policy.filler_weight), **analysis.weights}  # framing tips it
    hits = general_first(d, d.searcher.top(weights, policy.general_candidates))[:policy.top_k_passages]
    hits = with_definition(d, analysis, hits)  # "what is sed?": a passage saying what it is
    picks = select_sentences(d, analysis, hits, exclude=resolved.exclude)
    heading = heading_answer(d, analysis, [h.position for h in hits] + [
        position for position, _ in d.searcher.search(question, 1)], resolved.exclude, question)
    judged = policy
    if heading and (not picks or picks[0].chunk_index != heading[0].chunk_index):
        # The heading asks the question itself: what it holds is covered, not only context.
        picks, judged = heading, replace(policy, context_credit=1.0)
    cover = coverage(analysis, picks, judged)
    unmet = needs_unmet(analysis, picks, d.searcher.analyzer.terms)
    if unmet is not None and heading and picks[0].chunk_index == (at := heading[0].chunk_index) and \
            unmet.settled_by_heading(f"{d.searcher.chunks[at].title} {d.searcher.chunks[at].section or ''}"):
        unmet = None  # "which distribution is better for me?" under that very heading
    # A name the corpus never uses ("Harvard") is what is asked about, in a corpus of notes on named things
    # (programs): nothing here answers it, unless the question names what the corpus does too. In an FAQ,
    # "Is zlib under the GNU license?" asks of no other thing of its kind: the name is one more word.
    blocking = bool(analysis.unknown_names) and d.entities.has_programs and not any(
        c.name and c.known for c in analysis.concepts)
    if unmet is not None and cover >= policy.answer_threshold * 0.5 and not blocking:
        return partial(d, resolved, [], describe_need(d, unmet), unmet.kind)
    blocking = blocking or naming.says_only_where(d, analysis, question, picks)  # "is Atlanta safe?"
    decision = decide(analysis, picks, judged, in_focus=False)
    if not blocking and unmet is None and decision.answered:
        if _only_of_several_programs(d, picks, question):
            return partial(d, resolved, [], None, None, known=picks[:d.policy.partial_general_sentences])
        return compose(d, resolved, analysis, picks, cover, probability=decision.probability)
    if not blocking and unmet is None:
        closest = closest_in_meaning(d, analysis, question, of_best_document(d, hits), resolved.exclude)
        if closest is not None:
            return compose(d, resolved, analysis, [closest], coverage(analysis, [closest], policy),
                           probability=decide(analysis, [closest], policy, in_focus=False).probability)
    if not blocking and unmet is None and decision.union is not None \
            and (said := _said_of(d, analysis, picks, decision.union)):
        return partial(d, resolved, [], None, None, known=said)
    return abstain(d, analysis, cover)


def _only_of_several_programs(d: Dialogue, picks: Sequence[Candidate], question: str) -> bool:
    """A question naming no university, answered only by what the notes of two or more universities
    say of themselves ("can I apply with a three-year bachelor's?": MIT's PhD route beside CMU's
    5th-year master's), is not answered: each says what holds there, not in general. Unless the
    question asks which of them ("which universities have a master's with a thesis?")."""
    docs = {d.searcher.chunks[p.chunk_index].doc_id for p in picks}
    kinds = {d.searcher.documents[doc].kind for doc in docs if doc in d.searcher.documents}
    return len(docs) >= 2 and kinds == {"program"} and not d.lexicon.pattern("list").search(question)


def _said_of(d: Dialogue, analysis: QuestionAnalysis, picks: Sequence[Candidate], key: Concept) -> list[Candidate]:
    """Every word asked is in some sentence, but the key word never with another ("is a thesis
    required?"): not an answer, but what the corpus does say of the key word, for the partial reply:
    the picks that say it and, each on its own, most of what is asked (`partial_general_share`:
    "The University of Arizona ... offers an MS in Computer Science with thesis and non-thesis options")."""
    share = d.policy.partial_general_share * analysis.total_weight
    said = [p for p in picks if key in p.covered and fsum(c.weight for c in p.covered) >= share]
    return said[:d.policy.partial_general_sentences]


def general_first(d: Dialogue, hits: list[Scored]) -> list[Scored]:
    """A question that names no university is about studying in general: the guide and topic notes
    answer it first, and a university's note only when it matches clearly better."""
    def prior(position: int) -> float:
        doc = d.searcher.documents.get(d.searcher.chunks[position].doc_id)
        return d.policy.program_note_prior if doc is not None and doc.kind == "program" else 1.0

    rescored = [Scored(i, score * prior(i)) for i, score in hits]
    return sorted(rescored, key=lambda hit: (-hit[1], hit[0]))


def answer_need_only(d: Dialogue, resolved: Resolved, docs: Sequence[Document], need: Need) -> Reply:
    """"How long is it?" about a note in focus: the note's sentences that hold such a figure, if any."""
    searcher, rivals = d.searcher, naming.rival_parts(d, docs, resolved.intent or resolved.text)  # not TOEFL's
    found = [(chunk_index, quote) for doc in docs for chunk_index in searcher.chunks_of(doc.id)
             for quote in searcher.chunks[chunk_index].sentence_texts() if need.met_by(quote)
             and not (rivals is not None and rivals(quote))]
    found = found[:d.policy.need_only_sentences]
    if not found or need.kind == "personal":
        return partial(d, resolved, docs, describe_need(d, need), need.kind)
    citations = [citation_for(searcher.chunks[i], quote, n) for n, (i, quote) in enumerate(found, start=1)]
    text = " ".join(f"{c.quote} [{c.id}]" for c in citations)
    return Reply(text, True, d.policy.need_only_confidence, tuple(citations), kind="answer", focus=resolved.focus,
                 blocks=(paragraph(*cited(citations)),))
