"""What wraps every request (guidebot.service.middleware and .ratelimit): body and input limits
from Settings, the per-client rate limit, security headers on API responses, request ids and
one JSON log line per request, and the last-resort JSON 500."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from guidebot.chat import Guidebot
from guidebot.service import ratelimit
from guidebot.service.app import create_app
from guidebot.service.ratelimit import TokenBucketLimiter
from guidebot.settings import Settings

# ---------------------------------------------------------------------------------------------
# Limits


def test_body_over_the_limit_is_413_by_content_length(client: TestClient) -> None:
    reply = client.post("/api/chat", content=b'{"message": "' + b"a" * 270_000 + b'"}',
                        headers={"Content-Type": "application/json"})
    assert reply.status_code == 413
    assert "262144 bytes" in reply.json()["detail"]


def test_body_over_the_limit_is_413_when_streamed_without_length(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"message": "'
        for _ in range(70):
            yield b"a" * 4096
        yield b'"}'

    reply = client.post("/api/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert reply.status_code == 413


def test_streamed_body_within_the_limit_reaches_the_route(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"message": "Where is '
        yield b'CMU?"}'

    reply = client.post("/api/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert reply.status_code == 200 and "Pittsburgh" in reply.json()["answer"]


def test_limits_come_from_settings(bot: Guidebot) -> None:
    settings = Settings(max_message_chars=10, max_history_items=1, max_turn_chars=5, max_body_bytes=200,
                        rate_limit_per_minute=0)
    with TestClient(create_app(settings, bot=bot)) as client:
        assert client.post("/api/chat", json={"message": "x" * 11}).status_code == 422
        turn = {"role": "user", "content": "hi"}
        assert client.post("/api/chat", json={"message": "hi", "history": [turn, turn]}).status_code == 422
        assert client.post("/api/chat", json={"message": "hi", "history": [turn]}).status_code == 200
        long_turn = {"role": "user", "content": "x" * 6}
        assert client.post("/api/chat", json={"message": "hi", "history": [long_turn]}).status_code == 422
        assert client.post("/api/chat", json={"message": "hi", "history": [turn] * 8}).status_code == 413
        assert client.get("/api/search", params={"q": "x" * 11}).status_code == 422


# ---------------------------------------------------------------------------------------------
# Rate limit


def test_rate_limit_answers_429_with_retry_after(bot: Guidebot) -> None:
    with TestClient(create_app(Settings(rate_limit_per_minute=3), bot=bot)) as client:
        statuses = [client.get("/api/search", params={"q": "gre"}).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        limited = client.post("/api/chat", json={"message": "hi"})
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 20
        assert "try again in" in limited.json()["detail"]
        assert client.get("/api/health").status_code == 200  # other routes have a budget of their own
        assert client.get("/").status_code == 200


def test_a_429_is_sent_after_a_pause_so_retrying_at_once_gains_nothing(bot: Guidebot,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr(ratelimit.asyncio, "sleep", pause)
    with TestClient(create_app(Settings(rate_limit_per_minute=2), bot=bot)) as client:
        statuses = [client.get("/api/search", params={"q": "visa"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]
    assert len(pauses) == 2 and all(0 < p <= 1.0 for p in pauses)


def test_other_routes_have_a_looser_limit_and_liveness_none(bot: Guidebot, monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_pause(_seconds: float) -> None:
        pass

    monkeypatch.setattr(ratelimit.asyncio, "sleep", no_pause)
    with TestClient(create_app(Settings(rate_limit_per_minute=20), bot=bot)) as client:
        health = [client.get("/api/health").status_code for _ in range(11)]
        live = [client.get("/api/health/live").status_code for _ in range(30)]
    assert health == [200] * 10 + [429]  # bursts of half the API's number, at least 10
    assert live == [200] * 30


def test_a_costly_chat_counts_as_several_requests(bot: Guidebot) -> None:
    """11,400 characters read count as 5 more requests: with 4 a minute, the next one waits."""
    with TestClient(create_app(Settings(rate_limit_per_minute=4), bot=bot)) as client:
        history = [{"role": "user", "content": "what about the admission requirements " * 100}] * 3  # 11,400
        assert client.post("/api/chat", json={"message": "and funding?", "history": history}).status_code == 200
        assert client.post("/api/chat", json={"message": "Where is CMU?"}).status_code == 429


def test_token_bucket_refills_over_time_and_forgets_old_clients() -> None:
    now = [0.0]
    limiter = TokenBucketLimiter(per_minute=60, max_clients=3, clock=lambda: now[0])
    assert all(limiter.take("a") == 0 for _ in range(60))
    assert limiter.take("a") == pytest.approx(1.0)
    now[0] += 1.0
    assert limiter.take("a") == 0  # one token per second
    assert limiter.take("b") == 0  # buckets are per client
    for client in ("c", "d", "e"):
        limiter.take(client)
    assert len(limiter) == 3  # bounded memory


# ---------------------------------------------------------------------------------------------
# Security headers on API responses


@pytest.mark.parametrize("path", ["/api/health", "/api/chunks/nope", "/api/search?q="])
def test_api_responses_have_security_headers(client: TestClient, path: str) -> None:
    reply = client.get(path)
    assert reply.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "strict-origin-when-cross-origin"


# ---------------------------------------------------------------------------------------------
# Request ids, logs, last-resort errors


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "guidebot.access"]


def test_every_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(client: TestClient) -> None:
    first = client.get("/api/health").headers["x-request-id"]
    second = client.get("/api/health").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{16}", first) and first != second
    assert client.get("/api/health", headers={"X-Request-ID": "proxy-42"}).headers["x-request-id"] == "proxy-42"
    assert client.get("/api/health", headers={"X-Request-ID": "bad id!"}).headers["x-request-id"] != "bad id!"
    assert client.get("/nowhere").headers["x-request-id"]


def test_one_json_log_line_per_request_without_the_question(client: TestClient,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    secret = "Can I get in with my low GPA of 2.1 after my divorce?"
    with caplog.at_level(logging.INFO, logger="guidebot.access"):
        chat = client.post("/api/chat", json={"message": secret})
        client.get("/api/search", params={"q": "divorce GPA"})
        client.get("/api/chunks/unknown-chunk")
    lines = access_lines(caplog)
    assert len(lines) == 3
    first = lines[0]
    assert first["request_id"] == chat.headers["x-request-id"]
    assert first["route"] == "/api/chat" and first["method"] == "POST" and first["status"] == 200
    assert isinstance(first["ms"], float) and first["worker"] == os.getpid()
    assert isinstance(first["answered"], bool) and first["kind"]
    assert lines[1]["route"] == "/api/search" and lines[2]["route"] == "/api/chunks/{chunk_id}"
    assert lines[2]["status"] == 404
    assert "divorce" not in caplog.text and "GPA" not in caplog.text


def test_a_repeated_question_is_logged_as_served_from_the_cache(client: TestClient,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    question = {"message": "Is the GRE required at Caltech?"}
    with caplog.at_level(logging.INFO, logger="guidebot.access"):
        first = client.post("/api/chat", json=question)
        second = client.post("/api/chat", json=question)
    first_reply, second_reply = first.json(), second.json()
    assert first_reply.pop("reply_id") != second_reply.pop("reply_id")  # each reply has its own id
    assert first_reply == second_reply
    lines = access_lines(caplog)
    assert "cached" not in lines[0] and lines[1]["cached"] is True
    assert lines[1]["answered"] == lines[0]["answered"] and lines[1]["kind"] == lines[0]["kind"]


def test_questions_are_logged_only_when_turned_on(bot: Guidebot, caplog: pytest.LogCaptureFixture) -> None:
    with TestClient(create_app(Settings(log_questions=True), bot=bot)) as client, \
            caplog.at_level(logging.INFO, logger="guidebot.access"):
        client.post("/api/chat", json={"message": "Where is CMU?"})
    assert access_lines(caplog)[0]["question"] == "Where is CMU?"


def test_unexpected_error_is_a_json_500_with_the_request_id_and_a_logged_traceback(
        bot: Guidebot, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(), bot=bot)

    @app.get("/api/boom")
    async def boom() -> None:
        raise RuntimeError("kaboom")

    with TestClient(app) as client, caplog.at_level(logging.INFO, logger="guidebot"):
        reply = client.get("/api/boom")
    assert reply.status_code == 500
    body = reply.json()
    assert body["request_id"] == reply.headers["x-request-id"] and body["request_id"] in body["detail"]
    errors = [r for r in caplog.records if r.name == "guidebot.errors"]
    assert errors and errors[0].exc_info and "kaboom" in caplog.text
    assert access_lines(caplog)[0]["status"] == 500
