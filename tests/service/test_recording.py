"""What each chat turn records, and what of the student's words is kept: reply ids (signed,
verified, refused when forged), the recorded fields, GUIDEBOT_STORE_QUESTIONS, scrubbing, the
secret file, /api/health's recording counts, and recording turned off."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from guidebot.chat import Guidebot
from guidebot.service.app import create_app
from guidebot.service.privacy import keeps_question, scrub
from guidebot.service.replyids import ReplyIds, load_secret
from guidebot.service.store import Store
from guidebot.settings import Settings

SECRET = "test-secret-0123456789abcdef0123456789"


@pytest.fixture
def recording(tmp_path: Path, bot: Guidebot) -> Callable[..., object]:
    """`with recording(**settings) as (client, store):` the app recording into a SQLite file in tmp_path."""

    @contextmanager
    def start(**overrides: object) -> Iterator[tuple[TestClient, Store]]:
        values: dict[str, object] = {"index_path": tmp_path / "index.gbi", "secret": SECRET,
                                     "rate_limit_per_minute": 0}
        values.update(overrides)
        app = create_app(Settings(**values), bot=bot)  # type: ignore[arg-type]
        store = Store(f"sqlite:///{tmp_path / 'guidebot.db'}")
        with TestClient(app) as client:
            client.flush = lambda: app.state.recorder.writer.flush(10)  # type: ignore[attr-defined]
            yield client, store
        store.close()

    return start


def chat(client: TestClient, message: str, history: list[dict[str, str]] | None = None) -> dict[str, object]:
    reply = client.post("/api/chat", json={"message": message, "history": history or []})
    assert reply.status_code == 200
    return reply.json()


# --------------------------------------------------------------------------- scrubbing and policy


@pytest.mark.parametrize(("text", "expected"), [
    ("write to jane.doe+ms@example.ac.uk about it", "write to [email] about it"),
    ("call +44 20 7946 0958 or (555) 123-4567", "call [phone] or [phone]"),
    ("my local number is 555-1234", "my local number is [phone]"),
    ("student id 20231234567 and card 4111 1111 1111 1111", "student id [number] and card [number]"),
    ("passport X12345678", "passport X[number]"),
])
def test_scrubbing_replaces_addresses_phones_and_long_digit_runs(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_scrubbing_keeps_the_numbers_a_question_is_about() -> None:
    text = "Is a GPA of 3.5 and TOEFL 100 enough for fall 2025 (deadline 12/15/2025, 2024-2025, $55,000)?"
    assert scrub(text) == text


def test_questions_are_kept_as_the_policy_says() -> None:
    assert keeps_question("all", True, "answer")
    assert keeps_question("unanswered", False, "partial") and keeps_question("unanswered", False, "abstain")
    assert not keeps_question("unanswered", True, "answer") and not keeps_question("unanswered", False, "smalltalk")
    assert not keeps_question("none", False, "abstain")


# --------------------------------------------------------------------------- reply ids


def test_a_reply_id_verifies_only_with_the_secret_it_was_signed_with() -> None:
    ids = ReplyIds(b"one secret")
    reply_id, turn_id = ids.issue("where is CMU?", "Pittsburgh. [1]", now=1_000_000)
    issued = ids.verify(reply_id, now=1_000_100)
    assert issued is not None and issued.turn_id == turn_id and len(reply_id) == 50
    assert ReplyIds(b"another secret").verify(reply_id, now=1_000_100) is None
    assert ids.text_matches(issued, "where is CMU?", "Pittsburgh. [1]")
    assert not ids.text_matches(issued, "where is MIT?", "Pittsburgh. [1]")


def test_the_reply_id_mac_is_the_standard_hmac_over_blake2b() -> None:
    import hashlib
    import hmac

    from guidebot.service.replyids import Hmac

    for key in (b"k" * 16, b"k" * 128, b"k" * 200):
        assert Hmac(key).digest(b"message") == hmac.new(key, b"message", hashlib.blake2b).digest()


def test_a_reply_id_is_spelled_as_the_format_says_so_other_replicas_accept_it() -> None:
    """Built here from the documented parts (version, turn, time, keyed BLAKE2b digest, HMAC),
    so a faster signing path cannot change the format that replicas of other versions verify."""
    import base64
    import hashlib
    import hmac

    from guidebot.service.replyids import answer_digest, derive_key

    secret = b"a secret shared by every replica"
    ids = ReplyIds(secret)
    question, answer = "where is CMU? \u00e9", "Pittsburgh. [1]"
    reply_id, turn_id = ids.issue(question, answer, now=1_000_000.7)
    turn = bytes.fromhex(turn_id)
    text = hashlib.blake2b(turn + answer_digest(answer) + question.encode(), key=derive_key(secret, "reply-text"),
                           digest_size=8).digest()
    body = b"\x01" + turn + (1_000_000).to_bytes(4, "big") + text
    mac = hmac.new(derive_key(secret, "reply-id"), body, hashlib.blake2b).digest()[:12]
    assert reply_id == base64.urlsafe_b64encode(body + mac).decode().rstrip("=")
    signed, raw_turn = ids.sign(question, answer_digest(answer), 1_000_000.7)
    assert raw_turn.hex() != turn_id and len(signed) == 50 and ids.verify(signed.decode(), now=1_000_000)


def test_a_tampered_or_expired_reply_id_is_refused() -> None:
    ids = ReplyIds(b"secret")
    reply_id, _ = ids.issue("q", "a", now=1_000_000)
    for position in (1, 20, 49):
        flipped = reply_id[:position] + ("A" if reply_id[position] != "A" else "B") + reply_id[position + 1:]
        assert ids.verify(flipped, now=1_000_000) is None
    assert ids.verify(reply_id, max_age_seconds=3600, now=1_000_000 + 7200) is None
    assert ids.verify(reply_id, now=1_000_000 - 3600) is None  # issued in the future
    assert ids.verify("not-a-reply-id") is None


def test_the_default_secret_is_made_once_readable_only_by_its_owner(tmp_path: Path) -> None:
    first = load_secret("", tmp_path)
    assert load_secret("", tmp_path) == first and len(first) == 64
    assert stat.S_IMODE(os.stat(tmp_path / "secret").st_mode) == 0o600
    assert load_secret("configured", tmp_path) == b"configured"


def test_every_chat_reply_carries_a_new_reply_id_even_when_cached(recording) -> None:
    with recording() as (client, _store):
        first, second = chat(client, "where is CMU?"), chat(client, "where is CMU?")
        assert first["reply_id"] != second["reply_id"]
        assert {k: v for k, v in first.items() if k != "reply_id"} == {k: v for k, v in second.items()
                                                                        if k != "reply_id"}
        ids = ReplyIds(SECRET.encode())
        assert ids.verify(str(first["reply_id"])) is not None


# --------------------------------------------------------------------------- what a turn records


def recorded(store: Store) -> list[dict[str, object]]:
    from sqlalchemy import select

    from guidebot.service.store.schema import turns

    return store._rows(select(turns).order_by(turns.c.ts))


def test_a_turn_records_kind_reason_subject_citations_latency_and_version(recording, bot: Guidebot) -> None:
    with recording() as (client, store):
        chat(client, "where is CMU?")
        chat(client, "What is the tuition at Stanford?")
        chat(client, "tell me about Purdue University")
        assert client.flush()
        answered, partial, uncovered = recorded(store)
        assert answered["kind"] == "answer" and answered["answered"] and answered["confidence"] > 0.5
        assert answered["index_version"] == bot.version and answered["latency_ms"] > 0
        assert answered["question"] is None and answered["reason"] is None and answered["subject"] == "cmu"
        cited = store.citations_of([str(answered["id"])])[str(answered["id"])]
        assert cited and all(c["doc_id"] == "cmu" for c in cited)
        assert (partial["kind"], partial["reason"], partial["subject"]) == ("partial", "not_in_note", "stanford")
        assert partial["need"] == "tuition, fees or costs"
        assert partial["question"] == "What is the tuition at Stanford?"
        assert str(partial["answer"]).startswith("I don't know tuition")
        assert (uncovered["reason"], uncovered["subject"]) == ("uncovered", "Purdue")


def test_spelling_corrections_are_recorded_as_typed_and_as_read(recording) -> None:
    with recording() as (client, store):
        chat(client, "what are the admission requirements at standford")
        assert client.flush()
        (row,) = recorded(store)
        assert orjson.loads(str(row["corrections"])) == [["standford", "stanford"]]


def test_store_questions_all_keeps_answered_questions_scrubbed(recording) -> None:
    with recording(store_questions="all") as (client, store):
        chat(client, "where is CMU? reach me at kim@example.com")
        assert client.flush()
        assert recorded(store)[0]["question"] == "where is CMU? reach me at [email]"


def test_store_questions_none_keeps_no_words_of_the_student(recording) -> None:
    with recording(store_questions="none") as (client, store):
        chat(client, "tell me about Purdue University")
        chat(client, "what are the admission requirements at standford")
        assert client.flush()
        uncovered, corrected = recorded(store)
        assert uncovered["question"] is None and uncovered["answer"] is None and uncovered["subject"] is None
        assert uncovered["reason"] == "uncovered"
        assert orjson.loads(str(corrected["corrections"])) == [[None, "stanford"]]


def test_health_reports_what_recording_wrote_and_dropped(recording) -> None:
    with recording() as (client, _store):
        chat(client, "where is CMU?")
        assert client.flush()
        health = client.get("/api/health").json()
        assert health["status"] == "ok"
        assert health["recording"] == {"database": "sqlite", "ready": True, "queued": 0, "written": 1, "dropped": 0,
                                       "rejected": 0, "retries": 0, "last_error": None}


def test_with_recording_off_replies_have_no_id_and_feedback_does_not_exist(recording) -> None:
    with recording(database_url="none") as (client, _store):
        assert "reply_id" not in chat(client, "where is CMU?")
        assert client.get("/api/health").json()["recording"] is None
        assert client.post("/api/feedback", json={"reply_id": "A" * 50, "rating": "up"}).status_code == 404


def test_a_reply_given_for_different_messages_records_each_message_as_asked() -> None:
    """What a turn keeps of its message is worked out once per reply and message (the writer
    keeps it on the reply's facts): two messages that got the same reply each keep their own."""
    from guidebot.service.recording import MESSAGES_KEPT, Recorder, TurnFacts

    facts = TurnFacts(kind="partial", answered=False, confidence=0.2, answer="I don't know the fee; call 555-123-4567.",
                      citations=(), focus=("stanford",), reason="not_in_note", names=None, need="fee",
                      fixed=("stanford",), subject="stanford", focus_subject="stanford", answer_hash=b"h" * 16)
    recorder = Recorder(None, None, "all", 90)
    asked = ["what is the fee at standford? mail me at a@b.org", "fee at stanfrod, call 555-987-6543"]
    for _ in range(2):
        first, second = (recorder.turn_event((b"\x00" * 12, 1.0, message, facts, "v1", 0.001))[3] for message in asked)
        assert first.question == "what is the fee at standford? mail me at [email]"
        assert second.question == "fee at stanfrod, call [phone]"
        assert first.corrections == (("standford", "stanford"),) and second.corrections == (("stanfrod", "stanford"),)
        assert first.answer == second.answer == "I don't know the fee; call [phone]."
    for n in range(MESSAGES_KEPT * 2):
        recorder.turn_event((b"\x00" * 12, 1.0, f"fee {n}", facts, "v1", 0.001))
    assert len(facts.kept) <= MESSAGES_KEPT
