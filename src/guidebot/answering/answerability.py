"""Answerability: do the picked sentences answer the question? Decided by numbers fitted on data.

`python -m bench.calibrate` plays the tune split of the gold set and of the Debian FAQ transfer
corpus, records the features of every decision (coverage, the share one sentence covers alone,
whether the key word is cited, the share of words the corpus never uses, how much rests on
neighbours in meaning...), and writes `data/answerability.json`: a logistic model of the
probability that an answer is right (the reply's `confidence`, so that among replies given with
confidence ≥ 0.8 about that share is right; reliability tables in bench/RESULTS.md), and the
coverage an answer needs, chosen to cost least on tune (a false answer costing three false
abstentions). A decision made by the logistic model itself was measured too and transferred worse
to the foreign corpus (see bench/RESULTS.md). Hard rules stay outside: a specific asked and not
found, a personal prediction, an unknown name, the key word uncited or cited only in sentences
that say nothing else the question asks (grounding per claim).

`record_decisions()` lets the calibration collect the features of every decision it makes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import astuple, dataclass, fields
from functools import lru_cache
from math import fsum

from .. import datafiles
from ..policy import Policy
from .grounding import coverage, key_claim_alone, key_concept_missing
from .question import Concept, QuestionAnalysis
from .selection import Candidate


@dataclass(frozen=True)
class Features:
    """What the decision looks at, each in [0, 1] except `concepts` (log-scaled count)."""

    coverage: float  # weighted share of the question's concepts the picks cover
    known_coverage: float  # the same, over the concepts the corpus knows
    best_sentence: float  # the share the single best sentence covers on its own (grounding per claim)
    key_cited: float  # 1 when the most distinctive known word is in a pick (or its heading)
    unknown_share: float  # weight share of words the corpus never uses and no neighbour stands for
    unknown_rare_share: float  # ... weighted by how rare each is in general English
    soft_share: float  # weight share covered only through neighbours in meaning
    concepts: float  # log(1 + number of concepts)
    in_focus: float  # 1 when the question is about a named document (its note was searched alone)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def vector(self) -> tuple[float, ...]:
        return astuple(self)


def features_of(analysis: QuestionAnalysis, picks: Sequence[Candidate], policy: Policy, in_focus: bool) -> Features:
    total = analysis.total_weight or 1.0
    known = [c for c in analysis.concepts if c.known]
    known_total = fsum(c.weight for c in known) or 1.0
    covered = set().union(*(p.covered for p in picks)) if picks else set()
    best = max((fsum(c.weight for c in p.covered) for p in picks), default=0.0)
    unknown = [c for c in analysis.concepts if not c.known]
    soft = [c for c in covered if c.soft]
    return Features(
        coverage=coverage(analysis, picks, policy),
        known_coverage=min(1.0, fsum(c.weight for c in known if c in covered) / known_total),
        best_sentence=min(1.0, best / total),
        key_cited=0.0 if key_concept_missing(
            analysis, picks, share=policy.key_share_in_focus if in_focus else policy.key_share,
            unknown_share=policy.unknown_key_share_in_focus if in_focus else None,
            unknown_rarity=policy.unknown_key_rarity) is not None else 1.0,
        unknown_share=fsum(c.weight for c in unknown) / total,
        unknown_rare_share=fsum(c.weight * c.rarity for c in unknown) / total,
        soft_share=fsum(c.weight for c in soft) / total,
        concepts=math.log1p(len(analysis.concepts)),
        in_focus=1.0 if in_focus else 0.0,
    )


@dataclass(frozen=True)
class Model:
    """Logistic regression: P(answers) = sigmoid(intercept + Σ coefficient × feature)."""

    intercept: float
    coefficients: dict[str, float]
    coverage_threshold: float = 0.6  # the coverage an answer needs, chosen on the tune split

    def probability(self, features: Features) -> float:
        z = self.intercept + sum(self.coefficients.get(name, 0.0) * value
                                 for name, value in zip(Features.names(), features.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def shipped_model() -> Model:
    """The model fitted by bench/calibrate.py, shipped as data/answerability.json."""
    data = datafiles.yaml_table("answerability.json")
    return Model(float(data["intercept"]), {k: float(v) for k, v in data["coefficients"].items()},
                 float(data.get("coverage_threshold", 0.6)))


@dataclass(frozen=True)
class Decision:
    answered: bool
    probability: float
    features: Features
    union: Concept | None = None  # the key word, when refused only because no cited sentence says it with another


_RECORDER: ContextVar[list[Decision] | None] = ContextVar("guidebot_decisions", default=None)


@contextmanager
def record_decisions() -> Iterator[list[Decision]]:
    """Collect every decision made in this context (for calibration)."""
    found: list[Decision] = []
    token = _RECORDER.set(found)
    try:
        yield found
    finally:
        _RECORDER.reset(token)


def decide(analysis: QuestionAnalysis, picks: Sequence[Candidate], policy: Policy, in_focus: bool) -> Decision:
    """Answer when the question's key word is cited, in a sentence that says another of its words
    (unless the question is about a named document, `in_focus`), and the picks cover the share of it
    that the calibration chose (or the policy's `answer_coverage`, when set); the confidence is the
    model's probability that the answer is right."""
    features = features_of(analysis, picks, policy, in_focus)
    model = shipped_model()
    probability = model.probability(features) if picks else 0.0
    threshold = model.coverage_threshold if policy.answer_coverage is None else policy.answer_coverage
    passes = bool(picks) and features.key_cited == 1.0 and features.coverage >= threshold
    union = key_claim_alone(analysis, picks) if passes and not in_focus else None
    decision = Decision(passes and union is None, probability, features, union)
    recorder = _RECORDER.get()
    if recorder is not None:
        recorder.append(decision)
    return decision
