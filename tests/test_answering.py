"""Answering one question (`guidebot.answering`): question analysis into weighted concepts and
needs, sentence selection, and the grounding checks that decide whether the picks answer it."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidebot.answering.grounding import coverage, grounded, key_claim_alone, key_concept_missing, needs_unmet
from guidebot.answering.question import analyse_question
from guidebot.answering.selection import select_sentences
from guidebot.answering.spelling import correct_spelling
from guidebot.build import build_index
from guidebot.chat import Guidebot, Turn
from guidebot.corpus import load_corpus


def picks_for(bot: Guidebot, question: str, doc_ids: list[str] | None = None):  # type: ignore[no-untyped-def]
    d = bot.dialogue
    analysis = analyse_question(d, question, drop_words=d.lexicon.filler)
    hits = d.searcher.top(analysis.weights, 8, doc_ids=doc_ids)
    return analysis, select_sentences(d, analysis, hits)


def test_rare_words_weigh_more_than_common_ones(bot: Guidebot) -> None:
    analysis = analyse_question(bot.dialogue, "scholarships for international students")
    weights = {c.word: c.weight for c in analysis.concepts}
    assert weights["scholarships"] > weights["international students"]  # a synonym phrase, one concept


def test_everyday_words_for_scholarships_find_them(bot: Guidebot) -> None:
    """"Free money" is what students call scholarships and grants (corpus/synonyms.yaml)."""
    reply = bot.chat("is there any free money for foreign students")
    assert reply.answered and "scholarship" in reply.citations[0].quote, reply.text


def test_everyday_words_for_a_place_find_it(bot: Guidebot) -> None:
    """"Neighborhood" is the notes' "area" (corpus/synonyms.yaml): UC San Diego is in La Jolla."""
    reply = bot.chat("what neighborhood is ucsd in")
    assert reply.answered and "La Jolla" in reply.text, reply.text


def test_a_synonym_phrase_is_one_concept(bot: Guidebot) -> None:
    analysis = analyse_question(bot.dialogue, "statement of purpose tips")
    assert "statement purpose" in [c.word for c in analysis.concepts] or any(
        "statement" in c.word and "purpose" in c.word for c in analysis.concepts)


def test_a_question_for_a_sum_of_money_needs_a_sentence_with_one(bot: Guidebot) -> None:
    analysis, picks = picks_for(bot, "how much is the tuition at CMU?", ["cmu"])
    unmet = needs_unmet(analysis, picks)
    assert unmet is not None and unmet.kind == "money"
    assert unmet.met_by("Tuition is $58,000 a year.") and not unmet.met_by("Tuition varies.")


def test_how_much_of_something_asks_a_share_not_a_sum(bot: Guidebot) -> None:
    """"How much of my course can be online?" asks what share, which the F-1 note tells; "how much
    of the tuition ..." still asks about money."""
    share = bot.chat("how much of my course can be online on f1")
    assert share.answered and "only one online" in share.citations[0].quote, share.text
    assert bot.chat("how much of the tuition do scholarships cover").kind == "partial"


def test_how_to_pay_a_fee_asks_for_the_steps_not_the_sum(bot: Guidebot) -> None:
    steps = bot.chat("how do i pay the sevis fee")
    assert steps.answered and "I-901 SEVIS fee before they apply" in steps.text
    assert bot.chat("How much is the SEVIS fee?").kind == "partial"
    who = bot.chat("who pays the sevis fee, me or the university")  # a person asked, not a sum
    assert who.answered and any("must pay" in c.quote for c in who.citations)
    order = bot.chat("what's the order of steps to pay the sevis fee?")  # the order, not the sum
    assert order.answered and "before they apply" in order.text, order.text


@pytest.mark.parametrize("question", ["What TOEFL score do I need?", "What is a good GRE score for CMU?",
                                      "Is a GPA of 3.2 enough?", "what's a good gre quant score for ml"])
def test_a_question_for_a_score_is_not_answered_by_sentences_without_one(bot: Guidebot, question: str) -> None:
    reply = bot.chat(question)
    assert not reply.answered and reply.kind in ("partial", "abstain")


@pytest.mark.parametrize(("question", "quote"), [
    ("what form do i send to get opt", "Form I-765"),  # send / filing (corpus synonyms)
    ("can i do my whole masters online and still get a student visa", "fully online"),  # whole / fully
    ("does my employer need to do anything special for stem opt", "E-Verify"),  # "anything special" frames
    ("what kinds of companies hire ml grads", "tech companies"),  # "kinds of" frames, as "kind of" does
    ("can you tell us about cmu", "Pittsburgh"),  # "us" the pronoun (the country is read as "usa")
    ("what are the usual admission requirements", "admissions requirements"),  # "usual" hedges
    ("what does the guide say at the end", "valuable education"),  # "at the end": its conclusion
    ("My friend said CMU doesn't have an ML masters, is that true?", "Machine Learning"),  # hearsay frames
    ("Does anyone know if Caltech has a masters program for ML? I can't find it on their website",
     "does not offer a master's degree in machine learning"),
    ("Is the GRE still required for most programs in 2026?", "still require GRE"),  # a year is no score
    ("can i work for any company on opt", "E-Verify"),  # employer, not "Employment Authorization"
    ("Does Stanford's HCP let me study part time while working?", "employed full-time"),
    ("How does the guide introduce the list of top universities?", "highly regarded"),  # "introduce" frames
    ("Is the UW professional program meant for people who already have a job?", "working software professionals"),
    ("what sections does the gre have", "verbal reasoning"),  # sections: what it measures
    ("what's the max opt with stem", "36 months of OPT in total"),
    ("mit ml masters exist?", "does not offer a master's degree titled"),  # "exist" frames like "is there"
    ("who is ml a good fit for", "attracts individuals"),  # who it is for: whom it attracts
    ("how long is a toefl score good", "valid for two years"),  # how long, not how good
    ("can i start working before i get my ead card", "Employment Authorization Document"),
    ("what are the job prospects after ms in ml", "pursue careers"),  # prospects, not "prospective" students
])
def test_everyday_words_for_what_a_sentence_says_are_answered_by_it(bot: Guidebot, question: str, quote: str) -> None:
    reply = bot.chat(question)
    assert reply.answered and quote in reply.citations[0].quote, reply.text


def test_a_short_unknown_name_is_asked_about_not_dropped_as_a_typo(bot: Guidebot) -> None:
    """"pte" is no slip of an everyday word (as "tak" is of "take"): the test the student asks about,
    which the corpus never names, so the TOEFL, IELTS and Duolingo sentences do not answer it."""
    assert "pte" in [c.word for c in analyse_question(bot.dialogue, "is pte accepted").concepts]
    assert "tak" not in [c.word for c in analyse_question(bot.dialogue, "can i tak the gre twice").concepts]
    assert not bot.chat("is pte accepted").answered


def test_a_phd_question_is_not_answered_by_sentences_about_education_in_general(bot: Guidebot) -> None:
    """No note says how PhDs are funded; the loan and scholarship sentences speak of "education"
    and an MS, which is no PhD."""
    reply = bot.chat("is the phd funded")
    assert not reply.answered, reply.text
    loans = bot.chat("Can I borrow money to cover my education?")
    assert loans.answered and "loans" in loans.citations[0].quote
    assert not any("PhD" in c.quote for c in loans.citations), loans.text  # a PhD is not "my education"


@pytest.mark.parametrize(("question", "quote"), [
    ("who decides the minimum toefl", "sets its own English test rules"),  # who, not the figure
    ("is the sevis fee paid before or after the visa application", "before they apply"),  # order, not the sum
    ("i got admitted to two unis which i20 do i use", "admitted by several schools"),  # "unis" is shorthand
])
def test_a_question_about_a_figure_s_who_or_when_is_answered(bot: Guidebot, question: str, quote: str) -> None:
    reply = bot.chat(question)
    assert reply.answered and any(quote in c.quote for c in reply.citations), reply.text


def test_how_old_a_score_may_be_asks_how_long_it_is_valid(bot: Guidebot) -> None:
    reply = bot.chat("how old can my toefl score be")
    assert reply.answered and "valid for two years" in reply.citations[0].quote, reply.text


@pytest.mark.parametrize("question", ["should i do a thesis or a project", "should i apply to cmu or stanford",
                                      "how do i choose between cmu and stanford",
                                      "help me decide between uiuc and gatech",
                                      "i got into ucsd and uw which should i attend"])
def test_should_i_do_this_or_that_asks_for_a_verdict(bot: Guidebot, question: str) -> None:
    """The notes say which programs have a thesis, and how to apply to CMU, not which to choose
    ("how do I choose between CMU and Stanford?" had been answered by sentences where students
    choose between an internship and research). What the notes say students choose is still told."""
    reply = bot.chat(question)
    assert not reply.answered and reply.kind == "partial", reply.text
    assert bot.chat("do cmu students choose between an internship and research").answered


def test_whether_it_is_worth_doing_asks_for_a_verdict(bot: Guidebot) -> None:
    reply = bot.chat("Is it worth doing MS in ML in 2026 given the job market?")
    assert not reply.answered and reply.kind == "partial"


def test_where_asks_for_a_place_only_as_a_question_word(bot: Guidebot) -> None:
    """"... if I'm from Ghana, where English is the official language?": a relative "where" asks
    for no location; "where is CMU?" and a bare "where?" do."""
    d = bot.dialogue
    relative = analyse_question(d, "is the toefl required in ghana, where english is the official language")
    assert not any(c.hint and c.word == "where" for c in relative.concepts)
    for question in ("where is cmu", "where?", "where exactly is uiuc"):
        assert any(c.hint and c.word == "where" for c in analyse_question(d, question).concepts), question


def test_keeping_something_is_asked_not_framing(bot: Guidebot) -> None:
    """"How do I keep my F-1 status?" is not answered by the I-20's title, which says "Status"."""
    reply = bot.chat("how do i keep my f1 status")
    assert not reply.answered


def test_how_early_or_how_soon_asks_for_a_time(bot: Guidebot) -> None:
    """"How early can I enter the US before classes start?" had been answered by "An F-1 student
    needs the Form I-20 ... to enter the United States" and the EAD sentence: neither says when."""
    reply = bot.chat("how early can i enter the us before classes start")
    assert not reply.answered and reply.kind == "partial"


def test_a_duration_needs_a_length_of_time_not_any_count(bot: Guidebot) -> None:
    """"how long ..." is not answered by "one online class (or three credits) per term"."""
    d = bot.dialogue
    analysis = analyse_question(d, "how long does the I-20 take to get?", drop_words=d.lexicon.filler)
    need = next(n for n in analysis.needs if n.kind == "duration")
    assert need.met_by("up to 12 months of OPT") and need.met_by("a 12-month limit")
    assert not need.met_by("the equivalent of three credits per term")


def test_a_compound_is_not_covered_by_one_of_its_words(bot: Guidebot) -> None:
    """"startup" sits next to "start" in vectors; an employer that is a startup is not asked by
    sentences on when OPT work may start."""
    d = bot.dialogue
    analysis = analyse_question(d, "can my employer be a startup?", drop_words=d.lexicon.filler)
    startup = next(c for c in analysis.concepts if c.word == "startup")
    assert not startup.soft


@pytest.mark.parametrize(("question", "said"), [
    ("Who is the UW MS in Artificial Intelligence and Machine Learning for Engineering meant for?",
     "aimed at engineers"),
    ("Who is the Berkeley MIDS designed for?", "working professionals")])
def test_who_a_program_is_for_is_answered_by_whom_it_is_aimed_at(bot: Guidebot, question: str, said: str) -> None:
    reply = bot.chat(question)
    assert reply.answered and said in reply.text


def test_whether_a_program_qualifies_is_asked_of_what_it_leads_to(bot: Guidebot) -> None:
    """"qualify for" frames the question: UCSD's note says whether its online degree leads to an F-1."""
    reply = bot.chat("Does UCSD's online data science master's qualify for an F-1 visa?")
    assert reply.answered and "does not lead to an F-1 student visa" in reply.text


def test_valid_forever_asks_how_long(bot: Guidebot) -> None:
    """"Are TOEFL scores valid forever?" is answered by how long they are valid."""
    reply = bot.chat("Are TOEFL scores valid forever?")
    assert reply.answered and "two years" in reply.text


def test_longer_than_asks_for_durations(bot: Guidebot) -> None:
    reply = bot.chat("Is CMU's Applied Study variant longer than the regular MSML?")
    assert not reply.answered and reply.kind == "partial"


def test_how_much_of_a_score_is_a_question_for_a_score_not_a_sum(bot: Guidebot) -> None:
    reply = bot.chat("how much gre score is required for stanford")
    assert reply.kind == "partial" and "scores" in reply.text and "fees" not in reply.text


@pytest.mark.parametrize("question", ["is toefl or ielts better for usa grad school??",
                                      "Which is better, CMU or Stanford?", "Is the GRE worth it?",
                                      "What's the best city for ML jobs?", "should i take the gre or not"])
def test_a_verdict_between_options_is_not_answered_by_facts_about_them(bot: Guidebot, question: str) -> None:
    reply = bot.chat(question)
    assert not reply.answered and reply.kind == "partial"
    assert "better" in reply.text


@pytest.mark.parametrize("question", ["is ucsd a good school for ml", "is cmu good for machine learning",
                                      "how good is the georgia tech omscs", "Is the UIUC MCS a good program?",
                                      "is caltech good",
                                      "Is a masters in data science as good as a masters in ML for getting ML jobs?",
                                      # a city's merits: "CMU is located in Pittsburgh" had answered it at 0.8
                                      "is pittsburgh a good city for students", "is seattle a good area to live"])
def test_a_verdict_on_quality_is_not_answered_by_facts_about_the_program(bot: Guidebot, question: str) -> None:
    reply = bot.chat(question)
    assert not reply.answered and reply.kind == "partial" and "rankings" in reply.text


def test_whom_a_program_suits_and_a_good_fit_are_still_answered(bot: Guidebot) -> None:
    assert bot.chat("is the uw pmp good for working professionals").answered
    assert bot.chat("Is ML a good fit if I love coding and maths?").answered


def test_a_comparison_without_a_verdict_still_answers_from_each_note(bot: Guidebot) -> None:
    reply = bot.chat("compare CMU and MIT")
    assert reply.answered and {c.doc_id for c in reply.citations} == {"cmu", "mit"}


def test_a_form_or_visa_name_with_a_digit_is_not_a_figure_asked_for(bot: Guidebot) -> None:
    analysis = analyse_question(bot.dialogue, "my visa got rejected once, can I reapply for F-1?")
    assert not analysis.needs
    assert [n.kind for n in analyse_question(bot.dialogue, "Is 310 on the GRE enough?").needs] == ["score"]


def test_improving_ones_chances_asks_for_advice_not_a_prediction(bot: Guidebot) -> None:
    assert analyse_question(bot.dialogue, "what are my chances of admission?").needs[0].kind == "personal"
    assert analyse_question(bot.dialogue, "how can I improve my chances of admission?").needs == ()


def test_covered_question_is_grounded_and_uncovered_one_is_not(bot: Guidebot) -> None:
    policy = bot.policy
    analysis, picks = picks_for(bot, "What are the admission requirements for international students?")
    assert grounded(analysis, picks, coverage(analysis, picks, policy), policy.answer_threshold)
    analysis, picks = picks_for(bot, "what is the weather in Paris")
    assert not grounded(analysis, picks, coverage(analysis, picks, policy), policy.answer_threshold)


@pytest.mark.parametrize("question", ["Does CMU MSML require a thesis?", "Is the Berkeley MEng a STEM degree?"])
def test_a_programs_name_is_what_is_asked_about_and_the_next_word_what_is_asked(bot: Guidebot,
                                                                               question: str) -> None:
    """Every sentence about the MSML names it; one that does not say "thesis" does not answer."""
    reply = bot.chat(question)
    assert not reply.answered and reply.kind == "partial"


@pytest.mark.parametrize(("question", "quote"), [
    ("what is the gre made of", "measures verbal reasoning"),
    ("what questions do they ask at the visa interview", None),
    ("what should i put in my resume", None),
    ("what should i write in my statement of purpose", None),  # "requirements include ... a statement of purpose"
    ("what should my SOP be about", None),
])
def test_a_question_for_what_something_holds_needs_a_sentence_that_tells_it(bot: Guidebot, question: str,
                                                                            quote: str | None) -> None:
    """"Made of", "what do they ask", "what should I put in": a sentence that only names the thing
    ("made the GRE optional", "attend a visa interview") does not say what it holds."""
    reply = bot.chat(question)
    if quote is None:
        assert not reply.answered and reply.kind == "partial", reply.text
    else:
        assert reply.answered and quote in reply.citations[0].quote, reply.text


def test_a_list_that_names_a_thing_says_it_is_needed_not_what_it_holds(bot: Guidebot, tmp_path: Path) -> None:
    needed = bot.chat("do i need letters of recommendation")
    assert needed.answered and "letters of recommendation" in needed.citations[0].quote
    entries = {  # an FAQ entry headed with the question tells what the thing holds in its own words
        "testing": ("What does the testing release contain?",
                    "Packages enter it after ten days in unstable without serious bugs."),
        "mirrors": ("Where are the mirrors?", "The mirrors contain every release and are listed on the web site."),
    }
    faq = _entries(tmp_path / "faq", entries, heading=True)
    reply = faq.chat("What does the testing release contain?")
    assert reply.answered and reply.citations[0].doc_id == "testing", reply.text


def test_what_kind_of_thing_opens_with_a_sentence_naming_some(bot: Guidebot) -> None:
    """"What classes will I take?": the curriculum's "core courses in statistics, algorithms, and
    programming", not the F-1 rule on "one online class per term" that says "class" twice."""
    reply = bot.chat("what classes will I take")
    assert reply.answered and "core courses in statistics" in reply.citations[0].quote, reply.text


def test_the_most_distinctive_word_must_be_cited(bot: Guidebot) -> None:
    d = bot.dialogue
    analysis = analyse_question(d, "is the Caltech master's online?", drop_words=d.lexicon.filler,
                                implied_words=["caltech", "california", "institute", "technology"])
    picks = select_sentences(d, analysis, d.searcher.top(analysis.weights, 8, doc_ids=["caltech"]))
    missing = key_concept_missing(analysis, picks)
    assert missing is not None and missing.word == "online"


@pytest.mark.parametrize("question", ["Is a thesis required?", "What math do I need?", "When should I start preparing?",
                                      "Where do I live during my studies?",
                                      "Can I get a TA position in my first semester?"])
def test_a_union_of_unrelated_claims_does_not_answer(bot: Guidebot, question: str) -> None:
    """Each word is in some sentence ("thesis" in one university's note, "required" in the guide's
    admissions paragraph), but no sentence says the key word with anything else asked: no answer."""
    reply = bot.chat(question)
    assert not reply.answered, reply.text


def test_a_refused_union_says_what_is_known_of_the_key_word(bot: Guidebot) -> None:
    """Not an answer, but the honest partial reply: what the notes say of a thesis, cited."""
    reply = bot.chat("Is a thesis required?")
    assert not reply.answered and reply.kind == "partial"
    assert [c.doc_id for c in reply.citations] == ["arizona"] and "thesis and non-thesis options" in reply.text


def test_the_key_word_must_share_a_sentence_with_another_word_asked(bot: Guidebot) -> None:
    analysis, picks = picks_for(bot, "is a thesis required")
    alone = key_claim_alone(analysis, picks)
    assert alone is not None and alone.word == "thesis"
    analysis, picks = picks_for(bot, "is a thesis included in the uiuc master of science", ["uiuc"])
    assert key_claim_alone(analysis, picks) is None  # "... a research-oriented degree that includes a thesis"
    # A question about a named program is searched in its note, which supplies the subject.
    reply = bot.chat("Does the CMU MSML include an internship?")
    assert reply.answered and "summer internship" in reply.text


def test_an_everyday_verb_is_never_the_key_word(bot: Guidebot) -> None:
    analysis = analyse_question(bot.dialogue, "does it require the GRE", drop_words=bot.lexicon.filler)
    key = max((c for c in analysis.concepts if c.known), key=lambda c: c.distinctiveness)
    assert key.word == "gre"


def test_selection_respects_the_sentence_and_character_budget(bot: Guidebot) -> None:
    d = bot.dialogue
    analysis = analyse_question(d, "scholarships financial aid funding assistantships")
    hits = d.searcher.top(analysis.weights, 8)
    picks = select_sentences(d, analysis, hits, max_sentences=2, max_chars=400)
    assert 1 <= len(picks) <= 2 and sum(len(p.text) for p in picks) <= 400 + len(picks[0].text)


def test_spelling_fixes_typos_but_never_real_words_or_unknown_names(bot: Guidebot) -> None:
    fixed, corrections = correct_spelling(bot.dialogue, "admision requirements at Standford and Purdue")
    assert "admission" in fixed and "stanford" in fixed.lower()
    assert "Purdue" in fixed and ("purdue", "purdue") not in corrections
    assert correct_spelling(bot.dialogue, "tell me about it")[1] == ()


def test_two_corpus_words_run_together_are_read_as_the_corpus_writes_them(bot: Guidebot) -> None:
    """"parttime" had been left unknown (and "inperson" corrected to "person"): the student asking
    it got "I don't know" where "part-time" is answered. A word English has stays whole."""
    fixed, corrections = correct_spelling(bot.dialogue, "can I study parttime or inperson")
    assert ("parttime", "part time") in corrections and ("inperson", "in person") in corrections
    assert correct_spelling(bot.dialogue, "I understand the rules")[1] == ()
    typed, hyphenated = bot.chat("can I study parttime at UW?"), bot.chat("can I study part-time at UW?")
    assert typed.answered and hyphenated.answered
    assert [c.quote for c in typed.citations] == [c.quote for c in hyphenated.citations]


def test_a_misspelt_framing_word_frames_the_question_instead_of_sinking_it(bot: Guidebot) -> None:
    # "difference" is not a corpus word, so its typo had no corpus word to be corrected to and was
    # taken for a subject the notes never mention: the covered question was refused.
    fixed, corrections = correct_spelling(bot.dialogue, "whats the diffrence between opt and stem opt")
    assert ("diffrence", "difference") in corrections
    reply = bot.chat("whats the diffrence between opt and stem opt")
    assert reply.answered and any(c.doc_id == "opt-stem-opt" for c in reply.citations)


def test_the_shipped_answerability_model_knows_every_feature_and_a_fitted_coverage() -> None:
    from guidebot import datafiles
    from guidebot.answering.answerability import Features

    data = datafiles.yaml_table("answerability.json")
    assert set(data["coefficients"]) == set(Features.names())
    assert 0.3 <= data["coverage_threshold"] <= 0.9 and "tune" in data["fitted_on"]


def test_a_well_grounded_answer_is_confident_and_an_uncovered_question_is_not_answered(bot: Guidebot) -> None:
    covered = bot.chat("What are the admission requirements for international students?")
    assert covered.answered and covered.confidence >= 0.7
    for question in ("Do I need health insurance as an international student in the US?",
                     "what is the best laptop for machine learning"):
        assert not bot.chat(question).answered, question


def test_what_kind_of_thing_is_asked_must_be_named_by_the_answer(bot: Guidebot) -> None:
    analysis = analyse_question(bot.dialogue, "What courses are in Georgia Tech's machine learning specialization?",
                                drop_words=bot.lexicon.filler)
    # Which courses are in a thing is what it holds: a sentence must say what it includes.
    assert [need.kind for need in analysis.needs] == ["contents"]
    assert not bot.chat("What courses are in Georgia Tech's machine learning specialization?").answered
    which = analyse_question(bot.dialogue, "Which test does UCSD want?", drop_words=bot.lexicon.filler)
    assert which.asked_for is not None and which.asked_for.word == "test"


def test_a_topic_named_beside_a_university_must_be_in_its_cited_sentences(bot: Guidebot) -> None:
    reply = bot.chat("Do I need the GRE for the University of Washington PMP?")
    assert not reply.answered and "washington.edu" in reply.text


def test_the_sentence_closest_in_meaning_to_a_paraphrase_is_the_one_that_answers_it(bot: Guidebot) -> None:
    searcher = bot.searcher
    closest = searcher.meaning.closest("Is there someone I can talk to if I am struggling mentally?",
                                       range(len(searcher.chunks)))
    _similarity, position, index = closest[0]
    assert "counseling" in searcher.chunks[position].sentence_texts()[index]


def test_a_word_with_a_meaning_changing_prefix_is_not_covered_by_the_word_without_it(bot: Guidebot) -> None:
    """"Can I reapply?" is not asked by sentences on how to apply, however close the vectors are."""
    d = bot.dialogue
    analysis = analyse_question(d, "my visa got rejected once, can I reapply for F-1?", drop_words=d.lexicon.filler)
    reapply = next(c for c in analysis.concepts if c.word == "reapply")
    assert not reapply.soft and not reapply.known
    reply = bot.chat("my visa got rejected once, can I reapply for F-1?")
    assert not reply.answered


def _entries(folder: Path, entries: dict[str, tuple[str, str]], heading: bool = False) -> Guidebot:
    """A corpus of one document per entry (id: (title, body)), the title also as a heading if asked."""
    folder.mkdir(parents=True)
    for doc_id, (title, body) in entries.items():
        head = f"## {title}\n\n" if heading else ""
        (folder / f"{doc_id}.md").write_text(f"---\nid: {doc_id}\ntitle: {title}\nkind: topic\n---\n\n{head}{body}\n",
                                             encoding="utf-8")
    return Guidebot(build_index(load_corpus(folder)))


def _faq(folder: Path) -> Guidebot:
    """A small FAQ: each entry's heading is its question, and its answer does not repeat the words."""
    entries = {
        "codenames": ("Where do the release codenames come from?",
                      "So far they have been characters taken from the Toy Story movies. The next one is chosen "
                      "by the release team."),
        "upgrades": ("How often are new releases published?",
                     "A major release comes out about every two years. Point releases fix security problems."),
        "players": ("Which music players are included?",
                    "Several audio applications ship by default, and more can be added from the archive. "
                    "Each release notes come from the team and list what changed."),
    }
    return _entries(folder, entries, heading=True)


def test_an_entry_whose_heading_asks_the_question_answers_it_from_its_opening(tmp_path: Path) -> None:
    faq = _faq(tmp_path / "faq")
    reply = faq.chat("Where do these codenames come from?")
    assert reply.answered and reply.citations[0].doc_id == "codenames"
    assert "Toy Story" in reply.text


def test_the_entry_titled_with_the_question_answers_it_though_another_quotes_it_more(tmp_path: Path) -> None:
    """An entry that cross-refers to another by quoting its question ranks higher by BM25 (it repeats
    the words); the entry whose own heading asks the question is the answer."""
    entries = {
        "kernels": ("What tools build custom kernels?",
                    "Use the packaging target of the build system. It makes an installable archive."),
        "sources": ("Where are the sources?",
                    "Sources of custom kernels sit beside the binaries. To build custom kernels with tools "
                    "of your own, see “What tools build custom kernels?”. Tools for kernels are listed there."),
        "choice": ("Which release is better for me?",
                   "It depends on what you intend to do. A server wants the stable one; a desktop may follow "
                   "the newer one."),
    }
    faq = _entries(tmp_path / "faq", entries, heading=True)
    assert faq.search("What tools build custom kernels?", k=1)[0].doc_id == "sources"  # the trap is real
    reply = faq.chat("What tools build custom kernels?")
    assert reply.answered and reply.citations[0].doc_id == "kernels"
    # "better" asks for a verdict; under a heading that asks it, "it depends ..." is the corpus's verdict.
    verdict = faq.chat("Which release is better for me?")
    assert verdict.answered and verdict.citations[0].doc_id == "choice" and "depends" in verdict.text


def test_which_part_of_a_place_asks_where_not_about_part_time(bot: Guidebot) -> None:
    reply = bot.chat("which part of california is stanford in?", [])
    assert reply.answered and "is located in Stanford, California" in reply.citations[0].quote, reply.text


def test_what_they_usually_ask_at_the_interview_asks_what_it_holds(bot: Guidebot) -> None:
    # "usually" changes nothing: a sentence saying there is an interview does not tell what is asked at it
    reply = bot.chat("what do they usually ask in the f1 visa interview? mine is next month", [])
    assert not reply.answered, reply.text


def test_which_is_better_is_not_told_by_a_sentence_using_better_for_something_else(bot: Guidebot) -> None:
    # "leading to better decision-making" is no verdict on which is better for whom
    reply = bot.chat("which is better for Indian students?", [])
    assert not reply.answered, reply.text


def test_the_steps_of_something_ask_how_it_is_done_unless_the_corpus_speaks_of_steps(bot: Guidebot,
                                                                                     tmp_path: Path) -> None:
    """"f1 visa steps": this corpus never says "steps", so its F-1 note's sentences answer. In a FAQ
    whose entries speak of steps, "steps" is a word to cover like any other."""
    reply = bot.chat("f1 visa steps")
    assert reply.answered and reply.citations[0].doc_id == "f1-visa", reply.text
    faq = _faq(tmp_path / "faq")
    assert "steps" not in [c.word for c in analyse_question(faq.dialogue, "release steps").concepts]
    folder = tmp_path / "steps"
    folder.mkdir()
    (folder / "upgrade.md").write_text("---\nid: upgrade\ntitle: Upgrading\nkind: topic\n---\n\n## Upgrading\n\n"
                                       "Follow the upgrade steps in the release notes. Back up first.\n",
                                       encoding="utf-8")
    stepwise = Guidebot(build_index(load_corpus(folder)))
    assert "steps" in [c.word for c in analyse_question(stepwise.dialogue, "release steps").concepts]


def test_the_word_vectors_load_in_the_background_so_a_paraphrase_does_not_wait(bot: Guidebot) -> None:
    from guidebot import semantic

    thread = bot.warm_in_background()
    thread.join(timeout=120)
    assert not thread.is_alive() and semantic._load_model.cache_info().currsize == 1
    assert bot.searcher.neighbours.of("paid")  # neighbours answer at once from the loaded model


def test_wanting_to_study_somewhere_frames_the_question(bot: Guidebot) -> None:
    # "study" is not in the Georgia Tech note, so "i want to study ml at georgia tech" was partial
    # ("the notes don't say") though the note is all about its machine learning degrees.
    reply = bot.chat("i want to study ml at georgia tech")
    assert reply.answered and reply.citations[0].doc_id == "georgia-tech"
    assert bot.chat("i'd like to study machine learning at uw").citations[0].doc_id == "uw"


def test_a_sentence_that_asks_is_never_quoted_as_an_answer(bot: Guidebot) -> None:
    # The guide opens with "Looking to jumpstart your career in Machine Learning?": a question
    # to the reader, which told "is work experience mandatory for MS in ML?" nothing.
    for question in ("Is work experience mandatory for MS in ML?", "what do ml masters students study"):
        assert not any(c.quote.rstrip().endswith("?") for c in bot.chat(question).citations), question


def test_available_only_frames_a_question(bot: Guidebot) -> None:
    # "available" was the rarest word of the question, so the reply quoted scholarships "available
    # to international students" instead of the Caltech note's sentence on its master's.
    reply = bot.chat("is caltech cs master's available for international students")
    assert reply.answered and reply.citations[0].doc_id == "caltech"
    assert "no standalone master's" in reply.text


def test_a_program_name_typed_in_lowercase_is_still_a_name(bot: Guidebot) -> None:
    # The corpus writes MSIS as a name, so "msis" is one too: what is asked about it ("online")
    # must be cited, as it must for "MSIS".
    assert bot.dialogue.searcher.written_as_name("msis")
    assert not bot.dialogue.searcher.written_as_name("online")
    for question in ("is arizona msis available online", "is arizona MSIS available online"):
        assert not bot.chat(question).answered, question


def test_an_unknown_acronym_typed_in_lowercase_is_asked_not_dropped(bot: Guidebot) -> None:
    # "cpt" and "mlt" were taken for slips of the keys and dropped: "what is cpt" asked for more
    # detail, and "what does cmu's mlt stand for" quoted the CMU note's opening as the answer.
    cpt = bot.chat("what is cpt")
    assert cpt.kind == "abstain" and not cpt.answered
    mlt = bot.chat("what does cmu's mlt stand for")
    assert not mlt.answered and mlt.kind == "partial"
    # An everyday word short of a vowel is still a typo, and chat shorthand still frames.
    assert bot.chat("how lng is stem opt").answered
    assert bot.chat("idk, is the gre required tbh").answered


@pytest.mark.parametrize(("question", "lead"), [
    ("is ucsd online mds ok for f1", "does not lead to an F-1 student visa"),
    ("is stanford's mscs a terminal degree", "terminal professional degree"),
    ("Is an internship required in the Carnegie Mellon MSML Applied Study?", "must complete a summer internship"),
])
def test_the_sentence_saying_what_is_asked_of_a_named_program_leads(bot: Guidebot, question: str, lead: str) -> None:
    # The sentences that only name the program ("UC San Diego offers an online Master of Data
    # Science ...") came first, and the one answering the question third.
    reply = bot.chat(question)
    assert reply.answered and lead in reply.citations[0].quote


@pytest.mark.parametrize(("question", "quoted"), [
    ("I heard Caltech doesn't have a masters in CS. Is that true?", "terminal Master of Science"),
    ("Can someone explain the difference between OPT and STEM OPT in simple words?", "24 months"),
    ("I keep reading that the GRE is optional now, is that right?", "optional"),
    ("why do i pay the sevis fee", "SEVIS fee"),  # why one pays asks for no sum
])
def test_how_a_forum_post_frames_its_question_is_no_word_to_cover(bot: Guidebot, question: str, quoted: str) -> None:
    # "heard", "is that true", "in simple words" made these partial ("the notes don't say").
    reply = bot.chat(question)
    assert reply.answered and quoted in reply.citations[0].quote


def test_to_get_in_states_a_requirement_not_a_question_about_chances(bot: Guidebot) -> None:
    # "... to get in" at the end read as "can I get in?": "do I have to take a language exam to
    # get in" was "I don't know your admission chances".
    exam = bot.chat("do i have to take a language exam to get in")
    assert exam.answered and exam.citations[0].doc_id == "english-tests"
    for question in ("will i get into cmu", "how hard is it to get into mit eecs"):
        assert bot.chat(question).kind == "partial" and "chances" in bot.chat(question).text


def test_a_misspelt_question_word_still_asks_and_length_asks_for_a_duration(bot: Guidebot) -> None:
    # "whre" was a word to cover, so "whre is standford" was partial; question words are no corpus
    # words (they are stopwords), so only the framing speller can read them.
    where = bot.chat("whre is standford")
    assert where.answered and "located in Stanford, California" in where.citations[0].quote
    assert ("whre", "where") in where.corrections
    length = bot.chat("stem opt extention length")  # "length" asks how long, like "how long"
    assert length.answered and "24 months" in length.citations[0].quote


def test_a_number_before_a_plural_noun_counts_things_it_is_no_score(bot: Guidebot) -> None:
    # "admitted to 3 schools" asked for a score ("I don't know that"); the note's "admitted by
    # several schools should use the I-20 of the school they attend" answers it. A count still
    # has to be in the sentence: "do I need 3 letters?" is not told by "letters are required".
    reply = bot.chat("i got admitted to 3 schools which i-20 should i use")
    assert reply.answered and "several schools" in reply.citations[0].quote
    assert not bot.chat("do i need 3 letters of recommendation").answered
    assert not bot.chat("is 310 gre enough").answered


def test_a_synonym_of_a_word_is_not_every_word_with_its_stem(bot: Guidebot) -> None:
    # "financing" among the loan synonyms stemmed to "financ", so "can I get a loan?" was
    # answered by "careers in ... finance" and "applications in healthcare, finance".
    reply = bot.chat("can i get a loan for my masters")
    assert reply.answered and all("loans" in c.quote for c in reply.citations)


def test_a_duration_in_the_question_is_what_is_asked_not_a_word_to_cover(bot: Guidebot) -> None:
    reply = bot.chat("is stem opt 3 years")
    assert reply.answered and "36 months" in reply.text
    assert not bot.chat("Do I need 2 years of work experience for the Stanford MSCS?").answered


def test_e_verify_is_found_as_one_word_not_as_the_verify_of_where_to_verify(bot: Guidebot) -> None:
    # "e" was dropped as noise and "verify" alone matched the "Where to verify" headings.
    reply = bot.chat("what is e-verify")
    assert reply.answered and "E-Verify" in reply.citations[0].quote


def test_what_an_abbreviation_stands_for_is_asked_like_what_it_is(bot: Guidebot) -> None:
    # "stand" had matched the guide's "stand out" as much as "dso" matched the F-1 note.
    for question in ("what does dso stand for", "what is dso short for"):
        reply = bot.chat(question)
        assert reply.answered and all(c.doc_id != "guide" for c in reply.citations), question
        assert "designated school official" in reply.text


@pytest.mark.parametrize("question", ["is Berkeley's MS in ML real?",
                                      "Frankly the guide seems outdated, is Berkeley's MS in ML real?"])
def test_doubting_the_guide_is_answered_by_the_notes_correction_of_it(bot: Guidebot, question: str) -> None:
    reply = bot.chat(question)
    assert reply.answered and any("claim" in c.quote for c in reply.citations), question


def test_a_sentence_without_any_covering_term_covers_no_concept(bot: Guidebot) -> None:
    """The shortcut of sentence selection: outside the terms `_covering_terms` gathers, no concept
    is covered; with an empty synonym (which covers anything) there is no shortcut."""
    from guidebot.answering.question import Concept
    from guidebot.answering.selection import _covering_terms
    searcher = bot.searcher
    for question in ("Does CMU require the GRE?", "machine learning masters funding", "where is it located"):
        concepts = analyse_question(bot.dialogue, question).concepts
        universe = _covering_terms(concepts)
        assert universe is not None
        for position in range(len(searcher.chunks)):
            for terms in (*searcher.sentence_terms(position), searcher.context_terms(position)):
                if universe.isdisjoint(terms):
                    assert not any(c.covered_by(terms) for c in concepts)
    anything = Concept("x", frozenset({"x"}), 1.0, True, alternatives=(frozenset(),))
    assert anything.covered_by(frozenset({"y"})) and _covering_terms([anything]) is None


def test_a_rules_can_change_so_check_line_points_but_does_not_answer(bot: Guidebot) -> None:
    # "F-1 rules can change, so check ..." shares "change" with the question and answered it.
    assert not bot.chat("can i change universities after getting f1").answered
    pointer = bot.chat("where can i check the f1 rules")
    assert pointer.answered and "Study in the States" in pointer.text


def test_get_alone_never_stands_for_admission(bot: Guidebot) -> None:
    # "get in" was an admission synonym; without its stopword it was "get", which every sentence
    # saying "get" then covered.
    analysis = analyse_question(bot.dialogue, "what are the admission requirements")
    admission = next(c for c in analysis.concepts if c.word.startswith("admission"))
    assert frozenset({"get"}) not in admission.alternatives


def test_who_runs_a_test_is_answered_by_who_administers_it(bot: Guidebot) -> None:
    reply = bot.chat("Who runs the GRE?")
    assert reply.answered and "ETS" in reply.text


def test_how_much_of_something_not_money_is_not_a_question_for_costs(bot: Guidebot) -> None:
    """"How much OPT do I get?" asks for an amount (a figure), not tuition or fees; "how much time"
    asks for a duration, which the OPT note's "up to 12 months" gives."""
    amount = bot.chat("how much opt do i get for a masters")
    assert "fees" not in amount.text and "tuition" not in amount.text
    assert not amount.answered or any(ch.isdigit() for c in amount.citations for ch in c.quote)
    duration = bot.chat("how much time does opt last")
    assert duration.answered and any("12 months" in c.quote for c in duration.citations)
    assert "fees" in bot.chat("how much is the sevis fee").text


@pytest.mark.parametrize("question, quoted", [("can i skip the english test", "waive the English test"),
                                              ("is the gre required everywhere", "Some US graduate programs")])
def test_everyday_words_for_a_waiver_or_for_all_programs(bot: Guidebot, question: str, quoted: str) -> None:
    """'skip' a test is to have it waived; 'everywhere' frames the question like 'every' and 'all'."""
    reply = bot.chat(question)
    assert reply.answered and any(quoted in c.quote for c in reply.citations)


def test_asking_whether_something_lasts_forever_is_a_duration_question(bot: Guidebot) -> None:
    """"Is OPT unlimited?" asks for a length of time ("up to 12 months"); "unlimited" itself is
    not a word a sentence must repeat. "Can I skip the SEVIS fee?" asks no sum."""
    reply = bot.chat("is opt unlimited")
    assert reply.answered and any("12 months" in c.quote for c in reply.citations)
    assert "fees" not in bot.chat("can i skip the sevis fee").text


def test_a_path_to_is_what_leads_to(bot: Guidebot) -> None:
    reply = bot.chat("is stanford's ms a path to the phd")
    assert reply.answered and "does not lead to the PhD" in reply.citations[0].quote


def test_a_framing_word_beside_the_topics_name_is_a_phrase_still_asked(bot: Guidebot) -> None:
    """"First language" in the English tests note: "first" frames and "language" names the topic,
    but together they ask about native speakers (it fell back to the guide's list of requirements)."""
    reply = bot.chat("do i need to take an english test if english is my first language")
    assert reply.answered and "native language" in reply.citations[0].quote


def test_what_is_x_opens_with_the_sentence_saying_what_x_is(bot: Guidebot) -> None:
    """Not with the first sentence that mentions it ("needs the Form I-20 to pay the SEVIS fee"),
    and "is only for" or "is issued by" says no more what something is."""
    assert bot.chat("what is sevis").citations[0].quote.startswith("SEVIS is the Student")
    assert bot.chat("What is the STEM OPT extension?").citations[0].quote.startswith(
        "The STEM OPT extension gives")
    assert "issues Form I-20" in bot.chat("what is the i-20").citations[0].quote


@pytest.mark.parametrize("question", ["what does the acronym SEVP mean", "what is the full form of SEVIS"])
def test_asking_what_an_acronym_means_frames_the_question(bot: Guidebot, question: str) -> None:
    reply = bot.chat(question)
    assert reply.answered and reply.citations[0].doc_id == "f1-visa"


@pytest.mark.parametrize("question, place", [("what state is caltech in", "Pasadena, California"),
                                             ("in what state is georgia tech", "Atlanta, Georgia")])
def test_which_state_or_city_asks_where_it_is(bot: Guidebot, question: str, place: str) -> None:
    reply = bot.chat(question)
    assert reply.answered and place in reply.citations[0].quote


def test_saying_how_one_feels_frames_the_question(bot: Guidebot) -> None:
    """"I'm scared about ..." asks about what follows (it abstained: "scared" had no corpus word)."""
    reply = bot.chat("im scared about visa restrictions finding a job")
    assert reply.answered and "visa restrictions" in reply.citations[0].quote


def test_the_sentence_holding_the_specific_asked_leads(bot: Guidebot) -> None:
    """"How long ...?" opens with the sentence that gives a length of time, not with the first
    one in reading order ("Each US university ... sets its own English test rules")."""
    assert "two years" in bot.chat("how long is my toefl score good for").citations[0].quote
    assert "12 months" in bot.chat("is opt unlimited").citations[0].quote


@pytest.mark.parametrize("question, quoted", [("how many online classes can i count each semester", "per term"),
                                              ("what's the work permit form for opt", "Form I-765"),
                                              ("who's in charge of the gre", "administered by ETS")])
def test_everyday_names_for_the_notes_terms(bot: Guidebot, question: str, quoted: str) -> None:
    """Corpus synonyms: a semester is the notes' term, a work permit their employment authorization,
    being in charge of a test is administering it (each was refused: the word typed was not found)."""
    reply = bot.chat(question)
    assert reply.answered and quoted in reply.citations[0].quote


def test_special_is_not_specialization(bot: Guidebot) -> None:
    """"What's special about the universities?" listed the three whose notes name a specialization
    (one stem, "special"); it asks what they are renowned for."""
    reply = bot.chat("what's special about the universities in the guide")
    assert reply.kind != "list" and any("renowned" in c.quote for c in reply.citations)
    assert bot.chat("what specializations does stanford have").citations[0].doc_id == "stanford"


def test_a_figure_asked_of_a_topic_by_name_alone_is_looked_for_in_its_note(bot: Guidebot) -> None:
    """"Is my TOEFL from 3 years ago still ok?" names the topic and asks a length of time: the
    note's sentence with one answers it (it was partial, the note's name being all there was)."""
    reply = bot.chat("is my toefl from 3 years ago still ok")
    assert reply.answered and "valid for two years" in reply.citations[0].quote


@pytest.mark.parametrize("question", ["Hi! I'm from Pakistan with a 3.2 CGPA, can I get into CMU's MSML?",
                                      "can i get into stanford with a 3.0"])
def test_can_i_get_in_with_my_profile_asks_for_chances(bot: Guidebot, question: str) -> None:
    """A profile and "can I get into X?" ask for a prediction, which no note gives; "can I get into
    the US with an I-20?" and "how can I get into MIT for ML?" ask how, and are answered."""
    reply = bot.chat(question)
    assert reply.kind == "partial" and "admission chances" in reply.text, reply.text
    assert bot.chat("can i get into the us with an i20").answered
    assert bot.chat("how can i get into mit for ml").answered


@pytest.mark.parametrize(("question", "not_quoted"), [
    ("can i change employers on stem opt", "must work for an employer"),
    ("can i change my major after admission", "After admitting an international student"),
    ("can i work while studying on an f1 visa", "for full-time academic study"),
])
def test_the_action_a_student_asks_leave_for_must_be_said(bot: Guidebot, question: str, not_quoted: str) -> None:
    """"Can I change employers on STEM OPT?" is not answered by what STEM OPT requires of an
    employer: the verb after "can I" is what is asked, and no cited sentence says it. Asked in
    words the corpus uses the same question is answered ("can I study online on an F-1 visa?")."""
    reply = bot.chat(question)
    assert not any(not_quoted in c.quote for c in reply.citations) and not reply.text.startswith(not_quoted), \
        reply.text
    assert bot.chat("can i study online on an f1 visa").answered
    assert bot.chat("can I complete the UIUC online MCS at my own pace?").answered
    # A verb that only says how one takes part is not what is asked (lexicon light_actions).
    assert "completed full-time or part-time" in bot.chat("can i study ucsd cse part time").citations[0].quote


def test_finishing_a_degree_is_completing_it(bot: Guidebot) -> None:
    reply = bot.chat("Can I finish the UIUC online MCS at my own pace?")
    assert reply.answered and "complete at their own pace" in reply.citations[0].quote, reply.text


def test_a_degree_asked_by_its_short_name_is_not_answered_by_another_degree_of_the_note(bot: Guidebot) -> None:
    """The Georgia Tech note defines MSCS and OMSCS: "can I finish the OMSCS while working?" is not
    answered by "Every Georgia Tech MSCS student completes at least one specialization"."""
    reply = bot.chat("can i finish the georgia tech omscs while working")
    assert not any("MSCS student completes" in c.quote for c in reply.citations), reply.text
    assert not reply.answered


def test_which_schools_thing_is_no_list_of_schools(bot: Guidebot) -> None:
    """"Which school's I-20 should I use if I got multiple admits?" asks for an I-20, not for the
    universities in the guide (it had been read as a list, which no note matched); "multiple" is
    what the note calls "several"."""
    reply = bot.chat("which school's i-20 should i use if i got multiple admits")
    assert reply.kind != "list" and reply.answered, reply.text
    assert "admitted by several schools" in reply.citations[0].quote
    assert bot.chat("which university's program is online").kind == "list"


def test_a_diploma_is_the_title_a_degree_is_awarded_with(bot: Guidebot) -> None:
    reply = bot.chat("what title is on the ucsd cse diploma")
    assert reply.answered and "awarded with the title" in reply.citations[0].quote, reply.text


def test_of_entries_whose_titles_all_hold_the_question_words_the_one_titled_with_the_question_answers(
        tmp_path: Path) -> None:
    """In an FAQ about one tool every title names the tool, so "What is tarbox?" has one word to
    search for and every heading holds it; the entry titled with the question itself answers, not
    the one repeating the tool's name most, and "not" in a title is a different question."""
    entries = {
        "what": ("What is tarbox?", "It is a small archiver for the command line, written in 1999."),
        "split": ("How do I split archives using tarbox?",
                  "Run tarbox with the split flag: tarbox -s 10M archive.tbx. Each tarbox part is a valid "
                  "tarbox archive, and tarbox joins the parts again with tarbox -j."),
        "use": ("When should I use tarbox?", "When you need a fast archiver for small files."),
        "avoid": ("When should I not use tarbox?",
                  "When the files are larger than a few gigabytes: tarbox keeps the index in memory, so a "
                  "tarbox archive of a big disk is slow; use a streaming tool instead of tarbox."),
    }
    faq = _entries(tmp_path / "faq", entries)
    for question, doc_id in (("What is tarbox?", "what"), ("When should I not use tarbox?", "avoid"),
                             ("When should I use tarbox?", "use")):
        reply = faq.chat(question)
        assert reply.answered and reply.citations[0].doc_id == doc_id, (question, reply.text)


@pytest.mark.parametrize("question", ["how cold is ann arbor in winter", "is it safe to live in atlanta",
                                      "what is the weather like in pittsburgh"])
def test_a_question_about_a_city_is_not_answered_by_where_a_university_is(bot: Guidebot, question: str) -> None:
    """"University of Michigan is located in Ann Arbor" had answered how cold it is there; for
    Atlanta, that sentence and the UW note's "must live in the Seattle area" together."""
    assert not bot.chat(question).answered


def test_where_a_university_is_is_still_answered_by_the_place(bot: Guidebot) -> None:
    assert bot.chat("which university is in atlanta").answered
    assert bot.chat("is the university of michigan in ann arbor").answered
    assert bot.chat("do i have to live in seattle for the PMP").answered


def test_what_the_corpus_is_about_is_answered_by_the_sentence_saying_what_it_is(tmp_path: Path) -> None:
    """In an FAQ about one tool, "what is tarbox?" has one word, in every entry: the entries repeating
    it most ranked first and none said what it is; the entry whose sentence does now answers."""
    bodies = {
        "about": "Questions about this FAQ go to the list. Tarbox is a small archiver for the command line, "
                 "written in 1999 by a student. New entries are added every year.",
        "split": "Run tarbox -s to split: each tarbox part is a tarbox archive, and tarbox -j joins tarbox parts.",
        "join": "To join, tarbox reads every tarbox part; tarbox checks each tarbox part's index with tarbox -t.",
        "speed": "A tarbox archive of big files is slow, since tarbox keeps each tarbox index in memory.",
    }
    faq = _entries(tmp_path / "faq", {doc_id: (f"Tarbox FAQ entry {n}", body)
                                      for n, (doc_id, body) in enumerate(bodies.items(), 1)})
    reply = faq.chat("What is tarbox?")
    assert reply.answered and reply.citations[0].doc_id == "about" and "small archiver" in reply.text


def test_a_question_of_framing_words_alone_is_answered_by_the_entry_titled_with_it(tmp_path: Path) -> None:
    """"Where can I get more help?" leaves no word to search for ("get", "more", "help" frame a
    question), so it was met with "Could you tell me a little more?"; an FAQ entry titled with it
    is its answer. A question of framing words that no title is still gets the clarifying reply."""
    faq = _entries(tmp_path / "faq", {"help": ("Where can I get more help?", "Write to the users' mailing list."),
                                      "speed": ("Why is tarbox slow?", "Tarbox keeps each index in memory.")})
    reply = faq.chat("where can i get more help")
    assert reply.answered and reply.citations[0].doc_id == "help" and "mailing list" in reply.text
    assert faq.chat("where can I get more?").kind == "clarify"


@pytest.mark.parametrize("question", ["is machine learning a stem field", "is ML a stem field for OPT"])
def test_a_stem_field_is_asked_in_the_corpus_words_stem_designated(bot: Guidebot, question: str) -> None:
    """Students say "STEM field" or "STEM major" where the OPT note says "STEM-designated": a synonym
    in corpus/synonyms.yaml, where a maintainer adds one. Both had been refused."""
    reply = bot.chat(question)
    assert reply.answered and reply.citations[0].doc_id == "opt-stem-opt" and "STEM-designated" in reply.text


@pytest.mark.parametrize("question", ["do i need toefl", "do i need an english test", "is toefl required"])
def test_whether_a_test_is_needed_is_answered_by_the_section_whose_heading_asks_it(bot: Guidebot,
                                                                                   question: str) -> None:
    """No sentence of the English tests note says "need" or "required", but its section "Who needs an
    English test" answers it; the reply had said the note does not say."""
    reply = bot.chat(question)
    assert reply.answered and reply.citations[0].doc_id == "english-tests"
    assert "prove their English proficiency" in reply.text


@pytest.mark.parametrize("question", ["what name goes on the diploma", "how long it takes to get the EAD",
                                      "what he told me about the visa"])
def test_other_forms_of_framing_verbs_frame_the_question_too(bot: Guidebot, question: str) -> None:
    d = bot.dialogue
    words = {c.word for c in analyse_question(d, question, drop_words=d.lexicon.filler).concepts}
    assert not words & {"goes", "takes", "told"}


def test_have_to_asks_what_is_needed(bot: Guidebot) -> None:
    # "do I have to" is "do I need": not the list of tests accepted, but who is asked to take one.
    answer = bot.chat("do i have to take an english test", [])
    assert answer.answered and "native language is not English" in answer.citations[0].quote


def test_allowed_to_asks_when_one_can(bot: Guidebot) -> None:
    answer = bot.chat("when am i allowed to apply for the stem extension", [])
    assert answer.answered
    assert any("post-completion OPT when applying for the STEM OPT extension" in c.quote for c in answer.citations)


def test_a_word_the_notes_never_use_asked_of_a_named_program_is_not_answered_by_its_name(bot: Guidebot) -> None:
    # Every word but "calculus" names the program: sentences saying the subplan exists do not answer.
    answer = bot.chat("does the arizona msis machine learning subplan need calculus", [])
    assert not answer.answered and "don't know" in answer.text
    assert bot.chat("does the arizona msis have a machine learning subplan", []).answered


def test_the_name_a_degree_goes_by_is_its_title(bot: Guidebot) -> None:
    answer = bot.chat("what name goes on the diploma for ucsd's cse masters", [])
    assert answer.answered and "awarded with the title Computer Science and Engineering" in answer.citations[0].quote


def test_real_before_what_is_asked_is_emphasis_not_doubting_the_guide(bot: Guidebot) -> None:
    answer = bot.chat("will i get to do real hands-on work during the masters or is it all lectures", [])
    assert answer.answered and "practical experience" in answer.citations[0].quote
    doubted = bot.chat("is the berkeley ml masters a real degree", [])
    assert any("is not accurate" in c.quote for c in doubted.citations)  # the note's correction of the guide


def test_asked_of_a_named_topic_the_second_word_nearly_as_distinctive_must_be_said_too(bot: Guidebot) -> None:
    # The F-1 note says applicants "normally attend a visa interview", not how to prepare for one.
    answer = bot.chat("How do I prepare for the F1 visa interview?", [])
    assert not answer.answered
    assert bot.chat("Do F1 visa applicants attend an interview?", []).answered


def test_ml_at_gt_is_the_center_it_names_not_ml_and_georgia_tech(bot: Guidebot) -> None:
    answer = bot.chat("what is ml@gt exactly, i keep seeing it on georgia tech pages", [])
    assert answer.answered and "Machine Learning Center (ML@GT)" in answer.citations[0].quote


@pytest.mark.parametrize(("question", "said"), [
    ("what does the GRE cover", "measures verbal reasoning"),
    ("what does the TOEFL cover", "measures reading, listening, speaking and writing"),
    ("Does the UC San Diego online Master of Data Science cover machine learning?", "machine learning"),
])
def test_what_a_thing_covers_is_what_it_holds_and_cover_only_frames_it(bot: Guidebot, question: str, said: str) -> None:
    answer = bot.chat(question, [])
    assert answer.answered and said in answer.citations[0].quote


@pytest.mark.parametrize("question", ["what skills does the gre check", "what sections does the GRE have"])
def test_what_skills_a_test_checks_is_what_it_measures(bot: Guidebot, question: str) -> None:
    answer = bot.chat(question, [])
    assert answer.answered and "measures verbal reasoning" in answer.citations[0].quote


@pytest.mark.parametrize("question", ["Which courses does the CMU MSML have?",
                                      "what are the required courses in cmu's msml",
                                      "what courses are in the uw pmp, is there ml"])
def test_which_courses_a_program_has_is_not_answered_by_sentences_that_only_mention_courses(
        bot: Guidebot, question: str) -> None:
    # The notes say the MSML and its Applied Study variant share their coursework, and that PMP
    # courses are held in Seattle; neither says which courses there are.
    answer = bot.chat(question, [])
    assert not answer.answered


@pytest.mark.parametrize(("question", "said"), [
    ("What are the core courses in an ML master's program?", "core courses in statistics"),
    ("what classes will I take", "core courses in statistics"),
    ("What is the curriculum of the UC Berkeley MEng?", "engineering leadership courses"),
])
def test_what_courses_a_degree_has_is_answered_by_the_sentence_listing_them(bot: Guidebot, question: str,
                                                                         said: str) -> None:
    answer = bot.chat(question, [])
    assert answer.answered and said in answer.text


@pytest.mark.parametrize("question", [
    "does the berkeley meng eecs have a machine learning concentration or is it general",
    "does caltech fully fund international phd students in cms",
])
def test_after_the_names_of_what_is_asked_about_what_is_asked_must_be_said(bot: Guidebot, question: str) -> None:
    # Each note names the program (the MEng EECS, the CMS PhD) but says nothing of a concentration
    # or of funding for it.
    reply = bot.chat(question, [])
    assert not reply.answered, reply.text


@pytest.mark.parametrize(("question", "said"), [
    ("is the umich cse masters stem", None),
    ("Does CMU's MSML require a thesis?", None),
    ("Does the Arizona MSIS have a machine learning subplan?", "Machine Learning subplan"),
])
def test_a_name_after_a_name_can_be_what_is_asked(bot: Guidebot, question: str, said: str | None) -> None:
    reply = bot.chat(question, [])
    assert reply.answered == (said is not None) and (said is None or said in reply.text), reply.text


@pytest.mark.parametrize(("question", "said"), [
    ("what is sevis anyway, everyone keeps mentioning it", "Student and Exchange Visitor Information System"),
    ("what is opt, people keep talking about it", "temporary work authorization"),
])
def test_who_keeps_mentioning_a_thing_only_frames_the_question(bot: Guidebot, question: str, said: str) -> None:
    # Whoever keeps mentioning it says where the student heard of it, not what is asked.
    answer = bot.chat(question, [])
    assert answer.answered and said in answer.citations[0].quote, answer.text


def test_a_flavour_of_a_program_is_the_program_when_the_corpus_never_says_flavour(bot: Guidebot) -> None:
    answer = bot.chat("In the Applied Study flavour of the CMU MSML, is working at a company in the summer "
                      "required?", [])
    assert answer.answered and "must complete a summer internship" in answer.citations[0].quote, answer.text


def test_the_regular_degree_is_the_degree_when_the_corpus_never_says_regular(bot: Guidebot) -> None:
    history = [Turn("user", "does the uiuc mcs have a thesis?"),
               Turn("assistant", bot.chat("does the uiuc mcs have a thesis?", []).text)]
    answer = bot.chat("and their regular MS in CS?", history)
    said = "research-oriented degree that includes a thesis"
    assert answer.answered and said in answer.citations[0].quote, answer.text


@pytest.mark.parametrize("message", ["im considering uiuc", "I'm thinking about Stanford", "i'm looking at berkeley"])
def test_a_student_saying_which_university_they_consider_gets_its_overview(bot: Guidebot, message: str) -> None:
    # "considering" is the student's state, not a word the note must say: the same as "tell me about it"
    told = bot.chat(message, [])
    about = bot.chat("tell me about " + message.split()[-1], [])
    assert told.answered and [c.quote for c in told.citations] == [c.quote for c in about.citations], told.text


def test_the_same_place_as_asks_whether_they_are_the_same(bot: Guidebot) -> None:
    # "place" only says what kind of thing is compared; the note's sentence tells the two apart
    answer = bot.chat("is the university of arizona the same place as arizona state?", [])
    assert answer.answered and "different university from Arizona State" in answer.citations[0].quote, answer.text


def test_where_the_student_heard_something_only_frames_the_question(bot: Guidebot) -> None:
    # "I read somewhere that ..." says where the student heard it, not what a note must say.
    answer = bot.chat("I read somewhere that Georgia Tech has machine learning as a major. "
                      "Is that a master's or a doctorate?", [])
    assert answer.answered and "a doctoral program and not a master's degree" in answer.citations[0].quote, answer.text


def test_how_a_thing_sounds_to_the_student_only_frames_the_question(bot: Guidebot) -> None:
    # "Sounds perfect" is the student's opinion, not something a note must say.
    answer = bot.chat("mit meng in computation and cognition sounds perfect, can someone from another uni apply", [])
    assert answer.answered and "only open to MIT Computation and Cognition" in answer.citations[0].quote, answer.text


@pytest.mark.parametrize(("question", "said"), [
    ("who can pick the mse at michigan", "only students with an engineering bachelor's degree"),
    ("stanford mscs, is ai one of the tracks you can pick", "Artificial Intelligence"),
])
def test_to_pick_is_to_choose(bot: Guidebot, question: str, said: str) -> None:
    answer = bot.chat(question, [])
    assert answer.answered and said in answer.citations[0].quote, answer.text


def test_what_eats_into_a_limit_is_what_counts_toward_it(bot: Guidebot) -> None:
    answer = bot.chat("if i use opt while im still studying does it eat into my 12 months after", [])
    assert answer.answered and "counts toward the same 12-month OPT limit" in answer.text, answer.text


def test_to_keep_working_is_to_go_on_working(bot: Guidebot) -> None:
    # "Keep" before what goes on ("keep working", "keep my job") frames, as "continue" does.
    answer = bot.chat("can i do a masters at stanford part time while i keep my job", [])
    assert answer.answered and "Honors Cooperative Program" in answer.citations[0].quote, answer.text


@pytest.mark.parametrize("question", ["can i apply with a three year bachelors",
                                      "After my masters, can I keep studying for a doctorate?"])
def test_a_general_question_is_not_answered_by_what_several_universities_say_of_themselves(
        bot: Guidebot, question: str) -> None:
    # MIT's PhD route beside CMU's 5th-year master's, or Georgia Tech's and Caltech's PhDs, hold
    # there: they say nothing of the student's case in general. The reply says what they say.
    reply = bot.chat(question, [])
    assert not reply.answered and reply.kind == "partial" and reply.citations, reply.text


def test_which_universities_have_something_is_still_answered_from_their_notes(bot: Guidebot) -> None:
    reply = bot.chat("Which universities have a master's degree that includes a thesis?", [])
    assert reply.answered and len({c.doc_id for c in reply.citations}) >= 2, reply.text


def test_what_a_program_teaches_is_what_it_covers(bot: Guidebot) -> None:
    answer = bot.chat("what does caltech's phd core teach", [])
    assert answer.answered and "covers machine learning, statistics" in answer.citations[0].quote, answer.text


@pytest.mark.parametrize(("question", "told"), [
    ("what parts are on the gre?", "measures verbal reasoning"),
    ("which topics are covered in caltech's cms phd core?", "covers machine learning, statistics"),
])
def test_what_parts_or_topics_are_in_something_asks_what_it_holds(bot: Guidebot, question: str, told: str) -> None:
    # "parts" is the kind asked for, which the answering sentence never names: it tells what is in it
    answer = bot.chat(question, [])
    assert answer.answered and told in answer.citations[0].quote, answer.text


def test_a_question_about_a_degree_the_note_says_is_not_there_is_answered_by_that(bot: Guidebot) -> None:
    online = bot.chat("Is Caltech's machine learning master's available online?", [])
    assert online.answered and "does not offer a master's degree in machine learning" in online.citations[0].quote
    # A figure asked of it is still not known, but the reply says there is no such degree.
    cutoff = bot.chat("what is the gre cutoff for the berkeley ms in machine learning", [])
    assert not cutoff.answered and any("does not offer" in c.quote for c in cutoff.citations), cutoff.text


def test_a_startup_is_an_employer(bot: Guidebot) -> None:
    answer = bot.chat("on stem opt can i work for literally any startup or are there rules about the employer", [])
    assert answer.answered and "enrolled in E-Verify" in answer.citations[0].quote, answer.text


def test_thinking_of_doing_a_program_frames_the_question(bot: Guidebot) -> None:
    answer = bot.chat("thinking of doing omscs from georgia tech, will that get me an f1 so i can move to the us??", [])
    assert answer.answered and "OMSCS usually does not lead to an F-1" in answer.citations[0].quote, answer.text
