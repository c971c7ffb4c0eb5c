"""Analysis: tokens, stopwords, stems, query expansion, and spelling correction."""

from __future__ import annotations

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


def test_contractions_become_their_words() -> None:
    assert words("Which ones don't? I'm sure they can't") == ["which", "ones", "do", "not", "i", "am", "sure",
                                                                "they", "can", "not"]
    assert "doesn" not in words("Stanford doesn’t offer it")
