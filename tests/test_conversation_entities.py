"""Naming universities and topics (`conversation.entities`), by name, alias or typo; universities the
corpus does not cover; spelling correction of questions."""

from __future__ import annotations

import pytest

from guidebot.chat import Guidebot


@pytest.mark.parametrize("text, expected", [
    ("carnegie melon ML", ["cmu"]),
    ("georgia tec location?", ["georgia-tech"]),
    ("caltek masters", ["caltech"]),
    ("univ of michgan", ["umich"]),
    ("UCSD vs UC Berkeley", ["ucsd", "berkeley"]),
    ("standard test scores", []),
    ("universities in Michigan", []),  # a state, not the university
])
def test_universities_are_found_by_name_alias_or_typo(bot: Guidebot, text: str, expected: list[str]) -> None:
    assert bot.dialogue.entities.find(text) == expected


def test_unknown_universities_are_named(bot: Guidebot) -> None:
    assert bot.dialogue.entities.uncovered("tuition at Harvard?") == ["Harvard"]
    assert bot.dialogue.entities.uncovered("MS in ML at the University of Toronto") == ["University of Toronto"]
    assert bot.dialogue.entities.uncovered("where is CMU?") == []


def test_misspelled_question_is_answered_and_says_how_it_was_read(bot: Guidebot) -> None:
    answer = bot.chat("admision requirments for intrnational stduents")
    assert answer.answered and "letters of recommendation" in answer.text
    assert answer.text.startswith("(Reading your question as")


def test_a_real_word_is_never_corrected_into_a_corpus_word(bot: Guidebot) -> None:
    answer = bot.chat("tell me about CMU")
    assert "Reading your question" not in answer.text and "Pittsburgh" in answer.text


def test_gibberish_is_not_corrected_into_a_confident_answer(bot: Guidebot) -> None:
    for text in ("asdkjh qwe zxcv", "scholarshiip blorptastic frobnicate"):
        assert not bot.chat(text).answered


@pytest.mark.parametrize("text", ["Does Michigan State have a data science masters?",
                                  "Is Arizona State University good for ML?",
                                  "University of Illinois Chicago ML masters?"])
def test_another_school_containing_a_covered_name_is_not_that_university(bot: Guidebot, text: str) -> None:
    assert bot.dialogue.entities.find(text) == []
    assert not bot.chat(text).answered
