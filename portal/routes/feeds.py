"""RSS 2.0 feeds built with feedgen: everything, and one per theme."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from feedgen.feed import FeedGenerator
from sqlalchemy.orm import Session

from portal import queries
from portal.routes.common import session

router = APIRouter(prefix="/feeds", tags=["feeds"])


def _feed(request: Request, title: str, path: str, articles, sources) -> Response:
    base = str(request.base_url).rstrip("/")
    fg = FeedGenerator()
    fg.title(title)
    fg.link(href=f"{base}/", rel="alternate")
    fg.link(href=f"{base}{path}", rel="self")
    fg.description(f"{title} - HowardsHome, nieuws voor het openbaar bestuur")
    fg.language("nl")
    for article in reversed(articles):
        entry = fg.add_entry()
        entry.id(article.url)
        entry.guid(article.url, permalink=True)
        entry.title(article.title)
        entry.link(href=article.url)
        entry.description(article.excerpt)
        entry.pubDate(article.published_at or article.sort_at)
        source = sources.get(article.source_id)
        if source is not None:
            entry.source(url=source.url, title=source.name)
        for theme in article.themes:
            entry.category(term=theme.theme_slug)
    body = fg.rss_str(pretty=True)
    return Response(body, media_type="application/rss+xml; charset=utf-8")


@router.get("/all.xml", summary="RSS-feed van alle artikelen")
def all_feed(request: Request, db: Session = Depends(session)):
    articles = queries.list_articles(db, queries.ArticleFilter(limit=50))
    return _feed(request, "Alle artikelen", "/feeds/all.xml", articles, queries.source_names(db))


@router.get("/themes/{slug}.xml", summary="RSS-feed per thema")
def theme_feed(request: Request, slug: str, db: Session = Depends(session)):
    theme = next((t for t in queries.themes(db) if t.slug == slug), None)
    if theme is None:
        raise HTTPException(status_code=404, detail="unknown theme")
    articles = queries.list_articles(db, queries.ArticleFilter(theme=slug, limit=50))
    return _feed(request, theme.label, f"/feeds/themes/{slug}.xml", articles, queries.source_names(db))
