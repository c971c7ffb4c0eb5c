"""What the conversation replies: small talk, lists, comparisons, partial knowledge, abstention,
suggestions, confidence, verbatim citations."""

from __future__ import annotations

import pytest

from guidebot.chat import Guidebot
from guidebot.conversation.turns import Turn


@pytest.mark.parametrize("text", ["hi", "Hello there!", "heyyy", "thanks!", "Thank you so much, that was helpful",
                                  "what can you do?", "bye"])
def test_small_talk_gets_a_friendly_reply_without_retrieval(bot: Guidebot, text: str) -> None:
    answer = bot.chat(text)
    assert answer.kind == "smalltalk" and not answer.answered and not answer.citations
    assert 2 <= len(answer.suggestions) <= 3




def test_list_question_covers_every_matching_university_with_its_own_citation(bot: Guidebot) -> None:
    answer = bot.chat("Which universities are in California?")
    cited = [c.doc_id for c in answer.citations]
    assert sorted(cited) == ["berkeley", "caltech", "stanford", "ucsd"]
    for citation in answer.citations:
        assert "California" in citation.quote


@pytest.mark.parametrize("question", ["Which universities does the guide list?",
                                      "Which universities does the guide cover?",
                                      "What schools does the guide mention?"])
def test_list_of_all_universities_quotes_the_guide(bot: Guidebot, question: str) -> None:
    answer = bot.chat(question)
    assert answer.answered and len(answer.citations) == 11
    assert {c.doc_id for c in answer.citations} == {"guide"}


def test_comparison_answers_from_each_named_university(bot: Guidebot) -> None:
    answer = bot.chat("compare CMU and MIT")
    assert {c.doc_id for c in answer.citations} == {"cmu", "mit"}
    assert "Master of Science in Machine Learning" in answer.text


def test_a_comparison_says_which_notes_do_not_say(bot: Guidebot) -> None:
    """"Are CMU and Stanford STEM?": CMU's note says so, Stanford's does not, and the reply says that
    instead of answering for both from CMU's sentence."""
    answer = bot.chat("are cmu and stanford stem")
    assert {c.doc_id for c in answer.citations} == {"cmu"}
    assert "Stanford University don't say" in answer.text
    assert answer.confidence < bot.chat("compare CMU and MIT").confidence
    # A topic named beside them ("the GRE") is what is asked of each: the partial reply about both,
    # with what holds in general, not the GRE note compared with them.
    gre = bot.chat("is gre required at cmu and mit")
    assert not gre.answered and gre.kind == "partial" and "in general" in gre.text, gre.text
    # No note answering, or a specific asked of both: the partial reply, saying what is not known.
    gpa = bot.chat("what gpa do cmu and georgia tech want")
    assert not gpa.answered and "GPA cut-offs" in gpa.text, gpa.text
    funding = bot.chat("do cmu and uiuc give scholarships")
    assert not funding.answered and "in general" in funding.text, funding.text


def test_a_question_about_the_ones_just_listed_is_asked_of_each(bot: Guidebot) -> None:
    """"Which universities have online programs?", then "can I get a visa for those?": each listed
    note's sentence on online degrees and the F-1 visa, not the F-1 note's definition of the visa."""
    listing = "which universities have online programs"
    answer = bot.chat("can i get a visa for those", [Turn("user", listing), Turn("assistant", bot.chat(listing).text)])
    assert len({c.doc_id for c in answer.citations}) >= 3 and "f1-visa" not in {c.doc_id for c in answer.citations}
    assert all("fully online degree" in c.quote for c in answer.citations), answer.text


@pytest.mark.parametrize("question, site", [
    ("What is the tuition at CMU?", "https://www.cmu.edu/"),
    ("minimum GPA for Stanford?", "https://www.stanford.edu/"),
    ("When is the application deadline for UW?", "https://www.washington.edu/"),
    ("acceptance rate at Georgia Tech", "https://www.gatech.edu/"),
])
def test_uncovered_attribute_of_a_covered_university_points_to_its_site(bot: Guidebot, question: str,
                                                                         site: str) -> None:
    answer = bot.chat(question)
    assert not answer.answered and answer.kind == "partial"
    assert site in answer.text and "don't" in answer.text


@pytest.mark.parametrize("question", ["What's the weather in Paris?", "tuition at Harvard?",
                                      "is NYU good for machine learning?", "what is the best laptop for ML",
                                      "write me a python function to sort a list",
                                      "what are my chances of admission with a 3.2 GPA?"])
def test_out_of_scope_questions_abstain_kindly_with_suggestions(bot: Guidebot, question: str) -> None:
    answer = bot.chat(question)
    assert not answer.answered and not answer.citations
    assert "don't know" in answer.text and 2 <= len(answer.suggestions) <= 3


def test_suggestions_follow_the_focus_and_are_answerable(bot: Guidebot) -> None:
    answer = bot.chat("tell me about Georgia Tech")
    assert any("Georgia Tech" in s for s in answer.suggestions)
    for suggestion in answer.suggestions:
        assert bot.chat(suggestion).answered, suggestion


def test_confidence_is_higher_when_more_of_the_question_is_covered(bot: Guidebot) -> None:
    full = bot.chat("What are the admission requirements?")
    typo = bot.chat("admision requirments")
    none = bot.chat("What's the weather in Paris?")
    assert full.confidence >= typo.confidence > none.confidence
    assert 0.0 <= none.confidence <= 1.0


def test_every_quote_is_verbatim_and_every_marker_has_a_citation(bot: Guidebot) -> None:
    for question in ("What are the admission requirements?", "Which programs are online?", "compare UW and UMich"):
        answer = bot.chat(question)
        for citation in answer.citations:
            chunk = bot.chunk(citation.chunk_id)
            assert chunk is not None
            assert citation.quote in chunk.text
            assert f"[{citation.id}]" in answer.text


@pytest.mark.parametrize("question, site", [("Does UC San Diego require the GRE?", "ucsd.edu"),
                                            ("Does MIT offer scholarships for master's students?", "mit.edu")])
def test_a_university_and_a_topic_its_note_is_silent_on_is_partial_with_the_general_rule_cited(
        bot: Guidebot, question: str, site: str) -> None:
    answer = bot.chat(question)
    assert not answer.answered and answer.kind == "partial" and site in answer.text
    assert answer.citations and all(c.doc_id not in ("ucsd", "mit") for c in answer.citations)
    assert "in general" in answer.text


def test_what_a_partial_reply_says_in_general_is_each_about_what_was_asked(bot: Guidebot) -> None:
    """Each general sentence must say much of the question on its own: "TOEFL scores are valid for
    two years" shares one word with "does UIUC accept three-year degrees?" and says nothing of it."""
    for question in ("Does UIUC accept three-year degrees?", "can i finish a masters at umich in one year"):
        reply = bot.chat(question)
        assert reply.kind == "partial" and not reply.answered, question
        assert not any("TOEFL" in c.quote for c in reply.citations), question
    gre = bot.chat("does uiuc need gre scores")
    assert gre.kind == "partial" and any("still require GRE" in c.quote for c in gre.citations)


def test_an_ordinary_word_starting_a_sentence_is_not_taken_for_an_unknown_university(bot: Guidebot) -> None:
    answer = bot.chat("Honestly, what are the admission requirements?")
    assert answer.answered and "Honestly" not in answer.text


def test_a_list_no_note_is_a_member_of_says_which_ones_is_not_known(bot: Guidebot) -> None:
    """"Which of the universities require the GRE?": no university's note says, and the GRE note's
    general sentences are no list of them: partial, with what holds in general given as such."""
    reply = bot.chat("which of the universities require the gre")
    assert reply.kind == "partial" and not reply.answered and "none of their notes says" in reply.text
    assert reply.citations and all(c.doc_id == "gre" for c in reply.citations)
    assert [c.id for c in reply.citations] == list(range(1, len(reply.citations) + 1))
    # What holds in general must say much of the question itself, not one word of it.
    work = bot.chat("which universities require work experience")
    assert work.kind == "partial" and not any("OPT" in c.quote for c in work.citations)
    # A general answer that names universities is a list of them after all.
    assert bot.chat("which schools would you recommend").answered
    assert bot.chat("Which English tests do US universities accept?").answered  # asks for tests


@pytest.mark.parametrize("question", ["Which universities don't offer an MS in Machine Learning?",
                                      "list the universities that have no ml masters"])
def test_a_negated_list_names_the_notes_that_deny_it(bot: Guidebot, question: str) -> None:
    answer = bot.chat(question)
    cited = {c.doc_id for c in answer.citations}
    assert answer.kind == "list" and "cmu" not in cited and {"mit", "stanford", "berkeley"} <= cited


def test_a_negated_list_no_note_denies_lists_the_notes_that_never_affirm(bot: Guidebot) -> None:
    answer = bot.chat("Which of the universities are not in California?")
    cited = {c.doc_id for c in answer.citations}
    assert cited and not cited & {"stanford", "berkeley", "caltech", "ucsd"} and "cmu" in cited


@pytest.mark.parametrize("question", ["which universities aren't stem designated",
                                      "which universities don't offer online programs"])
def test_a_negated_list_of_a_property_silent_notes_do_not_state_is_not_known(bot: Guidebot, question: str) -> None:
    """Only CMU's note says its master's is STEM; the others say nothing either way, so listing them
    as "not STEM designated" (by their location sentence) claimed what no note says. Every note says
    where it is, so "not in California" still lists the others (the test above)."""
    reply = bot.chat(question)
    assert not reply.answered and reply.kind == "partial" and "don't" in reply.text
    assert not any(" is located in " in c.quote for c in reply.citations)


def test_which_universities_the_guide_gets_wrong_lists_the_notes_that_correct_it(bot: Guidebot) -> None:
    """A note's correction of the guide ("The guide's claim that MIT offers an MS in Machine Learning
    is not correct") is what this list asks for, not a denial of it; CMU's "the guide is correct
    about Carnegie Mellon" is no member."""
    reply = bot.chat("Which universities does the guide get wrong about offering an MS in Machine Learning?")
    cited = {c.doc_id for c in reply.citations}
    assert reply.kind == "list" and len(cited) == 10 and "cmu" not in cited


def test_a_list_never_includes_a_note_that_denies_its_predicate(bot: Guidebot) -> None:
    answer = bot.chat("Which universities offer an MS in Machine Learning?")
    assert {c.doc_id for c in answer.citations} == {"cmu"}


def test_a_place_list_is_not_matched_by_the_word_university_alone(bot: Guidebot) -> None:
    answer = bot.chat("Which universities are in Illinois or Michigan?")
    assert {c.doc_id for c in answer.citations} == {"uiuc", "umich"}


def test_a_list_in_the_guide_is_quoted_whole_and_comes_as_a_list(bot: Guidebot) -> None:
    answer = bot.chat("What are the top universities for an MS in ML?")
    lead, listing = answer.blocks
    assert lead.items[0].text.endswith(":") and listing.type == "list" and len(listing.items) == 11


@pytest.mark.parametrize("question", ["can I switch from OMSCS to the on campus program later?",
                                      "could I defer the OPT and freeze my visa status for later?"])
def test_a_question_mostly_in_words_the_corpus_never_uses_is_not_answered_by_a_sentence_near_it(
        bot: Guidebot, question: str) -> None:
    reply = bot.chat(question)
    assert not reply.answered


def test_a_list_filtered_by_a_topic_lists_the_universities_whose_notes_say_it(bot: Guidebot) -> None:
    reply = bot.chat("Which online programs usually won't get me an F-1 visa?")
    assert reply.kind == "list" and {"georgia-tech", "berkeley"} <= {c.doc_id for c in reply.citations}


def test_a_negated_list_the_notes_are_silent_on_does_not_list_every_university(bot: Guidebot) -> None:
    reply = bot.chat("Which universities don't require the GRE?")
    assert reply.kind != "list" and len({c.doc_id for c in reply.citations}) < 5


@pytest.mark.parametrize("question", ["which universities in the list dont need gre",
                                      "which universities in the guide need the gre"])
def test_a_list_no_note_answers_says_none_says_also_in_the_guides_words(bot: Guidebot, question: str) -> None:
    """"... in the list" says where the universities are, not what to find in their notes: it had
    left "list" a word to cover, and the reply was "I couldn't find that" instead of "none of their
    notes says"."""
    reply = bot.chat(question)
    assert reply.kind == "partial" and "none of their notes says" in reply.text, reply.text


def test_a_topic_note_in_focus_answers_a_question_in_other_words_by_its_closest_sentence(bot: Guidebot) -> None:
    reply = bot.chat("I got into several schools, whose I-20 do I go with?")
    assert reply.answered and reply.citations[0].doc_id == "f1-visa"
    assert "the school they decide to attend" in reply.text


def test_a_denial_of_another_degree_does_not_deny_the_one_asked_about(bot: Guidebot) -> None:
    """Georgia Tech's note says Machine Learning is "a PhD major, not ... a master's major": that
    denies a master's, so it does not keep Georgia Tech out of a list of PhD majors."""
    reply = bot.chat("Which universities offer a PhD with a major in Machine Learning?")
    assert reply.kind == "list" and "georgia-tech" in {c.doc_id for c in reply.citations}
    # A sentence about majors of a master's (MIT's MEng) has the predicate's words but not its key.
    assert "mit" not in {c.doc_id for c in reply.citations}


@pytest.mark.parametrize("question", ["Which universities are in Illinois, Michigan or Washington?",
                                      "hii which unis in the guide r in illinois or michigan"])
def test_a_list_with_alternatives_lists_every_one_of_them(bot: Guidebot, question: str) -> None:
    reply = bot.chat(question)
    assert reply.kind == "list" and {"uiuc", "umich"} <= {c.doc_id for c in reply.citations}


@pytest.mark.parametrize("question", ["What is this guide about?", "tell me about the guide", "summarize the guide"])
def test_a_question_about_a_document_itself_gets_its_opening(bot: Guidebot, question: str) -> None:
    # Without the guide's opening question to the reader ("Looking to jumpstart your career ...?"),
    # which says nothing of what the guide is about: its next sentences, down to "In this blog,
    # we'll explore some of the top universities in the US ...".
    reply = bot.chat(question)
    assert reply.answered and {c.doc_id for c in reply.citations} == {"guide"}
    assert reply.citations[0].quote.startswith("Pursuing a Master of Science")
    assert any("top universities in the US" in c.quote for c in reply.citations)


@pytest.mark.parametrize("question", ["What is the guide's conclusion?", "How does the guide end?",
                                      "what are the guide's final thoughts"])
def test_a_question_for_a_documents_conclusion_gets_its_closing_sentences(bot: Guidebot, question: str) -> None:
    reply = bot.chat(question)
    assert reply.answered and {c.doc_id for c in reply.citations} == {"guide"}
    assert reply.citations[-1].quote.startswith("With hard work and dedication")
    assert "valuable education" in reply.text


def test_a_question_for_a_documents_beginning_gets_its_opening(bot: Guidebot) -> None:
    reply = bot.chat("How does the guide begin?")
    assert reply.answered and reply.citations[0].quote.startswith("Looking to jumpstart your career")


def test_a_topic_ending_is_not_the_end_of_its_note(bot: Guidebot) -> None:
    """"When does OPT end?" asks about OPT, not for the OPT note's last sentences."""
    reply = bot.chat("When does OPT end?")
    last = bot.searcher.chunks[bot.searcher.chunks_of("opt-stem-opt")[-1]].sentence_texts()[-1]
    assert last not in {c.quote for c in reply.citations}


def test_an_acronym_the_corpus_lacks_beside_a_topic_is_not_answered_by_the_topic_alone(bot: Guidebot) -> None:
    """"OPT" puts the OPT note in focus; "CPT" is what is asked, and the notes never say it."""
    reply = bot.chat("What is the difference between OPT and CPT?")
    assert not reply.answered


def test_where_the_student_works_is_context_not_the_subject(bot: Guidebot) -> None:
    reply = bot.chat("Currently working full time in SF, can I do Stanford's masters part time?")
    assert reply.answered and reply.citations[0].doc_id == "stanford" and "part-time" in reply.text


def test_a_topic_notes_silence_is_filled_by_what_other_notes_say_of_that_topic(bot: Guidebot) -> None:
    """"Can I work on it?" about the F-1 visa: its note is silent, and what the other notes say of
    F-1 students and work answers (OPT), not the guide's careers paragraph, which names neither."""
    history = [Turn("user", "What is the F-1 visa?"), Turn("assistant", bot.chat("What is the F-1 visa?").text)]
    reply = bot.chat("Can I work on it?", history)
    assert reply.answered and reply.citations[0].doc_id == "opt-stem-opt"
    assert all("F-1" in c.quote for c in reply.citations)


def test_what_the_guide_mentions_is_a_list_only_when_it_asks_for_schools(bot: Guidebot) -> None:
    """"the guide mention(s)" frames a question; it asks for the guide's list only when the thing
    asked is a list noun ("universities") or nothing at all ("what does the guide list?")."""
    industries = bot.chat("What industries does the guide mention for ML careers?")
    assert industries.kind == "answer" and "healthcare" in industries.text
    services = bot.chat("What support services does the guide mention?")
    assert services.answered and "support services" in services.text
    assert bot.chat("What does the guide list?").kind == "list"


def test_a_bare_negation_asks_nothing(bot: Guidebot) -> None:
    """"Why not?" on its own: every sentence with "not" would have covered it."""
    reply = bot.chat("Why not?")
    assert not reply.answered and not reply.citations


def test_in_general_is_framing_not_a_word_to_search(bot: Guidebot) -> None:
    """"general" is in the GRE note's title; "in general, ..." only asks without a university."""
    reply = bot.chat("in general, what are the admission requirements?")
    assert reply.answered and reply.citations[0].doc_id == "guide"


def test_a_list_besides_some_universities_lists_the_others(bot: Guidebot) -> None:
    reply = bot.chat("Which universities does the guide list besides CMU and MIT?")
    cited = [c.quote for c in reply.citations]
    assert reply.kind == "list" and len(cited) == 9 and "Stanford University" in cited
    assert not any("Carnegie" in q or "Massachusetts" in q for q in cited)
    california = bot.chat("Which universities are in California other than Stanford?")
    assert california.kind == "list" and "stanford" not in {c.doc_id for c in california.citations}


def test_according_to_the_notes_is_not_a_filter_of_the_list(bot: Guidebot) -> None:
    reply = bot.chat("Which programs are STEM-designated according to the notes?")
    assert reply.kind == "list" and "arizona" in {c.doc_id for c in reply.citations}


def test_a_topic_named_by_one_of_its_parts_is_not_answered_by_what_is_said_of_the_whole(bot: Guidebot) -> None:
    """"Who gives the I-20?": the F-1 note's alias "I-20" names a part of it. The OPT note's
    "gives eligible F-1 students 24 more months" says nothing of the form; the F-1 note's "is
    issued by the school's designated school official" does (give out / issue: corpus synonyms)."""
    reply = bot.chat("who gives the I-20")
    assert reply.answered and all("I-20" in c.quote for c in reply.citations)
    assert any("designated school official" in c.quote for c in reply.citations)
    assert not any("24 months" in c.quote for c in reply.citations)
    assert bot.chat("who issues the I-20").answered  # the note's own word


def test_one_part_listed_in_a_title_is_not_answered_by_what_is_said_of_another(bot: Guidebot) -> None:
    """"English language tests (TOEFL, IELTS, Duolingo)" lists its parts: what the TOEFL measures
    or how long its scores last is no answer for the IELTS; what holds for every English test is."""
    for question in ("what does ielts measure", "how long is an ielts score valid"):
        reply = bot.chat(question)
        assert not reply.answered, question
        assert all("TOEFL" not in c.quote or "IELTS" in c.quote for c in reply.citations)
    assert bot.chat("what does the toefl measure").answered
    accepted = bot.chat("is ielts accepted in the us")
    assert accepted.answered and all("TOEFL" not in c.quote for c in accepted.citations)
    waiver = bot.chat("does a degree taught in english waive the ielts")
    assert waiver.answered and any("waive" in c.quote for c in waiver.citations)


def test_what_one_degree_of_a_university_has_is_no_answer_for_another(bot: Guidebot) -> None:
    """The Arizona note names an MS in Computer Science "with thesis and non-thesis options" and an
    MS in Data Science: whether the Data Science one has a thesis, it does not say."""
    reply = bot.chat("does arizona ms data science have a thesis")
    assert not reply.answered and reply.kind == "partial"
    assert not any("thesis" in c.quote for c in reply.citations)
    cs = bot.chat("does arizona ms cs have a thesis")
    assert cs.answered and "thesis and non-thesis options" in cs.citations[0].quote
    # The corpus's own theme asks for no degree in particular: the closest degrees still answer.
    ml = bot.chat("does stanford have an ms in ml")
    assert ml.answered and any("Computer Science" in c.quote for c in ml.citations)


@pytest.mark.parametrize(("question", "city"), [("is mit in boston", "Cambridge"),
                                                  ("is stanford in san francisco", "Stanford, California"),
                                                  ("is berkeley near san francisco", "Berkeley, California")])
def test_a_university_asked_to_be_in_a_place_the_corpus_never_names_gets_where_it_is(
        bot: Guidebot, question: str, city: str) -> None:
    """"Is MIT in Boston?" asks where MIT is: its note says Cambridge (it had been "I don't know")."""
    reply = bot.chat(question)
    assert reply.answered and city in reply.citations[0].quote, reply.text
    chicago = bot.chat("is uiuc in chicago")  # a place the note names is still looked for
    assert chicago.answered and "Chicago" in chicago.citations[0].quote


def test_a_figure_asked_of_one_part_of_a_note_is_not_another_parts_figure(bot: Guidebot) -> None:
    """"How long is IELTS good for?": the English tests note gives only the TOEFL's validity."""
    reply = bot.chat("how long is ielts good for")
    assert not reply.answered and not any("TOEFL" in c.quote for c in reply.citations), reply.text
    assert bot.chat("how long is the toefl good for").answered


def test_a_degree_a_note_never_names_is_not_answered_by_its_other_degrees(bot: Guidebot) -> None:
    """The UW note names no data science master's: its evening PMP (a computer science degree) is
    no answer for "UW's data science masters". A field of the student's background asks no degree,
    and a field written short ("EECS") is the note's own spelled-out one."""
    reply = bot.chat("is uw's data science masters evening")
    assert not reply.answered and not any("evening" in c.quote for c in reply.citations)
    assert bot.chat("is the uw pmp an evening program").answered
    background = bot.chat("can i apply to mit with a computer science bachelors")
    assert background.answered and background.citations[0].doc_id == "mit"
    short = bot.chat("Does MIT let you do a standalone masters in EECS if you're from another uni?")
    assert short.answered and any("standalone" in c.quote for c in short.citations)


def test_a_partial_reply_says_what_the_note_does_say_without_the_specific(bot: Guidebot) -> None:
    """"How much is the SEVIS fee?": the note gives no amount, so the reply is partial, and it
    still cites what the note says of the fee (who pays it, and when) rather than nothing."""
    reply = bot.chat("How much is the SEVIS fee?")
    assert not reply.answered and reply.kind == "partial" and "don't know" in reply.text
    assert reply.citations and all("SEVIS fee" in c.quote for c in reply.citations)
    assert "What is known:" in reply.text
    chances = bot.chat("what are my chances at mit")  # the student's own chances: nothing to cite
    assert not chances.answered and not chances.citations


@pytest.mark.parametrize("question", ["universities in california",
                                      "I want to study in California, what are my options?",
                                      "i want to study in california"])
def test_the_universities_of_a_place_are_a_list_without_which(bot: Guidebot, question: str) -> None:
    """Asked for by a list noun and a place the notes' universities are in, or by nothing but a
    wish to study in a place several are in, it is the list of them, not one sentence (it was
    Berkeley alone, and for "i want to study in california" Caltech's corrections of the guide) or
    F-1 sentences on 'study'. One university's city is that university; asked of a place, the
    question is still a question ("is california expensive?")."""
    reply = bot.chat(question)
    assert reply.answered and reply.kind == "list"
    assert {c.doc_id for c in reply.citations} == {"berkeley", "caltech", "stanford", "ucsd"}
    assert bot.chat("i want to study in pittsburgh").citations[0].doc_id == "cmu"
    assert bot.chat("is california expensive").kind != "list"


def test_a_place_list_its_notes_are_silent_on_is_partial_for_those_universities(bot: Guidebot) -> None:
    """No California note says whether it requires the GRE: the reply is about those four, partial,
    not the GRE note's general sentences as if they answered."""
    reply = bot.chat("Do universities in California require the GRE?")
    assert not reply.answered and reply.kind == "partial"
    assert "Stanford University" in reply.text and "https://ucsd.edu/" in reply.text


@pytest.mark.parametrize("question, lead", [
    ("Is CMU's ML master's a STEM program?", "is a STEM program"),
    ("is the uiuc mcs online available for international students to get a visa", "F-1 student visa"),
])
def test_the_sentence_that_says_all_of_it_leads_the_answer(bot: Guidebot, question: str, lead: str) -> None:
    """Sentences of a note are read in order, but the one that says everything the others say of
    the question comes first: the reply opens with what was asked, not with how applicants apply."""
    reply = bot.chat(question)
    assert reply.answered and lead in reply.citations[0].quote


@pytest.mark.parametrize("question, quoted", [
    ("what is the cip code and why does it matter", "CIP code"),
    ("what happens after i get my i20", "Form I-20"),
])
def test_words_that_frame_a_question_do_not_sink_it(bot: Guidebot, question: str, quoted: str) -> None:
    """'why does it matter', 'what happens after': words the corpus never uses, but framing, not
    what is asked; they weighed as much as the corpus's rarest word and the question was refused."""
    reply = bot.chat(question)
    assert reply.answered and quoted in reply.citations[0].quote


@pytest.mark.parametrize("question", ["where can i double check opt rules", "where can i verify the f1 rules"])
def test_where_to_check_is_answered_by_the_notes_pointer_to_the_official_sites(bot: Guidebot, question: str) -> None:
    """A note's "rules can change, so check ..." line answers only a question for where to check;
    "double" in "double check" is not a word the corpus lacks."""
    reply = bot.chat(question)
    assert reply.answered and "check" in reply.citations[0].quote and "https://" in reply.citations[0].quote


def test_a_silent_note_s_partial_reply_says_what_holds_in_general_without_the_program_s_name(bot: Guidebot) -> None:
    """"Is the GRE required for the Berkeley MEng?": Berkeley's note is silent, the GRE note's general
    sentence says what holds elsewhere, though it never names the MEng; a general sentence that says
    too little of the question ("TOEFL scores are valid for two years" for admissions per year) is
    still left out."""
    gre = bot.chat("Is the GRE required for the Berkeley MEng?")
    assert not gre.answered and gre.kind == "partial"
    assert "in general" in gre.text and any(c.doc_id == "gre" for c in gre.citations), gre.text
    admitted = bot.chat("How many students get admitted to Stanford's MSCS each year?")
    assert not admitted.answered and not any("two years" in c.quote for c in admitted.citations), admitted.text


def test_a_region_the_profile_defines_lists_the_notes_in_its_states(bot: Guidebot) -> None:
    """"Which universities are in the Midwest?": the profile's regions say which states it holds; the
    members are cited by their notes' location sentences, and "and in California?" is a new list."""
    midwest = bot.chat("which universities are in the midwest")
    assert midwest.kind == "list" and {c.doc_id for c in midwest.citations} == {"uiuc", "umich"}
    west = bot.chat("which schools are on the west coast")
    assert {c.doc_id for c in west.citations} == {"berkeley", "caltech", "stanford", "ucsd", "uw"}  # not Arizona
    assert "arizona" not in bot.dialogue.entities.in_places("do schools on the west coast require the gre")
    california = bot.chat("And in California?", [Turn("user", "which universities are in the midwest"),
                                                 Turn("assistant", midwest.text)])
    assert california.kind == "list" and len(california.citations) == 4


def test_what_holds_in_general_for_one_english_test_is_said_of_that_test(bot: Guidebot) -> None:
    """"Does Caltech accept the IELTS?": Caltech's note is silent; what holds in general is that many
    programs accept the IELTS Academic test, not what they say of the TOEFL."""
    reply = bot.chat("Does Caltech accept the IELTS?")
    assert not reply.answered and reply.citations, reply.text
    assert all("TOEFL" not in c.quote for c in reply.citations) and "IELTS" in reply.citations[0].quote


def test_a_list_of_a_degree_asked_by_name_has_the_notes_that_name_that_degree(bot: Guidebot) -> None:
    """"Which universities offer an MS in computer science?" had listed Carnegie Mellon for "The Master
    of Science in Machine Learning (MSML) is offered by ... Carnegie Mellon's School of Computer
    Science", and "an online computer science master's" Berkeley's data science MIDS: a member's
    sentence must name the degree asked, by its full name, a short name ("MSCS") or as the field
    beside a degree word ("computer science master's")."""
    reply = bot.chat("which universities offer an MS in computer science")
    cited = {c.doc_id for c in reply.citations}
    assert reply.kind == "list" and "cmu" not in cited and {"arizona", "georgia-tech", "stanford", "uiuc"} <= cited
    online = bot.chat("Which universities offer an online computer science master's?")
    assert {c.doc_id for c in online.citations} == {"georgia-tech", "uiuc"}
    ai = bot.chat("Which universities mention artificial intelligence as a specialization or area of their "
                  "computer science master's?")
    assert {"stanford", "ucsd", "uiuc"} <= {c.doc_id for c in ai.citations}
