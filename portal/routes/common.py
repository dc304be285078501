"""Helpers shared by the route modules: the session, the filter parameters, cursors, caching."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session

from portal import cache, queries

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
OPTIONAL_SLUG = r"^([a-z0-9]+(?:-[a-z0-9]+)*)?$"
NOT_XML = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
OPTIONAL_DATE = r"^(\d{4}-\d{2}-\d{2})?$"
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
PAGE_SIZE = 30


def session(request: Request):
    """A session for reading (pages, feeds, API): no transaction on PostgreSQL."""
    with request.app.state.read_sessions() as s:
        yield s


def editor_session(request: Request):
    """A session for editors' actions: they write, in transactions."""
    with request.app.state.sessions() as s:
        yield s


def parse_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """Keyset cursor "<iso timestamp>_<id>"; a malformed cursor is a 400, not a 500."""
    if not cursor:
        return None
    stamp, _, ident = cursor.replace(" ", "+").rpartition("_")
    try:
        moment = datetime.fromisoformat(stamp)
        article_id = int(ident)
        if moment.tzinfo is not None:
            moment.astimezone()  # an offset that overflows the calendar raises here
        if not (0 <= article_id < 2**31 and EARLIEST.year <= moment.year <= LATEST.year):
            raise ValueError(cursor)
        return moment, article_id
    except (ValueError, OverflowError):
        raise HTTPException(status_code=400, detail="ongeldige cursor") from None


def make_cursor(article) -> str:
    # UTC with "Z": no "+" that an unencoded query string would turn into a space.
    return f"{article.sort_at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}_{article.id}"


def _date(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:
        raise RequestValidationError(
            [{"type": "value_error", "loc": ("query", name), "input": value,
              "msg": f"geen geldige datum tussen {EARLIEST} en {LATEST} (JJJJ-MM-DD)"}]
        )  # fmt: skip
    return day


Slug = Annotated[str | None, Query(max_length=100, pattern=OPTIONAL_SLUG)]


def article_filter(
    theme: Annotated[
        list[str], Query(description="Themaslug; herhaal voor artikelen met al deze thema's",
                         max_length=10,
                         # documents what the loop below enforces (checked by schemathesis)
                         json_schema_extra={"items": {"type": "string", "maxLength": 100,
                                                      "pattern": OPTIONAL_SLUG}})
    ] = [],  # noqa: B006 - FastAPI copies defaults
    axis: Annotated[
        str | None, Query(description="As: transitie of sturing", pattern=r"^(transitie|sturing)?$")
    ] = None,
    source: Annotated[str | None, Query(max_length=100, pattern=OPTIONAL_SLUG,
                                        description="Bron-id")] = None,
    type: Annotated[str | None, Query(max_length=40, pattern=OPTIONAL_SLUG,
                                      description="Soort bron (gemeente, provincie, ...)")] = None,
    region: Annotated[str | None, Query(max_length=100, pattern=OPTIONAL_SLUG,
                                        description="Regioslug: gemeente, provincie of waterschap")] = None,  # noqa: E501
    date_from: Annotated[str | None, Query(alias="from", pattern=OPTIONAL_DATE,
                                           description="Vanaf deze dag (JJJJ-MM-DD)")] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=OPTIONAL_DATE,
                                         description="Tot en met deze dag (JJJJ-MM-DD)")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Zoekwoorden (Nederlands)")] = None,
    sort: Annotated[str | None, Query(pattern=r"^(relevantie|datum)?$",
                                      description="Bij zoeken: relevantie of datum")] = None,
    cursor: Annotated[str | None, Query(max_length=80, description="Volgende pagina")] = None,
    page: Annotated[int, Query(ge=1, le=100, description="Pagina bij zoeken op relevantie")] = 1,
) -> queries.ArticleFilter:  # fmt: skip
    slugs: list[str] = []
    for slug in theme:
        if not slug:
            continue
        if len(slug) > 100 or not _is_slug(slug):
            raise RequestValidationError(
                [{"type": "value_error", "loc": ("query", "theme"), "input": slug,
                  "msg": "een thema is een slug: kleine letters, cijfers en streepjes"}]
            )  # fmt: skip
        if slug not in slugs:
            slugs.append(slug)
    # Control characters mean nothing in a query and cannot appear in XML (feeds echo q).
    query = NOT_XML.sub(" ", q or "").strip() or None
    return queries.ArticleFilter(
        themes=slugs,
        axis=axis or None,
        source=source or None,
        source_type=type or None,
        region=region or None,
        date_from=_date("from", date_from),
        date_to=_date("to", date_to),
        q=query,
        sort=sort or "relevantie",
        before=parse_cursor(cursor),
        page=page,
    )


def _is_slug(value: str) -> bool:
    import re

    return re.fullmatch(SLUG, value) is not None


def filter_params(f: queries.ArticleFilter, **override) -> list[tuple[str, str]]:
    """The query string of a selection (without cursor/page), for links and feed URLs."""
    params: list[tuple[str, str]] = [("theme", t) for t in f.all_themes()]
    for key, value in (
        ("axis", f.axis), ("source", f.source), ("type", f.source_type), ("region", f.region),
        ("from", f.date_from.isoformat() if f.date_from else None),
        ("to", f.date_to.isoformat() if f.date_to else None),
        ("q", f.q), ("sort", f.sort if f.q and f.sort != "relevantie" else None),
    ):  # fmt: skip
        if value:
            params.append((key, value))
    for key, value in override.items():
        params = [(k, v) for k, v in params if k != key]
        if value:
            params.append((key, value))
    return params


def query_string(params: list[tuple[str, str]]) -> str:
    return urlencode(params)


def cached(request: Request, db: Session, build: Callable[[], tuple[bytes, str]]) -> Response:
    """Serve a response built for the current data version, with ETag/Last-Modified and 304s."""
    version = request.app.state.version.get(db)
    etag = cache.etag_for(version, request)
    unchanged = cache.not_modified(request, etag, version)
    if unchanged is not None:
        return unchanged
    key = (version.tag, str(request.base_url), request.url.path, request.url.query)
    body, media_type = request.app.state.responses.remember(key, build)
    if request.app.state.settings.warm_cache and "x-howardshome-warm" not in request.headers:
        slugs = [t.slug for t in facets(request, db)["all_themes"]]
        request.app.state.warmer.start(version.tag, str(request.base_url), slugs)
    return Response(body, media_type=media_type, headers=cache.validators(etag, version))


def facets(request: Request, db: Session) -> dict:
    """Lists every page needs (themes, sources, regions...), memoised per data version."""
    version = request.app.state.version.get(db)

    def build() -> dict:
        return {
            "all_themes": queries.themes(db),
            "source_map": queries.source_names(db),
            "source_types": queries.source_types(db),
            "regions": queries.regions(db),
            "last_update": queries.last_update(db),
        }

    return request.app.state.memo.remember((version.tag, "facets"), build)
