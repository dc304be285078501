"""Read-only queries behind the pages, feeds and API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.entities import Article, ArticleRegion, ArticleTheme, CrawlRun, Source, Theme


@dataclass
class ArticleFilter:
    theme: str | None = None
    source: str | None = None
    region: str | None = None
    before: tuple[datetime, int] | None = None  # keyset: (sort_at, id) of the last item shown
    limit: int = 30


def list_articles(session: Session, f: ArticleFilter) -> list[Article]:
    query = select(Article).where(Article.hidden.is_(False))
    if f.theme:
        query = query.where(
            Article.id.in_(select(ArticleTheme.article_id).where(ArticleTheme.theme_slug == f.theme))
        )
    if f.source:
        from models.entities import ArticleSource

        query = query.where(
            Article.id.in_(
                select(ArticleSource.article_id).where(ArticleSource.source_id == f.source)
            )
        )
    if f.region:
        query = query.where(
            Article.id.in_(
                select(ArticleRegion.article_id).where(
                    (ArticleRegion.region_slug == f.region) | (ArticleRegion.province == f.region)
                )
            )
        )
    if f.before:
        sort_at, article_id = f.before
        query = query.where(
            (Article.sort_at < sort_at) | ((Article.sort_at == sort_at) & (Article.id < article_id))
        )
    query = query.order_by(Article.sort_at.desc(), Article.id.desc()).limit(f.limit)
    return list(session.scalars(query))


def themes(session: Session) -> list[Theme]:
    return list(session.scalars(select(Theme).order_by(Theme.position)))


def theme_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(ArticleTheme.theme_slug, func.count())
        .join(Article, Article.id == ArticleTheme.article_id)
        .where(Article.hidden.is_(False))
        .group_by(ArticleTheme.theme_slug)
    )
    return dict(rows.tuples())


def sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).where(Source.in_catalog.is_(True)).order_by(Source.name)))


def source_names(session: Session) -> dict[str, Source]:
    return {s.id: s for s in session.scalars(select(Source))}


def last_update(session: Session) -> datetime | None:
    return session.scalar(
        select(func.max(CrawlRun.finished_at)).where(CrawlRun.status == "completed")
    )
