"""The overview ("caleidoscoop"): transitions x governance counts and weekly trends, as plain data
the template draws as a table and inline SVG (no JavaScript, nothing from a CDN)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from models.entities import ArticleTheme, Theme
from portal.queries import AMS, _hidden_ids, day_start

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
    pairs = pair_counts(session, WINDOWS)
    starts = {d: window_start(d) for d in WINDOWS}
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
    weekly = weekly_counts(session, WEEKS)
    weeks = week_starts(WEEKS)
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


# -- the counts, read from the tag rows (which carry their article's sort_at) -------------------


def window_start(days: int, today: date | None = None) -> date:
    """First Amsterdam day of a window of `days` days ending today (inclusive)."""
    today = today or datetime.now(AMS).date()
    return today - timedelta(days=days - 1)


def pair_counts(session: Session, days_list: tuple[int, ...] = (7, 30)) -> dict:
    """{(transition slug, governance slug): {days: count}} over non-hidden articles."""
    t1, t2 = aliased(ArticleTheme), aliased(ArticleTheme)
    th1, th2 = aliased(Theme), aliased(Theme)
    starts = {d: day_start(window_start(d)) for d in days_list}
    oldest = min(starts.values())
    columns = [
        func.sum(case((t1.sort_at >= starts[d], 1), else_=0)).label(f"d{d}") for d in days_list
    ]
    rows = session.execute(
        select(t1.theme_slug, t2.theme_slug, *columns)
        .select_from(t1)
        .join(t2, t2.article_id == t1.article_id)
        .join(th1, th1.slug == t1.theme_slug)
        .join(th2, th2.slug == t2.theme_slug)
        .where(th1.axis == "transitie", th2.axis == "sturing")
        # Both tag rows carry their article's sort_at: bounding both lets each side be read
        # as a range of its keyset index and hashed (a probe per transition row cost 200 ms).
        .where(t1.sort_at >= oldest, t2.sort_at >= oldest, t1.article_id.not_in(_hidden_ids()))
        .group_by(t1.theme_slug, t2.theme_slug)
    )
    return {(a, b): dict(zip(days_list, map(int, rest), strict=True)) for a, b, *rest in rows}


def weekly_counts(session: Session, weeks: int = 12) -> dict[str, list[int]]:
    """Per theme, articles per week for the last `weeks` weeks (oldest first; last = this week)."""
    today = datetime.now(AMS).date()
    week_start = today - timedelta(days=today.weekday())
    first = week_start - timedelta(weeks=weeks - 1)
    bounds = [day_start(first + timedelta(weeks=i)) for i in range(weeks)]
    columns = [
        func.sum(
            case(
                (and_(ArticleTheme.sort_at >= bounds[i],
                      ArticleTheme.sort_at < (bounds[i + 1] if i + 1 < weeks else day_start(today) + timedelta(days=1))),  # noqa: E501
                 1),
                else_=0,
            )
        ).label(f"w{i}")
        for i in range(weeks)
    ]  # fmt: skip
    rows = session.execute(
        select(ArticleTheme.theme_slug, *columns)
        .select_from(Theme)
        .join(ArticleTheme, ArticleTheme.theme_slug == Theme.slug)
        .where(ArticleTheme.sort_at >= bounds[0], ArticleTheme.article_id.not_in(_hidden_ids()))
        .group_by(ArticleTheme.theme_slug)
    )
    result = {slug: [int(v or 0) for v in rest] for slug, *rest in rows}
    return result


def week_starts(weeks: int = 12) -> list[date]:
    today = datetime.now(AMS).date()
    week_start = today - timedelta(days=today.weekday())
    return [week_start - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
