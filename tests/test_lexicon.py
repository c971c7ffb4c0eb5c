"""The lexicon and the corpus profile: reply texts come from data, a corpus's guidebot.yaml names
what it is about and overrides any reply, and a corpus without one gets domain-free texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidebot.build import build_index
from guidebot.chat import Guidebot
from guidebot.corpus import load_corpus
from guidebot.errors import CorpusError
from guidebot.lexicon import Lexicon

from .conftest import write_doc

RECIPES = {
    "bread.md": "---\nid: bread\ntitle: Baking bread\nkind: topic\n---\n\n## Flour\n\n"
                "Bread flour has more protein than cake flour. Knead the dough for ten minutes.\n",
    "soup.md": "---\nid: soup\ntitle: Making soup\nkind: topic\n---\n\n## Stock\n\n"
               "A good stock simmers for at least two hours. Skim the fat from the surface.\n",
}


def recipe_corpus(folder: Path, profile: str | None = None) -> Path:
    for name, text in RECIPES.items():
        write_doc(folder, name, text)
    if profile is not None:
        write_doc(folder, "guidebot.yaml", profile)
    return folder


def test_a_corpus_without_a_profile_answers_with_domain_free_texts(tmp_path: Path) -> None:
    bot = Guidebot(build_index(load_corpus(recipe_corpus(tmp_path / "c"))))
    answer = bot.chat("how long should stock simmer?")
    assert answer.answered and "two hours" in answer.text
    for message in ("hi", "what is the weather in Paris?", "thanks"):
        text = bot.chat(message).text.lower()
        assert "machine learning" not in text and "universit" not in text and "guide" not in text


def test_an_unknown_name_blocks_an_answer_only_in_a_corpus_of_named_things(tmp_path: Path, bot: Guidebot) -> None:
    """In a corpus of topics alone (an FAQ), a name it never uses is one more word to weigh ("can
    the reader decompress a PDF stream made by Acrobat?"); in one with notes on named programs,
    an unknown one is what is asked about, and nothing answers for it."""
    folder = tmp_path / "c"
    write_doc(folder, "pdf.md", "---\nid: pdf\ntitle: Reading files\nkind: topic\n---\n\n"
              "A PDF file stores its pages as compressed streams. The reader decompresses each PDF stream "
              "before it draws the page.\n")
    write_doc(folder, "fonts.md", "---\nid: fonts\ntitle: Fonts\nkind: topic\n---\n\n"
              "Fonts are embedded in the file so that the page looks the same everywhere.\n")
    faq = Guidebot(build_index(load_corpus(folder)))
    known = faq.chat("Can the reader decompress a PDF stream made by Acrobat?")
    assert known.answered and known.citations[0].doc_id == "pdf"
    rutgers = bot.chat("Does Villanova have an ML master's?")  # in no list of the profile
    assert not rutgers.answered and "Villanova" in rutgers.text


def test_partial_replies_name_what_is_missing_in_the_corpus_own_terms(tmp_path: Path) -> None:
    """Without a profile a missing price is "prices, fees or costs" (not the shipped guide's
    "tuition"), a missing figure names no GPA; durations in minutes are found; a profile renames
    what is missing through its replies."""
    bot = Guidebot(build_index(load_corpus(recipe_corpus(tmp_path / "c"))))
    price = bot.chat("how much does bread flour cost?")
    assert price.kind == "partial" and "prices, fees or costs" in price.text and "tuition" not in price.text
    score = bot.chat("what is the minimum score for bread flour?")
    assert "GPA" not in score.text and "admission" not in score.text
    assert bot.chat("how long do I knead the dough?").answered  # "ten minutes"
    profile = "replies:\n  need_name_money: what the flour costs\n"
    renamed = Guidebot(build_index(load_corpus(recipe_corpus(tmp_path / "d", profile))))
    assert "what the flour costs" in renamed.chat("how much does bread flour cost?").text


def test_the_profile_names_the_corpus_and_overrides_replies(tmp_path: Path) -> None:
    profile = ("title: Kitchen helper\ntopic: home cooking\nsources: the recipe notes\n"
               "replies:\n  smalltalk_bye: Happy cooking!\nsuggestions:\n  - How long should stock simmer?\n")
    bot = Guidebot(build_index(load_corpus(recipe_corpus(tmp_path / "c", profile))))
    assert bot.title == "Kitchen helper"
    assert bot.chat("bye").text == "Happy cooking!"
    assert "home cooking" in bot.chat("thanks").text
    assert bot.starters() == ["How long should stock simmer?"]


def test_an_unanswerable_starter_question_is_dropped(tmp_path: Path) -> None:
    profile = "suggestions:\n  - How long should stock simmer?\n  - What is the capital of Peru?\n"
    bot = Guidebot(build_index(load_corpus(recipe_corpus(tmp_path / "c", profile))))
    assert bot.starters() == ["How long should stock simmer?"]


@pytest.mark.parametrize("profile, field", [("topic: [a, b]\n", "topic"), ("colour: blue\n", "colour"),
                                            ("suggestions: just one\n", "suggestions"), ("- a list\n", None),
                                            ("regions:\n  midwest: Illinois\n", "regions")])
def test_a_bad_profile_is_a_corpus_problem_naming_the_field(tmp_path: Path, profile: str, field: str | None) -> None:
    with pytest.raises(CorpusError) as caught:
        load_corpus(recipe_corpus(tmp_path / "c", profile))
    problem = caught.value.problems[0]
    assert problem.file == "guidebot.yaml" and problem.field == field and problem.fix


def test_the_shipped_corpus_profile_is_in_the_fingerprint(tmp_path: Path, corpus_copy: Path) -> None:
    before = load_corpus(corpus_copy).fingerprint
    path = corpus_copy / "guidebot.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert load_corpus(corpus_copy).fingerprint != before


def test_reply_templates_fill_the_corpus_variables() -> None:
    lexicon = Lexicon.load({"sources": "the handbook", "replies": {"partial_general": "No {subject} in {sources}."}})
    assert lexicon.reply("partial_general", subject="dates") == "No dates in the handbook."
    assert lexicon.reply("pointer_one", urls="https://example.org").startswith(" Please check")


def test_no_pattern_can_backtrack_over_a_whole_message() -> None:
    """An unbounded `.*` between two alternatives is quadratic on a long message with many first
    alternatives and no second (the regex engine holds the interpreter lock throughout): every gap
    in the shipped patterns is bounded."""
    import re

    from guidebot.lexicon import Lexicon

    lexicon = Lexicon.load({})
    patterns = [*lexicon.patterns.values(), *(r.pattern for r in lexicon.needs),
                *(h.pattern for h in lexicon.intent_hints), *(r.pattern for r in lexicon.smalltalk)]
    unbounded = [p.pattern for p in patterns if re.search(r"(?<!\\)\.[*+]", p.pattern)]
    assert unbounded == []
