"""The paths that keep uncached pages fast return the same answers: tag rows carry their article's
sort_at, searches widen their window until a page is full, and a retag reaches the portal."""

from __future__ import annotations

from datetime import timedelta

from lxml import html
from sqlalchemy import select, update

from crawler.retag import retag_all
from models.db import make_engine, session_factory, transaction
from models.entities import Article, ArticleRegion, ArticleTheme
from models.taxonomy import load_taxonomy
from portal import cache, queries, search_page
from tests.conftest import ROOT


def titles(response) -> list[str]:
    assert response.status_code == 200, response.text[:300]
    return [t.text_content().strip() for t in html.fromstring(response.text).cssselect(
        "article.card h3")]  # fmt: skip


def test_tag_rows_follow_their_articles_sort_at(portal, db_url):
    client, ids, _ = portal
    engine = make_engine(db_url)
    factory = session_factory(engine)
    with factory() as session:
        for tag in (ArticleTheme, ArticleRegion):
            rows = session.execute(
                select(tag.sort_at, Article.sort_at).join(Article, Article.id == tag.article_id)
            ).all()
            assert rows and all(mine == theirs for mine, theirs in rows)
    article = ids["old"]
    with transaction(factory) as session:
        # An article re-dated, and a tag added through the ORM: both rows follow.
        moved = session.get(Article, article).sort_at + timedelta(days=44, hours=23)
        session.execute(update(Article).where(Article.id == article).values(sort_at=moved))
        session.add(ArticleTheme(article_id=article, theme_slug="gemeentefinancien", score=1.0,
                                 matches=[], origin="manual"))  # fmt: skip
    with factory() as session:
        stamps = set(session.scalars(select(ArticleTheme.sort_at).where(
            ArticleTheme.article_id == article)))  # fmt: skip
        assert stamps == {moved}
    engine.dispose()
    client.app.state.version.reset()
    client.app.state.responses.clear()  # re-dating is no crawl
    newest = titles(client.get("/themes/gemeentefinancien"))[0]
    assert newest == "Klimaatadaptatie in de binnenstad"


def test_a_search_widens_its_window_until_the_page_is_full(portal, monkeypatch):
    client, ids, _ = portal
    # Windows of the newest 3 and 10 articles, then all: the matches lie in each kind of window.
    monkeypatch.setattr(search_page, "SEARCH_WINDOWS", (3, 10))
    assert titles(client.get("/?q=hittestress")) == ["Klimaatadaptatie in de binnenstad"]
    # A full page, though the first window held only 3 articles.
    assert len(titles(client.get("/?q=beleid&sort=datum"))) == 30
    count = int(html.fromstring(client.get("/?q=beleid").text).cssselect(
        "p.count strong")[0].get("data-count"))  # fmt: skip
    assert count == 40  # every filler article says "beleid"; the windows miss none
    # Date-ordered search pages, window by window, visit every match exactly once.
    seen, cursor = [], ""
    while cursor is not None:
        data = client.get(f"/api/articles?q=beleid&sort=datum&limit=7&cursor={cursor}").json()
        seen += [a["id"] for a in data["items"]]
        cursor = data["next_cursor"]
    assert len(seen) == len(set(seen)) == 40


def test_retag_reaches_the_portal_without_waiting(portal, db_url):
    client, ids, _ = portal
    engine = make_engine(db_url)
    factory = session_factory(engine)
    with factory() as session:
        before = cache.data_version(session)
    retag_all(factory, load_taxonomy(ROOT / "themes.yaml"))
    with factory() as session:
        after = cache.data_version(session)
    engine.dispose()
    assert after.tag != before.tag and after.modified >= before.modified


def test_hidden_articles_are_read_from_their_partial_index(portal, db_url):
    """Lists leave hidden articles out by their partial index, never by scanning articles."""
    engine = make_engine(db_url)
    query = queries._hidden_ids()
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(r) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")  # a tiny table: force the choice
            plan = " ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {sql}"))
    engine.dispose()
    assert "ix_article_hidden" in plan, plan


def test_a_common_word_read_in_date_order_finds_what_the_index_finds(portal, db_url, monkeypatch):
    """PostgreSQL reads a common word's matches in date order (its estimate says a page is
    near); the answers equal those of the index windows, with and without a theme."""
    client, _, _ = portal
    engine = make_engine(db_url)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")  # the estimate comes from the statistics
    engine.dispose()
    chosen = []
    dense = search_page._dense
    monkeypatch.setattr(search_page, "_dense", lambda *a: chosen.append(dense(*a)) or chosen[-1])
    urls = ["/api/articles?q=beleid&limit=50", "/api/articles?q=beleid&sort=datum&limit=7",
            "/api/articles?q=beleid&theme=klimaatadaptatie&limit=50",
            "/api/articles?q=bestuur+beleid&sort=datum&limit=50"]  # fmt: skip
    first = [[a["id"] for a in client.get(u).json()["items"]] for u in urls]
    assert chosen == [db_url.startswith("postgresql")] * len(urls)
    client.app.state.responses.clear()
    monkeypatch.setattr(search_page, "DENSE_SCAN", 0)  # never in date order: the windows
    again = [[a["id"] for a in client.get(u).json()["items"]] for u in urls]
    assert first == again and all(first)
    assert len(first[0]) == 40 and len(first[1]) == 7  # every filler article says "beleid"
