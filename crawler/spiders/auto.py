"""The `auto` spider: reads each source the way the catalog (or discovery) says, finds new articles.

A source is read by what the catalog names (feeds, sitemaps, listings); else by the method the
last run found (remembered in the source table); else by autodiscovery from its homepage. A
remembered method that fails or stops yielding is re-discovered in the same run.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import scrapy
from scrapy.http import Request, Response, TextResponse

from crawler.discovery.autodetect import MIN_LISTING_LINKS
from crawler.discovery.feeds import Found, NotAFeed, parse_feed
from crawler.discovery.listings import (
    LinkFilter,
    article_links,
    body_hash,
    next_pages,
)
from crawler.discovery.sitemaps import NotASitemap, parse_sitemap
from crawler.failures import describe
from crawler.report import SourceReport
from crawler.spiders import requested_url
from crawler.spiders.articles import ArticleRequests
from crawler.spiders.discovering import Autodiscovery
from crawler.urls import canonical_url, url_hash

log = logging.getLogger(__name__)

METHODS = ("feed", "sitemap", "listing")
MAX_CHILD_SITEMAPS = 20  # of one sitemap index, newest first
MAX_SITEMAP_DEPTH = 3  # indexes of indexes (the protocol allows one level; some sites nest)


class AutoSpider(ArticleRequests, Autodiscovery, scrapy.Spider):
    name = "auto"
    custom_settings: dict = {}

    def __init__(
        self,
        sources,
        known_hashes: set[str],
        known_links: set[tuple[str, str]],
        fetch_states: dict[str, tuple[str | None, str | None]],
        window_days: int,
        remembered: dict[str, tuple[str | None, list[str]]] | None = None,
        aliases: dict[str, str] | None = None,
        seen_hashes: set[str] | None = None,
        listing_hashes: dict[str, str] | None = None,
        retries: list[tuple[str, str, str]] | None = None,
        robots: dict[str, bytes] | None = None,
        stale_robots: dict[str, tuple[bytes, datetime]] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.sources = {s.id: s for s in sources}
        self.known_hashes = known_hashes
        # Pages lately found not to be articles (no text, no title, ...): not downloaded again.
        self.seen_hashes = seen_hashes or set()
        self.known_links = known_links
        self.fetch_states = fetch_states
        # Listing pages served without validators: the hash of their body in the last run.
        self.listing_hashes = listing_hashes or {}
        self.new_listing_hashes: dict[str, tuple[str, str]] = {}
        # (url_hash, source_id, url) of pages whose download or extraction failed last time.
        self.retries = retries or []
        self.remembered = remembered or {}
        # url_hash of a URL a source linked (tracking variant, syndicated copy) -> stored article.
        self.aliases = aliases or {}
        self.new_fetch_states: dict[str, tuple[str, str | None, str | None, int]] = {}
        # robots.txt bodies read in earlier runs and still fresh (origin -> body), and the ones
        # read in this run (origin -> (body, status)): see crawler.robots.
        self.robots = robots or {}
        self.new_robots: dict[str, tuple[bytes, int]] = {}
        # Older copies (origin -> (body, when read)), used only while a site's robots.txt
        # answers a server error.
        self.stale_robots = stale_robots or {}
        # 0 lifts the window (a test web of archived pages); dated articles older are skipped.
        self.window_start = (
            datetime.now(UTC) - timedelta(days=window_days)
            if window_days > 0
            else datetime.min.replace(tzinfo=UTC)
        )
        self.reports = {s.id: SourceReport(s.id) for s in sources}
        self.filters = {s.id: LinkFilter(s) for s in sources}
        self.discovering: set[str] = set()  # sources being autodiscovered in this run
        self.requested: dict[str, str] = {}  # url_hash -> source that requested it first
        self.pages_read: dict[tuple[str, str], int] = {}  # (source, listing) -> pages fetched
        self.pages_seen: set[str] = set()  # listing pages fetched or scheduled (canonical)
        self.sitemaps_seen: set[str] = set()  # sitemaps fetched or scheduled (canonical)

    @property
    def max_articles(self) -> int:
        return self.settings.getint("HOWARDSHOME_MAX_ARTICLES_PER_SOURCE", 300)

    @property
    def max_size(self) -> int:
        return self.settings.getint("DOWNLOAD_MAXSIZE", 10 * 1024 * 1024)

    # -- start ---------------------------------------------------------------------------------

    async def start(self):
        for request in self.start_requests():
            yield request

    def start_requests(self):
        for source in self.sources.values():
            yield from self._plan(source.id)
        # Requested again whatever their feed answers (a 304 would hide them for good).
        for _key, source_id, url in self.retries:
            if source_id in self.sources:
                yield from self._follow_article(Found(url), source_id)

    def _plan(self, source_id: str):
        source = self.sources[source_id]
        report = self.reports[source_id]
        configured = (
            [("feed", u) for u in source.feeds]
            + [("sitemap", u) for u in source.sitemaps]
            + [("listing", u) for u in source.listings]
        )
        if configured:
            report.method = "+".join(dict.fromkeys(kind for kind, _ in configured))
            for kind, url in configured:
                report.discovery_urls.append(url)
                yield self._read(kind, url, source_id)
            return
        method, urls = self.remembered.get(source_id, (None, []))
        if method in METHODS and urls:
            report.method = method
            for url in urls:
                report.discovery_urls.append(url)
                yield self._read(method, url, source_id, remembered=True)
            return
        yield from self._discover(source_id)

    def _read(self, kind: str, url: str, source_id: str, **meta) -> Request:
        """A conditional GET (ETag / Last-Modified) of a feed, sitemap, listing or robots.txt."""
        headers = {}
        etag, modified = self.fetch_states.get(url_hash(url), (None, None))
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        callbacks = {
            "feed": self.parse_feed,
            "sitemap": self.parse_sitemap,
            "listing": self.parse_listing,
            "robots": self.parse_robots,
        }
        return Request(
            url,
            callback=callbacks[kind],
            errback=self.read_failed,
            headers=headers,
            meta={"source_id": source_id, "kind": kind, "handle_httpstatus_list": [304], **meta},
            dont_filter=True,
        )

    def _remember_validators(self, response: Response) -> None:
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        url = requested_url(response)
        if not (etag or modified) and response.meta.get("kind") == "listing":
            self.new_listing_hashes[url_hash(url)] = (url, body_hash(response.body))
        if etag or modified:
            self.new_fetch_states[url_hash(url)] = (
                url,
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None,
                response.status,
            )

    # -- outcomes of a read ----------------------------------------------------------------------

    def _not_modified(self, response: Response, unchanged: bool = False) -> bool:
        if response.status != 304 and not unchanged:
            return False
        source_id = response.meta["source_id"]
        report = self.reports[source_id]
        if response.meta.get("probe"):
            # Unchanged since it last yielded articles: a good method, nothing new to read.
            response.meta["discovery"].done = True
            report.method = response.meta["kind"]
            report.discovery_urls.append(requested_url(response))
        if not response.meta.get("child"):
            report.discovery_ok += 1
        report.not_modified += 1
        return True

    def _succeeded(self, response: Response, found: int) -> bool:
        """Record a successful read; False when a probe or remembered URL yielded nothing."""
        meta = response.meta
        source_id = meta["source_id"]
        report = self.reports[source_id]
        if meta.get("probe") or meta.get("remembered"):
            if found == 0:
                return False
        if meta.get("probe"):
            meta["discovery"].done = True
            report.method = meta["kind"]
            report.discovery_urls.append(requested_url(response))
        if not meta.get("child"):
            report.discovery_ok += 1
        self._remember_validators(response)
        return True

    def _unsuccessful(self, meta: dict, url: str, reason: str):
        """A read failed or yielded nothing: next probe, re-discovery, or an error on the source."""
        source_id = meta["source_id"]
        report = self.reports[source_id]
        if meta.get("probe"):
            log.debug("source=%s: probe %s: %s", source_id, url, reason)
            yield from self._next_probe(meta["discovery"], source_id)
        elif meta.get("remembered"):
            log.info(
                "source=%s: remembered %s %s: %s; rediscovering",
                source_id,
                meta["kind"],
                url,
                reason,
            )
            report.error(url, f"remembered {meta['kind']} no longer works ({reason}); rediscovered")
            report.method = None
            report.discovery_urls = []
            if self._first_discovery(source_id):
                yield from self._discover(source_id)
        else:
            if not meta.get("child"):
                report.discovery_failed += 1
            report.error(url, reason)
            log.info("source=%s: %s: %s", source_id, url, reason)

    def read_failed(self, failure):
        request = failure.request
        yield from self._unsuccessful(request.meta, request.url, describe(failure))

    # -- feeds, sitemaps, listings --------------------------------------------------------------

    def parse_feed(self, response: Response):
        if self._not_modified(response):
            return
        source_id = response.meta["source_id"]
        try:
            found, warning = parse_feed(response)
        except NotAFeed as exc:
            yield from self._unsuccessful(response.meta, response.url, str(exc))
            return
        if not self._succeeded(response, len(found)):
            yield from self._unsuccessful(response.meta, response.url, "the feed lists no articles")
            return
        if warning:
            self.reports[source_id].error(response.url, warning)
        accept = self.filters[source_id]
        for item in found:
            if accept.accepts(item.url, response.url, trust=True, any_site=True):
                yield from self._follow_article(item, source_id)

    def parse_sitemap(self, response: Response):
        if self._not_modified(response):
            return
        source_id = response.meta["source_id"]
        try:
            parsed = parse_sitemap(response, self.max_size)
        except NotASitemap as exc:
            yield from self._unsuccessful(response.meta, response.url, str(exc))
            return
        if parsed.kind == "sitemapindex":
            # An index that lists itself (or a ring of indexes) must not loop: each sitemap is
            # read once a run, and indexes nest at most MAX_SITEMAP_DEPTH deep.
            for url in (response.url, requested_url(response)):
                self.sitemaps_seen.add(canonical_url(url))
            depth = response.meta.get("sitemap_depth", 0) + 1
            children = [
                c
                for c in parsed.urls
                if (c.when is None or c.when >= self.window_start)
                and canonical_url(c.url) not in self.sitemaps_seen
            ]
            if depth > MAX_SITEMAP_DEPTH:
                children = []
            children.sort(key=lambda c: c.when or self.window_start, reverse=True)
            children = children[:MAX_CHILD_SITEMAPS]
            if not self._succeeded(response, len(children)):
                yield from self._unsuccessful(
                    response.meta, response.url, "sitemap index lists no recent sitemaps"
                )
                return
            for child in children:
                self.sitemaps_seen.add(canonical_url(child.url))
                yield self._read("sitemap", child.url, source_id, child=True, sitemap_depth=depth)
            return
        accept = self.filters[source_id]
        pages = [
            f for f in parsed.urls
            # A news sitemap lists only articles; a general one lists every page of the site.
            if accept.accepts(f.url, response.url, trust=f.published is not None)
        ]  # fmt: skip
        if not self._succeeded(response, len(pages)):
            yield from self._unsuccessful(
                response.meta, response.url, "the sitemap lists no articles"
            )
            return
        for found in pages:
            yield from self._follow_article(found, source_id)

    def parse_listing(self, response: Response):
        if self._not_modified(response, self._unchanged_listing(response)):
            return
        meta = response.meta
        source_id = meta["source_id"]
        if not isinstance(response, TextResponse):
            yield from self._unsuccessful(meta, response.url, "the listing is not an HTML page")
            return
        source = self.sources[source_id]
        accept = self.filters[source_id]
        links = article_links(response, source, accept)
        needed = MIN_LISTING_LINKS if meta.get("probe") else 1
        if not self._succeeded(response, len(links) if len(links) >= needed else 0):
            yield from self._unsuccessful(meta, response.url, "the listing links to no articles")
            return
        for url, text in links:
            yield from self._follow_article(Found(url, title=text or None), source_id)
        here = requested_url(response)
        root = meta.get("listing_root", here)
        self._page_fetched(source_id, root, here)
        for url in next_pages(response, accept):
            taken = self._take_page(source_id, root, url, source.max_pages)
            if taken is None:  # the listing's page limit is reached
                break
            if taken:
                yield self._read("listing", url, source_id, child=True, listing_root=root)

    def _unchanged_listing(self, response: Response) -> bool:
        """A listing page without validators whose body is the one a complete run read last
        time: every link on it was followed then, and the pages after it have not moved."""
        headers = response.headers
        if response.status != 200 or b"ETag" in headers or b"Last-Modified" in headers:
            return False
        previous = self.listing_hashes.get(url_hash(requested_url(response)))
        return previous is not None and previous == body_hash(response.body)

    def _page_fetched(self, source_id: str, root: str, url: str) -> None:
        self.pages_read.setdefault((source_id, root), 1)
        self.pages_seen.add(canonical_url(url))

    def _take_page(self, source_id: str, root: str, url: str, limit: int) -> bool | None:
        """Claim the next page of a listing: None when `limit` pages were taken, False when
        this page was fetched or scheduled already."""
        if self.pages_read[(source_id, root)] >= limit:
            return None
        if canonical_url(url) in self.pages_seen:
            return False
        self.pages_seen.add(canonical_url(url))
        self.pages_read[(source_id, root)] += 1
        return True
