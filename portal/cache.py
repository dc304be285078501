"""Caching until the data changes: a data version, ETag/Last-Modified, and an in-process memo.

The portal's data changes when a crawl stores articles, a crawl run completes, an editor acts or a
`howardshome retag` bumps the `data_version` row. The data version is read with a few index
lookups at most every VERSION_TTL seconds; pages, feeds and counts computed for one version are
reused until it changes. The Amsterdam date is part of the version: the overview's 7/30-day
windows and the weekly trends move at midnight even when no article arrives.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.entities import Article, CrawlRun, DataVersion, EditorAction

MAX_AGE = 12 * 3600.0  # a backstop: the version changes with the data and the date
MAX_ENTRIES = 2000
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
VERSION_TTL = 2.0  # seconds a process trusts the data version it read (data changes nightly)


@dataclass(frozen=True)
class Version:
    tag: str
    modified: datetime


def data_version(session: Session) -> Version:
    """One round trip: newest article, last completed run, last editor action, data_version."""
    newest = select(func.max(Article.id)).scalar_subquery()
    row = session.execute(
        select(
            newest,
            select(Article.fetched_at).where(Article.id == newest).scalar_subquery(),
            select(func.max(CrawlRun.finished_at))
            .where(CrawlRun.status == "completed")
            .scalar_subquery(),
            select(func.max(EditorAction.id)).scalar_subquery(),
            select(func.max(EditorAction.at)).scalar_subquery(),
            select(DataVersion.version).where(DataVersion.id == 1).scalar_subquery(),
            select(DataVersion.changed_at).where(DataVersion.id == 1).scalar_subquery(),
        )
    ).one()
    max_id, fetched_at, run_at, action_id, action_at, bumps, bumped_at = row
    bumped_at = bumped_at if bumps else None  # the row exists from the migration on
    stamps = [_utc(v) for v in (fetched_at, run_at, action_at, bumped_at) if v is not None]
    modified = max(stamps) if stamps else datetime(2000, 1, 1, tzinfo=UTC)
    run_at = _utc(run_at)
    today = datetime.now(AMSTERDAM).date().isoformat()
    tag = (
        f"{max_id or 0}.{run_at.timestamp() if run_at else 0}.{action_id or 0}.{bumps or 0}.{today}"
    )
    return Version(tag, modified.replace(microsecond=0))


class VersionCache:
    """The data version, re-read at most every VERSION_TTL seconds; editors' actions reset it."""

    def __init__(self, ttl: float = VERSION_TTL):
        self.ttl = ttl
        self._value: tuple[float, Version] | None = None
        self._lock = threading.Lock()

    def get(self, session: Session) -> Version:
        with self._lock:
            hit = self._value
        if hit is not None and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        version = data_version(session)
        with self._lock:
            self._value = (time.monotonic(), version)
        return version

    def reset(self) -> None:
        with self._lock:
            self._value = None


def _utc(value):
    """Scalar subqueries bypass the column type: SQLite hands back naive UTC or a string."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Memo:
    """A small thread-safe LRU of values computed for one data version."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_age: float = MAX_AGE):
        self.max_entries = max_entries
        self.max_age = max_age
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            hit = self._data.get(key)
            if hit is None:
                return None
            stored_at, value = hit
            if time.monotonic() - stored_at > self.max_age:
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._data[key] = (time.monotonic(), value)
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def remember(self, key, compute):
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value


def etag_for(version: Version, request: Request, extra: str = "") -> str:
    digest = hashlib.sha1(
        f"{version.tag}|{request.url.path}|{request.url.query}|{extra}".encode()
    ).hexdigest()[:20]
    return f'W/"{digest}"'


def not_modified(request: Request, etag: str, version: Version) -> Response | None:
    """A 304 when the client's copy is current (If-None-Match wins over If-Modified-Since)."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip() for t in inm.split(",")}
        if etag in tags or "*" in tags or etag.removeprefix("W/") in tags:
            return Response(status_code=304, headers=validators(etag, version))
        return None
    ims = request.headers.get("if-modified-since")
    if ims:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError, IndexError):
            return None
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        if version.modified <= since:
            return Response(status_code=304, headers=validators(etag, version))
    return None


def validators(etag: str, version: Version) -> dict[str, str]:
    return {
        "ETag": etag,
        "Last-Modified": format_datetime(version.modified.astimezone(UTC), usegmt=True),
        "Cache-Control": "public, max-age=0, must-revalidate",
    }
