"""Read-only queries behind the pages, feeds and API."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import and_, func, select, text, union
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
from portal.cards import load_cards, load_listed
from portal.search_page import SEARCH_CANDIDATES, Snippets, Windows, newest_matches
from portal.search_page import before as _before

AMS = ZoneInfo("Europe/Amsterdam")
COUNT_CAP = 1000  # counts above this read "meer dan 1.000": counting never scans everything
RELATED_DAYS = 10  # related articles come from this many days either side
# The tag rows that drive a theme's list. One alias for every query: a new one per page made
# SQLAlchemy adapt each of its columns again (~1 ms of CPU per list page).
LEAD = aliased(ArticleTheme, name="lead")
_ALSO: dict[int, type[ArticleTheme]] = {}


def _also(number: int):
    """The tag rows of a list's further themes, one alias each, made once."""
    if number not in _ALSO:
        _ALSO[number] = aliased(ArticleTheme, name=f"also{number}")
    return _ALSO[number]


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
    snippets: Snippets | dict[int, Markup]
    has_more: bool
    no_terms: bool = False  # a search that had only stopwords
    count: int | None = None  # matches up to COUNT_CAP + 1, when the page learnt it for free


def day_start(day: date) -> datetime:
    """Midnight in Amsterdam of `day`, as UTC."""
    return datetime.combine(day, time.min, AMS).astimezone(UTC)


def _filtered(session: Session, f: ArticleFilter, since: datetime | None = None,
              dense: bool = False):  # fmt: skip
    """A SELECT of the ids of matching articles (no order, no limit), the (sort_at, id) columns
    to order and page it by, and SQLite's search rank column (None without a search, and on
    PostgreSQL, which ranks with search.rank_pg). `since` bounds a search to that moment on.

    The list is driven by the narrowest ordered source at hand, and `article` is read only when
    a condition needs it: a PostgreSQL search by its materialised matches (which carry sort_at
    and hidden), a theme by its tag rows (whose sort_at copy is indexed with the slug, so the
    newest articles of a theme are read in order and the scan stops at the page's end), else the
    articles by their (sort_at, id) index. Every other condition is a semi-join on the id, which
    the planner probes per row or hashes, whichever is cheaper. A `dense` PostgreSQL search
    (words common enough to read in date order, see portal.search_page) tests each row of its
    driver instead: a theme's tag rows, else `article_search` by date.
    """
    slugs = f.all_themes()
    terms = f.terms()
    dialect = session.get_bind().dialect.name
    rank = None
    matches = None
    if terms:
        index_word = None if dense else search.rarest(session, terms)
        where, matches, rank = search.match(dialect, terms, since, materialized=not dense,
                                            lead=index_word)  # fmt: skip
    by_tags = bool(slugs) and (matches is None or dense)
    if by_tags:
        lead = LEAD
        ident, order = lead.article_id, (lead.sort_at, lead.article_id)
        query = select(ident).where(lead.theme_slug == slugs[0])
        # Hidden articles are few (a partial index lists them): excluded without reading rows.
        query = query.where(ident.not_in(_hidden_ids()))
        if matches is not None:
            query = query.join(matches, matches.c.id == ident)
        slugs = slugs[1:]
    elif matches is not None and "sort_at" in matches.c:  # PostgreSQL: hidden rows left out
        ident, order = matches.c.id, (matches.c.sort_at, matches.c.id)
        query = select(ident)
    else:
        ident, order = Article.id, (Article.sort_at, Article.id)
        query = select(ident).where(Article.hidden.is_(False))
        if matches is not None:  # SQLite: the FTS5 matches, bounded by the article's date
            query = query.join(matches, matches.c.id == Article.id)
            if since is not None:
                query = query.where(Article.sort_at >= since)

    def having(ids) -> None:
        nonlocal query
        query = query.where(ident.in_(ids))

    for number, slug in enumerate(slugs):
        if by_tags:
            # Every tag row carries its article's sort_at: joined on (sort_at, id), two themes'
            # keyset indexes are read side by side in one order (a merge join) and stop at the
            # page's end; as a semi-join on the id, counting two large themes hashed one of
            # them whole (35,000 rows, 30-70 ms at 200,000 articles).
            also = _also(number)
            query = query.join(also, and_(also.article_id == ident, also.sort_at == order[0],
                                          also.theme_slug == slug))  # fmt: skip
        else:
            having(select(ArticleTheme.article_id).where(ArticleTheme.theme_slug == slug))
    if f.axis:
        having(
            select(ArticleTheme.article_id)
            .join(Theme, Theme.slug == ArticleTheme.theme_slug)
            .where(Theme.axis == f.axis)
        )
    if f.source:
        having(select(ArticleSource.article_id).where(ArticleSource.source_id == f.source))
    if f.source_type:
        of_type = Article.source_id.in_(select(Source.id).where(Source.type == f.source_type))
        if ident is Article.id:
            query = query.where(of_type)
        else:
            having(select(Article.id).where(of_type))
    if f.region:
        # One set (a union, not an OR of two): the planner then sizes it and, for a small
        # region, reads its few articles instead of scanning the newest ones for matches.
        having(
            union(
                select(ArticleRegion.article_id).where(ArticleRegion.region_slug == f.region),
                select(ArticleRegion.article_id).where(ArticleRegion.province == f.region),
            )
        )
    if f.date_from:
        query = query.where(order[0] >= day_start(f.date_from))
    if f.date_to:
        query = query.where(order[0] < day_start(f.date_to + timedelta(days=1)))
    return query, order, rank


def list_articles(session: Session, f: ArticleFilter) -> list[Article]:
    return page_articles(session, f, full=True).articles


def page_articles(session: Session, f: ArticleFilter, full: bool = False,
                  snippets: bool = True) -> ArticlePage:  # fmt: skip
    """One page of the selection: cards (portal.cards.Card), or with `full` Article entities
    with their tags, regions and sources (the API's fields). Without `snippets` (feeds) a
    search's cards come without their text and the page without snippets."""
    if f.q and not f.terms():
        return ArticlePage([], {}, False, no_terms=True, count=0)
    if not f.terms():
        query, order, _ = _filtered(session, f)
        if f.before:
            query = query.where(_before(order, f.before))
        query = query.order_by(order[0].desc(), order[1].desc()).limit(f.limit + 1)
        if not full:
            return _page(f, load_listed(session, query))
        return _page(f, _load(session, list(session.scalars(query)), f, full, snippets))
    count = None
    sqlite = session.get_bind().dialect.name == "sqlite"
    ranked = f.sort != "datum"
    need = SEARCH_CANDIDATES + 1 if ranked else f.limit + 1
    found = newest_matches(session, f, _filtered, need, with_rank=ranked and sqlite)
    if not ranked:
        ids = [r[0] for r in found]
    else:
        count = len(found)  # capped like count_articles: above the cap reads "meer dan"
        candidates = found[:SEARCH_CANDIDATES]
        offset = (f.page - 1) * f.limit
        if sqlite:
            best = sorted(candidates, key=lambda r: -r[1])  # stable: newest first on ties
            ids = [r[0] for r in best[offset : offset + f.limit + 1]]
        else:
            ids = search.rank_pg(session, [r[0] for r in candidates], f.terms(), offset,
                                 f.limit + 1)  # fmt: skip
    return _page(f, _load(session, ids, f, full, snippets), count)


def _load(session: Session, ids: list[int], f: ArticleFilter, full: bool,
          snippets: bool) -> list:  # fmt: skip
    """Cards, or Articles with their tags, regions and sources, by id in the order given."""
    if not full:
        return load_cards(session, ids, with_text=snippets and bool(f.terms()))
    if not ids:
        return []
    loaded = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(ids)))}
    return [loaded[i] for i in ids if i in loaded]


def _page(f: ArticleFilter, rows: list, count: int | None = None) -> ArticlePage:
    articles = rows[: f.limit]
    terms = f.terms()
    snippets: Snippets | dict[int, Markup] = Snippets(articles, terms) if terms else {}
    return ArticlePage(articles, snippets, len(rows) > f.limit, count=count)


def count_articles(session: Session, f: ArticleFilter, cap: int = COUNT_CAP) -> int:
    """How many articles match, up to `cap` + 1 (so a caller can say "more than")."""
    if f.q and not f.terms():
        return 0
    searching = bool(f.terms())
    with search.matches_by_index(session) if searching else nullcontext():
        windows = Windows(session, f)
        for bound in windows if searching else [None]:
            query, _, _ = _filtered(session, f, since=bound)
            inner = query.limit(cap + 1).subquery()
            found = session.scalar(select(func.count()).select_from(inner)) or 0
            if found > cap:
                break
            windows.found(found, cap)
    return found


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


def related_articles(session: Session, article: Article, limit: int = 5) -> list:
    """Articles from around the same days sharing the most themes with this one: rows of
    (id, title, sort_at), all the page shows (no entities with their tags to build)."""
    slugs = [t.theme_slug for t in article.themes]
    if not slugs:
        return []
    since = article.sort_at - timedelta(days=RELATED_DAYS)
    # Tag rows only (they carry their article's sort_at, indexed with the slug): ranked and cut
    # to the winners there, then those few articles read by id. Joining the ~4,000 candidates
    # to `article` for its date cost 30 ms.
    winners = list(
        session.scalars(
            select(ArticleTheme.article_id)
            .where(
                ArticleTheme.theme_slug.in_(slugs),
                ArticleTheme.article_id != article.id,
                ArticleTheme.sort_at >= since,
                ArticleTheme.sort_at <= article.sort_at + timedelta(days=RELATED_DAYS),
                ArticleTheme.article_id.not_in(_hidden_ids()),
            )
            .group_by(ArticleTheme.article_id)
            .order_by(func.count().desc(), func.max(ArticleTheme.sort_at).desc(),
                      ArticleTheme.article_id.desc())
            .limit(limit)
        )
    )  # fmt: skip
    rows = {
        r.id: r
        for r in session.execute(
            select(Article.id, Article.title, Article.sort_at).where(Article.id.in_(winners))
        )
    }
    return [rows[i] for i in winners if i in rows]


# -- hidden articles ---------------------------------------------------------------------------


def _hidden_ids():
    """The few hidden articles (a partial index lists them), to leave out of tag-row counts.

    Written as the index's own condition: SQLite uses a partial index only for a query whose
    WHERE repeats the index's term, and `hidden = 1` (how SQLAlchemy says it there) is not
    `hidden`: it scanned every article row instead (60 ms at 20,000 articles)."""
    return select(Article.id).where(text("article.hidden"))
