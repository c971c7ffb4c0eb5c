"""Grounding checks: do the picked sentences answer the question? Coverage of its weighted
concepts, presence of its most distinctive word, a visible specific when one was asked for; and
the confidence reported for an answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from math import fsum

from ..policy import Policy
from .needs import Need
from .question import Concept, QuestionAnalysis
from .selection import Candidate


def coverage(analysis: QuestionAnalysis, picks: Sequence[Candidate], policy: Policy) -> float:
    """Share of the question's weighted concepts that the chosen sentences (or their headings) contain."""
    total = analysis.total_weight
    if total <= 0 or not picks:
        return 0.0
    in_text = set().union(*(p.covered for p in picks))
    in_context = set().union(*(p.context for p in picks)) - in_text
    covered = fsum(c.weight for c in in_text) + policy.context_credit * fsum(c.weight for c in in_context)
    return min(1.0, covered / total)


def key_concept_missing(analysis: QuestionAnalysis, picks: Sequence[Candidate],
                        implied: frozenset[str] = frozenset(), share: float = 1.0,
                        unknown_share: float | None = None, unknown_rarity: float = 0.0) -> Concept | None:
    """The question's most distinctive word (or one nearly as distinctive, within `share` of it),
    if no cited sentence (or its heading) has it.

    "Is Caltech's master's available online?" is not answered by sentences about Caltech's
    master's that never mention "online", however many of the other words they share. Distinctive
    means rare in this corpus and in general English, so an everyday verb ("require", "offer") is
    never the key word of "Does UCSD require the GRE?". A word the corpus never uses (and no
    neighbour in meaning stands for) can be the key word: then the corpus lacks what was asked.
    Words in `implied` (the name of the topic the search is confined to) do not count: every
    sentence of the OPT note is about OPT. When the key word is a name the user wrote as one
    ("MSML", "MEng"), the next most distinctive word must be cited as well. With `unknown_share`, a
    word the corpus never uses, unless an everyday one (English rarity below `unknown_rarity`:
    "is that *enough*?"), is the key word from that share of the top on: "does Arizona's MSIS
    subplan need *calculus*?" is not answered by what says the subplan is offered.
    """
    candidates = [c for c in analysis.concepts if not c.hint and c.word not in implied]
    if not candidates or not picks:
        return None
    for asked in (analysis.asked_for, analysis.asked_action):
        if asked is not None and asked.word not in implied and not any(asked in p.covered or asked in p.context
                                                                         for p in picks):
            return asked  # "what courses are in ...?" is not answered by sentences that name no course
    top = max(c.distinctiveness for c in candidates)
    ranked = sorted(candidates, key=lambda c: -c.distinctiveness)
    for key in ranked:
        lower = not key.known and unknown_share is not None and key.rarity >= unknown_rarity
        if key.distinctiveness < (unknown_share if lower else share) * top:
            continue
        if not any(key in p.covered or key in p.context for p in picks):
            return key
    if ranked[0].name and len(ranked) > 1:
        # "Does CMU's MSML require a thesis?": the program's name says what is asked about, the
        # next most distinctive word what is asked, and a sentence must say it too; after several
        # names ("does Berkeley's MEng EECS have a concentration?"), each of them up to the first word
        # that is none (a name may be what is asked: "is the UMich CSE master's *STEM*?"). Words
        # nearly as distinctive as that one need not be: measured, they are as often the student's
        # own ("do we have to *choose* a track?") as what is asked.
        first_word = next((n for n, c in enumerate(ranked) if n and not c.name), len(ranked) - 1)
        for asked in ranked[1:first_word + 1]:
            if not any(asked in p.covered or asked in p.context for p in picks):
                return asked
    return None


def key_claim_alone(analysis: QuestionAnalysis, picks: Sequence[Candidate]) -> Concept | None:
    """The question's most distinctive word, when every cited sentence that says it says none of the
    question's other words the corpus knows: the picks cover the question only as a union of claims.

    "Is a thesis required?" is not answered by one note's "MS with thesis and non-thesis options"
    beside the guide's "admissions requirements", nor "Can I get a TA position in my first
    semester?" by "one online class per term" beside "teaching assistants". A name the user wrote
    as one ("TA", "MSML") is what is asked about, not what is asked: it is never the key word here,
    but a sentence saying it with the key word ties the two. Question words ("where") do not count.
    A question about a named document is searched in that document, which supplies the subject:
    the caller does not apply this there.
    """
    known = [c for c in analysis.concepts if c.known and not c.hint]
    asked = [c for c in known if not c.name]
    if len(known) < 2 or not asked or not picks:
        return None
    key = max(asked, key=lambda c: c.distinctiveness)
    for pick in picks:
        said = pick.covered | pick.context
        if key in said and any(c in said for c in known if c is not key):
            return None
    return key


def needs_unmet(analysis: QuestionAnalysis, picks: Sequence[Candidate],
                terms_of: Callable[[str], Iterable[str]] | None = None) -> Need | None:
    """The specific the question asks for (a sum, a date, a figure) when no picked sentence holds one.

    What a thing holds ("what should I write in my SOP?") is told by a sentence that says the thing
    before it says what it holds ("The GRE measures ..."), not by one that lists the thing among
    what something else holds ("requirements include ... a statement of purpose"): with `terms_of`
    (the analyzer's), the question's most distinctive word must come before the telling words.
    """
    for need in analysis.needs:
        key = max((c for c in analysis.concepts if not c.hint), key=lambda c: c.distinctiveness, default=None) \
            if need.kind == "contents" and terms_of is not None else None
        if key is not None:
            if not any((m := need.match(p.text)) and key.covered_by(frozenset(terms_of(p.text[:m.start()])))
                       for p in picks):
                return need
        elif not any(need.met_by(p.text) for p in picks):
            return need
    return None


def grounded(analysis: QuestionAnalysis, picks: Sequence[Candidate], cover: float, threshold: float) -> bool:
    """Enough coverage, the key word present, and any specific asked for visibly there."""
    return cover >= threshold and needs_unmet(analysis, picks) is None and key_concept_missing(analysis, picks) is None


def confidence_of(analysis: QuestionAnalysis, cover: float, policy: Policy) -> float:
    penalty = policy.correction_penalty * len(analysis.corrections)
    return round(max(0.0, min(1.0, cover - penalty)), 3)
