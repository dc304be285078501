"""HTML pages in Dutch: home (filters and search), theme, article, sources, the overview."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from markupsafe import Markup
from sqlalchemy.orm import Session

from models.entities import Article
from portal import queries
from portal.filters import AMS
from portal.overview import build_overview
from portal.routes.common import (
    PAGE_SIZE,
    article_filter,
    cached,
    facets,
    filter_params,
    make_cursor,
    query_string,
    session,
)

router = APIRouter(include_in_schema=False)
ArticleId = Path(ge=1, le=2**31 - 1)


def render(request: Request, name: str, context: dict, db: Session) -> tuple[bytes, str]:
    """Render a template to bytes; every page gets the facets and the last update."""
    data = facets(request, db)
    context = {
        **data,
        **_options(request, db, data),
        "theme_map": {t.slug: t for t in data["all_themes"]},
        **context,
        "request": request,
    }
    template = request.app.state.templates.get_template(name)
    return template.render(context).encode(), "text/html; charset=utf-8"


def _options(request: Request, db: Session, data: dict) -> dict:
    """The source and region <option> lists (hundreds of entries), rendered once per data
    version: escaping them on every page cost more than the rest of the page."""
    version = request.app.state.version.get(db)

    def build() -> dict:
        catalog = sorted(
            (s for s in data["source_map"].values() if s.in_catalog), key=lambda s: s.name.lower()
        )
        return {
            "catalog_ids": frozenset(s.id for s in catalog),
            "source_options": Markup("").join(
                Markup('<option value="{}">{}</option>').format(s.id, s.name) for s in catalog
            ),
            "region_options": Markup("").join(
                Markup('<option value="{}">{} ({})</option>').format(slug, name, kind)
                for slug, name, kind in data["regions"]
            ),
        }

    return request.app.state.memo.remember((version.tag, "options"), build)


def _by_day(articles):
    return [
        (day, list(items))
        for day, items in groupby(articles, key=lambda a: a.sort_at.astimezone(AMS).date())
    ]


def _list_context(db: Session, f: queries.ArticleFilter, base_feed: str | None = None) -> dict:
    page = queries.page_articles(db, f)
    ranked = f.ranked()
    next_url = None
    if page.has_more:
        if ranked:
            next_url = "?" + query_string(filter_params(f) + [("page", str(f.page + 1))])
        else:
            next_url = "?" + query_string(
                filter_params(f) + [("cursor", make_cursor(page.articles[-1]))]
            )
    selection = query_string(filter_params(f))
    if base_feed and f.is_empty():
        feed_url, atom_url = base_feed + ".xml", base_feed + ".atom"
    else:
        feed_url = "/feeds/articles.xml" + (f"?{selection}" if selection else "")
        atom_url = "/feeds/articles.atom" + (f"?{selection}" if selection else "")
    count = page.count
    if count is None and not f.is_empty():
        count = queries.count_articles(db, f)
    return {
        "f": f,
        "page": page,
        "days": None if ranked else _by_day(page.articles),
        "ranked": ranked,
        "count": count,
        "count_cap": queries.COUNT_CAP,
        "next_url": next_url,
        "feed_url": feed_url,
        "atom_url": atom_url,
        "selection": selection,
        "api_url": "/api/articles" + (f"?{selection}" if selection else ""),
    }


@router.get("/")
def home(request: Request, f: queries.ArticleFilter = Depends(article_filter),
         db: Session = Depends(session)):  # fmt: skip
    def build():
        f.limit = PAGE_SIZE
        return render(request, "home.html", _list_context(db, f, "/feeds/all"), db)

    return cached(request, db, build)


@router.get("/themes/{slug}")
def show_theme(request: Request, slug: str = Path(max_length=100),
               f: queries.ArticleFilter = Depends(article_filter),
               db: Session = Depends(session)):  # fmt: skip
    theme = next((t for t in facets(request, db)["all_themes"] if t.slug == slug), None)
    if theme is None:
        raise HTTPException(status_code=404, detail="Dit thema bestaat niet.")

    def build():
        # The theme is part of the path; the other filters narrow it further.
        extra = queries.ArticleFilter(
            **{**f.__dict__, "themes": [t for t in f.themes if t != slug]}
        )
        context = _list_context(db, _with_theme(extra, slug), f"/feeds/themes/{slug}")
        if f.is_empty():
            context["feed_url"] = f"/feeds/themes/{slug}.xml"
            context["atom_url"] = f"/feeds/themes/{slug}.atom"
        context["theme"] = theme
        return render(request, "theme.html", context, db)

    return cached(request, db, build)


def _with_theme(f: queries.ArticleFilter, slug: str) -> queries.ArticleFilter:
    f.theme = slug
    return f


@router.get("/articles/{article_id}")
def show_article(request: Request, article_id: int = ArticleId, db: Session = Depends(session)):
    def build():
        article = db.get(Article, article_id)
        if article is None or article.hidden:
            raise HTTPException(status_code=404, detail="Dit artikel bestaat niet (meer).")
        return render(
            request,
            "article.html",
            {
                "article": article,
                "related": queries.related_articles(db, article),
                "removed": queries.removed_themes(db, article.id),
                "feed_url": "/feeds/all.xml",
                "atom_url": "/feeds/all.atom",
            },
            db,
        )

    return cached(request, db, build)


@router.get("/sources")
def list_sources(request: Request, db: Session = Depends(session)):
    def build():
        now = datetime.now(AMS)
        month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        return render(
            request,
            "sources.html",
            {
                "source_list": queries.sources(db),
                "this_month": queries.articles_since(db, month_start),
                "month_label": month_start,
            },
            db,
        )

    return cached(request, db, build)


@router.get("/overzicht")
def overview(request: Request, db: Session = Depends(session)):
    def build():
        themes = facets(request, db)["all_themes"]
        return render(request, "overview.html", {"o": build_overview(db, themes)}, db)

    return cached(request, db, build)


@router.get("/caleidoscoop")
def overview_alias(request: Request):
    from fastapi.responses import RedirectResponse

    return RedirectResponse("/overzicht", status_code=301)
