"""Turn rows as the driver binds them: what a batch of turns becomes before `Store.write` sends it.

Most turns are a reply served again (from the reply cache) for a message already seen, so all a
turn row holds but its id, time, day and latency is the same from one such turn to the next: the
`TurnRecord` the recorder makes once per reply and message. `TurnRows.template` works out, once
per record, everything the row needs from it: its values in column order (`answered` as SQLite's
0/1, citations and corrections as JSON) and the placeholders of one row, with NULL written in the
SQL where a value is None (CPython's sqlite3 binds None and True through its adapter look-up,
~0.8 µs each with the GIL held, against 0.05 µs for an int). The template is kept on the record,
so a turn costs one tuple: (id, time, day, latency) + the record's values. `TurnRows.group` turns
a batch into rows grouped by their placeholders (a few SQL texts per batch) and counts the
citations per day and section. Turns have no order (their key is the turn id): grouping them
changes nothing stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from .events import TurnEvent, TurnRecord, day_of

# The per-turn columns first, then the record's: a row is (id, ts, day, latency_ms) + template values.
TURN_COLUMNS = ("id", "ts", "day", "latency_ms", "kind", "answered", "confidence", "index_version", "corrections",
                "reason", "subject", "need", "question", "answer", "citations")
PER_TURN = 4
TURN_NULLABLE_FROM = TURN_COLUMNS.index("corrections")  # this column and every one after it may be NULL

# A recorded turn as the writer thread hands it to the store: (turn id, time, latency in ms, record).
Turn = tuple[str, float, float, TurnRecord]
Template = tuple[object, str, tuple[Any, ...]]  # (whose template, one row's placeholders, the values)


def as_turn(e: TurnEvent) -> Turn:
    """A `TurnEvent` (one made on its own, e.g. by a test or a tool) as the writer's turn tuple."""
    return (e.turn_id, e.ts, e.latency_ms, TurnRecord(
        e.kind, e.answered, e.confidence, e.index_version, e.citations, e.corrections, e.reason, e.subject, e.need,
        e.question, e.answer))


class TurnRows:
    """Rows of the turns table for one store (its driver's placeholder and boolean)."""

    def __init__(self, mark: str, answered: Callable[[bool], Any]) -> None:
        self.mark = mark
        self.answered = answered

    def template(self, record: TurnRecord) -> Template:
        """The record's part of every row that records it, and the placeholders of such a row."""
        nullable = (orjson.dumps(record.corrections).decode() if record.corrections else None, record.reason,
                    record.subject, record.need, record.question, record.answer,
                    orjson.dumps(record.citations).decode() if record.citations else None)
        values = (record.kind, self.answered(record.answered), record.confidence, record.index_version,
                  *(v for v in nullable if v is not None))
        marks = [self.mark] * TURN_NULLABLE_FROM + ["NULL" if v is None else self.mark for v in nullable]
        return (self, "(" + ", ".join(marks) + ")", values)

    def group(self, turns: Iterable[Turn]) -> tuple[dict[str, list[tuple[Any, ...]]], list[tuple[str, str, str, int]]]:
        """({one row's placeholders: rows}, [(day, doc_id, section, citations)] sorted) for a batch."""
        groups: dict[str, list[tuple[Any, ...]]] = {}
        same_citations: Counter[tuple[str, int]] = Counter()  # a reply's citations tuple recurs with it
        cited_by_id: dict[int, tuple[Any, ...]] = {}
        day_number, day = None, ""  # a batch's turns are mostly of one day: day_of once per change of day
        for turn_id, ts, latency_ms, record in turns:
            template = record.stored
            if template is None or template[0] is not self:
                template = record.stored = self.template(record)
            if ts // 86400 != day_number:
                day_number, day = ts // 86400, day_of(ts)
            rows = groups.get(template[1])
            if rows is None:
                rows = groups[template[1]] = []
            rows.append((turn_id, ts, day, latency_ms) + template[2])
            if record.citations:
                key = id(record.citations)
                same_citations[(day, key)] += 1
                cited_by_id[key] = record.citations
        counted: Counter[tuple[str, str, str]] = Counter()
        for (day, key), n in same_citations.items():
            for c in cited_by_id[key]:
                counted[(day, c.doc_id, c.section or "")] += n
        return groups, [(*key, n) for key, n in sorted(counted.items())]  # sorted: the same lock order everywhere
