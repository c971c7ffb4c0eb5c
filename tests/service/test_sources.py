"""Sources people can open: the reply's `sources` groups citations by document section, every
citation links somewhere real (its official page, the site, or its page here), and /sources/{id}
renders each document from its Markdown with section anchors and sentence ids."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from guidebot.chat import Guidebot
from guidebot.service.sources import library_for, sentence_id


def chat(client: TestClient, message: str) -> dict:
    reply = client.post("/api/chat", json={"message": message})
    assert reply.status_code == 200
    return reply.json()


def test_sources_group_the_citations_of_one_section_with_their_quotes(client: TestClient) -> None:
    body = chat(client, "What are the admission requirements?")
    by_id = {c["id"]: c for c in body["citations"]}
    sections = [(s["doc_id"], s["section"]) for s in body["sources"]]
    assert len(sections) == len(set(sections)) < len(body["citations"])  # no section listed twice
    assert sorted(n for s in body["sources"] for n in s["citations"]) == sorted(by_id)
    for source in body["sources"]:
        assert [q["id"] for q in source["quotes"]] == source["citations"]
        for quote in source["quotes"]:
            cited = by_id[quote["id"]]
            assert (cited["doc_id"], cited["section"], cited["quote"]) == (source["doc_id"], source["section"],
                                                                           quote["text"])
            assert quote["link"] == cited["link"] and quote["page"] == cited["page"]


def test_guide_passages_link_their_page_here_with_the_sentence_as_fragment(client: TestClient) -> None:
    body = chat(client, "What are the admission requirements?")
    guide = [c for c in body["citations"] if c["doc_id"] == "guide"]
    assert guide
    for citation in guide:
        assert citation["url"] is None  # unchanged for existing clients
        assert citation["link"] == citation["page"] == f"/sources/guide#{sentence_id(citation['quote'])}"
        page = client.get(citation["page"].split("#")[0]).text
        assert f'id="{sentence_id(citation["quote"])}"' in page


def test_a_program_sentence_links_the_official_page_it_was_checked_against(client: TestClient) -> None:
    body = chat(client, "what is the applied study at CMU?")
    links = {c["link"] for c in body["citations"]}
    assert links == {"https://www.ml.cmu.edu/academics/primary-ms-machine-learning-applied-study-masters.html"}
    assert body["sources"][0]["link"] in links


def test_a_program_sentence_without_a_named_page_links_the_site(client: TestClient) -> None:
    body = chat(client, "Where is CMU?")
    assert body["citations"][0]["link"] == "https://www.cmu.edu/"
    assert body["citations"][0]["page"].startswith("/sources/cmu#q-")
    assert body["sources"][0]["page"] == "/sources/cmu#location"


def test_every_citation_of_many_questions_links_somewhere_real(client: TestClient, bot: Guidebot) -> None:
    questions = ["Which universities are in California?", "What is OPT?", "Do I need the GRE?",
                 "Which English tests are accepted?", "compare CMU and MIT", "Which programs are online?"]
    for question in questions:
        for citation in chat(client, question)["citations"]:
            assert re.match(r"^(https?://|/sources/)", citation["link"]), citation
            path, _, fragment = citation["page"].partition("#")
            page = client.get(path)
            assert page.status_code == 200 and f'id="{fragment}"' in page.text, citation


def test_a_source_page_has_each_section_as_an_anchor_and_its_official_links(client: TestClient,
                                                                           bot: Guidebot) -> None:
    reply = client.get("/sources/cmu")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/html")
    html = reply.text
    assert '<section id="location"' in html and 'href="#location"' in html
    assert 'href="https://www.cmu.edu/"' in html
    assert "primary-ms-machine-learning-applied-study-masters.html" in html
    page = library_for(bot).page("cmu")
    sentences = [p for s in page.sections for b in s.blocks for item in b.items for p in item if p.id]
    citable = [c.text[a:b] for c in bot.indexed.chunks if c.doc_id == "cmu" for a, b in c.sentences]
    assert [p.id for p in sentences] == [sentence_id(t) for t in citable]  # every citable sentence, in order


def test_a_source_page_is_escaped_and_keeps_the_list_as_a_list(client: TestClient) -> None:
    html = client.get("/sources/guide").text
    assert "<ul class=\"doc\"><li>" in html and "Carnegie Mellon University (CMU)" in html
    assert "<script" not in html


def test_source_index_lists_every_document_and_unknown_ids_get_a_404_page(client: TestClient, bot: Guidebot) -> None:
    html = client.get("/sources").text
    for doc in bot.documents:
        assert f'href="/sources/{doc.id}"' in html
    missing = client.get("/sources/no-such-doc")
    assert missing.status_code == 404 and "No such source" in missing.text


@pytest.mark.parametrize("path", ["/sources", "/sources/guide", "/sources/nope"])
def test_source_pages_have_a_csp_allowing_exactly_their_inline_style(client: TestClient, path: str) -> None:
    reply = client.get(path)
    csp = reply.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "style-src 'sha256-" in csp and "unsafe" not in csp
    assert "script-src 'self'" in csp


def test_a_reply_says_what_kind_it_is(client: TestClient) -> None:
    assert chat(client, "hi")["kind"] == "smalltalk"
    assert chat(client, "What is the tuition at Harvard?")["kind"] == "abstain"
    assert chat(client, "Which universities are in California?")["kind"] == "list"
