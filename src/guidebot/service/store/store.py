"""`Store`: writing recorded events in batches, the retention purge, and the reads the report
needs, on whichever database the URL names. It knows nothing about HTTP or queues: the
background writer (writer.py) calls `write`, the report (service/report.py) calls the reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import orjson
from sqlalchemy import Engine, and_, delete, func, select

from .database import migrate, open_engine
from .events import Event, FeedbackEvent, TurnEvent, day_of
from .rows import TURN_COLUMNS, Turn, TurnRows, as_turn
from .schema import citation_counts, feedback, turns


@dataclass(frozen=True)
class Purged:
    turns: int
    citations: int  # rows of daily citation counts
    feedback: int

    def as_dict(self) -> dict[str, int]:
        return {"turns": self.turns, "citations": self.citations, "feedback": self.feedback}


class Store:
    """One database of recorded turns and feedback. Thread-safe (the engine pools connections)."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = open_engine(url)
        self.backend = self.engine.dialect.name  # sqlite | postgresql
        mark = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        # SQLite's driver binds True and None through its adapter look-up (~0.8 us each, with
        # the GIL held, against 0.05 us for an int): `answered` goes to it as the 0/1 it stores
        # anyway, and NULLs as literals in the SQL (rows.py); PostgreSQL's booleans stay booleans.
        self._turn_rows = TurnRows(mark, int if self.backend == "sqlite" else bool)
        self._inserts = {name: (f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ",
                                f"({', '.join([mark] * len(columns))})", tail)
                         for name, table, columns, tail in (
                             ("turns", turns, TURN_COLUMNS, ""), ("feedback", feedback, FEEDBACK_COLUMNS, ""),
                             ("counts", citation_counts, COUNT_COLUMNS, COUNT_UPSERT))}

    def migrate(self) -> str:
        return migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def write(self, events: Sequence[Event | Turn]) -> None:
        """Insert a batch in one transaction: all of it or (on an error) none of it. A chat turn
        may come as a `TurnEvent` or as the writer thread's (turn id, time, latency, record).

        The writer thread shares the GIL (and, on a small machine, the CPUs) with the chat path,
        so rows go to the driver as plain tuples built from each record's template (rows.py: no
        per-row work in SQLAlchemy, a turn's NULLs written into the SQL rather than bound), 50 rows
        per INSERT statement (the driver releases the GIL once per statement, and each time must
        win it back from the busy event loop: a row per statement made chat 20-40% slower), and
        citations are counted here, one upserted row per day and section, not inserted one by one."""
        turns, feedback_rows = [], []
        for e in events:
            if type(e) is tuple:
                turns.append(e)
            elif isinstance(e, TurnEvent):
                turns.append(as_turn(e))
            else:
                assert isinstance(e, FeedbackEvent)
                feedback_rows.append((e.turn_id, e.ts, day_of(e.ts), e.rating, e.comment, e.question, e.answer))
        groups, count_rows = self._turn_rows.group(turns)
        with self.engine.begin() as conn:
            for one_row, rows in groups.items():
                self._insert(conn, "turns", rows, one_row)
            for name, rows in (("feedback", feedback_rows), ("counts", count_rows)):
                if rows:
                    self._insert(conn, name, rows)

    def _insert(self, conn: Any, name: str, rows: list[tuple[Any, ...]], one_row: str | None = None) -> None:
        """Rows as multi-row INSERTs of ROWS_PER_STATEMENT rows, sent as one executemany, then the
        rest in statements of 32, 16, ..., 1 rows: always the same few SQL texts, so the driver's
        statement cache saves parsing them (a text per remainder size was parsed anew each batch)."""
        head, default_row, tail = self._inserts[name]
        one_row = one_row or default_row
        whole = len(rows) - len(rows) % ROWS_PER_STATEMENT
        if whole:
            sql = head + ", ".join([one_row] * ROWS_PER_STATEMENT) + tail
            conn.exec_driver_sql(sql, [tuple(chain.from_iterable(rows[i:i + ROWS_PER_STATEMENT]))
                                       for i in range(0, whole, ROWS_PER_STATEMENT)])
        start, size = whole, LARGEST_REMAINDER
        while start < len(rows):
            while size > len(rows) - start:
                size //= 2
            conn.exec_driver_sql(head + ", ".join([one_row] * size) + tail,
                                 tuple(chain.from_iterable(rows[start:start + size])))
            start += size

    def purge(self, before_ts: float) -> Purged:
        """Delete everything recorded before `before_ts` (seconds since the epoch); citation
        counts are kept by whole days, so those of the cutoff's day stay."""
        with self.engine.begin() as conn:
            counts = [conn.execute(delete(table).where(table.c.ts < before_ts)).rowcount for table in (feedback, turns)]
            days = conn.execute(delete(citation_counts).where(citation_counts.c.day < day_of(before_ts))).rowcount
        return Purged(turns=counts[1], citations=days, feedback=counts[0])

    # ----------------------------------------------------------------------- reads for the report

    def counts_by_day(self, since: float) -> list[dict[str, Any]]:
        """[{day, kind, answered, turns}] for turns since `since`."""
        query = (select(turns.c.day, turns.c.kind, turns.c.answered, func.count().label("turns"))
                 .where(turns.c.ts >= since).group_by(turns.c.day, turns.c.kind, turns.c.answered))
        return self._rows(query)

    def latencies_by_day(self, since: float) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        with self.engine.connect() as conn:
            for day, ms in conn.execute(select(turns.c.day, turns.c.latency_ms).where(turns.c.ts >= since)):
                found.setdefault(day, []).append(ms)
        return found

    def ratings_by_day(self, since: float) -> list[dict[str, Any]]:
        query = (select(feedback.c.day, feedback.c.rating, func.count().label("ratings"))
                 .where(feedback.c.ts >= since).group_by(feedback.c.day, feedback.c.rating))
        return self._rows(query)

    def unanswered(self, since: float) -> list[dict[str, Any]]:
        """Turns that were not answered and were not small talk, newest first."""
        query = (select(turns.c.id.label("turn_id"), turns.c.ts, turns.c.kind, turns.c.reason, turns.c.subject,
                        turns.c.need, turns.c.question)
                 .where(and_(turns.c.ts >= since, turns.c.answered.is_(False), turns.c.kind != "smalltalk"))
                 .order_by(turns.c.ts.desc()))
        return self._rows(query)

    def rated(self, since: float, rating: str) -> list[dict[str, Any]]:
        """Ratings given since `since` (the latest per reply), with what is known of the turn."""
        latest = (select(feedback.c.turn_id, func.max(feedback.c.id).label("id"))
                  .where(and_(feedback.c.ts >= since)).group_by(feedback.c.turn_id).subquery())
        query = (select(feedback.c.turn_id, feedback.c.ts, feedback.c.rating, feedback.c.comment,
                        func.coalesce(feedback.c.question, turns.c.question).label("question"),
                        func.coalesce(feedback.c.answer, turns.c.answer).label("answer"),
                        turns.c.kind, turns.c.confidence, turns.c.subject)
                 .join(latest, latest.c.id == feedback.c.id)
                 .join(turns, turns.c.id == feedback.c.turn_id, isouter=True)
                 .where(feedback.c.rating == rating).order_by(feedback.c.ts.desc()))
        rows = self._rows(query)
        cited = self.citations_of([r["turn_id"] for r in rows])
        for row in rows:
            row["citations"] = cited.get(row["turn_id"], [])
        return rows

    def citations_of(self, turn_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        ids = list(dict.fromkeys(turn_ids))
        found: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(ids), 500):
            query = select(turns.c.id, turns.c.citations).where(turns.c.id.in_(ids[start:start + 500]))
            for row in self._rows(query):
                found[row["id"]] = orjson.loads(row["citations"]) if row["citations"] else []
        return found

    def cited_sections(self, since: float) -> list[dict[str, Any]]:
        """[{doc_id, section, citations}] cited since the day of `since` (counts are kept per day)."""
        query = (select(citation_counts.c.doc_id, citation_counts.c.section,
                        func.sum(citation_counts.c.citations).label("citations"))
                 .where(citation_counts.c.day >= day_of(since))
                 .group_by(citation_counts.c.doc_id, citation_counts.c.section))
        return [{**row, "section": row["section"] or None, "citations": int(row["citations"])}
                for row in self._rows(query)]

    def count(self, table_name: str) -> int:
        table = {"turns": turns, "citation_counts": citation_counts, "feedback": feedback}[table_name]
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    def turn(self, turn_id: str) -> dict[str, Any] | None:
        rows = self._rows(select(turns).where(turns.c.id == turn_id))
        return rows[0] if rows else None

    def _rows(self, query: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]


ROWS_PER_STATEMENT = 50  # x 15 columns: far under SQLite's 32766 parameters and PostgreSQL's 65535
LARGEST_REMAINDER = 32  # what is left under ROWS_PER_STATEMENT goes in statements of 32, 16, 8, 4, 2, 1 rows
FEEDBACK_COLUMNS = ("turn_id", "ts", "day", "rating", "comment", "question", "answer")
COUNT_COLUMNS = ("day", "doc_id", "section", "citations")
COUNT_UPSERT = (" ON CONFLICT (day, doc_id, section) DO UPDATE SET citations = "
                "guidebot_citation_counts.citations + excluded.citations")  # SQLite 3.24+, PostgreSQL 9.5+

