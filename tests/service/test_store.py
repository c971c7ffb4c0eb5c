"""The recording store on SQLite and on a real PostgreSQL server: migrations, batch writes,
the reads the report makes, the retention purge, and the background writer's queue (drops
counted, a database that goes away and comes back, flushing on close)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import inspect

from guidebot.service.store import Cited, FeedbackEvent, Store, TurnEvent
from guidebot.service.store.database import current_revision, head_revision
from guidebot.service.store.writer import EventWriter

from .conftest import wait_for

DAY = 86400.0


def turn(turn_id: str, ts: float | None = None, **fields: object) -> TurnEvent:
    values: dict[str, object] = {"kind": "answer", "answered": True, "confidence": 0.9, "index_version": "v1",
                                 "latency_ms": 4.0, "citations": (Cited("cmu", "Location", "cmu-1"),)}
    values.update(fields)
    return TurnEvent(turn_id=turn_id, ts=time.time() if ts is None else ts, **values)  # type: ignore[arg-type]


@pytest.fixture
def store(store_url: str):
    s = Store(store_url)
    s.migrate()
    yield s
    s.close()


def test_migrating_creates_the_schema_at_head_and_again_changes_nothing(store_url: str) -> None:
    s = Store(store_url)
    assert current_revision(s.engine) is None
    assert s.migrate() == head_revision()
    assert s.migrate() == head_revision()
    tables = set(inspect(s.engine).get_table_names())
    assert {"guidebot_turns", "guidebot_citation_counts", "guidebot_feedback", "guidebot_schema_version"} <= tables
    s.close()


def test_workers_starting_together_migrate_once(store_url: str) -> None:
    stores = [Store(store_url) for _ in range(4)]
    errors: list[BaseException] = []

    def start(s: Store) -> None:
        try:
            s.migrate()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert current_revision(stores[0].engine) == head_revision()
    for s in stores:
        s.close()


def test_a_batch_is_written_with_its_citations_and_feedback(store: Store) -> None:
    store.write([turn("t1", corrections=(("standford", "stanford"),)), turn("t2", citations=()),
                 FeedbackEvent("t1", time.time(), "down", "wrong university")])
    assert store.count("turns") == 2 and store.count("citation_counts") == 1 and store.count("feedback") == 1
    row = store.turn("t1")
    assert row is not None and row["answered"] is True and row["corrections"] == '[["standford","stanford"]]'
    assert store.citations_of(["t1", "t2"]) == {"t1": [{"doc_id": "cmu", "section": "Location", "chunk_id": "cmu-1"}],
                                                "t2": []}


def test_every_mix_of_null_fields_and_batch_size_reads_back_as_written(store: Store) -> None:
    """Turn rows go to the database grouped by which fields are NULL (written as literals) and
    in statements of 50, 32, ..., 1 rows: whatever the mix, each row is the event it came from."""
    import itertools

    from guidebot.service.store.store import TURN_COLUMNS

    optional = {"corrections": ((None, "stanford"),), "reason": "not_found", "subject": "cmu", "need": "tuition",
                "question": "what is the fee? \u00e9", "answer": "I don't know.",
                "citations": (Cited("cmu", "Location", "cmu-1"),)}
    shapes = [dict(zip(optional, chosen, strict=True)) for chosen in
              itertools.product(*[(value, None if name != "citations" else ()) for name, value in optional.items()])]
    shapes = [{k: v for k, v in shape.items() if v is not None} for shape in shapes]
    events, n = [], 0
    for size in (0, 1, 49, 50, 51, 83, 131):
        batch = []
        for i in range(size):
            fields = shapes[(i * 7 + size) % len(shapes)]
            batch.append(turn(f"s{n:06d}", ts=1_000_000.0 + n, answered=bool(i % 2), **fields))
            n += 1
        store.write(batch)
        events += batch
    assert store.count("turns") == len(events) == 365
    for e in events:
        row = store.turn(e.turn_id)
        assert row is not None and set(row) == set(TURN_COLUMNS)
        assert (row["ts"], row["kind"], row["answered"], row["confidence"], row["latency_ms"]) == \
            (e.ts, e.kind, e.answered, e.confidence, e.latency_ms)
        assert (row["reason"], row["subject"], row["need"], row["question"], row["answer"]) == \
            (e.reason, e.subject, e.need, e.question, e.answer)
        assert row["corrections"] == ('[[null,"stanford"]]' if e.corrections else None)
        assert row["citations"] == ('[{"doc_id":"cmu","section":"Location","chunk_id":"cmu-1"}]'
                                    if e.citations else None)


def test_citations_are_counted_per_day_and_section_across_batches(store: Store) -> None:
    now = time.time()
    two = (Cited("cmu", "Location", "cmu-1"), Cited("cmu", None, "cmu-0"))
    store.write([turn("a", now, citations=two), turn("b", now, citations=two[:1])])
    store.write([turn("c", now, citations=two[:1]), turn("d", now - 3 * DAY, citations=two[:1])])
    assert sorted(store.cited_sections(now - DAY), key=str) == sorted(
        [{"doc_id": "cmu", "section": "Location", "citations": 3}, {"doc_id": "cmu", "section": None, "citations": 1}],
        key=str)
    assert {r["section"]: r["citations"] for r in store.cited_sections(now - 4 * DAY)}["Location"] == 4


def test_a_refused_batch_writes_nothing(store: Store) -> None:
    with pytest.raises(Exception):  # noqa: B017 (the dialects raise different IntegrityErrors)
        store.write([turn("ok"), turn("bad", kind=None)])
    assert store.count("turns") == 0


def test_reads_group_by_day_and_keep_the_latest_rating_per_reply(store: Store) -> None:
    now = time.time()
    store.write([turn("a", now), turn("b", now, kind="partial", answered=False, reason="not_in_note", subject="mit",
                                      question="tuition at MIT?"),
                 turn("c", now - 2 * DAY, kind="smalltalk", answered=False, citations=()),
                 FeedbackEvent("a", now, "down", "first"), FeedbackEvent("a", now + 1, "up", None),
                 FeedbackEvent("b", now, "down", "no figure", question="tuition at MIT?")])
    counts = {(r["kind"], r["answered"]): r["turns"] for r in store.counts_by_day(now - DAY)}
    assert counts == {("answer", True): 1, ("partial", False): 1}
    assert [r["turn_id"] for r in store.unanswered(0)] == ["b"]  # small talk is not a gap
    down = store.rated(0, "down")
    assert [r["turn_id"] for r in down] == ["b"]  # "a" was changed to up
    assert down[0]["question"] == "tuition at MIT?" and down[0]["kind"] == "partial"
    assert [r["turn_id"] for r in store.rated(0, "up")] == ["a"]
    assert store.rated(0, "up")[0]["citations"][0]["doc_id"] == "cmu"
    assert store.cited_sections(0) == [{"doc_id": "cmu", "section": "Location", "citations": 2}]


def test_purge_deletes_only_what_is_older_than_the_cutoff(store: Store) -> None:
    now = time.time()
    store.write([turn("old", now - 100 * DAY), turn("new", now), FeedbackEvent("old", now - 100 * DAY, "up"),
                 FeedbackEvent("new", now, "down")])
    purged = store.purge(now - 90 * DAY)
    assert purged.as_dict() == {"turns": 1, "citations": 1, "feedback": 1}  # one day's count row
    assert store.turn("old") is None and store.turn("new") is not None
    assert store.count("feedback") == 1


def test_the_writer_purges_on_start_by_retention_days(store_url: str) -> None:
    s = Store(store_url)
    s.migrate()
    s.write([turn("old", time.time() - 10 * DAY), turn("new")])
    writer = EventWriter(Store(store_url), retention_days=7).start()
    wait_for(lambda: s.turn("old") is None, timeout=10)
    writer.close()
    assert s.turn("new") is not None
    s.close()


def test_the_writer_writes_in_batches_and_flushes_on_close(store_url: str) -> None:
    writer = EventWriter(Store(store_url), batch_size=50, interval=0.05).start()
    for n in range(240):
        assert writer.put(turn(f"t{n}"))
    writer.close()
    check = Store(store_url)
    assert check.count("turns") == 240 and writer.stats()["written"] == 240 and writer.dropped == 0
    check.close()


def test_a_full_queue_drops_new_events_and_counts_them(tmp_path) -> None:
    writer = EventWriter(Store(f"sqlite:///{tmp_path / 'g.db'}"), capacity=10)  # not started: nothing drains
    accepted = [writer.put(turn(f"t{n}")) for n in range(15)]
    assert accepted.count(True) == 10 and writer.stats()["dropped"] == 5 and writer.stats()["queued"] == 10


def test_a_batch_the_database_refuses_is_dropped_and_the_rest_still_written(store_url: str) -> None:
    writer = EventWriter(Store(store_url), batch_size=1, interval=0.05).start()
    writer.put(turn("bad", kind=None))
    writer.put(turn("good"))
    assert writer.flush(10)
    stats = writer.stats()
    writer.close()
    assert stats["rejected"] == 1 and stats["written"] == 1


def test_a_locked_sqlite_database_is_retried_until_it_is_free(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    holder = Store(url)
    holder.migrate()
    conn = holder.engine.raw_connection()
    conn.execute("BEGIN EXCLUSIVE")  # another process holding the write lock for a long time
    monkeypatch.setattr("guidebot.service.store.database.SQLITE_BUSY_SECONDS", 0.05)
    writer = EventWriter(Store(url), interval=0.05, max_backoff=0.2).start()
    for n in range(20):
        writer.put(turn(f"t{n}"))
    wait_for(lambda: writer.stats()["retries"] >= 2, timeout=10)
    assert writer.stats()["last_error"] and writer.stats()["queued"] == 20
    conn.rollback()
    conn.close()
    assert writer.flush(10)
    assert writer.stats()["last_error"] is None and holder.count("turns") == 20
    writer.close()
    holder.close()


def test_a_full_queue_during_an_outage_does_not_hurry_the_retries(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    holder = Store(url)
    holder.migrate()
    conn = holder.engine.raw_connection()
    conn.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr("guidebot.service.store.database.SQLITE_BUSY_SECONDS", 0.01)
    writer = EventWriter(Store(url), capacity=30, batch_size=10, interval=0.05, max_backoff=0.4).start()
    started = time.monotonic()
    while time.monotonic() - started < 1.5:  # events keep coming, far past the queue's capacity
        writer.put(turn(f"t{time.monotonic()}"))
        time.sleep(0.001)
    retries = writer.stats()["retries"]
    conn.rollback()
    conn.close()
    writer.close()
    holder.close()
    assert 2 <= retries <= 8  # 0.05, 0.1, 0.2, then every 0.4 s: not once per event
    assert writer.dropped > 0


def test_postgres_going_away_and_coming_back_loses_no_event(postgres) -> None:
    url = postgres.new_database()
    writer = EventWriter(Store(url), interval=0.05, max_backoff=0.3).start()
    assert writer.ready.wait(10)
    writer.put(turn("before"))
    assert writer.flush(10)
    postgres.stop("fast")
    try:
        for n in range(100):
            assert writer.put(turn(f"during{n}"))
        wait_for(lambda: writer.stats()["retries"] >= 2, timeout=15)
        assert writer.stats()["queued"] == 100 and writer.stats()["last_error"]
    finally:
        postgres.start()
    assert writer.flush(20), writer.stats()
    writer.close()
    check = Store(url)
    assert check.count("turns") == 101 and writer.dropped == 0
    check.close()


def test_a_record_shared_by_many_turns_writes_each_as_its_own_row_in_any_store(store: Store, tmp_path) -> None:
    """The writer hands the store (turn id, time, latency, record) with one record per reply and
    message; each turn is still its own row, the same as a `TurnEvent` with those fields, and a
    record written to two stores (0/1 on SQLite, booleans on PostgreSQL) is right in both."""
    from guidebot.service.store import TurnRecord

    record = TurnRecord("partial", False, 0.25, "v9", (Cited("cmu", "Location", "cmu-1"),), ((None, "stanford"),),
                        "not_in_note", "cmu", "tuition", "how much is it? [phone]", None)
    now = time.time()
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    other.migrate()
    try:
        for target in (store, other, store):
            base = target.count("turns")
            target.write([(f"r{base + i:05d}", now + i, 0.5 + i, record) for i in range(60)])
            target.write([turn(f"e{base}", now, kind="partial", answered=False, confidence=0.25,
                               index_version="v9", latency_ms=0.5, citations=record.citations,
                               corrections=record.corrections, reason="not_in_note", subject="cmu", need="tuition",
                               question="how much is it? [phone]")])
            expected = target.turn(f"e{base}")
            assert expected is not None and expected["answered"] is False
            for i in range(60):
                row = target.turn(f"r{base + i:05d}")
                assert row == {**expected, "id": f"r{base + i:05d}", "ts": now + i, "latency_ms": 0.5 + i}
        assert {r["section"]: r["citations"] for r in store.cited_sections(now - DAY)}["Location"] == 122
    finally:
        other.close()
