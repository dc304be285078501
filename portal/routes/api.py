"""JSON API under /api/, documented by the OpenAPI schema at /api/openapi.json."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from models.entities import Article
from models.export import article_dict
from portal import queries
from portal.routes.common import article_filter, cached, facets, make_cursor, session

router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses={400: {"description": "Ongeldige invoer, zoals een onbekende cursor"},
               404: {"description": "Niet gevonden"}},
)  # fmt: skip


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
    snippet: str | None = Field(
        None, description="With q: HTML-escaped excerpt with matched words in <mark>"
    )


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    next_cursor: str | None = Field(None, description="Pass as cursor for the next (date) page")
    next_page: int | None = Field(None, description="Pass as page for the next relevance page")


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


class RegionOut(BaseModel):
    slug: str
    name: str
    kind: str


def _out(article: Article, snippet: str | None = None) -> dict:
    data = article_dict(article)
    out = {k: data[k] for k in ArticleOut.model_fields if k != "snippet"}
    out["snippet"] = snippet
    return out


def _dump(model: BaseModel | list[BaseModel]) -> tuple[bytes, str]:
    if isinstance(model, list):
        return (
            "[" + ",".join(m.model_dump_json() for m in model) + "]"
        ).encode(), "application/json"
    return model.model_dump_json().encode(), "application/json"


@router.get(
    "/articles",
    response_model=ArticlePage,
    summary="Artikelen met elk filter en zoeken, nieuwste eerst (of best passend bij q)",
)
def api_articles(request: Request, f: queries.ArticleFilter = Depends(article_filter),
                 limit: int = Query(30, ge=1, le=200, description="Artikelen per pagina"),
                 db: Session = Depends(session)):  # fmt: skip

    def build():
        f.limit = limit
        page = queries.page_articles(db, f, full=True)
        ranked = f.ranked()
        items = [ArticleOut(**_out(a, page.snippets.get(a.id))) for a in page.articles]
        return _dump(
            ArticlePage(
                items=items,
                next_cursor=make_cursor(page.articles[-1])
                if page.has_more and not ranked
                else None,
                next_page=f.page + 1 if page.has_more and ranked else None,
            )
        )

    return cached(request, db, build)


@router.get("/articles/{article_id}", response_model=ArticleOut, summary="Eén artikel")
def api_article(request: Request, article_id: int = Path(ge=1, le=2**31 - 1),
                db: Session = Depends(session)):  # fmt: skip
    def build():
        article = db.get(Article, article_id)
        if article is None or article.hidden:
            raise HTTPException(status_code=404, detail="article not found")
        return _dump(ArticleOut(**_out(article)))

    return cached(request, db, build)


@router.get("/themes", response_model=list[ThemeOut], summary="Thema's met het aantal artikelen")
def api_themes(request: Request, db: Session = Depends(session)):
    def build():
        counts = queries.theme_counts(db)
        return _dump([
            ThemeOut(slug=t.slug, label=t.label, axis=t.axis, description=t.description,
                     articles=counts.get(t.slug, 0))
            for t in facets(request, db)["all_themes"]
        ])  # fmt: skip

    return cached(request, db, build)


@router.get("/sources", response_model=list[SourceOut], summary="Bronnen")
def api_sources(request: Request, db: Session = Depends(session)):
    def build():
        return _dump([
            SourceOut(id=s.id, name=s.name, type=s.type, url=s.url, region=s.region,
                      province=s.province, last_success_at=s.last_success_at,
                      articles_found=s.articles_found)
            for s in queries.sources(db)
        ])  # fmt: skip

    return cached(request, db, build)


@router.get("/regions", response_model=list[RegionOut], summary="Regio's met artikelen")
def api_regions(request: Request, db: Session = Depends(session)):
    def build():
        return _dump(
            [RegionOut(slug=s, name=n, kind=k) for s, n, k in facets(request, db)["regions"]]
        )

    return cached(request, db, build)
