"""What spiders hand to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class PageItem:
    """A downloaded article page, not yet extracted."""

    source_id: str
    url: str  # canonical URL (after rel=canonical within the site)
    found_url: str  # the URL as the source linked it
    html: str
    fetched_at: datetime
    hint_title: str | None = None  # from the feed or sitemap, used when the page has none
    hint_published_at: datetime | None = None
    source_region: str | None = None
    source_themes: list[str] = field(default_factory=list)


@dataclass
class ArticleRecord:
    """An extracted, tagged article ready to store."""

    source_id: str
    url: str
    url_hash: str
    found_url: str
    title: str
    text: str
    excerpt: str
    author: str | None
    language: str | None
    published_at: datetime | None
    fetched_at: datetime
    content_hash: str
    simhash: int
    themes: list[dict] = field(default_factory=list)
    regions: list[dict] = field(default_factory=list)


@dataclass
class SourceLinkItem:
    """An already known article seen at (another) source: only the link is recorded."""

    source_id: str
    url_hash: str
    url: str
