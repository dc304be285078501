"""HTML pages in Dutch: home, theme, article, sources."""

from __future__ import annotations

from itertools import groupby

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from models.entities import Article, ArticleTheme
from portal import queries
from portal.filters import local
from portal.routes.common import make_cursor, parse_cursor, session

router = APIRouter(include_in_schema=False)


def _render(request: Request, name: str, context: dict, db: Session):
    context.setdefault("all_themes", queries.themes(db))
    context.setdefault("last_update", queries.last_update(db))
    return request.app.state.templates.TemplateResponse(request, name, context)


def _by_day(articles):
    return [(day, list(items)) for day, items in groupby(articles, key=lambda a: local(a.sort_at).date())]


@router.get("/")
def home(request: Request, cursor: str | None = Query(None, max_length=80), db: Session = Depends(session)):
    articles = queries.list_articles(db, queries.ArticleFilter(before=parse_cursor(cursor)))
    return _render(
        request,
        "home.html",
        {
            "days": _by_day(articles),
            "next_cursor": make_cursor(articles[-1]) if len(articles) == 30 else None,
            "sources": queries.source_names(db),
            "feed_url": "/feeds/all.xml",
        },
        db,
    )


@router.get("/themes/{slug}")
def show_theme(
    request: Request,
    slug: str,
    cursor: str | None = Query(None, max_length=80),
    db: Session = Depends(session),
):
    theme = next((t for t in queries.themes(db) if t.slug == slug), None)
    if theme is None:
        raise HTTPException(status_code=404, detail="Dit thema bestaat niet.")
    articles = queries.list_articles(
        db, queries.ArticleFilter(theme=slug, before=parse_cursor(cursor))
    )
    return _render(
        request,
        "theme.html",
        {
            "theme": theme,
            "days": _by_day(articles),
            "next_cursor": make_cursor(articles[-1]) if len(articles) == 30 else None,
            "sources": queries.source_names(db),
            "feed_url": f"/feeds/themes/{slug}.xml",
        },
        db,
    )


@router.get("/articles/{article_id}")
def show_article(request: Request, article_id: int, db: Session = Depends(session)):
    article = db.get(Article, article_id)
    if article is None or article.hidden:
        raise HTTPException(status_code=404, detail="Dit artikel bestaat niet (meer).")
    slugs = [t.theme_slug for t in article.themes]
    related = []
    if slugs:
        from sqlalchemy import func, select

        related = list(
            db.scalars(
                select(Article)
                .join(ArticleTheme, ArticleTheme.article_id == Article.id)
                .where(ArticleTheme.theme_slug.in_(slugs), Article.id != article.id,
                       Article.hidden.is_(False))
                .group_by(Article.id)
                .order_by(func.count().desc(), Article.sort_at.desc())
                .limit(5)
            )
        )  # fmt: skip
    return _render(
        request,
        "article.html",
        {
            "article": article,
            "sources": queries.source_names(db),
            "theme_labels": {t.slug: t for t in queries.themes(db)},
            "related": related,
        },
        db,
    )


@router.get("/sources")
def list_sources(request: Request, db: Session = Depends(session)):
    return _render(request, "sources.html", {"source_list": queries.sources(db)}, db)
