"""The dashboard's chart as geometry for an inline SVG (drawn by the template, so no script and
no image request is needed, and the page's CSP can forbid both): one stacked bar per day
(answered, partial, abstained, small talk) and the median latency as a line on its own scale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 52, 12, 28
SERIES = ("answered", "partial", "abstained", "smalltalk")


def _nice_max(value: float) -> float:
    for step in (1, 2, 5):
        for scale in (1, 10, 100, 1000, 10000, 100000, 1000000):
            if value <= step * scale:
                return float(step * scale)
    return value


def daily_chart(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    most = _nice_max(max((r["turns"] for r in rows), default=0) or 1)
    slowest = _nice_max(max((r["median_latency_ms"] or 0 for r in rows), default=0) or 1)
    slot = plot_w / max(len(rows), 1)
    bar_w = max(2.0, min(40.0, slot * 0.7))
    bars, points, labels = [], [], []
    every = max(1, len(rows) // 10)
    for n, row in enumerate(rows):
        x = LEFT + slot * n + (slot - bar_w) / 2
        y = TOP + plot_h
        for series in SERIES:
            h = plot_h * row[series] / most
            if h > 0:
                y -= h
                bars.append({"x": round(x, 1), "y": round(y, 1), "w": round(bar_w, 1), "h": round(h, 1),
                             "series": series, "title": f"{row['day']}: {row[series]} {series}"})
        if row["median_latency_ms"] is not None:
            px = LEFT + slot * n + slot / 2
            py = TOP + plot_h - plot_h * row["median_latency_ms"] / slowest
            points.append(f"{px:.1f},{py:.1f}")
        if n % every == 0:
            labels.append({"x": round(LEFT + slot * n + slot / 2, 1), "text": row["day"][5:]})
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "bottom": TOP + plot_h, "most": int(most), "slowest": slowest, "bars": bars,
            "latency": " ".join(points), "labels": labels, "series": SERIES}
