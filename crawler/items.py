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
    body: bytes  # as downloaded: decoded in the extraction worker, off the reactor thread
    content_type: str | None  # the response's Content-Type header (may name the charset)
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
    # url_hash of a page downloaded under another URL that turned out to be this article (a
    # near-duplicate): remembered so that page is not downloaded again (see SeenItem).
    page_key: str | None = None


@dataclass
class SeenItem:
    """A downloaded page that is not an article of its own (e.g. its canonical URL is another
    page's): remembered so the next crawls do not download it again."""

    source_id: str
    url_hash: str
    reason: str


@dataclass
class RetryItem:
    """An article page whose download or extraction failed: requested again by the next runs
    (a bounded number of times), whatever the feed that listed it answers then."""

    source_id: str
    url_hash: str
    url: str
    reason: str
