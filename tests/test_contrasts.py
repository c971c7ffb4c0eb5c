"""Yes/no questions answered by the other way of being (conversation/contrasts.py)."""

from __future__ import annotations

import pytest

from guidebot.chat import Guidebot, Turn


@pytest.mark.parametrize(("question", "said"), [
    ("can i take the uw pmp from india online", "held in person"),
    ("is the arizona msis something i can do fully online or do i have to be there in person", "main campus"),
    ("Do Berkeley's online data science students ever have to show up in person?", "immersion"),
])
def test_a_yes_no_question_is_answered_by_the_way_the_note_says_it_is(bot: Guidebot, question: str,
                                                                      said: str) -> None:
    reply = bot.chat(question, [])
    assert reply.answered and said in reply.text, reply.text


def test_a_list_of_what_is_online_does_not_take_in_person_for_online(bot: Guidebot) -> None:
    reply = bot.chat("Which universities offer online master's degrees?", [])
    assert reply.answered and "uw" not in {c.doc_id for c in reply.citations}, reply.text


def test_a_comparison_is_not_read_as_a_yes_no_of_either_way(bot: Guidebot) -> None:
    reply = bot.chat("Okay, and is the OMSCS the same degree as the on-campus MSCS at Georgia Tech?", [])
    assert not reply.answered, reply.text


def test_a_way_the_note_names_without_excluding_the_other_does_not_answer_for_it(bot: Guidebot) -> None:
    # "Offered on its main campus in Tucson" leaves online study open; "held in person" does not.
    reply = bot.chat("is arizona msis available online", [])
    assert not reply.answered, reply.text


def test_a_yes_no_question_after_a_name_and_a_comma_is_read_as_one(bot: Guidebot) -> None:
    # The question's punctuation is read from the message, not from its text with the names taken out.
    reply = bot.chat("omscs from gt, is that one done from home", [])
    assert reply.answered and "taught online" in reply.citations[0].quote, reply.text


def test_physically_is_in_person_and_zoom_is_online(bot: Guidebot) -> None:
    reply = bot.chat("do i ever have to physically show up on campus or is it all zoom",
                     [Turn("user", "been reading about berkeley mids"),
                      Turn("assistant", bot.chat("been reading about berkeley mids").text)])
    assert reply.answered and "immersion" in reply.text, reply.text
