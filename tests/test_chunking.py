"""Chunking: every chunk and every sentence is verbatim document text at its offsets; sentence
boundaries survive abbreviations and equal nltk's Punkt; chunk ids are stable across rebuilds of
unchanged content."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from bench.stdlib_text import docstrings
from guidebot.chunking import ABBREVIATIONS, chunk_corpus, chunk_document, punkt_spans, split_sentences
from guidebot.corpus import Document, load_corpus

from .conftest import CORPUS


@lru_cache(maxsize=1)
def nltk_punkt() -> PunktSentenceTokenizer:
    """The reference: nltk's Punkt with the same abbreviations (what chunking used before)."""
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def assert_same_spans_as_nltk(lines: list[str]) -> None:
    differing = [(line, list(nltk_punkt().span_tokenize(line)), punkt_spans(line)) for line in lines
                 if list(nltk_punkt().span_tokenize(line)) != punkt_spans(line)]
    assert not differing, differing[:3]


def doc(text: str, doc_id: str = "d") -> Document:
    return Document(id=doc_id, title="T", kind="topic", path=f"{doc_id}.md", text=text)


def test_chunks_are_verbatim_slices_of_their_document() -> None:
    corpus = load_corpus(CORPUS)
    documents = corpus.by_id()
    for chunk in chunk_corpus(corpus.documents):
        assert documents[chunk.doc_id].text[chunk.start:chunk.end] == chunk.text
        for start, end in chunk.sentences:
            assert chunk.text[start:end].strip() == chunk.text[start:end]


def test_sentences_survive_abbreviations() -> None:
    text = ("Students in the U.S. can apply. Some pursue a Ph.D. in Machine Learning after the M.S. degree. "
            "Electives, e.g. computer vision, are common.")
    sentences = [text[a:b] for a, b in split_sentences(text)]
    assert sentences == ["Students in the U.S. can apply.",
                         "Some pursue a Ph.D. in Machine Learning after the M.S. degree.",
                         "Electives, e.g. computer vision, are common."]


def test_split_by_heading_then_paragraph_with_section_names() -> None:
    long_para = "Long paragraph. " * 50
    text = f"Intro line.\n\n## Admissions\n\n{long_para.strip()}\n\nSecond para.\n\n## Funding\n\nMoney.\n"
    chunks = chunk_document(doc(text))
    assert [(c.section, c.text) for c in chunks] == [
        (None, "Intro line."), ("Admissions", long_para.strip()), ("Admissions", "Second para."),
        ("Funding", "Money.")]


def test_short_paragraphs_of_one_section_share_a_chunk() -> None:
    chunks = chunk_document(doc("## Location\n\nOne short fact.\n\nAnother short fact.\n\n## Next\n\nThird.\n"))
    assert [c.text for c in chunks] == ["One short fact.\n\nAnother short fact.", "Third."]
    assert chunks[0].sentence_texts() == ["One short fact.", "Another short fact."]


def test_list_items_are_sentences_without_their_markers() -> None:
    [chunk] = chunk_document(doc("- Carnegie Mellon University (CMU)\n- Stanford University\n"))
    assert chunk.sentence_texts() == ["Carnegie Mellon University (CMU)", "Stanford University"]


def test_chunk_ids_are_stable_and_change_only_with_content() -> None:
    text = "## A\n\nOne paragraph.\n\n## B\n\nAnother paragraph.\n"
    first = [c.chunk_id for c in chunk_document(doc(text))]
    again = [c.chunk_id for c in chunk_document(doc(text))]
    edited = [c.chunk_id for c in chunk_document(doc(text.replace("Another", "A changed")))]
    assert first == again
    assert edited[0] == first[0] and edited[1] != first[1]
    assert len(set(first)) == len(first)


def test_repeated_paragraphs_get_distinct_ids() -> None:
    same = "Same text. " * 40
    ids = [c.chunk_id for c in chunk_document(doc(f"## A\n\n{same}\n\n{same}\n"))]
    assert len(set(ids)) == 2


def test_very_long_paragraph_is_split_at_sentence_ends() -> None:
    paragraph = " ".join(f"Sentence number {i} talks about admissions." for i in range(120))
    d = doc(paragraph)
    chunks = chunk_document(d)
    assert len(chunks) > 1
    assert all(d.text[c.start:c.end] == c.text and c.text.endswith(".") for c in chunks)


def test_sentence_spans_equal_nltk_punkt_on_the_shipped_corpus() -> None:
    lines = [line for doc in load_corpus(CORPUS).documents for line in doc.text.splitlines(keepends=True)]
    assert len(lines) > 200
    assert_same_spans_as_nltk(lines)


def test_sentence_spans_equal_nltk_punkt_on_the_benchmark_text() -> None:
    paragraphs = [text for _title, text in docstrings(100_000)]
    assert len(paragraphs) > 6000
    # bench.scale's chunks are two paragraphs on one line, so pairs are checked too
    pairs = [f"{a} {b}" for a, b in zip(paragraphs[::3], paragraphs[1::3], strict=False)]
    assert_same_spans_as_nltk(paragraphs + pairs)


TRICKY = ("U.S.", "Ph.D.", "e.g.", "i.e.", "etc.", "Dr.", "St.", "no.", "J.", "a.", "3.", "1.5.", "-2.", "...", "..",
          "x..", "(see", "it).", '"Yes."', "'no'", "“quoted.”", "«a»", "--", "word--word", "end?!", "why?", "wow!",
          "a,", "b;", ":", "U.S.A", "co-dr.", "M.Sc.", "fig.", "v2.0", "$1,200.", "[1].", "{x}.", "*", "@home.",
          "#3.", "&", "`code`.", "A", "The", "and", "Étude", "éa.", "ß.", "İ.", "x\tY.", "ĳ.", "a.\x1fB")
punkt_line = st.lists(st.one_of(st.sampled_from(TRICKY), st.text("aZ.?!,;:()'\" -", min_size=1, max_size=6)),
                      min_size=1, max_size=30).flatmap(
    lambda ws: st.lists(st.sampled_from((" ", " ", "  ", "\t", " \n")), min_size=len(ws), max_size=len(ws)).map(
        lambda gaps: "".join(w + g for w, g in zip(ws, gaps, strict=True))))


@settings(max_examples=400, deadline=None)
@given(punkt_line)
def test_sentence_spans_equal_nltk_punkt_on_generated_text(text: str) -> None:
    assert punkt_spans(text) == list(nltk_punkt().span_tokenize(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_sentence_spans_equal_nltk_punkt_on_any_unicode_text(text: str) -> None:
    assert punkt_spans(text) == list(nltk_punkt().span_tokenize(text))


def test_a_list_item_without_a_full_stop_is_not_joined_to_the_paragraph_after_it() -> None:
    text = "The universities:\n\n- University of Arizona, Arizona\n\nThese universities are renowned.\n"
    sentences = [text[a:b] for a, b in split_sentences(text)]
    assert "University of Arizona, Arizona" in sentences and "These universities are renowned." in sentences
    wrapped = "A sentence hard-wrapped\nover two lines."
    assert [wrapped[a:b] for a, b in split_sentences(wrapped)] == [wrapped]
