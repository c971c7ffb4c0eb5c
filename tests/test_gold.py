"""The gold set as a regression gate: both splits stay at or above 90%, and no out-of-scope
question is ever answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidebot.chat import Guidebot
from guidebot.evaluation import Outcome, evaluate, load_cases, pass_rate, report

GOLD = Path(__file__).parent / "gold"


@pytest.fixture(scope="module")
def outcomes(bot: Guidebot) -> list[Outcome]:
    return evaluate(bot, load_cases(GOLD))


def test_gold_set_is_large_and_varied() -> None:
    cases = load_cases(GOLD)
    categories = [c.category for c in cases]
    assert len(cases) >= 150
    assert sum(len(c.turns) > 1 for c in cases) >= 25
    assert categories.count("typo") >= 20 and categories.count("out_of_scope") >= 20
    assert categories.count("list") >= 10
    heldout = sum(c.split == "heldout" for c in cases) / len(cases)
    assert 0.2 <= heldout <= 0.3


@pytest.mark.parametrize("split", ["tune", "heldout"])
def test_each_split_passes_at_least_90_percent(outcomes: list[Outcome], split: str) -> None:
    selected = [o for o in outcomes if o.case.split == split]
    assert pass_rate(selected) >= 0.90, report(selected)


def test_no_out_of_scope_question_is_answered(outcomes: list[Outcome]) -> None:
    wrong = [o for o in outcomes if o.case.category == "out_of_scope" and o.answer.answered]
    assert not wrong, report(wrong)
