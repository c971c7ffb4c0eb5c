"""The HTTP API contract, through TestClient and against a real uvicorn server on loopback."""

from __future__ import annotations

import os

import httpx
import pytest
from fastapi.testclient import TestClient

from guidebot.chat import Guidebot

CITATION_KEYS = {"id", "chunk_id", "doc_id", "title", "section", "url", "quote", "link", "page"}


def test_chat_answers_admission_requirements_with_cited_sentences(client: TestClient, bot: Guidebot) -> None:
    reply = client.post("/api/chat", json={"message": "What are the admission requirements?"})
    assert reply.status_code == 200
    body = reply.json()
    assert set(body) == {"answer", "answered", "confidence", "citations", "suggestions", "blocks", "kind",
                         "sources", "reply_id"}
    assert body["answered"] is True and 0 < body["confidence"] <= 1
    assert "letters of recommendation" in body["answer"]
    assert 2 <= len(body["suggestions"]) <= 3
    for citation in body["citations"]:
        assert set(citation) == CITATION_KEYS
        assert f"[{citation['id']}]" in body["answer"]
        chunk = bot.chunk(citation["chunk_id"])
        assert chunk is not None and citation["quote"] in chunk.text  # verbatim corpus text


def test_chat_uses_history_for_follow_ups(client: TestClient) -> None:
    first = client.post("/api/chat", json={"message": "tell me about CMU"}).json()
    history = [{"role": "user", "content": "tell me about CMU"}, {"role": "assistant", "content": first["answer"]}]
    body = client.post("/api/chat", json={"message": "where is it?", "history": history}).json()
    assert body["answered"] and "Pittsburgh" in body["answer"]


def test_small_talk_gets_a_friendly_reply_without_citations(client: TestClient) -> None:
    body = client.post("/api/chat", json={"message": "hi!"}).json()
    assert body["answered"] is False and body["citations"] == [] and body["suggestions"]


def test_out_of_scope_question_abstains(client: TestClient) -> None:
    body = client.post("/api/chat", json={"message": "What's the weather in Paris?"}).json()
    assert body["answered"] is False and "don't know" in body["answer"]


@pytest.mark.parametrize("payload, field", [
    ({"message": ""}, "message"),
    ({"message": "   \n "}, "message"),
    ({"message": "x" * 2001}, "message"),
    ({"message": 42}, "message"),
    ({}, "message"),
    ({"message": "hi", "history": "nope"}, "history"),
    ({"message": "hi", "history": [{"role": "system", "content": "x"}]}, "role"),
    ({"message": "hi", "history": [{"role": "user"}]}, "content"),
    ({"message": "hi", "history": [{"role": "user", "content": "x"}] * 51}, "history"),
])
def test_invalid_chat_input_gets_422_naming_the_field(client: TestClient, payload: dict, field: str) -> None:
    reply = client.post("/api/chat", json=payload)
    assert reply.status_code == 422
    assert field in str(reply.json()["detail"])


def test_malformed_json_gets_422(client: TestClient) -> None:
    reply = client.post("/api/chat", content=b"{not json", headers={"Content-Type": "application/json"})
    assert reply.status_code == 422


def test_message_of_2000_chars_after_trimming_is_accepted(client: TestClient) -> None:
    assert client.post("/api/chat", json={"message": "  " + "a" * 2000 + "  "}).status_code == 200


def test_search_returns_scored_chunks(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "scholarships", "k": 3}).json()
    assert body["query"] == "scholarships" and 1 <= len(body["results"]) <= 3
    first = body["results"][0]
    assert set(first) == {"chunk_id", "doc_id", "title", "section", "url", "text", "score"}
    assert "scholarship" in first["text"].lower()
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "x", "k": 0}, {"q": "x", "k": 51}, {"q": "x", "k": "many"}, {}])
def test_bad_search_parameters_get_422(client: TestClient, params: dict) -> None:
    assert client.get("/api/search", params=params).status_code == 422


def test_chunk_by_id_and_unknown_chunk_404(client: TestClient) -> None:
    hit = client.get("/api/search", params={"q": "Pittsburgh"}).json()["results"][0]
    chunk = client.get(f"/api/chunks/{hit['chunk_id']}").json()
    assert chunk == {k: hit[k] for k in ("chunk_id", "doc_id", "title", "section", "url", "text")}
    assert client.get("/api/chunks/does-not-exist").status_code == 404


def test_health_reports_counts_and_version(client: TestClient, bot: Guidebot) -> None:
    body = client.get("/api/health").json()
    recording = body.pop("recording")  # this worker's event recording (tests/service/test_recording.py)
    assert {k: body[k] for k in ("status", "documents", "chunks", "index_version", "worker")} == {
        "status": "ok", "documents": len(bot.documents), "chunks": bot.chunk_count, "index_version": bot.version,
        "worker": os.getpid()}
    assert recording["database"] == "sqlite" and recording["dropped"] == 0


def test_chat_page_is_served_at_root(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "widget.js" in page.text


def test_openapi_documents_the_public_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/chat", "/api/search", "/api/chunks/{chunk_id}", "/api/health"} <= set(paths)


def test_real_server_answers_over_http(live_server: str) -> None:
    reply = httpx.post(f"{live_server}/api/chat", json={"message": "What are the admission requirements?"},
                       timeout=10)
    assert reply.status_code == 200
    body = reply.json()
    assert body["answered"] and body["citations"]
    assert httpx.get(f"{live_server}/api/health", timeout=5).json()["status"] == "ok"
    assert httpx.post(f"{live_server}/api/chat", json={"message": ""}, timeout=5).status_code == 422
    assert httpx.get(f"{live_server}/", timeout=5).status_code == 200


def test_a_list_answer_comes_as_a_lead_paragraph_and_a_list_whose_items_carry_their_citations(
        client: TestClient) -> None:
    body = client.post("/api/chat", json={"message": "Which universities are in California?"}).json()
    lead, listing = body["blocks"]
    assert lead["type"] == "paragraph" and listing["type"] == "list"
    ids = {c["id"]: c for c in body["citations"]}
    assert len(listing["items"]) == len(ids) == 4
    for item in listing["items"]:
        assert len(item["citations"]) == 1 and ids[item["citations"][0]]["quote"] == item["text"]


def test_a_plain_reply_is_one_paragraph_of_its_text(client: TestClient) -> None:
    body = client.post("/api/chat", json={"message": "hi"}).json()
    assert body["blocks"] == [{"type": "paragraph", "sentences": [{"text": body["answer"], "citations": []}]}]


def test_openapi_gives_the_message_length_limits(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    message = next(v for k, v in schemas.items() if k.startswith("ChatRequest"))["properties"]["message"]
    assert (message["minLength"], message["maxLength"]) == (1, 2000)
