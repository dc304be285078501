"""JSON API under /api/, documented by the OpenAPI schema at /api/openapi.json."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from models.entities import Article
from models.export import article_dict
from portal import queries
from portal.routes.common import make_cursor, parse_cursor, session

router = APIRouter(prefix="/api", tags=["api"])


class ArticleOut(BaseModel):
    id: int
    url: str
    title: str
    excerpt: str
    published_at: datetime | None
    date_estimated: bool
    source: str
    sources: list[str]
    themes: list[str]
    regions: list[str]
    region_slugs: list[str]
    language: str | None


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    next_cursor: str | None


class ThemeOut(BaseModel):
    slug: str
    label: str
    axis: str
    description: str
    articles: int


class SourceOut(BaseModel):
    id: str
    name: str
    type: str
    url: str
    region: str | None
    province: str | None
    last_success_at: datetime | None
    articles_found: int


def _out(article: Article) -> ArticleOut:
    data = article_dict(article)
    return ArticleOut(**{k: data[k] for k in ArticleOut.model_fields})


@router.get("/articles", response_model=ArticlePage, summary="Artikelen, nieuwste eerst")
def api_articles(
    theme: str | None = Query(None, max_length=100),
    source: str | None = Query(None, max_length=100),
    region: str | None = Query(None, max_length=100),
    cursor: str | None = Query(None, max_length=80),
    limit: int = Query(30, ge=1, le=200),
    db: Session = Depends(session),
):
    articles = queries.list_articles(
        db,
        queries.ArticleFilter(
            theme=theme, source=source, region=region, before=parse_cursor(cursor), limit=limit
        ),
    )
    return ArticlePage(
        items=[_out(a) for a in articles],
        next_cursor=make_cursor(articles[-1]) if len(articles) == limit else None,
    )


@router.get("/articles/{article_id}", response_model=ArticleOut)
def api_article(article_id: int, db: Session = Depends(session)):
    article = db.get(Article, article_id)
    if article is None or article.hidden:
        raise HTTPException(status_code=404, detail="article not found")
    return _out(article)


@router.get("/themes", response_model=list[ThemeOut])
def api_themes(db: Session = Depends(session)):
    counts = queries.theme_counts(db)
    return [
        ThemeOut(slug=t.slug, label=t.label, axis=t.axis, description=t.description,
                 articles=counts.get(t.slug, 0))
        for t in queries.themes(db)
    ]  # fmt: skip


@router.get("/sources", response_model=list[SourceOut])
def api_sources(db: Session = Depends(session)):
    return [
        SourceOut(id=s.id, name=s.name, type=s.type, url=s.url, region=s.region,
                  province=s.province, last_success_at=s.last_success_at,
                  articles_found=s.articles_found)
        for s in queries.sources(db)
    ]  # fmt: skip
