"""How the `auto` spider follows article links and hands article pages to the pipelines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from scrapy.http import Request, Response, TextResponse

from crawler.discovery.canonical import declared_canonical
from crawler.discovery.feeds import Found, content_type
from crawler.failures import describe
from crawler.items import PageItem, RetryItem, SeenItem, SourceLinkItem
from crawler.spiders import requested_url
from crawler.urls import canonical_url, same_site, url_hash

if TYPE_CHECKING:
    from crawler.report import SourceReport
    from models.catalog import Source


class ArticleRequests:
    """The article half of AutoSpider (a mixin over its run state: reports, sources,
    known_hashes, seen_hashes, aliases, known_links, requested, window_start, max_articles)."""

    # Set by AutoSpider (max_articles: its property); declared here for type checkers.
    reports: dict[str, SourceReport]
    sources: dict[str, Source]
    known_hashes: set[str]
    seen_hashes: set[str]
    aliases: dict[str, str]
    known_links: set[tuple[str, str]]
    requested: dict[str, str]
    window_start: datetime
    if TYPE_CHECKING:

        @property
        def max_articles(self) -> int: ...

    def _link(self, key: str, source_id: str, url: str):
        if (key, source_id) not in self.known_links:
            self.known_links.add((key, source_id))
            yield SourceLinkItem(source_id=source_id, url_hash=key, url=url)

    def _follow_article(self, found: Found, source_id: str):
        report = self.reports[source_id]
        url = found.url
        if not url.startswith(("http://", "https://")):
            return
        report.urls_seen += 1
        if found.when is not None and found.when < self.window_start:
            report.skipped += 1
            return
        canonical = canonical_url(url)
        key = url_hash(canonical)
        key = self.aliases.get(key, key)
        if key in self.known_hashes:
            yield from self._link(key, source_id, url)
            return
        if key in self.seen_hashes:  # (never requested: see parse_article)
            report.skipped += 1
            return
        owner, claimed = self._claim(key, source_id, self.max_articles)
        if owner is None:
            if not report.deferred:
                report.error(url, f"more than {self.max_articles} new articles; the rest next run")
            report.deferred += 1
            return
        if not claimed:
            if owner != source_id:
                yield from self._link(key, source_id, url)
            return
        report.requested += 1
        yield Request(
            canonical,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={
                "source_id": source_id,
                "found_url": url,
                "hint_title": found.title,
                "hint_published": found.published,
            },
        )

    def parse_article(self, response: Response):
        source_id = response.meta["source_id"]
        report = self.reports[source_id]
        if (
            not isinstance(response, TextResponse)  # (hasattr "text" would decode the page)
            or "html" not in content_type(response, "text/html").lower()
        ):
            report.error(response.url, "not an HTML page")
            return
        url = canonical_url(response.url)
        # Read from the bytes: a parsed tree (or even decoded text) of every page on this
        # thread cost a third of the crawler's time; the worker decodes and parses the page.
        declared = declared_canonical(response.body)
        if declared:
            # response.urljoin decodes the page to look for <base href>: only when it has one.
            base = b"<base" in response.body[:8192].lower()
            joined = response.urljoin(declared) if base else urljoin(response.url, declared)
            candidate = canonical_url(joined)
            if same_site(candidate, response.url):
                url = candidate
        key = url_hash(url)
        requested = url_hash(requested_url(response))
        if key != requested:
            owner, claimed = None, False
            if key not in self.known_hashes and key not in self.seen_hashes:
                owner, claimed = self._claim(key, source_id)
            if not claimed:
                # Known under its canonical URL (stored before, or fetched under another link
                # now): next time the link is known without downloading the page again.
                yield SeenItem(source_id, requested, f"its canonical URL is {url}")
                if key in self.known_hashes or owner not in (None, source_id):
                    yield from self._link(key, source_id, response.meta["found_url"])
                return
        source = self.sources[source_id]
        yield PageItem(
            source_id=source_id,
            url=url,
            found_url=response.meta["found_url"],
            body=response.body,
            content_type=content_type(response) or None,
            fetched_at=datetime.now(UTC),
            hint_title=response.meta.get("hint_title"),
            hint_published_at=response.meta.get("hint_published"),
            source_region=source.region,
            source_themes=list(source.themes),
        )

    def _claim(self, key: str, source_id: str, limit: int = 0) -> tuple[str | None, bool]:
        """(owner, claimed): the source that requested the article `key` first, or `source_id`
        claiming it now (claimed True); owner None when `source_id` already requested `limit`
        articles (0: no limit). The spider's one check-and-set of `requested`."""
        owner = self.requested.get(key)
        if owner is not None:
            return owner, False
        if limit and self.reports[source_id].requested >= limit:
            return None, False
        self.requested[key] = source_id
        return source_id, True

    def article_failed(self, failure):
        request = failure.request
        reason = describe(failure)
        self.reports[request.meta["source_id"]].error(request.url, reason)
        # Tried again next run, even when the feed that listed it answers 304 then.
        yield RetryItem(request.meta["source_id"], url_hash(request.url), request.url, reason)
