"""Chunking: every chunk and every sentence is verbatim document text at its offsets; sentence
boundaries survive abbreviations; chunk ids are stable across rebuilds of unchanged content."""

from __future__ import annotations

from guidebot.chunking import chunk_corpus, chunk_document, split_sentences
from guidebot.corpus import Document, load_corpus

from .conftest import CORPUS


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
