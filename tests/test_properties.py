"""Properties that must hold for every input, checked with hypothesis: chunk and sentence offsets
always point at the exact corpus text; text analysis, search and chat never raise,
whatever Unicode a student (or an attacker) types."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidebot.analysis import Analyzer, normalize, words
from guidebot.chat import Guidebot, Turn
from guidebot.chunking import chunk_document, split_sentences
from guidebot.corpus import Document

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANALYZER = Analyzer.create()

# ---------------------------------------------------------------------------------------------
# Strategies: Markdown-ish documents and hostile text

WORDS = ("students", "apply", "the", "program", "GRE", "TOEFL", "MIT", "Stanford", "visa", "F-1", "OPT", "deadline",
         "tuition", "machine", "learning", "Pittsburgh", "I-20", "café", "naïve", "résumé", "2024", "3.5", "$1,200")
ABBREVIATIONS = ("U.S.", "U.S.A.", "Ph.D.", "M.S.", "e.g.", "i.e.", "etc.", "Dr.", "Prof.", "St.", "vs.", "No.",
                 "approx.", "Jan.", "Sept.", "Inc.")
word = st.one_of(st.sampled_from(WORDS), st.sampled_from(ABBREVIATIONS),
                 st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                         max_size=8).filter(lambda w: w.strip() == w and w != ""))
sentence = st.builds(lambda ws, end: " ".join(ws) + end, st.lists(word, min_size=1, max_size=14),
                     st.sampled_from((".", "?", "!", ":", "", ".)", '."')))


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    sentences = draw(st.lists(sentence, min_size=1, max_size=8))
    text = " ".join(sentences)
    if draw(st.booleans()):  # hard-wrapped, as Markdown authors do
        width = draw(st.integers(20, 80))
        lines, line = [], ""
        for token in text.split(" "):
            if line and len(line) + len(token) + 1 > width:
                lines.append(line)
                line = token
            else:
                line = f"{line} {token}" if line else token
        lines.append(line)
        text = "\n".join(lines)
    return text


heading = st.builds(lambda level, text: "#" * level + " " + text, st.integers(1, 6),
                    st.lists(word, min_size=1, max_size=6).map(" ".join))
list_block = st.lists(st.builds(lambda marker, s: f"{marker} {s}", st.sampled_from(("-", "*", "+", "1.", "2)", "•")),
                                sentence), min_size=1, max_size=6).map("\n".join)
block = st.one_of(heading, paragraph(), list_block, paragraph().map(lambda p: "  " + p))
markdown = st.builds(lambda blocks, seps: "".join(b + s for b, s in zip(blocks, seps, strict=False)),
                     st.lists(block, min_size=1, max_size=12),
                     st.lists(st.sampled_from(("\n\n", "\n", "\n\n\n", " \n\n", "\r\n\r\n")), min_size=12,
                              max_size=12))
long_paragraph = st.lists(sentence, min_size=25, max_size=45).map(" ".join)  # forces splitting of long blocks
any_text = st.text(max_size=400)


def document(text: str) -> Document:
    return Document(id="doc", title="A document", kind="topic", path="doc.md", text=text)


def check_offsets(doc: Document) -> None:
    chunks = chunk_document(doc)
    previous_end = 0
    for chunk in chunks:
        assert doc.text[chunk.start:chunk.end] == chunk.text
        assert chunk.start >= previous_end and chunk.end > chunk.start
        previous_end = chunk.end
        sentence_end = 0
        for a, b in chunk.sentences:
            assert sentence_end <= a < b <= len(chunk.text)
            sentence_end = b
            assert chunk.text[a:b].strip()
    assert len({c.chunk_id for c in chunks}) == len(chunks)


# ---------------------------------------------------------------------------------------------
# Chunking


@PROPERTY_SETTINGS
@given(markdown)
def test_chunk_and_sentence_offsets_map_back_to_the_exact_text_of_markdown(text: str) -> None:
    check_offsets(document(text))


@settings(PROPERTY_SETTINGS, max_examples=50)
@given(st.lists(st.one_of(long_paragraph, heading), min_size=1, max_size=3).map("\n\n".join))
def test_offsets_hold_when_long_blocks_are_split(text: str) -> None:
    check_offsets(document(text))


@PROPERTY_SETTINGS
@given(any_text)
def test_offsets_hold_for_any_unicode_text(text: str) -> None:
    check_offsets(document(text))


@PROPERTY_SETTINGS
@given(st.one_of(paragraph(), list_block, any_text))
def test_sentence_spans_lie_inside_their_paragraph(text: str) -> None:
    for a, b in split_sentences(text):
        assert 0 <= a < b <= len(text)


def test_abbreviations_do_not_end_sentences() -> None:
    text = "She moved to the U.S. in May. Her Ph.D. took five years. She met Dr. Smith."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "She moved to the U.S. in May.", "Her Ph.D. took five years.", "She met Dr. Smith."]


# ---------------------------------------------------------------------------------------------
# Analysis


@PROPERTY_SETTINGS
@given(st.one_of(any_text, markdown, st.text(st.characters(codec="utf-8"), max_size=200)))
def test_analysis_never_raises_and_returns_lowercase_words(text: str) -> None:
    normalized = normalize(text)
    assert isinstance(normalized, str)
    tokens = words(text)
    assert all(t and t == t.casefold() for t in tokens)
    terms = ANALYZER.terms(text)
    assert all(isinstance(t, str) and t for t in terms)
    assert set(ANALYZER.content_words(text)) <= set(tokens)


# ---------------------------------------------------------------------------------------------
# Search and dialogue, on the real corpus

query = st.one_of(any_text, sentence, st.lists(word, max_size=30).map(" ".join),
                  st.text(st.sampled_from("aeioustnrl .?!-'’"), max_size=60))


@PROPERTY_SETTINGS
@given(query, st.integers(1, 50))
def test_search_never_raises_and_returns_ranked_results(bot: Guidebot, text: str, k: int) -> None:
    hits = bot.search(text, k)
    assert len(hits) <= k
    scores = [hit.score for hit in hits]
    assert all(math.isfinite(s) for s in scores) and scores == sorted(scores, reverse=True)


history_turn = st.builds(Turn, st.sampled_from(("user", "assistant")), query)


@PROPERTY_SETTINGS
@given(query.filter(lambda q: q.strip()), st.lists(history_turn, max_size=3))
def test_chat_never_raises_and_quotes_only_corpus_text(bot: Guidebot, text: str, history: list[Turn]) -> None:
    answer = bot.chat(text, history)
    assert isinstance(answer.text, str) and answer.text
    assert 0.0 <= answer.confidence <= 1.0
    for citation in answer.citations:
        chunk = bot.chunk(citation.chunk_id)
        assert chunk is not None and citation.quote in chunk.text
