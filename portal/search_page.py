"""The matches of a search, newest first, found the cheapest way for the words at hand.

Three ways, on PostgreSQL chosen by the planner's estimate of how many articles the words match:
- common words (a page of matches expected within DENSE_SCAN rows): read rows in date order -
  the theme's tag rows when the search has one theme, else `article_search` - and test each
  vector; the GIN posting lists of such a word hold ~100,000 ids, 70-120 ms to read;
- otherwise windows of the newest articles (Windows), the first scanned in date order too, the
  wider ones through the GIN (or FTS5) index, until the page is full.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from time import monotonic as time_now

from markupsafe import Markup
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from models import search
from models.entities import Article

SEARCH_CANDIDATES = 1000  # relevance ranks the newest this many matches of a search
# A search looks at the newest 4,000 articles first, then at windows doubled in size until
# they should hold a page of matches, and past 128,000 at all articles.
SEARCH_WINDOWS = (4000, 128000)
BOUND_TTL = 60.0  # seconds a process reuses the dates where those windows start
_bounds: dict[tuple[str, int], tuple[float, datetime | None]] = {}
# Rows a date-ordered scan may expect to read for its matches (4,000 rows: 13-20 ms).
DENSE_SCAN = 4000


def newest_matches(session: Session, f, filtered: Callable, need: int,
                   with_rank: bool) -> list:  # fmt: skip
    """Up to `need` rows (id, plus SQLite's rank with `with_rank`) of the newest matches of the
    filter `f`; `filtered` builds the query (portal.queries._filtered)."""
    with search.matches_by_index(session):
        if _dense(session, f, need):
            search.in_date_order(session, True)
            return _run(session, f, filtered(session, f, dense=True), need, with_rank)
        windows = Windows(session, f)
        for number, bound in enumerate(windows):
            # The newest window is scanned in date order: a rare word finds little there and
            # widens to the index; a word of middling frequency may fill its page there.
            search.in_date_order(session, number == 0 and bound is not None)
            found = _run(session, f, filtered(session, f, since=bound), need, with_rank)
            if len(found) >= need or bound is None:
                break
            windows.found(len(found), need - 1)
    return found


def _run(session: Session, f, built, need: int, with_rank: bool) -> list:
    query, order, rank = built
    if f.before and f.sort == "datum":
        query = query.where(before(order, f.before))
    if with_rank:
        query = query.add_columns(rank)
    return list(session.execute(query.order_by(order[0].desc(), order[1].desc()).limit(need)).all())


def _dense(session: Session, f, need: int) -> bool:
    """Whether a date-ordered scan should find `need` matches within DENSE_SCAN rows: words
    common enough (or an archive that small), and no condition but one theme (whose rows then
    drive the scan) or dates."""
    if len(f.all_themes()) > 1 or f.axis or f.source or f.source_type or f.region:
        return False
    estimate = search.match_estimate(session, f.terms())
    if estimate is None:
        return False
    matches, total = estimate
    to_read = min(total, need * total / matches) if matches else total
    return to_read <= DENSE_SCAN


def before(order, key: tuple[datetime, int]):
    sort_at, article_id = key
    return or_(order[0] < sort_at, and_(order[0] == sort_at, order[1] < article_id))


class Windows:
    """Lower sort_at bounds for a search, widest last (None: no bound).

    A GIN (or FTS5) index finds every match of a word, but ordering matches by date means
    visiting each one's row: thousands for a common word. Bounding the search to the newest N
    articles first (the bound comes from an index-only scan) lets the database visit only the
    matches inside the window. When a window holds too few matches for the page, the caller says
    how many it found (`found`) and the next window is sized to hold enough at once, assuming
    matches spread evenly; past the last size in SEARCH_WINDOWS it is the whole archive.
    """

    def __init__(self, session: Session, f):
        self.session, self.f = session, f
        self.seen: tuple[int, int] | None = None  # (matches found, matches needed)

    def found(self, count: int, need: int) -> None:
        self.seen = (count, need)

    def __iter__(self):
        n = SEARCH_WINDOWS[0]
        while n <= SEARCH_WINDOWS[-1]:
            bound = self._bound(n)
            if bound is None:
                break
            yield bound
            count, need = self.seen or (0, 1)
            wanted = n * (need + 1) * 1.5 / max(count, 1)
            while n < wanted and n <= SEARCH_WINDOWS[-1]:
                n *= 2
        yield None

    def _bound(self, n: int) -> datetime | None:
        query = select(Article.sort_at)
        if self.f.before:
            query = query.where(before((Article.sort_at, Article.id), self.f.before))
        query = query.order_by(Article.sort_at.desc(), Article.id.desc()).offset(n).limit(1)
        if self.f.before:
            return self.session.scalar(query)
        # Reading the 100,000th newest date walks 100,000 index entries: remembered for a
        # while. A stale bound only makes a window a little larger or smaller.
        key = (str(self.session.get_bind().engine.url), n)
        hit = _bounds.get(key)
        if hit is None or time_now() - hit[0] > BOUND_TTL:
            hit = _bounds[key] = (time_now(), self.session.scalar(query))
        return hit[1]


class Snippets:
    """A search page's snippets by article id, highlighted when asked for: a page or the API
    shows them, a feed never does (it skipped the articles' text as well)."""

    def __init__(self, articles: list, terms: list[search.Term]):
        self._articles = {a.id: a for a in articles}
        self._terms = terms
        self._made: dict[int, Markup] = {}
        self._seen: dict[str, bool] = {}  # each word's test, shared by the page's snippets

    def get(self, article_id: int, default=None) -> Markup | None:
        made = self._made.get(article_id)
        if made is None:
            article = self._articles.get(article_id)
            if article is None:
                return default
            terms, seen = self._terms, self._seen
            made = search.highlight(article.excerpt or article.text[:400], terms, seen=seen)
            if "<mark>" not in made:
                made = search.highlight(article.text, terms, seen=seen)
            self._made[article_id] = made
        return made

    def __getitem__(self, article_id: int) -> Markup:
        made = self.get(article_id)
        if made is None:
            raise KeyError(article_id)
        return made
