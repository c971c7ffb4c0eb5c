"""The maintainer's report: what the dashboard (/admin) and `guidebot report` show, as plain
tables of rows (lists of dicts) that render as HTML, print in a terminal or export as CSV/JSON.

- `daily`: turns per day by outcome (answered, partial, abstained, small talk), the answer rate
  among real questions, the median latency, thumbs up and down;
- `unanswered`: unanswered questions grouped (grouping.py), most asked first, each with example
  phrasings, the nearest passage, why it was not an answer and what would fix it;
- `disliked`: thumbs-down replies with their question, answer, citations and comment;
- `sections` and `documents`: how often each section and document of the serving index was
  cited, never-cited ones included (with 0).
Reads the store (store/store.py) and the serving bot; writes nothing.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..chat import Guidebot
from .grouping import Vector, group_questions, grouping_text
from .insights import explain
from .store import Store

TABLES = ("daily", "unanswered", "disliked", "sections", "documents")
_SINCE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")
MAX_GROUPED = 5000  # most recent unanswered turns considered for grouping
EXAMPLES = 3


def parse_since(text: str) -> float:
    """"7d", "24h", "2w" as seconds; raises ValueError saying what is expected."""
    match = _SINCE.match(text)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"--since must be a number of hours, days or weeks, like 24h, 7d or 2w (got {text!r})")
    return int(match.group(1)) * {"h": 3600, "d": 86400, "w": 7 * 86400}[match.group(2)]


@dataclass(frozen=True)
class Report:
    since: str
    until: str
    daily: list[dict[str, Any]]
    unanswered: list[dict[str, Any]]
    disliked: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    documents: list[dict[str, Any]]

    def table(self, name: str) -> list[dict[str, Any]]:
        if name not in TABLES:
            raise KeyError(name)
        return getattr(self, name)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_report(store: Store, bot: Guidebot, seconds: float, now: float | None = None) -> Report:
    now = time.time() if now is None else now
    since = now - seconds
    sections, documents = citation_tables(store, bot, since)
    return Report(since=_iso(since), until=_iso(now), daily=daily_table(store, since, now),
                  unanswered=unanswered_table(store, bot, since), disliked=disliked_table(store, bot, since),
                  sections=sections, documents=documents)


def daily_table(store: Store, since: float, now: float) -> list[dict[str, Any]]:
    days: dict[str, dict[str, Any]] = defaultdict(lambda: {"turns": 0, "answered": 0, "partial": 0, "abstained": 0,
                                                           "smalltalk": 0, "thumbs_up": 0, "thumbs_down": 0})
    first = datetime.fromtimestamp(since, UTC).date()
    last = datetime.fromtimestamp(now, UTC).date()
    if (last - first).days <= 92:  # a short period shows every day, quiet ones too
        for n in range((last - first).days + 1):
            days[(first + timedelta(days=n)).isoformat()]  # noqa: B018 (creates the row)
    for row in store.counts_by_day(since):
        day = days[row["day"]]
        day["turns"] += row["turns"]
        outcome = "answered" if row["answered"] else {"partial": "partial", "smalltalk": "smalltalk"}.get(
            row["kind"], "abstained")
        day[outcome] += row["turns"]
    for row in store.ratings_by_day(since):
        days[row["day"]]["thumbs_up" if row["rating"] == "up" else "thumbs_down"] += row["ratings"]
    latencies = store.latencies_by_day(since)
    table = []
    for name in sorted(days):
        day = days[name]
        questions = day["turns"] - day["smalltalk"]
        ms = latencies.get(name)
        table.append({"day": name, **day, "answer_rate": round(day["answered"] / questions, 3) if questions else None,
                      "median_latency_ms": round(statistics.median(ms), 2) if ms else None})
    return table


def term_vector(bot: Guidebot) -> Any:
    """A question as search reads it (spelling-corrected, stemmed, synonyms added), weighted by idf."""
    searcher = bot.searcher
    unknown = 0.8 * searcher.max_idf

    def vectorize(text: str) -> Vector:
        weights = searcher.query_weights(text)
        return {t: w * (searcher.idf(t) or unknown) for t, w in weights.items()}

    return vectorize


def question_key(row: dict[str, Any]) -> Hashable:
    return (row["reason"] or row["kind"], row["subject"], row["need"])


def unanswered_table(store: Store, bot: Guidebot, since: float) -> list[dict[str, Any]]:
    rows = store.unanswered(since)[:MAX_GROUPED]
    distinct: dict[tuple[Hashable, str | None], dict[str, Any]] = {}
    for row in rows:
        entry = distinct.setdefault((question_key(row), row["question"]), {**row, "count": 0, "last": row["ts"]})
        entry["count"] += 1
    items = list(distinct.values())
    groups = group_questions([question_key(i) for i in items],
                             [grouping_text(i["reason"], i["question"]) for i in items],
                             [i["count"] for i in items], term_vector(bot))
    table = []
    for rank, members in enumerate(groups, start=1):
        group = [items[i] for i in members]
        head = group[0]
        examples = [g["question"] for g in sorted(group, key=lambda g: -g["count"]) if g["question"]][:EXAMPLES]
        insight = explain(bot, head["reason"] or head["kind"], head["subject"], head["need"],
                          examples[0] if examples else None)
        table.append({"rank": rank, "asked": sum(g["count"] for g in group), "reason": head["reason"] or head["kind"],
                      "subject": insight.subject, "need": head["need"], "examples": examples,
                      "phrasings": len(examples) if examples else 0, "nearest": insight.nearest,
                      "nearest_text": insight.nearest_text, "why": insight.why, "fix": insight.fix,
                      "last_asked": _iso(max(g["last"] for g in group))})
    return table


def disliked_table(store: Store, bot: Guidebot, since: float) -> list[dict[str, Any]]:
    names = _section_names(bot)
    def cited(c: dict[str, Any]) -> str:
        return names.get((c["doc_id"], c["section"]), _where(c["doc_id"], c["section"]))

    return [{"when": _iso(row["ts"]), "question": row["question"], "answer": row["answer"], "comment": row["comment"],
             "kind": row["kind"], "citations": [cited(c) for c in row["citations"]]}
            for row in store.rated(since, "down")]


def citation_tables(store: Store, bot: Guidebot, since: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    counts = {(r["doc_id"], r["section"]): r["citations"] for r in store.cited_sections(since)}
    titles = {d.id: d.title for d in bot.documents}
    present = list(dict.fromkeys((c.doc_id, c.section) for c in bot.indexed.chunks))
    indexed = set(present)
    keys = present + [k for k in counts if k not in indexed]  # cited sections since removed, too
    sections = [{"doc_id": doc, "title": titles.get(doc, doc), "section": section,
                 "citations": counts.get((doc, section), 0), "in_index": (doc, section) in indexed}
                for doc, section in keys]
    sections.sort(key=lambda r: (-r["citations"], r["doc_id"], r["section"] or ""))
    per_doc: Counter[str] = Counter()
    cited_sections: Counter[str] = Counter()
    all_sections: Counter[str] = Counter(doc for doc, _ in present)
    for (doc, _section), n in counts.items():
        per_doc[doc] += n
        cited_sections[doc] += 1 if n else 0
    documents = [{"doc_id": d.id, "title": d.title, "kind": d.kind, "citations": per_doc[d.id],
                  "sections_cited": cited_sections[d.id], "sections": all_sections[d.id]} for d in bot.documents]
    documents.sort(key=lambda r: (-r["citations"], r["doc_id"]))
    return sections, documents


def _section_names(bot: Guidebot) -> dict[tuple[str, str | None], str]:
    return {(c.doc_id, c.section): _where(c.title, c.section) for c in bot.indexed.chunks}


def _where(title: str, section: str | None) -> str:
    return f"{title} › {section}" if section else title


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")
