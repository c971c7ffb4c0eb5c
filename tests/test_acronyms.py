"""What an acronym stands for (`conversation.acronyms`): the sentence spelling it out."""

from __future__ import annotations

import pytest

from guidebot.chat import Guidebot
from guidebot.conversation.acronyms import spells


@pytest.mark.parametrize(("acronym", "text"), [
    ("IELTS", "the IELTS Academic test (International English Language Testing System)"),
    ("TOEFL", "the TOEFL iBT (Test of English as a Foreign Language, internet-based test)"),
    ("SEVIS", "SEVIS is the Student and Exchange Visitor Information System"),
    ("MIDS", "Master of Information and Data Science (MIDS)"),
])
def test_words_whose_initials_are_the_acronyms_letters_spell_it(acronym: str, text: str) -> None:
    assert spells(acronym, text)


@pytest.mark.parametrize(("acronym", "text"), [
    ("IELTS", "Many programs accept the IELTS and other English tests"),
    ("GRE", "GRE rules can differ between programs"),
    ("OPT", "the optional part"),  # two letters' worth of words is not three
])
def test_words_that_do_not_spell_the_acronym_do_not(acronym: str, text: str) -> None:
    assert not spells(acronym, text)


@pytest.mark.parametrize(("question", "expansion"), [
    ("what does ielts stand for", "International English Language Testing System"),
    ("What does OPT stand for?", "Optional Practical Training"),
    ("full form of GRE?", "Graduate Record Examinations"),
])
def test_what_a_notes_own_acronym_stands_for_is_the_sentence_spelling_it(
        bot: Guidebot, question: str, expansion: str) -> None:
    # The note is named by the acronym, so its name is all the question holds: any sentence of the
    # note covers that ("English proficiency" is among IELTS's synonyms), only one spells it out.
    answer = bot.chat(question, [])
    assert answer.answered and expansion in answer.citations[0].quote


def test_what_an_acronym_stands_for_is_answered_whatever_else_the_message_says(bot: Guidebot) -> None:
    answer = bot.chat("wat does ead stand for, my senior keeps saying wait for the ead before opt", [])
    assert answer.answered and "Employment Authorization Document (EAD)" in answer.citations[0].quote
    assert bot.chat("what does DSO stand for", []).citations[0].quote.find("designated school official") >= 0
