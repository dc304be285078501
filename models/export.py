"""Stored articles as plain dictionaries, the export format (one JSON line each)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.entities import Article


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def article_dict(article: Article) -> dict:
    sources = sorted(article.sources, key=lambda s: (s.first_seen_at, s.source_id))
    regions = sorted(article.regions, key=lambda r: (r.from_source, r.kind != "gemeente"))
    names: list[str] = []
    for region in regions:
        if region.name not in names:
            names.append(region.name)
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "text": article.text,
        "excerpt": article.excerpt,
        "published_at": _iso(article.published_at),
        "date_estimated": article.published_at is None,
        "source": article.source_id,
        "sources": [s.source_id for s in sources],
        "source_urls": {s.source_id: s.url for s in sources},
        "themes": [t.theme_slug for t in sorted(article.themes, key=lambda t: -t.score)],
        "theme_scores": {t.theme_slug: round(t.score, 3) for t in article.themes},
        "regions": names,
        "region_slugs": [r.region_slug for r in regions],
        "language": article.language,
        "author": article.author,
        "fetched_at": _iso(article.fetched_at),
        "hidden": article.hidden,
    }


def export_articles(session: Session, since: datetime | None = None) -> Iterator[dict]:
    """Every stored article, oldest first; `since` filters on fetch or publication date."""
    query = select(Article).order_by(Article.id)
    if since is not None:
        query = query.where(or_(Article.fetched_at >= since, Article.published_at >= since))
    last_id = 0
    while True:
        batch = session.scalars(query.where(Article.id > last_id).limit(500)).all()
        if not batch:
            return
        for article in batch:
            yield article_dict(article)
        last_id = batch[-1].id
        session.expunge_all()
