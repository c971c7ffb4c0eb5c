"""What a request may hold (guidebot.service.inputs): limits counted after Unicode normalisation, a cost
checked before answering, and strict JSON; crafted input gets a 422 that says why, never a 500.
The hypothesis suite throws non-finite numbers and lone surrogates anywhere in a chat body."""

from __future__ import annotations

import json
import unicodedata

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidebot.chat import Guidebot
from guidebot.service.app import create_app
from guidebot.service.inputs import normalised_length
from guidebot.settings import Settings

GROWS = "\ufdfa"  # one character, 18 after NFKC normalisation


@pytest.fixture(scope="module")
def open_client(bot: Guidebot) -> TestClient:
    with TestClient(create_app(Settings(rate_limit_per_minute=0), bot=bot)) as client:
        yield client


def loc_of(reply) -> list:  # type: ignore[no-untyped-def]
    return reply.json()["detail"][0]["loc"]


def test_message_length_counts_normalised_characters(open_client: TestClient) -> None:
    reply = open_client.post("/api/chat", json={"message": GROWS * 112})  # 112 characters, 2,016 normalised
    assert reply.status_code == 422 and loc_of(reply) == ["body", "message"]
    assert "NFKC" in reply.json()["detail"][0]["msg"]
    assert open_client.post("/api/chat", json={"message": GROWS * 111}).status_code == 200  # 1,998


def test_history_turn_and_search_query_lengths_count_normalised_characters(open_client: TestClient) -> None:
    history = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": GROWS * 223}]  # 4,014
    reply = open_client.post("/api/chat", json={"message": "where is it?", "history": history})
    assert reply.status_code == 422 and loc_of(reply) == ["body", "history", 1, "content"]
    reply = open_client.get("/api/search", params={"q": GROWS * 112})
    assert reply.status_code == 422 and loc_of(reply) == ["query", "q"]


def test_a_chat_reading_more_than_the_request_limit_is_refused_before_answering(open_client: TestClient) -> None:
    turn = {"role": "user", "content": "tell me about the admission requirements please " * 80}  # 3,840
    reply = open_client.post("/api/chat", json={"message": "and funding?", "history": [turn] * 5})
    assert reply.status_code == 422 and loc_of(reply) == ["body", "history"]
    assert "16000" in reply.json()["detail"][0]["msg"]
    # Only the recent turns are read: the same text further back costs nothing.
    old = [turn] * 4 + [{"role": "assistant", "content": "ok"}] * 12
    assert open_client.post("/api/chat", json={"message": "and funding?", "history": old}).status_code == 200


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_non_finite_json_numbers_are_a_422_that_says_so(open_client: TestClient, literal: str) -> None:
    turn = f'{{"role": "user", "content": {literal}}}'
    for body in (f'{{"message": {literal}}}', f'{{"message": "hi", "history": [{turn}]}}',
                 f'{{"message": "hi", "extra": {literal}}}'):
        reply = open_client.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
        assert reply.status_code == 422, body
        assert "numbers must be finite" in reply.json()["detail"][0]["msg"]


def test_a_lone_surrogate_is_a_422_that_says_so(open_client: TestClient) -> None:
    for body in ('{"message": "\\ud800"}', '{"message": "hi", "history": [{"role": "user", "content": "a\\udc00"}]}',
                 '{"message": "hi", "history": [{"role": "\\ud83d", "content": "x"}]}'):
        reply = open_client.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
        assert reply.status_code == 422, body
        assert "lone surrogate" in reply.json()["detail"][0]["msg"]
    pair = '{"message": "where is CMU? \\ud83d\\ude00"}'  # a surrogate pair is an ordinary character
    assert open_client.post("/api/chat", content=pair, headers={"Content-Type": "application/json"}).status_code == 200


def test_a_body_that_is_not_utf8_is_still_a_400(open_client: TestClient) -> None:
    reply = open_client.post("/api/chat", content=b'{"message": "\xed\xa0\x80"}',
                             headers={"Content-Type": "application/json"})
    assert reply.status_code == 400


SPECIALS = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e400", '"\\ud800"', '"x\\udfff"',
                            '"\\udbff\\u0041"', '"\\ud834\\udd1e"', "1.5", "null", "true", '"text"', "[]", "{}"])


@st.composite
def crafted_bodies(draw: st.DrawFn) -> str:
    """A chat body with a special value (non-finite number, lone surrogate, or an ordinary one) in
    the message, a role, a content, an extra field, or history itself."""
    special = draw(SPECIALS)
    where = draw(st.sampled_from(["message", "role", "content", "extra", "history", "turn"]))
    message = special if where == "message" else json.dumps(draw(st.text(max_size=30)) or "hi")
    turn = {"role": '"user"', "content": json.dumps(draw(st.text(max_size=30)))}
    if where in ("role", "content"):
        turn[where] = special
    turn_text = special if where == "turn" else "{" + ", ".join(f'"{k}": {v}' for k, v in turn.items()) + "}"
    history = special if where == "history" else f"[{turn_text}]"
    extra = f', "extra": {special}' if where == "extra" else ""
    return f'{{"message": {message}, "history": {history}{extra}}}'


@given(body=crafted_bodies())
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_crafted_json_never_gets_a_server_error(open_client: TestClient, body: str) -> None:
    reply = open_client.post("/api/chat", content=body.encode("utf-8", "surrogatepass"),
                             headers={"Content-Type": "application/json"})
    assert reply.status_code in (200, 400, 422), (body, reply.text)
    detail = reply.json().get("detail")
    if reply.status_code == 422:
        assert detail and all(item["msg"] for item in detail)


@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=3000), limit=st.integers(1, 4000))
@settings(max_examples=200, deadline=None)
def test_normalised_length_is_exact_or_surely_over_the_limit(text: str, limit: int) -> None:
    exact = len(unicodedata.normalize("NFKC", text))
    measured = normalised_length(text, limit)
    assert measured == exact if exact <= limit else measured > limit


def test_normalised_length_of_growing_text_stops_early() -> None:
    assert normalised_length(GROWS * 4000, 4000) < 18 * 4000  # stopped after a piece or two
    assert normalised_length(GROWS * 222, 4000) == 3996
