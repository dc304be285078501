"""Read-only queries behind the pages, feeds and API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from models import search
from models.entities import (
    Article,
    ArticleRegion,
    ArticleSource,
    ArticleTheme,
    CrawlRun,
    Source,
    Theme,
    ThemeCorrection,
)

AMS = ZoneInfo("Europe/Amsterdam")
COUNT_CAP = 1000  # counts above this read "meer dan 1.000": counting never scans everything
SEARCH_CANDIDATES = 1000  # relevance ranks the newest this many matches of a search
RELATED_DAYS = 10  # related articles come from this many days either side


@dataclass
class ArticleFilter:
    """A member's selection. Every field narrows the list; all combine."""

    theme: str | None = None  # kept for callers of the skeleton API; joins `themes`
    themes: list[str] = field(default_factory=list)  # all of them (an intersection)
    axis: str | None = None  # at least one theme of this axis
    source: str | None = None  # published by this source (any of its sources)
    source_type: str | None = None  # the article's main source is of this type
    region: str | None = None  # region slug (municipality, water board) or province slug
    date_from: date | None = None  # Amsterdam calendar days, inclusive
    date_to: date | None = None
    q: str | None = None  # Dutch full-text search
    sort: str = "relevantie"  # with q: "relevantie" or "datum"; without q always by date
    before: tuple[datetime, int] | None = None  # keyset: (sort_at, id) of the last item shown
    page: int = 1  # relevance-ranked search pages (keyset does not apply to a rank)
    limit: int = 30

    def all_themes(self) -> list[str]:
        slugs = list(self.themes)
        if self.theme and self.theme not in slugs:
            slugs.insert(0, self.theme)
        return slugs

    def terms(self) -> list[search.Term]:
        return search.parse_query(self.q) if self.q else []

    def ranked(self) -> bool:
        return bool(self.terms()) and self.sort != "datum"

    def is_empty(self) -> bool:
        return not (
            self.all_themes() or self.axis or self.source or self.source_type or self.region
            or self.date_from or self.date_to or self.q
        )  # fmt: skip


@dataclass
class ArticlePage:
    articles: list[Article]
    snippets: dict[int, Markup]
    has_more: bool
    no_terms: bool = False  # a search that had only stopwords


def day_start(day: date) -> datetime:
    """Midnight in Amsterdam of `day`, as UTC."""
    return datetime.combine(day, time.min, AMS).astimezone(UTC)


def _filtered(session: Session, f: ArticleFilter):
    """A SELECT of matching articles (no order, no limit) plus the search rank column or None."""
    query = select(Article).where(Article.hidden.is_(False))
    for slug in f.all_themes():
        query = query.where(
            Article.id.in_(select(ArticleTheme.article_id).where(ArticleTheme.theme_slug == slug))
        )
    if f.axis:
        query = query.where(
            Article.id.in_(
                select(ArticleTheme.article_id)
                .join(Theme, Theme.slug == ArticleTheme.theme_slug)
                .where(Theme.axis == f.axis)
            )
        )
    if f.source:
        query = query.where(
            Article.id.in_(
                select(ArticleSource.article_id).where(ArticleSource.source_id == f.source)
            )
        )
    if f.source_type:
        query = query.where(
            Article.source_id.in_(select(Source.id).where(Source.type == f.source_type))
        )
    if f.region:
        query = query.where(
            Article.id.in_(
                select(ArticleRegion.article_id).where(
                    or_(ArticleRegion.region_slug == f.region, ArticleRegion.province == f.region)
                )
            )
        )
    if f.date_from:
        query = query.where(Article.sort_at >= day_start(f.date_from))
    if f.date_to:
        query = query.where(Article.sort_at < day_start(f.date_to + timedelta(days=1)))
    rank = None
    terms = f.terms()
    if terms:
        where, joined, rank = search.match(session.get_bind().dialect.name, terms)
        if where is not None:
            query = query.where(where)
        if joined is not None:
            query = query.join(joined, joined.c.id == Article.id)
    return query, rank


def list_articles(session: Session, f: ArticleFilter) -> list[Article]:
    return page_articles(session, f).articles


def page_articles(session: Session, f: ArticleFilter) -> ArticlePage:
    if f.q and not f.terms():
        return ArticlePage([], {}, False, no_terms=True)
    query, rank = _filtered(session, f)
    if rank is not None and f.sort != "datum":
        # Rank the most recent matches only: ranking every match of a common word in a large
        # archive costs seconds, and for news the newest matches are the ones worth ranking.
        candidates = (
            query.with_only_columns(Article.id, Article.sort_at, rank.label("rank"))
            if session.get_bind().dialect.name == "sqlite"
            else query.with_only_columns(Article.id, Article.sort_at)
        )
        candidates = (
            candidates.order_by(Article.sort_at.desc(), Article.id.desc())
            .limit(SEARCH_CANDIDATES)
            .subquery("c")
        )
        score = candidates.c.rank if "rank" in candidates.c else rank
        query = (
            select(Article)
            .join(candidates, candidates.c.id == Article.id)
            .order_by(score.desc(), Article.sort_at.desc(), Article.id.desc())
            .offset((f.page - 1) * f.limit)
        )
    else:
        if f.before:
            sort_at, article_id = f.before
            query = query.where(
                or_(
                    Article.sort_at < sort_at,
                    and_(Article.sort_at == sort_at, Article.id < article_id),
                )
            )
        query = query.order_by(Article.sort_at.desc(), Article.id.desc())
    rows = list(session.scalars(query.limit(f.limit + 1)))
    articles = rows[: f.limit]
    snippets = {}
    terms = f.terms()
    if terms:
        for a in articles:
            snippets[a.id] = search.highlight(a.excerpt or a.text[:400], terms)
            if "<mark>" not in snippets[a.id]:
                snippets[a.id] = search.highlight(a.text, terms)
    return ArticlePage(articles, snippets, len(rows) > f.limit)


def count_articles(session: Session, f: ArticleFilter, cap: int = COUNT_CAP) -> int:
    """How many articles match, up to `cap` + 1 (so a caller can say "more than")."""
    if f.q and not f.terms():
        return 0
    query, _ = _filtered(session, f)
    inner = query.with_only_columns(Article.id).limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(inner)) or 0


def themes(session: Session) -> list[Theme]:
    return list(session.scalars(select(Theme).order_by(Theme.position)))


def theme_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(ArticleTheme.theme_slug, func.count())
        .join(Article, Article.id == ArticleTheme.article_id)
        .where(Article.hidden.is_(False))
        .group_by(ArticleTheme.theme_slug)
    )
    return {slug: count for slug, count in rows}


def sources(session: Session) -> list[Source]:
    return list(
        session.scalars(select(Source).where(Source.in_catalog.is_(True)).order_by(Source.name))
    )


def source_names(session: Session) -> dict[str, Source]:
    return {s.id: s for s in session.scalars(select(Source))}


def source_types(session: Session) -> list[str]:
    return sorted(
        t
        for t in session.scalars(select(Source.type).where(Source.in_catalog.is_(True)).distinct())
    )


def articles_since(session: Session, since: datetime) -> dict[str, int]:
    """Articles per source (any source that published them) since a moment."""
    rows = session.execute(
        select(ArticleSource.source_id, func.count())
        .join(Article, Article.id == ArticleSource.article_id)
        .where(Article.sort_at >= since, Article.hidden.is_(False))
        .group_by(ArticleSource.source_id)
    )
    return {slug: count for slug, count in rows}


def regions(session: Session) -> list[tuple[str, str, str]]:
    """(slug, name, kind) of every region articles were tagged with, provinces first."""
    rows = session.execute(
        select(ArticleRegion.region_slug, ArticleRegion.name, ArticleRegion.kind).group_by(
            ArticleRegion.region_slug, ArticleRegion.name, ArticleRegion.kind
        )
    ).all()
    order = {"provincie": 0, "gemeente": 1, "waterschap": 2}
    seen: dict[str, tuple[str, str, str]] = {}
    for slug, name, kind in rows:
        seen.setdefault(slug, (slug, name, kind))
    return sorted(seen.values(), key=lambda r: (order.get(r[2], 3), r[1]))


def last_update(session: Session) -> datetime | None:
    return session.scalar(
        select(func.max(CrawlRun.finished_at)).where(CrawlRun.status == "completed")
    )


def removed_themes(session: Session, article_id: int) -> list[ThemeCorrection]:
    """Themes editors took off this article (the tagger may not add them back)."""
    return list(
        session.scalars(
            select(ThemeCorrection).where(
                ThemeCorrection.article_id == article_id, ThemeCorrection.action == "remove"
            )
        )
    )


def related_articles(session: Session, article: Article, limit: int = 5) -> list[Article]:
    """Articles from around the same days sharing the most themes with this one."""
    slugs = [t.theme_slug for t in article.themes]
    if not slugs:
        return []
    since = article.sort_at - timedelta(days=RELATED_DAYS)
    shared = (
        select(ArticleTheme.article_id, func.count().label("shared"))
        .join(Article, Article.id == ArticleTheme.article_id)
        .where(
            ArticleTheme.theme_slug.in_(slugs),
            ArticleTheme.article_id != article.id,
            Article.hidden.is_(False),
            Article.sort_at >= since,
            Article.sort_at <= article.sort_at + timedelta(days=RELATED_DAYS),
        )
        .group_by(ArticleTheme.article_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(Article)
            .join(shared, shared.c.article_id == Article.id)
            .order_by(shared.c.shared.desc(), Article.sort_at.desc())
            .limit(limit)
        )
    )


# -- the overview ("caleidoscoop") ---------------------------------------------------------------


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
        func.sum(case((Article.sort_at >= starts[d], 1), else_=0)).label(f"d{d}") for d in days_list
    ]
    rows = session.execute(
        select(t1.theme_slug, t2.theme_slug, *columns)
        .select_from(t1)
        .join(t2, t2.article_id == t1.article_id)
        .join(th1, th1.slug == t1.theme_slug)
        .join(th2, th2.slug == t2.theme_slug)
        .join(Article, Article.id == t1.article_id)
        .where(th1.axis == "transitie", th2.axis == "sturing")
        .where(Article.hidden.is_(False), Article.sort_at >= oldest)
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
                (and_(Article.sort_at >= bounds[i],
                      Article.sort_at < (bounds[i + 1] if i + 1 < weeks else day_start(today) + timedelta(days=1))),  # noqa: E501
                 1),
                else_=0,
            )
        ).label(f"w{i}")
        for i in range(weeks)
    ]  # fmt: skip
    rows = session.execute(
        select(ArticleTheme.theme_slug, *columns)
        .join(Article, Article.id == ArticleTheme.article_id)
        .where(Article.hidden.is_(False), Article.sort_at >= bounds[0])
        .group_by(ArticleTheme.theme_slug)
    )
    result = {slug: [int(v or 0) for v in rest] for slug, *rest in rows}
    return result


def week_starts(weeks: int = 12) -> list[date]:
    today = datetime.now(AMS).date()
    week_start = today - timedelta(days=today.weekday())
    return [week_start - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
