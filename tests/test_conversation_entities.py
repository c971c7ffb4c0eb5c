"""Naming universities and topics (`conversation.entities`), by name, alias or typo; universities the
corpus does not cover; spelling correction of questions."""

from __future__ import annotations

import random
import string

import pytest
from rapidfuzz.distance import Levenshtein

from bench.notes import write_corpus
from guidebot.analysis import words
from guidebot.build import build_index
from guidebot.chat import Guidebot, Turn
from guidebot.conversation.entities import EntityMatcher, contains
from guidebot.conversation.fuzzy import FuzzyWords, names_match
from guidebot.conversation.turns import resolve
from guidebot.corpus import load_corpus


@pytest.mark.parametrize("text, expected", [
    ("carnegie melon ML", ["cmu"]),
    ("georgia tec location?", ["georgia-tech"]),
    ("caltek masters", ["caltech"]),
    ("univ of michgan", ["umich"]),
    ("UCSD vs UC Berkeley", ["ucsd", "berkeley"]),
    ("standard test scores", []),
    ("universities in Michigan", []),  # a state, not the university
])
def test_universities_are_found_by_name_alias_or_typo(bot: Guidebot, text: str, expected: list[str]) -> None:
    assert bot.dialogue.entities.find(text) == expected


def test_unknown_universities_are_named(bot: Guidebot) -> None:
    assert bot.dialogue.entities.uncovered("tuition at Harvard?") == ["Harvard"]
    assert bot.dialogue.entities.uncovered("MS in ML at the University of Toronto") == ["University of Toronto"]
    assert bot.dialogue.entities.uncovered("where is CMU?") == []


def test_misspelled_question_is_answered_and_says_how_it_was_read(bot: Guidebot) -> None:
    answer = bot.chat("admision requirments for intrnational stduents")
    assert answer.answered and "letters of recommendation" in answer.text
    assert answer.text.startswith("(Reading your question as")


def test_a_real_word_is_never_corrected_into_a_corpus_word(bot: Guidebot) -> None:
    answer = bot.chat("tell me about CMU")
    assert "Reading your question" not in answer.text and "Pittsburgh" in answer.text


def test_gibberish_is_not_corrected_into_a_confident_answer(bot: Guidebot) -> None:
    for text in ("asdkjh qwe zxcv", "scholarshiip blorptastic frobnicate"):
        assert not bot.chat(text).answered


@pytest.mark.parametrize("text", ["Does Michigan State have a data science masters?",
                                  "Is Arizona State University good for ML?",
                                  "University of Illinois Chicago ML masters?"])
def test_another_school_containing_a_covered_name_is_not_that_university(bot: Guidebot, text: str) -> None:
    assert bot.dialogue.entities.find(text) == []
    assert not bot.chat(text).answered


# ---------------------------------------------------------------------------------------------
# The name index against the reference: every name tried at every position


def spans_by_trying_every_name(matcher: EntityMatcher, text: str, states_are_filters: bool = False) -> list:
    """What the name index must find: each name (longest first) at each position, a typo allowed
    when one word of the window matches exactly or looks like a misspelling, except in a program's
    name found in the notes ("OMSCS"), which must match exactly, and which names every note that
    shares it ("MEng")."""
    tokens = [matcher.lexicon.name_abbreviations.get(t, t) for t in words(text)]
    typo = [not matcher.searcher.is_known_word(t) and t.isalpha() and len(t) >= 4 for t in tokens]
    spans, taken = [], [False] * len(tokens)
    for pattern, doc_id in matcher.patterns:
        n = len(pattern)
        for i in range(len(tokens) - n + 1):
            shared = pattern in matcher._program_names and any(s[:2] == (i, i + n) and tuple(tokens[i:i + n]) == pattern
                                                              for s in spans)  # a name several notes share
            if any(taken[i:i + n]) and not shared \
                    or not any(tokens[i + k] == pattern[k] or typo[i + k] for k in range(n)):
                continue
            if pattern in matcher._program_names and tuple(tokens[i:i + n]) != pattern:
                continue
            if names_match(tokens[i:i + n], pattern) and \
                    not matcher._is_state_mention(tokens, i, n, doc_id, states_are_filters) and \
                    not matcher._names_another_school(tokens, i, n, doc_id):
                spans.append((i, i + n, doc_id))
                taken[i:i + n] = [True] * n
    return sorted(spans)


def misspelt(rng: random.Random, word: str, edits: int) -> str:
    for _ in range(edits):
        i = rng.randrange(len(word))
        op = rng.choice("dis")
        c = rng.choice(string.ascii_lowercase)
        word = word[:i] + word[i + 1:] if op == "d" else word[:i] + c + word[i:] if op == "i" else \
            word[:i] + c + word[i + 1:]
    return word


@pytest.fixture(scope="module")
def many_names(tmp_path_factory: pytest.TempPathFactory) -> Guidebot:
    folder = tmp_path_factory.mktemp("names") / "corpus"
    write_corpus(folder, 150)
    return Guidebot(build_index(load_corpus(folder)))


def test_the_name_index_finds_exactly_what_trying_every_name_finds(bot: Guidebot, many_names: Guidebot) -> None:
    rng = random.Random(7)
    for engine in (bot, many_names):
        matcher = engine.dialogue.entities
        names = [" ".join(p) for p, _doc in matcher.patterns]
        texts = ["carnegie melon ML", "univ of michgan in Michigan", "is it in washington state?"]
        for _ in range(250):
            name = rng.choice(names)
            typo = " ".join(misspelt(rng, w, rng.choice((0, 1, 2))) if len(w) > 3 else w for w in name.split())
            texts.append(f"{rng.choice(('where is', 'compare', 'and'))} {typo} and {rng.choice(names)} in "
                         f"{rng.choice(('Michigan', 'Texas', 'the state'))}")
        for text in texts:
            for filters in (False, True):
                assert matcher.spans(text, filters) == spans_by_trying_every_name(matcher, text, filters), text


def test_fuzzy_words_are_exactly_the_words_within_their_allowed_edits() -> None:
    rng = random.Random(3)
    vocabulary = sorted({"".join(rng.choice("abcdefgh") for _ in range(rng.randint(3, 9))) for _ in range(400)})
    allowed = lambda w: 2 if len(w) >= 7 else 1 if len(w) >= 4 else 0  # noqa: E731
    index = FuzzyWords(vocabulary, allowed)
    for _ in range(400):
        token = misspelt(rng, rng.choice(vocabulary), rng.choice((0, 1, 2, 3)))
        expected = [w for w in vocabulary if allowed(w) and Levenshtein.distance(token, w) <= allowed(w)]
        assert index.near(token) == expected, token


def test_guide_list_names_are_found_exactly_by_the_index(bot: Guidebot) -> None:
    matcher = bot.dialogue.entities
    tokens = words("Carnegie Mellon University, the University of Michigan and UIUC; not carnegie melon")
    assert matcher.named_in(tokens) == {d for p, d in matcher.patterns if contains(tokens, p)} == \
        {"cmu", "umich", "uiuc"}


def test_a_name_only_one_universitys_note_uses_names_that_university(bot: Guidebot) -> None:
    """"OMSCS", "PMP", "MSML" are written only in one note: they name its university, so "is the
    omscs stem" is about Georgia Tech (whose note is silent: partial), not the STEM OPT note's
    general sentences. The name stays what is asked ("what is the pmp" is the PMP, not UW's
    overview), a list asked by such a name is still a list, and a name most notes use (GPA) names
    none."""
    entities = bot.dialogue.entities
    assert entities.find("is the omscs stem")[0] == "georgia-tech"
    assert entities.find("what is the pmp") == ["uw"] and entities.find("is a 3.5 gpa enough") == []
    reply = bot.chat("is the omscs stem")
    assert not reply.answered and "Georgia Institute of Technology" in reply.text
    assert "Professional Master's Program (PMP)" in bot.chat("what is the pmp").citations[0].quote
    assert bot.chat("Which universities offer a Master of Computer Science (MCS)?").kind == "list"


@pytest.mark.parametrize("question", ["what is the umich msds like", "what is the MSDS at umich"])
def test_an_acronym_is_not_taken_for_another_universitys_program(bot: Guidebot, question: str) -> None:
    """"msds" beside UMich is not a misspelt "mids" (Berkeley's MIDS) nor a misspelt "MSIS"
    (Arizona's): acronyms are matched exactly, and a word without a vowel is never corrected to a
    name. The reply stays about Michigan."""
    reply = bot.chat(question)
    assert "Michigan" in reply.text and "Berkeley" not in reply.text and "Arizona" not in reply.text
    assert not reply.corrections


def test_a_campus_of_another_university_under_a_shared_alias_is_not_covered(bot: Guidebot) -> None:
    """"UW Madison" is the University of Wisconsin, which the corpus profile lists as not covered;
    "UW" alone is still the University of Washington."""
    reply = bot.chat("does uw madison have an ml masters")
    assert reply.kind == "abstain" and not reply.citations and "Washington" not in reply.text
    assert bot.chat("does uw have an ml masters").citations[0].doc_id == "uw"


def test_an_unknown_place_name_has_no_neighbours_in_meaning(bot: Guidebot) -> None:
    """"bothell" is in no English word list: its nearest corpus words in meaning are noise, and
    the reply quoted "Carnegie Mellon University (CMU)" as what holds in general for UW Bothell."""
    reply = bot.chat("does uw bothell have cs")
    assert not reply.answered and all(c.doc_id != "guide" for c in reply.citations)



def test_a_name_a_few_notes_share_names_each_of_them(bot: Guidebot) -> None:
    """"MEng" is Berkeley's and MIT's: "does the MEng have a thesis?" had been answered by Arizona's
    thesis options beside Berkeley's MEng sentence; it asks both notes now, which don't say. Beside
    one of them ("Stanford's MSCS") or after it ("tell me about Berkeley"), it is that one's."""
    entities = bot.dialogue.entities
    assert entities.find("does the meng have a thesis") == ["berkeley", "mit"]
    assert entities.find("is stanford's mscs stem") == ["stanford"]
    reply = bot.chat("does the meng have a thesis")
    assert not reply.answered and not any(c.doc_id == "arizona" for c in reply.citations), reply.text
    history = [Turn("user", "tell me about berkeley"), Turn("assistant", bot.chat("tell me about berkeley").text)]
    assert resolve(bot.dialogue, "does the meng have a thesis", history).focus == ("berkeley",)
    assert bot.chat("which universities offer an meng").kind == "list"
