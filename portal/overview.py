"""The overview ("caleidoscoop"): transitions x governance counts and weekly trends, as plain data
the template draws as a table and inline SVG (no JavaScript, nothing from a CDN)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from portal import queries

WINDOWS = (7, 30)
WEEKS = 12
CHART_W, CHART_H, PAD = 240, 60, 4


@dataclass
class Cell:
    counts: dict[int, int]
    links: dict[int, str]
    shade: dict[int, int]  # 0..5, for the CSS class that colours the cell


@dataclass
class Trend:
    theme: object
    counts: list[int]
    points: str  # SVG polyline points
    bars: list[tuple[float, float, float, int, str]]  # x, y, height, count, week label
    total: int
    peak: int


def _shade(value: int, peak: int) -> int:
    if value <= 0 or peak <= 0:
        return 0
    return min(5, 1 + (value * 5 - 1) // peak)


def build_overview(session: Session, themes: list) -> dict:
    transitions = [t for t in themes if t.axis == "transitie"]
    governance = [t for t in themes if t.axis == "sturing"]
    pairs = queries.pair_counts(session, WINDOWS)
    starts = {d: queries.window_start(d) for d in WINDOWS}
    peaks = {d: max([c[d] for c in pairs.values()] or [0]) for d in WINDOWS}
    rows = []
    for tr in transitions:
        cells = []
        for gov in governance:
            counts = pairs.get((tr.slug, gov.slug), dict.fromkeys(WINDOWS, 0))
            links = {
                d: "/?" + urlencode([("theme", tr.slug), ("theme", gov.slug),
                                     ("from", starts[d].isoformat())])
                for d in WINDOWS
            }  # fmt: skip
            cells.append(Cell(counts, links, {d: _shade(counts[d], peaks[d]) for d in WINDOWS}))
        rows.append((tr, cells))
    weekly = queries.weekly_counts(session, WEEKS)
    weeks = queries.week_starts(WEEKS)
    trends = []
    for theme in themes:
        counts = weekly.get(theme.slug, [0] * WEEKS)
        trends.append(_trend(theme, counts, weeks))
    return {
        "windows": WINDOWS,
        "transitions": transitions,
        "governance": governance,
        "rows": rows,
        "trends": trends,
        "weeks": weeks,
        "chart": {"w": CHART_W, "h": CHART_H},
    }


def _trend(theme, counts: list[int], weeks) -> Trend:
    peak = max(counts) or 1
    step = (CHART_W - 2 * PAD) / len(counts)
    bars = []
    points = []
    for i, (count, week) in enumerate(zip(counts, weeks, strict=True)):
        height = (CHART_H - 2 * PAD) * count / peak
        x = PAD + i * step
        y = CHART_H - PAD - height
        bars.append((round(x, 1), round(y, 1), round(height, 1), count,
                     f"week van {week.day}-{week.month}"))  # fmt: skip
        points.append(f"{x + step / 2:.1f},{y:.1f}")
    return Trend(theme, counts, " ".join(points), bars, sum(counts), max(counts))
