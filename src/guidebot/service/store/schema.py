"""The recorded data's current shape, as SQLAlchemy Core tables (queries are written against
these; the migrations in migrations/versions/ are how a database gets to this shape).

Times are seconds since the epoch (`ts`, a float, the same on SQLite and PostgreSQL, no time
zone conversions) plus the UTC day as text (`day`, "2026-11-26"), so that "by day" is a plain
GROUP BY on either database. The retention purge is one DELETE per table (by `ts`, or by `day`).

A turn's citations are kept with it as JSON (what the dashboard shows beside a disliked answer),
and counted per day, document and section in `citation_counts` as they are written (what "cited
and never cited" reads): one upserted row per section cited that day instead of a row per citation
keeps the writer's work, which shares a CPU with the chat path, small.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

VERSION_TABLE = "guidebot_schema_version"  # Alembic's version table, named so it cannot clash in a shared database

turns = Table(
    "guidebot_turns", metadata,
    Column("id", String(32), primary_key=True),  # the turn id inside the reply id
    Column("ts", Float, nullable=False),
    Column("day", String(10), nullable=False),
    Column("kind", String(16), nullable=False),  # answer | partial | abstain | smalltalk | list | clarify
    Column("answered", Boolean, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("index_version", String(80), nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("corrections", Text),  # JSON: [[as typed or null, read as], ...]
    Column("reason", String(32)),  # why it was not an answer (see service/reasons.py)
    Column("subject", String(300)),  # what it was about: the documents in focus or the names asked
    Column("need", String(100)),  # the specific asked for that the notes lack (a partial reply)
    Column("question", Text),  # only as GUIDEBOT_STORE_QUESTIONS allows, scrubbed
    Column("answer", Text),  # stored with the question
    Column("citations", Text),  # JSON: [{"doc_id", "section", "chunk_id"}, ...] in marker order
    Index("guidebot_turns_ts", "ts"),
)

citation_counts = Table(
    "guidebot_citation_counts", metadata,
    Column("day", String(10), primary_key=True),
    Column("doc_id", String(200), primary_key=True),
    Column("section", String(300), primary_key=True),  # "" for a document's text before its first heading
    Column("citations", Integer, nullable=False),
)

feedback = Table(
    "guidebot_feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("turn_id", String(32), nullable=False),
    Column("ts", Float, nullable=False),
    Column("day", String(10), nullable=False),
    Column("rating", String(4), nullable=False),  # up | down
    Column("comment", Text),
    Column("question", Text),  # the rated reply's question and answer, when the client sent them (verified)
    Column("answer", Text),
    Index("guidebot_feedback_ts", "ts"),
    Index("guidebot_feedback_turn", "turn_id"),
)
