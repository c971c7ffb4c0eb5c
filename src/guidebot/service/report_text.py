"""The report as text for a terminal (`guidebot report`): each table with aligned columns, long
cells cut to fit, lists joined; and as CSV (the dashboard's export). Knows nothing about HTTP."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from .report import Report

# table -> the columns printed in the terminal (CSV and JSON carry every column)
TERMINAL_COLUMNS = {
    "daily": ("day", "turns", "answered", "partial", "abstained", "smalltalk", "answer_rate", "median_latency_ms",
              "thumbs_up", "thumbs_down"),
    "unanswered": ("rank", "asked", "reason", "subject", "examples", "nearest", "why", "fix"),
    "disliked": ("when", "question", "comment", "citations"),
    "sections": ("citations", "title", "section"),
    "documents": ("citations", "sections_cited", "sections", "doc_id"),
}
TITLES = {"daily": "Answers by day", "unanswered": "Unanswered questions, grouped",
          "disliked": "Thumbs-down answers", "sections": "Sections by citations (0: never cited)",
          "documents": "Documents by citations"}
MAX_CELL = 60


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " | ".join(cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return " ".join(str(value).split())


def format_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], max_cell: int = MAX_CELL) -> str:
    if not rows:
        return "  (none)"
    cells = [[cell(r.get(c))[:max_cell] for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  " + "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def format_report(report: Report) -> str:
    parts = [f"guidebot report, {report.since} to {report.until}"]
    for name, columns in TERMINAL_COLUMNS.items():
        rows = report.table(name)
        if name == "sections":
            rows = [r for r in rows if r["in_index"]]
        parts.append(f"\n{TITLES[name]} ({len(rows)})\n{format_table(rows, columns)}")
    return "\n".join(parts) + "\n"


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: cell(v) if isinstance(v, list | tuple) else v for k, v in row.items()})
    return out.getvalue()
