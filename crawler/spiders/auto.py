"""The `auto` spider: reads each source the way the catalog (or discovery) says, finds new articles."""

from __future__ import annotations

import logging
from calendar import timegm
from datetime import UTC, datetime, timedelta

import feedparser
import scrapy
from scrapy.http import Request, Response

from crawler.charset import page_text
from crawler.failures import describe
from crawler.items import PageItem, SourceLinkItem
from crawler.report import SourceReport
from crawler.urls import canonical_url, same_site, url_hash

log = logging.getLogger(__name__)

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def _entry_date(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                # feedparser normalises to UTC struct_time; timegm reads it as UTC.
                return datetime.fromtimestamp(timegm(value), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                return None
    return None


class AutoSpider(scrapy.Spider):
    name = "auto"
    custom_settings: dict = {}

    def __init__(
        self,
        sources,
        known_hashes: set[str],
        known_links: set[tuple[str, str]],
        fetch_states: dict[str, tuple[str | None, str | None]],
        window_days: int,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.sources = {s.id: s for s in sources}
        self.known_hashes = known_hashes
        self.known_links = known_links
        self.fetch_states = fetch_states
        self.new_fetch_states: dict[str, tuple[str, str | None, str | None, int]] = {}
        self.window_start = datetime.now(UTC) - timedelta(days=window_days)
        self.reports = {s.id: SourceReport(s.id) for s in sources}
        self.requested: dict[str, str] = {}  # url_hash -> source that requested it first

    # -- start ---------------------------------------------------------------------------------

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self):
        for source in self.sources.values():
            report = self.reports[source.id]
            if source.feeds:
                report.method = "feed"
                for feed in source.feeds:
                    report.discovery_urls.append(feed)
                    yield self._conditional(feed, self.parse_feed, source.id)
            else:
                report.method = "auto"
                yield Request(
                    source.url,
                    callback=self.parse_homepage,
                    errback=self.discovery_failed,
                    meta={"source_id": source.id},
                )

    def _conditional(self, url: str, callback, source_id: str) -> Request:
        headers = {}
        etag, modified = self.fetch_states.get(url_hash(url), (None, None))
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return Request(
            url,
            callback=callback,
            errback=self.discovery_failed,
            headers=headers,
            meta={"source_id": source_id, "handle_httpstatus_list": [304]},
            dont_filter=True,
        )

    def _remember_validators(self, response: Response) -> None:
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        if etag or modified:
            self.new_fetch_states[url_hash(response.url)] = (
                response.url,
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None,
                response.status,
            )

    # -- discovery -----------------------------------------------------------------------------

    def parse_homepage(self, response: Response):
        """Minimal autodiscovery: feeds announced with <link rel="alternate">."""
        source_id = response.meta["source_id"]
        report = self.reports[source_id]
        links = response.xpath(
            '//link[contains(concat(" ", normalize-space(@rel), " "), " alternate ")]'
        )
        feeds = [
            response.urljoin(link.attrib["href"])
            for link in links
            if link.attrib.get("href") and link.attrib.get("type", "").lower() in FEED_TYPES
        ]
        if not feeds:
            report.discovery_failed += 1
            report.error(response.url, "no feed announced on the homepage")
            return
        report.method = "feed"
        for feed in feeds[:3]:
            report.discovery_urls.append(feed)
            yield self._conditional(feed, self.parse_feed, source_id)

    def parse_feed(self, response: Response):
        source_id = response.meta["source_id"]
        report = self.reports[source_id]
        if response.status == 304:
            report.discovery_ok += 1
            report.not_modified += 1
            return
        parsed = feedparser.parse(
            response.body,
            response_headers={
                "content-type": response.headers.get(b"Content-Type", b"").decode("latin-1"),
                "content-location": response.url,
            },
        )
        if not parsed.entries:
            if parsed.bozo:
                content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
                kind = "an HTML page" if b"<html" in response.body[:2000].lower() else content_type
                report.discovery_failed += 1
                report.error(
                    response.url, f"not a feed ({kind or 'unknown content'}): {parsed.bozo_exception}"
                )
                return
        report.discovery_ok += 1
        self._remember_validators(response)
        if parsed.bozo and parsed.entries:
            report.error(response.url, f"ill-formed feed, read anyway: {parsed.bozo_exception}")
        for entry in parsed.entries:
            link = entry.get("link") or next(
                (lk.get("href") for lk in entry.get("links", []) if lk.get("href")), None
            )
            if not link:
                continue
            yield from self._follow_article(
                response.urljoin(link.strip()),
                source_id,
                title=entry.get("title"),
                published=_entry_date(entry),
            )

    def discovery_failed(self, failure):
        request = failure.request
        source_id = request.meta["source_id"]
        report = self.reports[source_id]
        report.discovery_failed += 1
        reason = describe(failure)
        report.error(request.url, reason)
        log.info("source=%s: %s: %s", source_id, request.url, reason)

    # -- articles ------------------------------------------------------------------------------

    def _follow_article(self, url: str, source_id: str, title=None, published=None):
        report = self.reports[source_id]
        if not url.startswith(("http://", "https://")):
            return
        report.urls_seen += 1
        if published is not None and published < self.window_start:
            report.skipped += 1
            return
        canonical = canonical_url(url)
        key = url_hash(canonical)
        if key in self.known_hashes or key in self.requested:
            if (key, source_id) not in self.known_links and self.requested.get(key) != source_id:
                self.known_links.add((key, source_id))
                yield SourceLinkItem(source_id=source_id, url_hash=key, url=url)
            return
        self.requested[key] = source_id
        report.requested += 1
        yield Request(
            canonical,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={
                "source_id": source_id,
                "found_url": url,
                "hint_title": title,
                "hint_published": published,
            },
        )

    def parse_article(self, response: Response):
        source_id = response.meta["source_id"]
        report = self.reports[source_id]
        if not hasattr(response, "text") or b"html" not in response.headers.get(
            b"Content-Type", b"text/html"
        ).lower():
            report.error(response.url, "not an HTML page")
            return
        url = canonical_url(response.url)
        declared = response.xpath('//link[@rel="canonical"]/@href').get()
        if declared:
            candidate = canonical_url(response.urljoin(declared.strip()))
            if same_site(candidate, response.url):
                url = candidate
        key = url_hash(url)
        if key != url_hash(response.request.url) and key in self.known_hashes:
            if (key, source_id) not in self.known_links:
                self.known_links.add((key, source_id))
                yield SourceLinkItem(source_id=source_id, url_hash=key, url=url)
            return
        source = self.sources[source_id]
        yield PageItem(
            source_id=source_id,
            url=url,
            found_url=response.meta["found_url"],
            html=page_text(response),
            fetched_at=datetime.now(UTC),
            hint_title=response.meta.get("hint_title"),
            hint_published_at=response.meta.get("hint_published"),
            source_region=source.region,
            source_themes=list(source.themes),
        )

    def article_failed(self, failure):
        request = failure.request
        self.reports[request.meta["source_id"]].error(request.url, describe(failure))
