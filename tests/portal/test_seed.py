"""The benchmark's seed: synthetic articles written oldest first, tagged, and searchable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from models.db import ensure_schema, make_engine, session_factory
from models.entities import Article, ArticleTheme
from models.seed import seed_articles
from models.taxonomy import load_taxonomy
from portal import queries
from tests.conftest import ROOT


def test_seeded_articles_are_written_oldest_first_like_a_crawl(db_url):
    engine = make_engine(db_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    count, _ = seed_articles(factory, load_taxonomy(ROOT / "themes.yaml"), 300, days=120,
                             sources=20, batch=70)  # fmt: skip
    assert count == 300
    with factory() as session:
        stamps = list(session.scalars(select(Article.sort_at).order_by(Article.id)))
        untagged = session.scalar(
            select(func.count()).where(~Article.id.in_(select(ArticleTheme.article_id)))
        )
        found = queries.page_articles(session, queries.ArticleFilter(q="inwoners", sort="datum"))
    engine.dispose()
    assert len(stamps) == 300 and untagged == 0
    # Ids follow the date, as nightly crawls write them (two batches written at once on
    # PostgreSQL may interleave their ids: a batch apart, the order is strict).
    assert all(stamps[i] <= stamps[i + 2 * 70] for i in range(len(stamps) - 2 * 70))
    now = datetime.now(UTC)
    assert now - timedelta(days=121) < stamps[0] and stamps[-1] <= now
    recent = sum(1 for s in stamps if now - s < timedelta(days=30))
    assert recent > 100  # skewed to recent days: a quarter of the period holds over a third
    assert found.articles and all("nwoner" in (a.text + a.title) for a in found.articles)
