"""The gold-set evaluation behind `guidebot eval`: load cases from `tests/gold/*.yaml`, play each
conversation through `Guidebot.chat` (history built from the bot's own replies), and report
pass rates, false abstentions and false answers per category and split.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .chat import Guidebot, Reply, Turn

CATEGORIES = ("direct", "paraphrase", "typo", "program", "topic", "follow_up", "list", "partial", "smalltalk",
              "out_of_scope", "uni_topic", "paraphrase_lex", "multi_turn", "honest_no", "real_student", "guide")


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    split: str
    turns: tuple[str, ...]
    answered: bool
    must_contain: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()  # corpus sentences that answer it (one of them must be cited)
    not_in_corpus: bool = False


@dataclass
class Outcome:
    case: Case
    answer: Reply
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def false_abstention(self) -> bool:
        return self.case.answered and not self.answer.answered

    @property
    def false_answer(self) -> bool:
        return not self.case.answered and self.answer.answered

    @property
    def cites_evidence(self) -> bool:
        """One of the case's evidence sentences is among the reply's quotes (either contains the other)."""
        quotes = [" ".join(c.quote.split()) for c in self.answer.citations]
        return any(e in q or q in e for e in self.case.evidence for q in quotes if q)


def load_cases(path: Path) -> list[Case]:
    files = sorted(Path(path).glob("*.yaml")) if Path(path).is_dir() else [Path(path)]
    cases = []
    for file in files:
        for raw in yaml.safe_load(file.read_text(encoding="utf-8")) or []:
            cases.append(_case(raw))
    return cases


def _case(raw: dict[str, Any]) -> Case:
    expect = raw.get("expect", {})
    turns = raw.get("turns") or [raw["question"]]
    evidence = expect.get("evidence") or ()
    if isinstance(evidence, str):
        evidence = (evidence,)
    return Case(str(raw["id"]), raw["category"], raw.get("split", "tune"), tuple(turns), bool(expect["answered"]),
                tuple(str(s) for s in expect.get("must_contain", ()) or ()), tuple(expect.get("cites", ()) or ()),
                tuple(" ".join(str(e).split()) for e in evidence), bool(expect.get("not_in_corpus", False)))


def run_case(bot: Guidebot, case: Case) -> Outcome:
    history: list[Turn] = []
    answer = None
    for turn in case.turns:
        answer = bot.chat(turn, history)
        history += [Turn("user", turn), Turn("assistant", answer.text)]
    assert answer is not None
    outcome = Outcome(case, answer)
    if answer.answered != case.answered:
        outcome.problems.append("answered but should abstain" if answer.answered else "abstained but should answer")
    text = answer.text.casefold()
    for fact in case.must_contain:
        if not any(option.strip().casefold() in text for option in fact.split("|")):
            outcome.problems.append(f"missing {fact!r}")
    cited = {c.doc_id for c in answer.citations}
    for doc_id in case.cites:
        if doc_id not in cited:
            outcome.problems.append(f"does not cite {doc_id}")
    if case.answered and case.evidence and answer.answered and not outcome.cites_evidence:
        outcome.problems.append("cites none of the evidence sentences")
    return outcome


def evaluate(bot: Guidebot, cases: list[Case]) -> list[Outcome]:
    return [run_case(bot, case) for case in cases]


def pass_rate(outcomes: list[Outcome]) -> float:
    return sum(o.passed for o in outcomes) / len(outcomes) if outcomes else 1.0


def report(outcomes: list[Outcome], show_failures: bool = True) -> str:
    lines = []
    for split in ("tune", "heldout"):
        selected = [o for o in outcomes if o.case.split == split]
        if not selected:
            continue
        lines.append(f"split {split}: {sum(o.passed for o in selected)}/{len(selected)} passed "
                     f"({pass_rate(selected):.1%}), false abstentions {sum(o.false_abstention for o in selected)}, "
                     f"false answers {sum(o.false_answer for o in selected)}")
    lines.append("")
    lines.append(f"{'category':<14}{'pass':>10}{'rate':>8}{'false abst.':>13}{'false ans.':>12}")
    by_category: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_category[o.case.category].append(o)
    for category in sorted(by_category, key=lambda c: CATEGORIES.index(c) if c in CATEGORIES else 99):
        group = by_category[category]
        lines.append(f"{category:<14}{sum(o.passed for o in group):>5}/{len(group):<4}{pass_rate(group):>8.0%}"
                     f"{sum(o.false_abstention for o in group):>13}{sum(o.false_answer for o in group):>12}")
    total = len(outcomes)
    lines.append(f"{'overall':<14}{sum(o.passed for o in outcomes):>5}/{total:<4}{pass_rate(outcomes):>8.0%}")
    if show_failures:
        failures = [o for o in outcomes if not o.passed]
        if failures:
            lines.append("")
            lines.append("failing cases:")
            for o in failures:
                turns = " → ".join(o.case.turns)
                lines.append(f"- {o.case.id} [{o.case.category}/{o.case.split}] {turns}")
                lines.append(f"    problems: {'; '.join(o.problems)}")
                lines.append(f"    answer: {o.answer.text[:300]}")
    return "\n".join(lines)
