"""Follow-up resolution (`conversation.turns.resolve`): pronouns, ellipsis, focus switching,
"tell me more", small-talk turns skipped, topics asked about 'it'."""

from __future__ import annotations

import pytest

from guidebot.chat import Guidebot, Turn
from guidebot.conversation.turns import resolve


def history_of(bot: Guidebot, *turns: str) -> list[Turn]:
    """Play `turns` through the bot and return the history a client would send next."""
    history: list[Turn] = []
    for turn in turns:
        answer = bot.chat(turn, history)
        history += [Turn("user", turn), Turn("assistant", answer.text)]
    return history


def test_pronoun_follow_up_resolves_to_previous_university(bot: Guidebot) -> None:
    resolved = resolve(bot.dialogue, "where is it?", history_of(bot, "tell me about CMU"))
    assert resolved.focus == ("cmu",) and resolved.mode == "single"


def test_elliptical_follow_up_borrows_the_previous_intent_for_a_new_university(bot: Guidebot) -> None:
    resolved = resolve(bot.dialogue, "and Georgia Tech?", history_of(bot, "where is UIUC?"))
    assert resolved.focus == ("georgia-tech",)
    assert "where" in resolved.intent


def test_naming_a_new_university_switches_the_focus(bot: Guidebot) -> None:
    resolved = resolve(bot.dialogue, "does Stanford have an online option?", history_of(bot, "tell me about MIT"))
    assert resolved.focus == ("stanford",)


def test_topic_follow_up_without_subject_keeps_the_university(bot: Guidebot) -> None:
    resolved = resolve(bot.dialogue, "what about tuition?", history_of(bot, "tell me about Caltech"))
    assert resolved.focus == ("caltech",)


def test_new_standalone_question_does_not_inherit_focus(bot: Guidebot) -> None:
    resolved = resolve(bot.dialogue, "What are the admission requirements for international students?",
                       history_of(bot, "hi"))
    assert resolved.focus == ()


def test_tell_me_more_repeats_the_previous_question_excluding_what_was_said(bot: Guidebot) -> None:
    history = history_of(bot, "What scholarships are available?")
    resolved = resolve(bot.dialogue, "tell me more", history)
    assert resolved.mode == "more" and resolved.exclude
    answer = bot.chat("tell me more", history)
    assert not any(quote in answer.text for quote in resolved.exclude[:1]) or not answer.answered


def test_history_is_resolved_statelessly_and_small_talk_turns_are_skipped(bot: Guidebot) -> None:
    history = history_of(bot, "tell me about UW", "thanks!")
    assert resolve(bot.dialogue, "where is it?", history).focus == ("uw",)


def test_a_topic_asked_about_it_keeps_the_university_in_focus(bot: Guidebot) -> None:
    history = history_of(bot, "Does Berkeley have an online program?")
    resolved = resolve(bot.dialogue, "can I get an F-1 visa with it?", history)
    assert resolved.focus == ("berkeley",)


def test_and_what_about_a_topic_after_a_university_asks_about_it_there(bot: Guidebot) -> None:
    """"Tell me about UW" then "And what about the GRE?": the GRE at UW, so the reply says what UW's
    note does not say instead of presenting the GRE note as if it answered."""
    history = history_of(bot, "Tell me about UW")
    assert resolve(bot.dialogue, "And what about the GRE?", history).focus == ("uw",)
    reply = bot.chat("And what about the GRE?", history)
    assert not reply.answered and "University of Washington" in reply.text


def test_a_yes_no_question_about_every_program_is_not_a_list(bot: Guidebot) -> None:
    """"Is the GRE policy the same for every program at one university?" asks whether a rule is
    general; "do any universities offer online programs?" still asks for the list."""
    assert resolve(bot.dialogue, "Is the GRE policy the same for every program at one university?").mode != "list"
    reply = bot.chat("Is the GRE policy the same for every program at one university?")
    assert "differ between programs at the same university" in reply.text
    assert resolve(bot.dialogue, "Do any universities offer online programs?").mode == "list"


def test_an_elliptical_follow_up_of_a_list_is_another_list(bot: Guidebot) -> None:
    history = history_of(bot, "Which universities are in the Midwest?")
    resolved = resolve(bot.dialogue, "And in California?", history)
    assert resolved.mode == "list"
    reply = bot.chat("And in California?", history)
    assert reply.kind == "list" and {c.doc_id for c in reply.citations} == {"berkeley", "caltech", "stanford", "ucsd"}
    # Naming a university, or pointing at the one listed, is not another list.
    assert resolve(bot.dialogue, "And Stanford?", history_of(bot, "Which universities are in California?")).mode \
        != "list"


def test_a_topic_referred_to_beside_a_new_university_stays_what_is_asked(bot: Guidebot) -> None:
    """"What is the F-1 visa?" ... "So would Berkeley's MIDS work for that?": "that" is the F-1;
    Berkeley's note must say something of it, not only describe the MIDS."""
    history = history_of(bot, "What is the F-1 visa?", "Can I study online on it?")
    assert resolve(bot.dialogue, "So would Berkeley's MIDS work for that?", history).focus == ("berkeley", "f1-visa")
    reply = bot.chat("So would Berkeley's MIDS work for that?", history)
    assert not reply.answered or any("F-1" in c.quote for c in reply.citations)


def test_an_ordinal_refers_to_the_last_list_in_order(bot: Guidebot) -> None:
    history = history_of(bot, "Which universities are in California?")
    first = bot.chat("Which universities are in California?").citations[1].doc_id
    assert resolve(bot.dialogue, "Where is the second one located?", history).focus == (first,)


def test_which_of_them_keeps_to_the_universities_the_list_named(bot: Guidebot) -> None:
    history = history_of(bot, "Which universities are in California?", "Where is the second one located?")
    resolved = resolve(bot.dialogue, "which of them are online?", history)
    assert resolved.mode == "list" and set(resolved.focus) == {"berkeley", "caltech", "stanford", "ucsd"}


def test_which_one_is_better_among_those_named_is_no_list_of_one(bot: Guidebot) -> None:
    """"Compare CMU and Stanford", "which one is better for ML?" had answered as a list that
    "matched" CMU alone, as if the notes had ranked them; no note says which is better."""
    history = history_of(bot, "compare cmu and stanford")
    reply = bot.chat("which one is better for ml", history)
    assert not reply.answered and reply.kind == "partial" and "better" in reply.text
    listed = history_of(bot, "Which universities are in California?")
    assert not bot.chat("which of them is the best", listed).answered
    assert bot.chat("which of them are online?", listed).answered  # a predicate still lists


def test_in_general_lets_go_of_the_university_in_focus(bot: Guidebot) -> None:
    history = history_of(bot, "tell me about CMU")
    assert resolve(bot.dialogue, "in general, do I need the GRE?", history).focus != ("cmu",)


def test_in_general_with_it_keeps_the_topic_asked_about_before(bot: Guidebot) -> None:
    """"Is the GRE needed for UCSD?", "and for CMU?", "in general, do schools still want it?": the
    university goes, the GRE stays (it had been answered from UW's note, which says "School")."""
    history = history_of(bot, "is gre needed for ucsd", "and for cmu")
    resolved = resolve(bot.dialogue, "ok and in general do schools still want it", history)
    assert resolved.focus == ("gre",)
    reply = bot.chat("ok and in general do schools still want it", history)
    assert reply.answered and {c.doc_id for c in reply.citations} == {"gre"}


def test_and_another_part_of_the_same_note_asks_the_same_question_of_it(bot: Guidebot) -> None:
    """"How long is the TOEFL valid?", "and IELTS?": how long IELTS is valid, which the note does
    not say; it had been answered with the note's general sentences, as if asked what IELTS is."""
    for first in (["how long is the toefl valid"], ["whats the toefl", "how long is it good for"]):
        history = history_of(bot, *first)
        assert "ielts" in resolve(bot.dialogue, "and ielts", history).text.lower()
        reply = bot.chat("and ielts", history)
        assert not reply.answered and reply.kind == "partial", reply.text
        assert not any("TOEFL" in c.quote for c in reply.citations)
    # Another note's name is no part of this one: "what about English tests?" after the GRE is
    # what the English tests note says.
    gre = history_of(bot, "Do I need the GRE?")
    assert resolve(bot.dialogue, "what about English tests?", gre).text == "what about English tests?"


@pytest.mark.parametrize(("question", "doc_id", "quote"), [
    ("the one in atlanta, is it online", "georgia-tech", "online"),
    ("is the ann arbor program evening", "umich", "evening"),
    ("is the seattle program full time or part time", "uw", "part-time"),
])
def test_one_university_named_by_its_city_is_asked_about(bot: Guidebot, question: str, doc_id: str,
                                                        quote: str) -> None:
    """"The one in Atlanta" is Georgia Tech (its note's city, no other note's): the rest of the
    question is about it, not a list of the places' universities nor a general answer."""
    reply = bot.chat(question)
    assert resolve(bot.dialogue, question).focus == (doc_id,)
    assert reply.answered and reply.citations[0].doc_id == doc_id and quote in reply.citations[0].quote
    assert resolve(bot.dialogue, "the schools in california").mode == "list"  # several: a list


def test_what_it_is_used_for_asks_for_what_needs_it(bot: Guidebot) -> None:
    """"What is the I-20?", "who issues it?", "what do I use it for?" had been answered by what the
    F-1 visa is; the F-1 note says what the I-20 is needed for."""
    history = history_of(bot, "what is the i-20", "who issues it")
    for reply in (bot.chat("what do i use it for", history), bot.chat("what do i use the i-20 for")):
        assert reply.answered and "needs the Form I-20 to pay the SEVIS fee" in reply.citations[0].quote


def test_which_of_the_two_compares_the_last_two_universities_in_focus(bot: Guidebot) -> None:
    """"Tell me about Caltech", "and MIT?", "which of the two has a master's?" was answered from
    MIT's note alone; it asks about both."""
    history = history_of(bot, "tell me about caltech", "and mit?")
    assert set(resolve(bot.dialogue, "which of the two has a masters", history).focus) == {"caltech", "mit"}
    reply = bot.chat("which of the two has a masters", history)
    assert {"caltech", "mit"} <= {c.doc_id for c in reply.citations}
    assert resolve(bot.dialogue, "does it have a masters", history).focus == ("mit",)


def test_a_topic_carried_to_a_university_is_looked_for_in_its_note_by_name(bot: Guidebot) -> None:
    """"So would Berkeley's MIDS work for that?" after the F-1 visa and online study: the Berkeley
    note's "a fully online degree such as UC Berkeley's MIDS usually does not lead to an F-1
    student visa" answers it; its sentences that only name the MIDS do not."""
    history = history_of(bot, "What is the F-1 visa?", "Can I study online on it?")
    reply = bot.chat("So would Berkeley's MIDS work for that?", history)
    assert reply.answered and "F-1 student visa" in reply.citations[0].quote


def test_an_intent_borrowed_with_it_keeps_the_topic_it_was(bot: Guidebot) -> None:
    """"What is the GRE?", "is it required?", "what about for Georgia Tech?": "is it required"
    is borrowed for Georgia Tech, and "it" is still the GRE."""
    history = history_of(bot, "What is the GRE?", "Is it required?")
    assert set(resolve(bot.dialogue, "What about for Georgia Tech?", history).focus) == {"georgia-tech", "gre"}
    reply = bot.chat("What about for Georgia Tech?", history)
    assert reply.kind == "partial" and all("GRE" in c.quote for c in reply.citations)


def test_the_online_one_is_the_one_in_focus(bot: Guidebot) -> None:
    history = history_of(bot, "Does Georgia Tech offer an MS in Machine Learning?", "What's the closest degree then?")
    assert "georgia-tech" in resolve(bot.dialogue, "Can I get a student visa for the online one?", history).focus


def test_what_about_in_general_asks_the_question_before_without_its_university(bot: Guidebot) -> None:
    """After "do I need it [the GRE] for Stanford?", "what about in general?" asked for more detail;
    it is the same question about the GRE, without Stanford."""
    history = history_of(bot, "what is the gre", "do i need it for stanford")
    reply = bot.chat("what about in general", history)
    assert reply.answered and all(c.doc_id == "gre" for c in reply.citations)


def test_a_topic_carried_into_a_universitys_silence_is_what_the_general_part_is_about(bot: Guidebot) -> None:
    """"Do I need it for Stanford?" after "what is the GRE": the Stanford note is silent, and
    what holds in general is what the GRE note says, not every sentence with "need"."""
    reply = bot.chat("do i need it for stanford", history_of(bot, "what is the gre"))
    assert reply.kind == "partial" and not reply.answered
    assert reply.citations and all("GRE" in c.quote for c in reply.citations)


@pytest.mark.parametrize(("polite", "plain"), [
    ("Thanks in advance! Is there a Machine Learning PhD at Georgia Tech?",
     "Is there a Machine Learning PhD at Georgia Tech?"),
    ("Hi! Quick q - is UCSD in San Diego or LA?", "is UCSD in San Diego or LA?"),
    ("Sorry for my english, what test of english the universities want?",
     "what test of english the universities want?"),
    ("where is cmu thanks", "where is cmu"),
    ("what is OPT? thx!", "what is OPT?"),
    ("hi! not sure if this is the right place but which universities does the guide cover? thanks a lot in advance",
     "which universities does the guide cover?"),
    ("sorry if this is dumb but what documents do intl students usually need to submit when applying?",
     "what documents do intl students usually need to submit when applying?"),
    ("does the uiuc mcs have a thesis? just wondering", "does the uiuc mcs have a thesis?"),
    ("is the uiuc mcs online tho?", "is the uiuc mcs online?"),
    ("whats the difference between the ms and the mse in cse at umich? sorry if obvious",
     "whats the difference between the ms and the mse in cse at umich?"),
])
def test_greetings_thanks_and_apologies_around_a_question_do_not_change_its_answer(
        bot: Guidebot, polite: str, plain: str) -> None:
    a, b = bot.chat(polite), bot.chat(plain)
    assert a.answered == b.answered and [c.chunk_id for c in a.citations] == [c.chunk_id for c in b.citations]
    assert a.text == b.text


def test_what_someone_online_said_only_frames_the_question(bot: Guidebot) -> None:
    reply = bot.chat("someone on reddit said the uiuc mcs has no thesis, is that right?")
    assert reply.answered and "coursework-only degree with no thesis" in reply.citations[0].quote, reply.text


def test_asking_for_thoughts_on_a_university_is_asking_about_it(bot: Guidebot) -> None:
    reply = bot.chat("Looking at Caltech for an ML masters, thoughts?")
    assert reply.answered and reply.citations[0].doc_id == "caltech"
    assert "does not offer a master's degree in machine learning" in reply.text


def _after(bot: Guidebot, *messages: str) -> list[Turn]:
    history: list[Turn] = []
    for message in messages:
        history += [Turn("user", message), Turn("assistant", bot.chat(message, history).text)]
    return history


def test_a_follow_up_with_its_own_words_stays_with_the_university_when_its_note_answers(bot: Guidebot) -> None:
    history = _after(bot, "Tell me about the UIUC online MCS")
    reply = bot.chat("How are the lectures delivered?", history)
    assert reply.answered and reply.citations[0].doc_id == "uiuc" and "Coursera" in reply.text
    history += [Turn("user", "How are the lectures delivered?"), Turn("assistant", reply.text)]
    cost = bot.chat("And how much does it cost?", history)
    assert not cost.answered and "illinois.edu" in cost.text


def test_a_follow_up_the_university_note_does_not_answer_gets_the_general_answer(bot: Guidebot) -> None:
    reply = bot.chat("What is the F-1 visa?", _after(bot, "Tell me about CMU"))
    assert reply.answered and reply.citations[0].doc_id == "f1-visa"
    general = bot.chat("Can I work in the US after graduating?", _after(bot, "Tell me about CMU"))
    assert all(c.doc_id != "cmu" for c in general.citations)


@pytest.mark.parametrize("question", ["I'm from India, do I need the TOEFL?",
                                      "Does an English-taught degree from India automatically waive the TOEFL?",
                                      "I have a degree from Purdue, can I apply to CMU's MSML?",
                                      "im from india, do i need the TOEFL?",
                                      "My undergrad was in India and taught in English. Do I still need the TOEFL?",
                                      "I did my bachelors in Nigeria. Is the GRE required?",
                                      "my degree was taught in english in india, am i exempt",
                                      "did my undergrad in cs in china, is gre needed",
                                      "is toefl compulsory for indian students",
                                      "as a nigerian do i need ielts",
                                      "can i skip english tests if i graduated from a uk university",
                                      "my degree was in english in nigeria, is that enough to skip toefl",
                                      "My bachelor's was taught fully in English in Ghana. Does that mean I can skip "
                                      "the TOEFL?",
                                      "i did my btech in english medium in india, does that automatically get me "
                                      "a toefl waiver?"])
def test_where_the_student_comes_from_is_not_the_subject_of_the_question(bot: Guidebot, question: str) -> None:
    reply = bot.chat(question)
    assert reply.answered and reply.kind == "answer"


def test_what_the_student_studied_names_no_university_sharing_its_name(bot: Guidebot) -> None:
    # "CSE" is UCSD's and UMich's degree name; a bachelor's in CSE is the student's own
    for message in ("i have a bachelors in cse, what scholarships are there?",
                    "3.5 cgpa in cse, are there scholarships for international students?"):
        reply = bot.chat(message)
        assert not {c.doc_id for c in reply.citations} & {"ucsd", "umich"}, reply.text
        assert "San Diego" not in reply.text and "Michigan" not in reply.text, reply.text
    asked = bot.chat("does umich have a masters in cse?")  # asked of the degree: still the university's
    assert asked.answered and asked.citations[0].doc_id == "umich"


def test_a_lowercase_origin_is_only_dropped_when_it_is_a_listed_name(bot: Guidebot) -> None:
    """"from india" is where the student comes from; "from home" is part of what is asked."""
    listed = bot.chat("I am a student from india, which universities does the guide cover?")
    assert listed.kind == "list" and "india" not in listed.text.casefold()
    assert "home" in resolve(bot.dialogue, "can I study from home?").intent
    assert not bot.chat("can i study ml in india").answered  # where to study, not where one studied
    assert not bot.chat("can i study in nigeria").answered
    assert "international" in resolve(bot.dialogue, "scholarships for international students").text


def test_a_school_not_covered_is_still_named_when_it_is_the_subject(bot: Guidebot) -> None:
    reply = bot.chat("Is Purdue good for an ML master's?")
    assert not reply.answered and "Purdue" in reply.text


def test_how_long_does_it_last_is_answered_by_the_durations_of_the_topic_in_focus(bot: Guidebot) -> None:
    # "last" is how the question asks for a length of time, not a word the note must use.
    reply = bot.chat("how long does it last", history_of(bot, "what is opt"))
    assert reply.answered and "12 months" in reply.text
    assert not bot.chat("how long does the uw pmp last").answered  # the note gives no length


def test_counts_and_ordinals_refer_to_what_was_said_and_need_not_be_cited(bot: Guidebot) -> None:
    history = history_of(bot, "tell me about cmu")
    assert bot.chat("what are the two ml masters there", history).answered
    reply = bot.chat("which one has an internship", history)
    assert reply.answered and "internship" in reply.text and reply.citations[0].doc_id == "cmu"
    # "first" alone is no subject: the STEM OPT note's "first 12 months" does not answer this.
    assert not bot.chat("what should i do first", history_of(bot, "i want to study ml in the us")).answered


def test_it_after_a_list_of_one_university_is_that_university(bot: Guidebot) -> None:
    history = history_of(bot, "which universities are in illinois")
    more = bot.chat("tell me more about it", history)
    assert more.kind == "answer" and {c.doc_id for c in more.citations} == {"uiuc"}
    online = bot.chat("does it have an online option", history)
    assert online.answered and online.citations[0].doc_id == "uiuc" and "Online MCS" in online.text


def test_tell_me_more_after_an_overview_reads_on_instead_of_repeating_it(bot: Guidebot) -> None:
    """"Tell me about CMU", "tell me more", "more": each reply goes on through the note; none
    repeats a sentence an earlier one of the run quoted (the overview used to come back whole)."""
    history = history_of(bot, "tell me about cmu")
    seen = {c.quote for c in bot.chat("tell me about cmu").citations}
    for message in ("tell me more", "more"):
        reply = bot.chat(message, history)
        quotes = {c.quote for c in reply.citations}
        assert reply.answered and quotes and not quotes & seen
        assert all(c.doc_id == "cmu" for c in reply.citations)
        seen |= quotes
        history += [Turn("user", message), Turn("assistant", reply.text)]


def test_tell_me_more_after_an_answer_that_named_one_university_is_about_it(bot: Guidebot) -> None:
    history = history_of(bot, "which universities have a phd in ml", "which one is in atlanta")
    reply = bot.chat("tell me more", history)
    assert reply.answered and {c.doc_id for c in reply.citations} == {"georgia-tech"}


def test_an_ordinal_beside_a_topic_asks_about_the_topic_there(bot: Guidebot) -> None:
    """"Does the first one need the GRE?" after a list: about the first university listed (whose
    note is silent: partial), not the GRE note's general rule as the answer."""
    history = history_of(bot, "which universities are in california", "which of them have an online program")
    first = bot.chat("which of them have an online program", history[:2]).citations[0].doc_id
    resolved = resolve(bot.dialogue, "does the first one need the gre", history)
    assert resolved.focus == (first, "gre")
    reply = bot.chat("does the first one need the gre", history)
    assert not reply.answered and reply.kind == "partial"


def test_being_interested_in_a_university_asks_about_it(bot: Guidebot) -> None:
    reply = bot.chat("i'm interested in cmu")
    assert reply.answered and reply.citations[0].doc_id == "cmu"


@pytest.mark.parametrize("typed, meant", [("tel me abt georgia tech", "tell me about georgia tech"),
                                          ("can i wrk on f1", "can i work on f1"),
                                          ("on f1 how many online classes can i take per sem",
                                           "on f1 how many online classes can i take per semester")])
def test_chat_shorthand_reads_as_the_words_it_stands_for(bot: Guidebot, typed: str, meant: str) -> None:
    """Shorthand too short for spelling correction ("tel", "abt", "wrk") is read as what it means:
    the reply is the one the spelled-out question gets (it was a partial reply / the I-20 overview)."""
    assert bot.chat(typed).citations == bot.chat(meant).citations
    assert bot.chat(typed).answered


def test_which_one_after_a_list_asks_among_the_listed(bot: Guidebot) -> None:
    """"Which one is cheapest?" after a list is about the universities it listed: the honest
    partial on costs for them (it abstained, as if nothing had been listed)."""
    history = history_of(bot, "which universities offer online degrees")
    listed = {c.doc_id for c in bot.chat("which universities offer online degrees").citations}
    resolved = resolve(bot.dialogue, "which one is cheapest", history)
    assert resolved.mode == "list" and set(resolved.focus) == listed
    reply = bot.chat("which one is cheapest", history)
    assert reply.kind == "partial" and "fees" in reply.text


def test_tell_me_more_after_a_list_of_one_reads_on_about_it(bot: Guidebot) -> None:
    history = history_of(bot, "which universities are in illinois")
    said = {c.quote for c in bot.chat("which universities are in illinois").citations}
    reply = bot.chat("tell me more", history)
    assert reply.answered and {c.doc_id for c in reply.citations} == {"uiuc"}
    assert not {c.quote for c in reply.citations} & said


@pytest.mark.parametrize("question", ["tell me about the universities", "the schools?"])
def test_nothing_but_a_list_noun_asks_for_the_guides_list(bot: Guidebot, question: str) -> None:
    reply = bot.chat(question)
    assert reply.kind == "list" and len(reply.citations) == 11
    history = history_of(bot, "tell me about cmu")  # with a university in focus, its programs
    assert all(c.doc_id == "cmu" for c in bot.chat("what are the programs", history).citations)


def test_what_the_guide_lists_them_for_is_its_own_topic_not_a_filter(bot: Guidebot) -> None:
    # the guide lists its universities for MS in ML programs: its list, not the notes offering one
    listed = bot.chat("which universities does the guide list for an ms in machine learning?")
    assert listed.kind == "list" and len(listed.citations) == 11
    # which of them really have one is asked of their notes
    which = bot.chat("which universities in the guide have an ms in machine learning?")
    assert which.kind == "list" and {c.doc_id for c in which.citations} == {"cmu"}


def test_a_country_typed_in_lowercase_is_context_even_before_a_topic(bot: Guidebot) -> None:
    """"does a degree in english from india waive toefl": India is where the degree is from, not a
    place the corpus should cover; naming the TOEFL after it must not keep it as the subject."""
    lowercase = bot.chat("does a degree in english from india waive toefl")
    assert lowercase.answered and lowercase.citations[0].doc_id == "english-tests"


def test_a_bare_question_word_asks_the_previous_question_again_with_it(bot: Guidebot) -> None:
    """"When?" after "how do I pay it?" (about SEVIS) is "when do I pay it?", "it" being SEVIS, the
    part of the F-1 note asked about: answered by "must pay the I-901 SEVIS fee before they apply",
    not by the F-1 note's opening."""
    history = history_of(bot, "what is sevis", "how do i pay it")
    assert resolve(bot.dialogue, "when", history).text == "when do i pay SEVIS"
    reply = bot.chat("when", history)
    assert reply.answered and any("before they apply" in c.quote for c in reply.citations)
    assert resolve(bot.dialogue, "where", history_of(bot, "tell me about cmu")).text == "where"


@pytest.mark.parametrize("question, doc_id", [("does u of m have ml", "umich"),
                                              ("does U of I have an online masters", "uiuc")])
def test_shorthand_inside_a_universitys_alias_is_part_of_the_name(bot: Guidebot, question: str,
                                                                   doc_id: str) -> None:
    """"U of M" is Michigan's alias: its "u" is not "you" (the guide's opening answered instead)."""
    reply = bot.chat(question)
    assert reply.answered and reply.citations[0].doc_id == doc_id
    assert bot.chat("can u tell me about u of a").citations[0].doc_id == "arizona"


def test_what_cities_are_the_universities_in_lists_them_all(bot: Guidebot) -> None:
    reply = bot.chat("what cities are the universities in")
    assert reply.kind == "list" and len({c.doc_id for c in reply.citations}) == 11


@pytest.mark.parametrize("question", ["which is the best university for ml", "which universities are the best for AI"])
def test_which_is_the_best_is_no_list_the_notes_can_answer(bot: Guidebot, question: str) -> None:
    """No note ranks the universities: "which is the best ..." is the honest partial reply, not a
    list of the universities whose notes mention ML (it had listed CMU alone, as if the best)."""
    reply = bot.chat(question)
    assert not reply.answered and reply.kind == "partial" and not reply.citations


def test_what_programs_after_a_university_are_its_own(bot: Guidebot) -> None:
    """"What universities ..." asks for a list; "what programs do they have?" after CMU is CMU's."""
    reply = bot.chat("what programs do they have", history_of(bot, "tell me about cmu"))
    assert reply.kind != "list" and {c.doc_id for c in reply.citations} == {"cmu"}


def test_it_after_a_part_of_a_topic_note_is_that_part(bot: Guidebot) -> None:
    """"Tell me about the TOEFL", "who makes it?": "it" is the TOEFL, one of the tests the note's
    title lists, not English tests in general; after "what about IELTS?", "it" is IELTS, whose
    validity the note does not give (the TOEFL's two years are no answer for it)."""
    maker = bot.chat("who makes it", _after(bot, "tell me about the toefl"))
    assert maker.answered and any("made by ETS" in c.quote for c in maker.citations), maker.text
    valid = bot.chat("how long is it valid", _after(bot, "what tests do i need", "what about ielts"))
    assert not any("two years" in c.quote for c in valid.citations), valid.text
    purpose = bot.chat("what do i use it for", _after(bot, "what is the i-20", "who issues it"))
    assert purpose.answered and "to pay the SEVIS fee" in purpose.citations[0].quote, purpose.text


def test_a_pronoun_after_a_short_list_is_about_the_ones_it_named(bot: Guidebot) -> None:
    """"Which programs are online?", "which of them are in California?", "is it STEM?": about the two
    that the last list named (Berkeley, UC San Diego), not the four online ones before."""
    history = _after(bot, "which programs are online", "which of them are in california")
    resolved = resolve(bot.dialogue, "is it stem", history)
    assert set(resolved.focus) == {"berkeley", "ucsd"} and resolved.mode == "compare"


def test_for_which_schools_after_a_question_asks_it_of_every_university(bot: Guidebot) -> None:
    """"Is the GRE required?", "for which schools?": no note says which require it, so that is not
    known (the guide's list of all eleven is no answer); after "tell me about CMU", "which
    universities?" still asks for the guide's list."""
    which = bot.chat("for which schools", _after(bot, "is the gre required"))
    assert not which.answered and len(which.citations) < 11, which.text
    listed = bot.chat("which universities", _after(bot, "tell me about cmu"))
    assert listed.kind == "list" and len(listed.citations) == 11


@pytest.mark.parametrize(("question", "quoted"), [("who creates the toefl exam", "made by ETS"),
                                                  ("who makes the i-20", "issues Form I-20")])
def test_who_makes_it_asks_for_its_maker(bot: Guidebot, question: str, quoted: str) -> None:
    """"Who makes it?" after "what is the GRE?" had repeated the GRE's definition first; "who
    creates the TOEFL exam?" was refused ("creates" is no word of the TOEFL sentence). Whoever
    makes, runs or issues a thing is asked for (an intent hint), and the verb only frames."""
    reply = bot.chat(question)
    assert reply.answered and quoted in reply.citations[0].quote, reply.text
    maker = bot.chat("who makes it", _after(bot, "what is the gre"))
    assert "created and administered by ETS" in maker.citations[0].quote, maker.text


def test_it_after_asking_what_a_term_means_is_that_term(bot: Guidebot) -> None:
    """"What is an EAD?" names no note, so no focus carries it: "can I work without it?" had been
    answered by the guide's careers sentences. "It" is now the EAD, which the OPT note says one
    may not start work before receiving."""
    reply = bot.chat("can i work without it", _after(bot, "what is an ead"))
    assert reply.answered and "before receiving the Employment Authorization Document" in reply.citations[0].quote, \
        reply.text
    assert resolve(bot.dialogue, "is it hard", _after(bot, "hello")).text == "is it hard"


@pytest.mark.parametrize("question", ["whats the closest thing to an ml masters at u of arizona",
                                      "is u of arizona in tucson"])
def test_u_of_a_university_names_it_and_is_no_you(bot: Guidebot, question: str) -> None:
    # "u" is chat shorthand for "you", but "you of arizona" is never meant: it is "university of".
    resolved = resolve(bot.dialogue, question, [])
    assert resolved.focus == ("arizona",)
    answer = bot.chat(question, [])
    assert answer.answered and all(c.doc_id == "arizona" for c in answer.citations)


def test_u_of_m_still_names_michigan_and_u_alone_is_still_you(bot: Guidebot) -> None:
    assert resolve(bot.dialogue, "can u tell me about U of M", []).focus == ("umich",)
    assert "you" in resolve(bot.dialogue, "can u tell me where CMU is", []).text.split()


def test_which_department_runs_it_is_not_answered_by_sentences_naming_no_department(bot: Guidebot) -> None:
    # UMich's note names no department for its data science MS; "offers" is no department.
    history = history_of(bot, "what's umich's data science ms")
    assert not bot.chat("which department runs it", history).answered
    cmu = bot.chat("Which department runs the machine learning master's at Carnegie Mellon?", [])
    assert cmu.answered and "Machine Learning Department" in cmu.citations[0].quote


@pytest.mark.parametrize(("first", "follow_up", "said"), [
    ("tell me about cmu", "which school is it in", "School of Computer Science"),
    ("what does u of arizona have for ml masters", "ok and which college is that under",
     "College of Information Science"),
])
def test_which_school_is_it_in_after_a_university_asks_about_it_not_for_a_list(
        bot: Guidebot, first: str, follow_up: str, said: str) -> None:
    answer = bot.chat(follow_up, history_of(bot, first))
    assert answer.kind == "answer" and any(said in c.quote for c in answer.citations)
    assert bot.chat("which school is it in", []).kind != "answer"  # with nothing in focus it is no such question


@pytest.mark.parametrize(("question", "quoted"), [("which company runs the gre", "administered by ETS"),
                                                  ("which organization makes the toefl", "made by ETS")])
def test_which_company_makes_it_asks_for_its_maker(bot: Guidebot, question: str, quoted: str) -> None:
    answer = bot.chat(question, [])
    assert answer.answered and quoted in answer.citations[0].quote


def test_it_after_an_answer_about_one_degree_is_that_degree(bot: Guidebot) -> None:
    """UW's note names two degrees: the PMP and the MS in Artificial Intelligence and Machine
    Learning for Engineering. After "what's the closest thing they have to an ML master's?" (the
    latter), "who is that program meant for?" had been answered with whom the PMP is for, and after
    "tell me about UW's AI and ML master's", "is it online or in person?" with where PMP courses are
    held. "It" is the degree the answer named; the note does not say how that one is taught."""
    meant = bot.chat("who is that program meant for", _after(bot, "thinking about uw",
                                                             "whats the closest thing they have to an ml masters"))
    assert meant.answered and "aimed at engineers" in meant.citations[0].quote, meant.text
    held = bot.chat("is it online or in person", _after(bot, "tell me about uw's ai and ml masters"))
    assert not held.answered and "PMP" not in held.text, held.text
    # Asked of the university, "it" stays the university; asked of the PMP, the note answers.
    assert resolve(bot.dialogue, "is it online", _after(bot, "tell me about uw")).text == "is it online"
    pmp = bot.chat("is it online or in person", _after(bot, "tell me about uw's pmp"))
    assert pmp.answered and "held in person" in pmp.citations[0].quote, pmp.text


def test_a_degree_asked_by_its_field_is_not_answered_by_what_another_degree_of_the_note_does(bot: Guidebot) -> None:
    reply = bot.chat("is uw's ai and ml masters online or in person", [])
    assert not reply.answered and "PMP" not in reply.text, reply.text


def test_a_group_project_is_the_team_project_a_note_names(bot: Guidebot) -> None:
    answer = bot.chat("do we have to do some kind of group project", history_of(bot, "i got into berkeley meng"))
    assert answer.answered and "team capstone project" in answer.citations[0].quote, answer.text


def test_who_handles_a_universitys_programs_is_who_runs_them(bot: Guidebot) -> None:
    answer = bot.chat("who handles cs grad programs there", history_of(bot, "caltech"))
    assert answer.answered and "department runs graduate programs" in answer.citations[0].quote, answer.text
