"""A message of several sentences: the question among statements about the student (`conversation.asked`)."""

from __future__ import annotations

import pytest

from guidebot.chat import Guidebot
from guidebot.conversation.asked import question_of, sentences_of, without_alternative


def test_sentences_end_at_question_marks_and_full_stops_but_not_inside_abbreviations() -> None:
    assert sentences_of("I have a 3.2 GPA from India. Do I need the GRE for UCSD?") == [
        "I have a 3.2 GPA from India.", "Do I need the GRE for UCSD?"]
    assert sentences_of("I studied in the U.S. and e.g. took the SAT. Is that ok?") == [
        "I studied in the U.S. and e.g. took the SAT.", "Is that ok?"]
    assert sentences_of("is u of arizona in phoenix? i always mix it up with asu") == [
        "is u of arizona in phoenix?", "i always mix it up with asu"]


@pytest.mark.parametrize(("message", "question"), [
    ("I have a 3.2 GPA from India. Do I need the GRE for UCSD?", "Do I need the GRE for UCSD?"),
    ("Does CMU's MSML need the GRE? I'm really worried about my quant score.", "Does CMU's MSML need the GRE?"),
    ("I'm an international student from Nigeria. Can I work while I study on an F-1?",
     "Can I work while I study on an F-1?"),
])
def test_the_question_among_statements_about_the_student_is_what_is_answered(
        bot: Guidebot, message: str, question: str) -> None:
    assert question_of(bot.dialogue, message) == question
    alone, told = bot.chat(question, []), bot.chat(message, [])
    assert told.answered == alone.answered and [c.quote for c in told.citations] == [c.quote for c in alone.citations]


@pytest.mark.parametrize("message", [
    "My bachelors took 3 years. Is that enough?",  # the question points back at the statement
    "My wireless card doesn't work with Linux. What should I do?",  # it says nothing on its own
    "I really want MIT for ML. What degree do I even apply to?",  # the statement names what is asked about
    "Does CMU need the GRE? Does UCSD?",  # two questions
    "Tell me about the GRE",
    "UK vs US masters in AI, which is better for Indian students?",  # the first half is what is asked about
    "my wife would come with me on an f2, can she work in the us?",  # "she" is the wife
])
def test_a_message_whose_question_needs_the_rest_is_kept_whole(bot: Guidebot, message: str) -> None:
    assert question_of(bot.dialogue, message) == message


def test_these_universities_after_a_statement_naming_none_are_the_guides(bot: Guidebot) -> None:
    d = bot.dialogue
    assert question_of(d, "I'm from Ghana and money is tight. Do these schools offer any scholarships?") == \
        "Do these schools offer any scholarships?"
    # after a statement naming universities, "these programs" are those
    named = "My friend got into CMU and Stanford. Do these programs require the GRE?"
    assert question_of(d, named) == named


def test_a_question_followed_by_a_remark_is_answered_as_asked(bot: Guidebot) -> None:
    answer = bot.chat("is u of arizona in phoenix? i always mix it up with asu", [])
    assert answer.answered and "Tucson" in answer.citations[0].quote


def test_a_yes_no_question_offering_the_other_answer_is_answered_by_its_first_half(bot: Guidebot) -> None:
    d = bot.dialogue
    assert without_alternative(d, "does uc berkeley have an ms in ml or is that just a blog thing") == \
        "does uc berkeley have an ms in ml"
    assert without_alternative(d, "what is OPT, or is it the same as CPT?") == "what is OPT, or is it the same as CPT?"
    answer = bot.chat("does uc berkeley actually have an ms in machine learning or is that just a blog thing", [])
    assert answer.answered and any("does not offer a master's degree titled" in c.quote for c in answer.citations)


def test_the_other_answer_offered_may_have_any_subject_but_not_another_document(bot: Guidebot) -> None:
    d = bot.dialogue
    assert without_alternative(d, "Is the CMU MSML a STEM program or does CMU call it something else?") == \
        "Is the CMU MSML a STEM program?"
    answer = bot.chat("Is the CMU MSML a STEM program or does CMU call it something else?", [])
    assert answer.answered and "is a STEM program" in answer.citations[0].quote
    # the second clause asks of another university: not an alternative answer but another question
    assert without_alternative(d, "is the cmu msml online or is the stanford mscs online?") == \
        "is the cmu msml online or is the stanford mscs online?"


def test_the_whole_question_is_answered_first_when_its_second_half_is_what_the_notes_say(bot: Guidebot) -> None:
    answer = bot.chat("is the uw pmp online, or is it in person?", [])
    assert answer.answered and "held in person" in answer.citations[0].quote


@pytest.mark.parametrize(("message", "question"), [
    ("how long are toefl scores valid, my senior says forever", "how long are toefl scores valid"),
    ("Can I work while I study on an F-1, I'm really worried about money", "Can I work while I study on an F-1"),
    ("where is CMU? My parents keep asking.", "where is CMU?"),  # one word asked, beside a university's name
    ("I'm looking at the OPT rules, how long is OPT?", "how long is OPT?"),  # a question word after the statement
    ("I'm interested in machine learning, which universities does the guide cover?",
     "which universities does the guide cover?"),
    ("honestly i cant pay full fees myself, do unis give any scholarships to international students?",
     "do unis give any scholarships to international students?"),  # not a question about fees
])
def test_a_statement_after_a_comma_or_a_short_question_naming_a_university_is_left_out(
        bot: Guidebot, message: str, question: str) -> None:
    assert question_of(bot.dialogue, message) == question
    assert bot.chat(message, []).answered


def test_a_one_word_question_naming_nothing_keeps_its_statements(bot: Guidebot) -> None:
    message = "I have used another Linux for years, sorry if this is basic. How do I migrate?"
    assert sentences_of(message) == ["I have used another Linux for years", "sorry if this is basic.",
                                     "How do I migrate?"]
    assert question_of(bot.dialogue, message) == message


@pytest.mark.parametrize(("message", "question"), [
    ("I did my undergrad in the States, do I still have to do an English exam?",
     "do I still have to do an English exam?"),
    ("i did my bachelors at a us college (transferred from india), do i still need toefl for grad school",
     "do i still need toefl for grad school"),
])
def test_a_question_after_a_comma_following_a_statement_is_the_question(bot: Guidebot, message: str,
                                                                        question: str) -> None:
    assert question_of(bot.dialogue, message) == question
    answer = bot.chat(message, [])
    assert answer.answered and any("waive the English test" in c.quote for c in answer.citations)


def test_a_condition_before_the_question_is_part_of_it(bot: Guidebot) -> None:
    message = "If I use some of my work permission while I'm still studying, do I lose time for after graduation?"
    assert question_of(bot.dialogue, message) == message
    answer = bot.chat(message, [])
    assert answer.answered and any("12-month OPT limit" in c.quote for c in answer.citations)


def test_a_question_before_the_statements_cannot_point_back_at_them(bot: Guidebot) -> None:
    # "that ... program" points at the chat before, not at "im a cs grad", which comes after it.
    message = "who is that uw ai and ml for engineering program meant for, im a cs grad not mech/civil"
    assert question_of(bot.dialogue, message) == "who is that uw ai and ml for engineering program meant for"
    reply = bot.chat(message, [])
    assert reply.answered and "aimed at engineers" in reply.citations[0].quote, reply.text


def test_a_second_question_opened_by_then_or_so_is_a_question_too(bot: Guidebot) -> None:
    message = "Wait so MIT doesnt even have a masters in ML?? then why is it in the guide"
    assert question_of(bot.dialogue, message) == message


def test_a_university_named_in_shorthand_in_the_question_is_named_by_it(bot: Guidebot) -> None:
    # "u of arizona" names Arizona, as the MSIS in the remark after it does: the question stands alone.
    message = "is u of arizona the same as asu? my cousin says same thing, applying to the msis"
    assert question_of(bot.dialogue, message) == "is u of arizona the same as asu?"
    reply = bot.chat(message, [])
    assert reply.answered and "Arizona State University" in reply.text, reply.text


def test_a_question_naming_its_own_subject_is_about_that_whatever_the_remark_names(bot: Guidebot) -> None:
    # The remark names OPT (and a fee, which is no figure asked for): the question is the MSIS's.
    message = "is the uarizona msis stem? need to know for opt extension before i pay the app fee"
    assert question_of(bot.dialogue, message) == "is the uarizona msis stem?"
    reply = bot.chat(message, [])
    assert reply.answered and "STEM-designated" in reply.citations[0].quote, reply.text
