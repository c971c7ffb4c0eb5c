"""POST /api/feedback: ratings of replies that were given are accepted and recorded (with the
reply's text when the client sends it, verified), forged or malformed ones are refused, and the
endpoint is rate-limited."""

from __future__ import annotations

from .test_recording import SECRET, chat, recording  # noqa: F401 (the fixture)


def test_a_rating_of_a_given_reply_is_recorded_with_its_verified_text(recording) -> None:  # noqa: F811
    with recording() as (client, store):
        reply = chat(client, "where is CMU?")
        sent = {"reply_id": reply["reply_id"], "rating": "down", "comment": "I asked about the campus; mail me@x.org",
                "question": "  where is CMU?", "answer": reply["answer"]}
        accepted = client.post("/api/feedback", json=sent)
        assert accepted.status_code == 202 and accepted.json()["status"] == "accepted"
        assert client.flush()
        (row,) = store.rated(0, "down")
        assert row["question"] == "where is CMU?" and row["answer"] == reply["answer"]
        assert row["comment"] == "I asked about the campus; mail [email]" and row["kind"] == "answer"


def test_a_rating_without_text_is_recorded_too(recording) -> None:  # noqa: F811
    with recording() as (client, store):
        reply = chat(client, "where is CMU?")
        assert client.post("/api/feedback", json={"reply_id": reply["reply_id"], "rating": "up"}).status_code == 202
        assert client.flush()
        (row,) = store.rated(0, "up")
        assert row["question"] is None and row["comment"] is None


def test_text_that_is_not_the_rated_replys_is_refused(recording) -> None:  # noqa: F811
    with recording() as (client, _store):
        reply = chat(client, "where is CMU?")
        wrong = client.post("/api/feedback", json={"reply_id": reply["reply_id"], "rating": "down",
                                                   "question": "something I never asked", "answer": reply["answer"]})
        assert wrong.status_code == 422


def test_a_reply_id_that_was_never_given_is_unknown(recording) -> None:  # noqa: F811
    from guidebot.service.replyids import ReplyIds

    with recording() as (client, _store):
        forged, _ = ReplyIds(b"someone else's secret").issue("q", "a")
        assert client.post("/api/feedback", json={"reply_id": forged, "rating": "up"}).status_code == 404
        real = str(chat(client, "where is CMU?")["reply_id"])
        tampered = real[:10] + ("A" if real[10] != "A" else "B") + real[11:]
        assert client.post("/api/feedback", json={"reply_id": tampered, "rating": "up"}).status_code == 404


def test_bad_feedback_bodies_get_422_naming_the_field(recording) -> None:  # noqa: F811
    with recording() as (client, _store):
        reply_id = chat(client, "where is CMU?")["reply_id"]
        for body, field in [({"reply_id": reply_id, "rating": "meh"}, "rating"),
                            ({"reply_id": reply_id, "rating": "up", "comment": "x" * 1001}, "comment"),
                            ({"reply_id": "short", "rating": "up"}, "reply_id"),
                            ({"rating": "up"}, "reply_id")]:
            reply = client.post("/api/feedback", json=body)
            assert reply.status_code == 422
            assert field in {str(part) for error in reply.json()["detail"] for part in error["loc"]}
        assert client.post("/api/feedback", content=b"{not json", headers={"Content-Type": "application/json"}
                           ).status_code == 422


def test_feedback_is_rate_limited_per_address(recording) -> None:  # noqa: F811
    with recording(rate_limit_per_minute=3) as (client, _store):
        reply_id = chat(client, "where is CMU?")["reply_id"]
        codes = [client.post("/api/feedback", json={"reply_id": reply_id, "rating": "up"}).status_code
                 for _ in range(4)]
        assert codes[:2] == [202, 202] and codes[-1] == 429
