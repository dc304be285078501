"""RSS 2.0 and Atom feeds built with feedgen for any selection, plus an OPML list of theme feeds."""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, tostring

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import Response
from feedgen.feed import FeedGenerator
from sqlalchemy.orm import Session

from portal import queries
from portal.routes.common import (
    OPTIONAL_SLUG,
    article_filter,
    cached,
    facets,
    filter_params,
    query_string,
    session,
)


class RssResponse(Response):
    media_type = "application/rss+xml"


class AtomResponse(Response):
    media_type = "application/atom+xml"


class OpmlResponse(Response):
    media_type = "text/x-opml"


# Documented, so the OpenAPI schema says what clients get (checked by schemathesis).
router = APIRouter(
    prefix="/feeds",
    tags=["feeds"],
    responses={304: {"description": "Niet gewijzigd (If-None-Match / If-Modified-Since)"},
               400: {"description": "Ongeldige invoer, zoals een onbekende cursor"},
               404: {"description": "Onbekend thema, bron of regio"}},
)  # fmt: skip
FEED_SIZE = 50
SLUG_PATTERN = OPTIONAL_SLUG.replace(")?$", ")$")


def _slug_path():
    # A fresh Path per parameter: FastAPI binds a parameter's name to its FieldInfo.
    return Path(max_length=100, pattern=SLUG_PATTERN)


RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"


def _feed(request: Request, db: Session, title: str, fmt: str, f: queries.ArticleFilter,
          page_url: str) -> tuple[bytes, str]:  # fmt: skip
    base = str(request.base_url).rstrip("/")
    data = facets(request, db)
    sources = data["source_map"]
    labels = {t.slug: t.label for t in data["all_themes"]}
    f.limit = FEED_SIZE
    f.before = None
    f.page = 1
    # A feed is newest first, a search's too: a reader shows new items as they arrive (and a
    # date-ordered search reads 51 matches, not the 1,000 a relevance ranking weighs).
    f.sort = "datum"
    articles = queries.page_articles(db, f, snippets=False).articles
    self_url = f"{base}{request.url.path}" + (f"?{request.url.query}" if request.url.query else "")
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(f"{title} - HowardsHome")
    fg.author(name="HowardsHome")
    fg.link(href=f"{base}{page_url}", rel="alternate")
    fg.link(href=self_url, rel="self")
    fg.description(f"{title}: nieuws voor het openbaar bestuur, verzameld door HowardsHome")
    fg.subtitle(f"{title}: nieuws voor het openbaar bestuur, verzameld door HowardsHome")
    fg.language("nl")
    fg.generator("HowardsHome")
    updated = request.app.state.version.get(db).modified
    fg.updated(updated)
    fg.lastBuildDate(updated)
    for article in articles:
        entry = fg.add_entry(order="append")
        # The canonical URL never changes for an article, so it is its GUID in both formats.
        entry.id(article.url)
        entry.guid(article.url, permalink=True)
        entry.title(article.title)
        entry.link(href=article.url)
        entry.description(article.excerpt or article.title)
        entry.summary(article.excerpt or article.title)
        entry.published(article.published_at or article.sort_at)
        entry.updated(article.published_at or article.sort_at)
        source = sources.get(article.source_id)
        if source is not None:
            entry.source(url=source.url, title=source.name)
            entry.author(name=source.name)
        for theme in sorted(article.themes, key=lambda t: -t.score):
            entry.category(term=theme.theme_slug, label=labels.get(theme.theme_slug))
    if fmt == "atom":
        return fg.atom_str(pretty=True), ATOM
    return fg.rss_str(pretty=True), RSS


def _page_url(f: queries.ArticleFilter) -> str:
    qs = query_string(filter_params(f))
    return "/" + (f"?{qs}" if qs else "")


@router.get("/all.xml", response_class=RssResponse, summary="RSS 2.0: alle artikelen")
def all_feed(request: Request, db: Session = Depends(session)):
    f = queries.ArticleFilter()
    return cached(request, db, lambda: _feed(request, db, "Alle artikelen", "rss", f, "/"))


@router.get("/all.atom", response_class=AtomResponse, summary="Atom: alle artikelen")
def all_feed_atom(request: Request, db: Session = Depends(session)):
    f = queries.ArticleFilter()
    return cached(request, db, lambda: _feed(request, db, "Alle artikelen", "atom", f, "/"))


@router.get(
    "/articles.xml",
    response_class=RssResponse,
    summary="RSS 2.0 van elke selectie: filters en zoekwoorden",
)
def selection_feed(request: Request, f: queries.ArticleFilter = Depends(article_filter),
                   db: Session = Depends(session)):  # fmt: skip
    return cached(request, db, lambda: _feed(request, db, _title(request, db, f), "rss", f,
                                             _page_url(f)))  # fmt: skip


@router.get(
    "/articles.atom",
    response_class=AtomResponse,
    summary="Atom van elke selectie: filters en zoekwoorden",
)
def selection_feed_atom(request: Request, f: queries.ArticleFilter = Depends(article_filter),
                        db: Session = Depends(session)):  # fmt: skip
    return cached(request, db, lambda: _feed(request, db, _title(request, db, f), "atom", f,
                                             _page_url(f)))  # fmt: skip


def _title(request: Request, db: Session, f: queries.ArticleFilter) -> str:
    data = facets(request, db)
    labels = {t.slug: t.label for t in data["all_themes"]}
    parts = [labels.get(t, t) for t in f.all_themes()]
    if f.axis:
        parts.append("transities" if f.axis == "transitie" else "sturing")
    if f.source:
        src = data["source_map"].get(f.source)
        parts.append(src.name if src else f.source)
    if f.source_type:
        parts.append(f.source_type)
    if f.region:
        names = {slug: name for slug, name, _ in data["regions"]}
        parts.append(names.get(f.region, f.region))
    if f.date_from or f.date_to:
        parts.append(f"{f.date_from or '…'} t/m {f.date_to or '…'}")
    if f.q:
        parts.append(f"zoeken: {f.q}")
    return " · ".join(parts) or "Alle artikelen"


def _theme(request: Request, db: Session, slug: str):
    theme = next((t for t in facets(request, db)["all_themes"] if t.slug == slug), None)
    if theme is None:
        raise HTTPException(status_code=404, detail="unknown theme")
    return theme


@router.get("/themes/{slug}.xml", response_class=RssResponse, summary="RSS 2.0 per thema")
def theme_feed(request: Request, slug: str = _slug_path(), db: Session = Depends(session)):
    theme = _theme(request, db, slug)
    f = queries.ArticleFilter(theme=slug)
    return cached(request, db,
                  lambda: _feed(request, db, theme.label, "rss", f, f"/themes/{slug}"))  # fmt: skip


@router.get("/themes/{slug}.atom", response_class=AtomResponse, summary="Atom per thema")
def theme_feed_atom(request: Request, slug: str = _slug_path(), db: Session = Depends(session)):
    theme = _theme(request, db, slug)
    f = queries.ArticleFilter(theme=slug)
    return cached(request, db,
                  lambda: _feed(request, db, theme.label, "atom", f,
                                f"/themes/{slug}"))  # fmt: skip


def _source(request: Request, db: Session, source_id: str):
    source = facets(request, db)["source_map"].get(source_id)
    if source is None:
        raise HTTPException(status_code=404, detail="unknown source")
    return source


@router.get("/sources/{source_id}.xml", response_class=RssResponse, summary="RSS 2.0 per bron")
def source_feed(request: Request, source_id: str = _slug_path(), db: Session = Depends(session)):
    source = _source(request, db, source_id)
    f = queries.ArticleFilter(source=source_id)
    return cached(request, db, lambda: _feed(request, db, source.name, "rss", f, _page_url(f)))


@router.get("/sources/{source_id}.atom", response_class=AtomResponse, summary="Atom per bron")
def source_feed_atom(
    request: Request, source_id: str = _slug_path(), db: Session = Depends(session)
):
    source = _source(request, db, source_id)
    f = queries.ArticleFilter(source=source_id)
    return cached(request, db, lambda: _feed(request, db, source.name, "atom", f, _page_url(f)))


def _region(request: Request, db: Session, slug: str) -> str:
    names = {s: name for s, name, _ in facets(request, db)["regions"]}
    provinces = {s.province for s in facets(request, db)["source_map"].values() if s.province}
    if slug not in names and slug not in provinces:
        raise HTTPException(status_code=404, detail="unknown region")
    return names.get(slug, slug)


@router.get(
    "/regions/{slug}.xml",
    response_class=RssResponse,
    summary="RSS 2.0 per regio (gemeente, provincie, waterschap)",
)
def region_feed(request: Request, slug: str = _slug_path(), db: Session = Depends(session)):
    name = _region(request, db, slug)
    f = queries.ArticleFilter(region=slug)
    return cached(request, db, lambda: _feed(request, db, name, "rss", f, _page_url(f)))


@router.get(
    "/regions/{slug}.atom",
    response_class=AtomResponse,
    summary="Atom per regio (gemeente, provincie, waterschap)",
)
def region_feed_atom(request: Request, slug: str = _slug_path(), db: Session = Depends(session)):
    name = _region(request, db, slug)
    f = queries.ArticleFilter(region=slug)
    return cached(request, db, lambda: _feed(request, db, name, "atom", f, _page_url(f)))


@router.get(
    "/themes.opml", response_class=OpmlResponse, summary="OPML met de RSS-feed van elk thema"
)
def themes_opml(request: Request, db: Session = Depends(session)):
    def build() -> tuple[bytes, str]:
        base = str(request.base_url).rstrip("/")
        opml = Element("opml", version="2.0")
        SubElement(SubElement(opml, "head"), "title").text = "HowardsHome: feeds per thema"
        body = SubElement(opml, "body")
        themes = facets(request, db)["all_themes"]
        for axis, label in (("transitie", "Opgaven"), ("sturing", "Sturing")):
            group = SubElement(body, "outline", text=label, title=label)
            for t in themes:
                if t.axis != axis:
                    continue
                SubElement(group, "outline", type="rss", text=t.label, title=t.label,
                           xmlUrl=f"{base}/feeds/themes/{t.slug}.xml",
                           htmlUrl=f"{base}/themes/{t.slug}")  # fmt: skip
        xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(opml, encoding="unicode")
        return xml.encode(), "text/x-opml; charset=utf-8"

    return cached(request, db, build)
