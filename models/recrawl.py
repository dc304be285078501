"""What the crawler keeps between runs to do less: pages to retry, listing bodies, pruning."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, or_, select
from sqlalchemy.orm import Session

from models.db import insert_many, rowcount, upsert_many
from models.entities import Article, FetchState, SeenUrl
from models.store import SEEN_RECHECK_DAYS

MAX_ATTEMPTS = 3  # a page whose extraction or download fails is tried in this many runs


def remember_failed(session: Session, failed: Sequence[tuple[str, str, str, str]]) -> None:
    """Record (url_hash, source_id, url, reason) of pages whose extraction crashed or timed out
    or whose download failed: requested again by the next runs, whatever their feed answers,
    until MAX_ATTEMPTS runs failed; then skipped like a page that is no article."""
    now = datetime.now(UTC)
    rows = list(
        {
            key: {"url_hash": key, "source_id": source_id, "reason": reason[:500],
                  "seen_at": now, "retry_url": url, "attempts": 1}
            for key, source_id, url, reason in failed
        }.values()
    )  # fmt: skip
    attempts = SeenUrl.__table__.c.attempts + 1
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
                "attempts": attempts,
                "retry_url": case((attempts >= MAX_ATTEMPTS, None), else_=stmt.excluded.retry_url),
            },
        ),
    )


def retry_urls(session: Session) -> list[tuple[str, str, str]]:
    """(url_hash, source_id, url) of the pages to request again (see remember_failed)."""
    rows = session.execute(
        select(SeenUrl.url_hash, SeenUrl.source_id, SeenUrl.retry_url).where(
            SeenUrl.retry_url.is_not(None)
        )
    )
    return [(key, source_id, url) for key, source_id, url in rows if url is not None]


def prune_seen(session: Session, days: int = SEEN_RECHECK_DAYS, batch: int = 5000) -> int:
    """Delete seen_url rows nobody reads any more: older than `days` (seen_url_hashes ignores
    them) or of an article stored since. In batches of `batch` rows, so a large backlog never
    holds one long lock; returns the rows deleted."""
    since = datetime.now(UTC) - timedelta(days=days)
    stale = select(SeenUrl.url_hash).where(
        or_(SeenUrl.seen_at < since, SeenUrl.url_hash.in_(select(Article.url_hash)))
    )
    deleted = 0
    while True:
        keys = select(stale.limit(batch).subquery().c.url_hash)
        count = rowcount(session.execute(delete(SeenUrl).where(SeenUrl.url_hash.in_(keys))))
        deleted += count
        if count < batch:
            return deleted


def listing_hashes(session: Session) -> dict[str, str]:
    """url_hash -> hash of the body of listing pages served without validators."""
    rows = session.execute(
        select(FetchState.url_hash, FetchState.body_hash).where(FetchState.body_hash.is_not(None))
    )
    return {key: digest for key, digest in rows if digest is not None}


def save_listing_hashes(session: Session, hashes: dict[str, tuple[str, str]]) -> None:
    """Record {url_hash: (url, body hash)} of listing pages read in a complete run."""
    now = datetime.now(UTC)
    rows = [
        {"url_hash": key, "url": url, "body_hash": body, "fetched_at": now}
        for key, (url, body) in hashes.items()
    ]
    upsert_many(session, FetchState, rows, "url_hash", ("body_hash", "fetched_at"))
