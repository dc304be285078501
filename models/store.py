"""The write side: idempotent upserts keyed by canonical URL hash, one transaction per batch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from models import search
from models.db import chunks, insert_for, insert_many, rowcount, upsert_many
from models.entities import (
    Article,
    ArticleRegion,
    ArticleSource,
    ArticleTheme,
    DataVersion,
    FetchState,
    SeenUrl,
    Source,
    Theme,
    ThemeCorrection,
)


def sync_sources(session: Session, sources: Iterable) -> None:
    """Copy catalog entries into the source table; sources no longer listed stay, marked."""
    now = datetime.now(UTC)
    rows = {
        src.id: {
            "id": src.id,
            "name": src.name,
            "type": src.type,
            "url": src.url,
            "region": src.region,
            "province": src.province,
            "theme_hints": list(src.themes),
            "enabled": src.enabled,
            "in_catalog": True,
            "discovery_urls": [],
            "consecutive_failures": 0,
            "articles_found": 0,
            "created_at": now,
            "updated_at": now,
        }
        for src in sources
    }
    updated = ("name", "type", "url", "region", "province", "theme_hints", "enabled", "in_catalog")
    upsert_many(session, Source, list(rows.values()), "id", (*updated, "updated_at"))
    if rows:
        session.execute(update(Source).where(Source.id.not_in(list(rows))).values(in_catalog=False))


def sync_themes(session: Session, themes: Sequence) -> None:
    """Copy the taxonomy into the theme table so the portal never reads YAML."""
    rows = [
        {"slug": theme.slug, "label": theme.label, "axis": theme.axis,
         "description": theme.description, "position": position}
        for position, theme in enumerate(themes)
    ]  # fmt: skip
    upsert_many(session, Theme, rows, "slug", ("label", "axis", "description", "position"))
    session.execute(delete(Theme).where(Theme.slug.not_in([t.slug for t in themes])))


def known_url_hashes(session: Session) -> set[str]:
    return set(session.scalars(select(Article.url_hash)))


def known_links(session: Session) -> set[tuple[str, str]]:
    """(url_hash, source_id) pairs already recorded, so a second crawl writes nothing."""
    rows = session.execute(
        select(Article.url_hash, ArticleSource.source_id).join(
            ArticleSource, ArticleSource.article_id == Article.id
        )
    )
    return {(h, s) for h, s in rows}


def found_urls(session: Session) -> list[tuple[str, str]]:
    """(URL as a source linked it, url_hash of the article stored for it): tracking variants and
    syndicated copies are known without downloading them again."""
    rows = session.execute(
        select(ArticleSource.url, Article.url_hash).join(
            Article, Article.id == ArticleSource.article_id
        )
    )
    return [(url, key) for url, key in rows if url]


def remembered_methods(session: Session) -> dict[str, tuple[str | None, list[str]]]:
    """How each source was read last time (discovery_method, discovery_urls)."""
    rows = session.execute(select(Source.id, Source.discovery_method, Source.discovery_urls))
    return {sid: (method, list(urls or [])) for sid, method, urls in rows if method}


def recent_fingerprints(session: Session, days: int = 90) -> list[tuple[str, str, int]]:
    """(url_hash, content_hash, simhash) of recent articles, for near-duplicate detection."""
    since = datetime.now(UTC) - timedelta(days=days)
    return list(
        session.execute(
            select(Article.url_hash, Article.content_hash, Article.simhash).where(
                Article.fetched_at >= since
            )
        ).tuples()
    )


def load_fetch_states(session: Session) -> dict[str, tuple[str | None, str | None]]:
    return {
        row.url_hash: (row.etag, row.last_modified) for row in session.scalars(select(FetchState))
    }


def save_fetch_states(
    session: Session, states: Mapping[str, tuple[str, str | None, str | None, int]]
) -> None:
    """Record the validators of the feeds, sitemaps and listings a run read: {url_hash: (url,
    ETag, Last-Modified, HTTP status)}, one statement for them all."""
    now = datetime.now(UTC)
    rows = [
        {"url_hash": key, "url": url, "etag": etag, "last_modified": modified,
         "last_status": status, "fetched_at": now}
        for key, (url, etag, modified, status) in states.items()
    ]  # fmt: skip
    kept = ("url", "etag", "last_modified", "last_status", "fetched_at")
    upsert_many(session, FetchState, rows, "url_hash", kept)


def _tag_rows(article_id: int, record) -> tuple[list[dict], list[dict]]:
    themes = [
        {
            "article_id": article_id,
            "theme_slug": t["slug"],
            "score": float(t["score"]),
            "matches": t.get("matches", []),
            "origin": "auto",
        }
        for t in record.themes
    ]
    regions = [
        {
            "article_id": article_id,
            "region_slug": r["slug"],
            "name": r["name"],
            "kind": r["kind"],
            "province": r.get("province"),
            "matches": r.get("matches", []),
            "from_source": bool(r.get("from_source")),
        }
        for r in record.regions
    ]
    return themes, regions


def store_articles(session: Session, records: Sequence) -> Counter:
    """Upsert extracted articles; returns new articles per source. Safe to repeat.

    A batch costs a handful of statements whatever its size: one multi-row INSERT ... ON CONFLICT
    DO NOTHING RETURNING for the articles, one SELECT for those stored before, one INSERT each for
    their themes, regions and source links (each a cached statement: see insert_many).
    """
    insert = insert_for(session)
    new_by_source: Counter = Counter()
    unique = list({record.url_hash: record for record in reversed(records)}.values())[::-1]
    if not unique:
        return new_by_source
    rows = [
        {
            "url_hash": record.url_hash,
            "url": record.url,
            "source_id": record.source_id,
            "title": record.title,
            "text": record.text,
            "excerpt": record.excerpt,
            "author": record.author,
            "language": record.language,
            "published_at": record.published_at,
            "sort_at": record.published_at or record.fetched_at,
            "fetched_at": record.fetched_at,
            "content_hash": record.content_hash,
            "simhash": record.simhash,
            "hidden": False,
        }
        for record in unique
    ]
    table = Article.__table__
    stmt = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["url_hash"])
        .returning(table.c.id, table.c.url_hash)
    )
    created = {key: article_id for article_id, key in session.connection().execute(stmt, rows)}
    ids = dict(created)
    older = [record.url_hash for record in unique if record.url_hash not in created]
    for chunk in chunks(older):
        ids.update(
            (key, article_id)
            for article_id, key in session.execute(
                select(Article.id, Article.url_hash).where(Article.url_hash.in_(chunk))
            )
        )
    themes: list[dict] = []
    regions: list[dict] = []
    new_rows: list[tuple[int, str, str]] = []
    for record in unique:
        article_id = created.get(record.url_hash)
        if article_id is None:
            continue
        new_by_source[record.source_id] += 1
        new_rows.append((article_id, record.title, record.text))
        record_themes, record_regions = _tag_rows(article_id, record)
        themes += record_themes
        regions += record_regions
    insert_many(session, ArticleTheme, themes)
    insert_many(session, ArticleRegion, regions)
    _insert_links(
        session,
        [
            (ids[record.url_hash], record.source_id, record.found_url, record.fetched_at)
            for record in records
            if record.url_hash in ids
        ],
    )
    search.index_articles(session, new_rows)
    return new_by_source


def _insert_links(session: Session, links: Sequence[tuple[int, str, str, datetime]]) -> None:
    """(article_id, source_id, url, first_seen_at) into article_source, in one statement."""
    rows = list(
        {
            (article_id, source_id): {
                "article_id": article_id,
                "source_id": source_id,
                "url": url,
                "first_seen_at": seen_at,
            }
            for article_id, source_id, url, seen_at in reversed(links)
        }.values()
    )
    insert_many(session, ArticleSource, rows)


def link_sources(session: Session, links: Sequence) -> list:
    """Record that known articles were also published by other sources; returns unresolved links."""
    if not links:
        return []
    ids: dict[str, int] = {}
    for chunk in chunks(list({link.url_hash for link in links})):
        ids.update(
            session.execute(select(Article.url_hash, Article.id).where(Article.url_hash.in_(chunk)))
            .tuples()
            .all()
        )
    now = datetime.now(UTC)
    _insert_links(
        session,
        [
            (ids[link.url_hash], link.source_id, link.url, now)
            for link in links
            if link.url_hash in ids
        ],
    )
    return [link for link in links if link.url_hash not in ids]


SEEN_RECHECK_DAYS = 30  # a page that was not an article is downloaded again after this long


def remember_seen(session: Session, seen: Sequence[tuple[str, str, str]]) -> None:
    """Record (url_hash, source_id, reason) of pages downloaded but not stored; a later sighting
    refreshes seen_at, so a page is re-checked SEEN_RECHECK_DAYS after it was last looked at."""
    rows = list(
        {
            key: {"url_hash": key, "source_id": source_id, "reason": reason[:500],
                  "seen_at": datetime.now(UTC)}
            for key, source_id, reason in seen
        }.values()
    )  # fmt: skip
    insert_many(
        session,
        SeenUrl,
        rows,
        lambda stmt: stmt.on_conflict_do_update(
            index_elements=["url_hash"],
            set_={
                "source_id": stmt.excluded.source_id,
                "reason": stmt.excluded.reason,
                "seen_at": stmt.excluded.seen_at,
                "retry_url": None,
            },
        ),
    )


def seen_url_hashes(session: Session, days: int = SEEN_RECHECK_DAYS) -> set[str]:
    """Pages recently found not to be articles (and not stored since): skipped by the spider.
    Pages waiting for a retry (see remember_failed) are not among them."""
    since = datetime.now(UTC) - timedelta(days=days)
    return set(
        session.scalars(
            select(SeenUrl.url_hash).where(SeenUrl.seen_at >= since, SeenUrl.retry_url.is_(None))
        )
    )


def replace_tags(session: Session, article_id: int, record) -> None:
    """Retag: replace automatic tags; editors' corrections (add/remove) always win."""
    insert = insert_for(session)
    corrections = {
        c.theme_slug: c.action
        for c in session.scalars(
            select(ThemeCorrection).where(ThemeCorrection.article_id == article_id)
        )
    }
    session.execute(delete(ArticleTheme).where(ArticleTheme.article_id == article_id))
    session.execute(delete(ArticleRegion).where(ArticleRegion.article_id == article_id))
    themes, regions = _tag_rows(article_id, record)
    themes = [t for t in themes if corrections.get(t["theme_slug"]) != "remove"]
    auto = {t["theme_slug"] for t in themes}
    for slug, action in corrections.items():
        if action == "add" and slug not in auto:
            themes.append(
                {"article_id": article_id, "theme_slug": slug, "score": 0.0, "matches": [],
                 "origin": "manual"}
            )  # fmt: skip
        elif action == "add":
            for t in themes:
                if t["theme_slug"] == slug:
                    t["origin"] = "manual"
    if themes:
        session.execute(insert(ArticleTheme).values(themes))
    if regions:
        session.execute(insert(ArticleRegion).values(regions))


def bump_data_version(session: Session) -> None:
    """Tell the portal its cached pages are stale (changes that add no article, run or action)."""
    changed = rowcount(
        session.execute(
            update(DataVersion)
            .where(DataVersion.id == 1)
            .values(version=DataVersion.version + 1, changed_at=datetime.now(UTC))
        )
    )
    if not changed:
        session.add(DataVersion(id=1, version=1, changed_at=datetime.now(UTC)))
