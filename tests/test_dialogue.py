"""The conversation: follow-up resolution (unit tests on `resolve` itself), small talk, spelling,
lists and comparisons, partial knowledge and abstention, suggestions, confidence."""

from __future__ import annotations

import pytest

from guidebot.dialogue import find_entities, resolve, respond, uncovered_universities
from guidebot.engine import Engine


def history_of(engine: Engine, *turns: str) -> list[dict[str, str]]:
    """Play `turns` through the bot and return the history a client would send next."""
    history: list[dict[str, str]] = []
    for turn in turns:
        answer = respond(engine, turn, history)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": answer.text}]
    return history


# --- resolution -------------------------------------------------------------------------------

def test_pronoun_follow_up_resolves_to_previous_university(engine: Engine) -> None:
    resolved = resolve(engine, "where is it?", history_of(engine, "tell me about CMU"))
    assert resolved.focus == ("cmu",) and resolved.mode == "single"


def test_elliptical_follow_up_borrows_the_previous_intent_for_a_new_university(engine: Engine) -> None:
    resolved = resolve(engine, "and Georgia Tech?", history_of(engine, "where is UIUC?"))
    assert resolved.focus == ("georgia-tech",)
    assert "where" in resolved.intent


def test_naming_a_new_university_switches_the_focus(engine: Engine) -> None:
    resolved = resolve(engine, "does Stanford have an online option?", history_of(engine, "tell me about MIT"))
    assert resolved.focus == ("stanford",)


def test_topic_follow_up_without_subject_keeps_the_university(engine: Engine) -> None:
    resolved = resolve(engine, "what about tuition?", history_of(engine, "tell me about Caltech"))
    assert resolved.focus == ("caltech",)


def test_new_standalone_question_does_not_inherit_focus(engine: Engine) -> None:
    resolved = resolve(engine, "What are the admission requirements for international students?",
                       history_of(engine, "hi"))
    assert resolved.focus == ()


def test_tell_me_more_repeats_the_previous_question_excluding_what_was_said(engine: Engine) -> None:
    history = history_of(engine, "What scholarships are available?")
    resolved = resolve(engine, "tell me more", history)
    assert resolved.mode == "more" and resolved.exclude
    answer = respond(engine, "tell me more", history)
    assert not any(quote in answer.text for quote in resolved.exclude[:1]) or not answer.answered


def test_history_is_resolved_statelessly_and_small_talk_turns_are_skipped(engine: Engine) -> None:
    history = history_of(engine, "tell me about UW", "thanks!")
    assert resolve(engine, "where is it?", history).focus == ("uw",)


def test_a_topic_asked_about_it_keeps_the_university_in_focus(engine: Engine) -> None:
    history = history_of(engine, "Does Berkeley have an online program?")
    resolved = resolve(engine, "can I get an F-1 visa with it?", history)
    assert resolved.focus == ("berkeley",)


# --- entities and spelling ----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("carnegie melon ML", ["cmu"]),
    ("georgia tec location?", ["georgia-tech"]),
    ("caltek masters", ["caltech"]),
    ("univ of michgan", ["umich"]),
    ("UCSD vs UC Berkeley", ["ucsd", "berkeley"]),
    ("standard test scores", []),
    ("universities in Michigan", []),  # a state, not the university
])
def test_universities_are_found_by_name_alias_or_typo(engine: Engine, text: str, expected: list[str]) -> None:
    assert find_entities(engine, text) == expected


def test_unknown_universities_are_named(engine: Engine) -> None:
    assert uncovered_universities(engine, "tuition at Harvard?") == ["Harvard"]
    assert uncovered_universities(engine, "MS in ML at the University of Toronto") == ["University of Toronto"]
    assert uncovered_universities(engine, "where is CMU?") == []


def test_misspelled_question_is_answered_and_says_how_it_was_read(engine: Engine) -> None:
    answer = respond(engine, "admision requirments for intrnational stduents")
    assert answer.answered and "letters of recommendation" in answer.text
    assert answer.text.startswith("(Reading your question as")


def test_a_real_word_is_never_corrected_into_a_corpus_word(engine: Engine) -> None:
    answer = respond(engine, "tell me about CMU")
    assert "Reading your question" not in answer.text and "Pittsburgh" in answer.text


def test_gibberish_is_not_corrected_into_a_confident_answer(engine: Engine) -> None:
    for text in ("asdkjh qwe zxcv", "scholarshiip blorptastic frobnicate"):
        assert not respond(engine, text).answered


# --- small talk ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["hi", "Hello there!", "heyyy", "thanks!", "Thank you so much, that was helpful",
                                  "what can you do?", "bye"])
def test_small_talk_gets_a_friendly_reply_without_retrieval(engine: Engine, text: str) -> None:
    answer = respond(engine, text)
    assert answer.kind == "smalltalk" and not answer.answered and not answer.citations
    assert 2 <= len(answer.suggestions) <= 3


# --- lists, comparisons, partial knowledge, abstention ------------------------------------------

def test_list_question_covers_every_matching_university_with_its_own_citation(engine: Engine) -> None:
    answer = respond(engine, "Which universities are in California?")
    cited = [c.doc_id for c in answer.citations]
    assert sorted(cited) == ["berkeley", "caltech", "stanford", "ucsd"]
    for citation in answer.citations:
        assert "California" in citation.quote


def test_list_of_all_universities_quotes_the_guide(engine: Engine) -> None:
    answer = respond(engine, "Which universities does the guide list?")
    assert answer.answered and len(answer.citations) == 11
    assert {c.doc_id for c in answer.citations} == {"guide"}


def test_comparison_answers_from_each_named_university(engine: Engine) -> None:
    answer = respond(engine, "compare CMU and MIT")
    assert {c.doc_id for c in answer.citations} == {"cmu", "mit"}
    assert "Master of Science in Machine Learning" in answer.text


@pytest.mark.parametrize("question, site", [
    ("What is the tuition at CMU?", "https://www.cmu.edu/"),
    ("minimum GPA for Stanford?", "https://www.stanford.edu/"),
    ("When is the application deadline for UW?", "https://www.washington.edu/"),
    ("acceptance rate at Georgia Tech", "https://www.gatech.edu/"),
])
def test_uncovered_attribute_of_a_covered_university_points_to_its_site(engine: Engine, question: str,
                                                                         site: str) -> None:
    answer = respond(engine, question)
    assert not answer.answered and answer.kind == "partial"
    assert site in answer.text and "don't" in answer.text


@pytest.mark.parametrize("question", ["What's the weather in Paris?", "tuition at Harvard?",
                                      "is NYU good for machine learning?", "what is the best laptop for ML",
                                      "write me a python function to sort a list",
                                      "what are my chances of admission with a 3.2 GPA?"])
def test_out_of_scope_questions_abstain_kindly_with_suggestions(engine: Engine, question: str) -> None:
    answer = respond(engine, question)
    assert not answer.answered and not answer.citations
    assert "don't know" in answer.text and 2 <= len(answer.suggestions) <= 3


def test_suggestions_follow_the_focus_and_are_answerable(engine: Engine) -> None:
    answer = respond(engine, "tell me about Georgia Tech")
    assert any("Georgia Tech" in s for s in answer.suggestions)
    for suggestion in answer.suggestions:
        assert respond(engine, suggestion).answered, suggestion


def test_confidence_is_higher_when_more_of_the_question_is_covered(engine: Engine) -> None:
    full = respond(engine, "What are the admission requirements?")
    typo = respond(engine, "admision requirments")
    none = respond(engine, "What's the weather in Paris?")
    assert full.confidence > typo.confidence > none.confidence
    assert 0.0 <= none.confidence <= 1.0


def test_every_quote_is_verbatim_and_every_marker_has_a_citation(engine: Engine) -> None:
    for question in ("What are the admission requirements?", "Which programs are online?", "compare UW and UMich"):
        answer = respond(engine, question)
        for citation in answer.citations:
            chunk = engine.chunks[engine.chunk_positions[citation.chunk_id]]
            assert citation.quote in chunk.text
            assert f"[{citation.id}]" in answer.text
