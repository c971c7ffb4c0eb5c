"""Analysis: tokens, stopwords, stems, query expansion, and spelling correction."""

from __future__ import annotations

import pytest

from guidebot.analysis import Analyzer, QueryExpander, SpellingCorrector, normalize, words


def test_terms_are_lowercase_stems_without_stopwords() -> None:
    analyzer = Analyzer.create()
    assert analyzer.terms("What are the Admissions Requirements?") == ["admiss", "requir"]


def test_abbreviations_become_single_tokens() -> None:
    assert words("a Ph.D. in the U.S. on an F-1 visa") == ["a", "phd", "in", "the", "usa", "on", "an", "f1", "visa"]
    assert "usa" not in words("tell us more")


def test_accents_and_possessives_are_normalised() -> None:
    assert normalize("Halıcıoğlu's Café") .split() == ["halıcıoglu", "cafe"]


def test_synonym_expansion_adds_the_other_members_at_lower_weight() -> None:
    analyzer = Analyzer.create()
    expander = QueryExpander(analyzer, [("ML", "machine learning"), ("SOP", "statement of purpose")], [])
    weights = expander.expand(analyzer.terms("ML SOP tips")).weights()
    assert weights["ml"] == 1.0 and weights["sop"] == 1.0
    assert 0 < weights["machin"] < 1 and 0 < weights["purpos"] < 1


def test_alias_expansion_maps_short_names_to_full_names() -> None:
    analyzer = Analyzer.create()
    expander = QueryExpander(analyzer, [], [("Carnegie Mellon University", "CMU")])
    assert {"carnegi", "mellon"} <= set(expander.expand(analyzer.terms("where is CMU")).added)


def test_spelling_correction_is_close_and_frequency_ordered() -> None:
    speller = SpellingCorrector({"scholarships": 5, "scholarship": 2, "requirements": 3, "admission": 4})
    assert speller.correct("scholarsips") == "scholarships"
    assert speller.correct("requirments") == "requirements"
    assert speller.correct("admisssssion") == "admission"
    assert speller.correct("asdkjh") is None
    assert speller.correct("cat") is None  # too short to correct safely


def test_a_typo_keeps_its_first_letter_when_two_words_are_as_close() -> None:
    """"tets" is one edit from "ets" and from "tests"; a typo rarely touches the first letter."""
    speller = SpellingCorrector({"ets": 9, "tests": 1})
    assert speller.correct("tets") == "tests"


def test_two_letters_swapped_are_one_edit() -> None:
    """The commonest typo: "onlien" for "online" (two edits by plain Levenshtein distance)."""
    assert SpellingCorrector({"online": 3, "only": 9}).correct("onlien") == "online"


def test_contractions_become_their_words() -> None:
    assert words("Which ones don't? I'm sure they can't") == ["which", "ones", "do", "not", "i", "am", "sure",
                                                                "they", "can", "not"]
    assert "doesn" not in words("Stanford doesn’t offer it")


def test_expansion_and_phrase_matches_equal_a_scan_of_every_rule() -> None:
    """The trie finds what checking each rule's phrase against the query finds, in the same order."""
    analyzer = Analyzer.create()
    synonyms = [("ML", "machine learning"), ("MS", "master of science", "masters"), ("SOP", "statement of purpose"),
                ("college", "university", "school"), ("learning", "study")]
    aliases = [("Carnegie Mellon University", "CMU", "Carnegie Mellon"), ("University of Michigan", "UMich"),
               ("Michigan State University", "MSU")]
    expander = QueryExpander(analyzer, synonyms, aliases)
    rules = expander._rules

    def occurs(terms: list[str], phrase: tuple[str, ...]) -> bool:
        return any(tuple(terms[i:i + len(phrase)]) == phrase for i in range(len(terms) - len(phrase) + 1))

    for query in ("ML at carnegie mellon university", "master of science in machine learning at umich",
                  "statement of purpose for the university of michigan or michigan state university",
                  "carnegie mellon carnegie mellon university school", "learning machine", ""):
        terms = analyzer.terms(query)
        added: dict[str, float] = {}
        for first in dict.fromkeys(terms):
            for phrase, others, weight in rules:
                if phrase[0] == first and occurs(terms, phrase):
                    for term in others:
                        if term not in terms and added.get(term, 0.0) < weight:
                            added[term] = weight
        assert list(expander.expand(terms).added.items()) == list(added.items()), query
        expected, taken = [], set()
        for phrase in sorted({p for p, _o, _w in rules if len(p) > 1}, key=lambda p: (-len(p), p)):
            for start in range(len(terms) - len(phrase) + 1):
                span = set(range(start, start + len(phrase)))
                if tuple(terms[start:start + len(phrase)]) == phrase and not span & taken:
                    expected.append((start, start + len(phrase), phrase))
                    taken |= span
        assert [m[:3] for m in expander.phrase_matches(terms)] == sorted(expected), query


def test_the_country_typed_in_lowercase_is_the_country_and_the_pronoun_stays_a_pronoun() -> None:
    assert words("how to get funding for ms in us")[-1] == "usa"
    assert words("In the us?") == ["in", "the", "usa"]
    assert words("tell us about it") == ["tell", "us", "about", "it"]


def test_a_single_letter_joined_by_a_dash_is_one_word_but_a_possessive_is_not() -> None:
    assert words("what is e-verify") == ["what", "is", "everify"]
    assert words("E-Verify and e-mail") == ["everify", "and", "email"]
    assert words("a master's-only program") == ["a", "master", "only", "program"]


@pytest.mark.parametrize("text, country", [("requirements at us universities", True), ("us schools need gre", True),
                                           ("a us degree", True), ("tell us more", False), ("let us know", False)])
def test_the_country_typed_in_lowercase_is_told_from_the_pronoun(text: str, country: bool) -> None:
    assert ("usa" in normalize(text).split()) is country


def test_a_name_joined_by_at_is_one_word_and_a_lone_at_sign_is_none() -> None:
    assert words("What is ML@GT?") == ["what", "is", "mlatgt"]
    assert words("meet @ noon") == ["meet", "noon"]
