"""Feeds (RSS/Atom through feedparser): article links with their titles and dates."""

from __future__ import annotations

from calendar import timegm
from dataclasses import dataclass
from datetime import UTC, datetime

from scrapy.http import Response

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")

# Paths where CMSs commonly publish a feed; probed when a homepage announces none.
COMMON_FEED_PATHS = (
    "/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/nieuws.rss", "/nieuws/rss",
    "/nieuws/feed", "/actueel/rss",
)  # fmt: skip


@dataclass
class Found:
    """An article URL a discovery method found, with what it said about it."""

    url: str
    title: str | None = None
    published: datetime | None = None
    modified: datetime | None = None  # sitemap lastmod: decides the window, not the article date

    @property
    def when(self) -> datetime | None:
        return self.published or self.modified


class NotAFeed(ValueError):
    """The response parsed as neither RSS nor Atom."""


def entry_date(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                # feedparser normalises to UTC struct_time; timegm reads it as UTC.
                return datetime.fromtimestamp(timegm(value), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                return None
    return None


def content_type(response: Response, default: str = "") -> str:
    """The response's Content-Type, `default` when it has none (an empty one stays empty)."""
    header = response.headers.get(b"Content-Type")
    return header.decode("latin-1") if header is not None else default


def parse_feed(response: Response) -> tuple[list[Found], str | None]:
    """Entries of a feed and a warning when it is ill-formed; raises NotAFeed otherwise."""
    if not response.body.strip():
        raise NotAFeed(f"empty response (HTTP {response.status}, no content)")
    import feedparser  # here: a crawl whose feeds all answer 304 never needs it (~11 ms)

    parsed = feedparser.parse(
        response.body,
        response_headers={"content-type": content_type(response), "content-location": response.url},
    )
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        kind = (
            "an HTML page" if b"<html" in response.body[:2000].lower() else content_type(response)
        )
        detail = f": {parsed.bozo_exception}" if parsed.bozo else ""
        raise NotAFeed(f"not a feed ({kind or 'unknown content'}){detail}")
    found = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (lk.get("href") for lk in entry.get("links", []) if lk.get("href")), None
        )
        if link:
            found.append(
                Found(response.urljoin(link.strip()), entry.get("title"), entry_date(entry))
            )
    # A wrong Content-Type or charset label is common and harmless once the feed parsed.
    harmless = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
    ill_formed = parsed.bozo and not isinstance(parsed.bozo_exception, harmless)
    warning = f"ill-formed feed, read anyway: {parsed.bozo_exception}" if ill_formed else None
    return found, warning


def announced_feeds(response: Response) -> list[str]:
    """Feeds a page announces with <link rel="alternate" type="application/rss+xml" ...>."""
    links = response.xpath(
        '//link[contains(concat(" ", normalize-space(@rel), " "), " alternate ")]'
    )
    return [
        response.urljoin(link.attrib["href"].strip())
        for link in links
        if link.attrib.get("href")
        and link.attrib.get("type", "").lower().split(";")[0] in FEED_TYPES
    ]
