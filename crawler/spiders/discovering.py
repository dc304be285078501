"""How the `auto` spider finds a source's feed, sitemap or news listing from its homepage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.http import Request, Response, TextResponse

from crawler.discovery.autodetect import Discovery
from crawler.discovery.feeds import announced_feeds
from crawler.discovery.listings import news_links
from crawler.discovery.sitemaps import sitemap_urls_from_robots
from crawler.failures import describe

if TYPE_CHECKING:
    from crawler.discovery.listings import LinkFilter
    from crawler.report import SourceReport
    from models.catalog import Source


class Autodiscovery:
    """The autodiscovery half of AutoSpider (a mixin: it reads through the spider's `_read` and
    records in its `reports`, `sources`, `filters` and `discovering`)."""

    # Set by AutoSpider.__init__; declared for type checkers.
    reports: dict[str, SourceReport]
    sources: dict[str, Source]
    filters: dict[str, LinkFilter]
    discovering: set[str]
    if TYPE_CHECKING:

        def _read(self, kind: str, url: str, source_id: str, **meta) -> Request: ...

    def _first_discovery(self, source_id: str) -> bool:
        """Claim the autodiscovery of a source for this run; False when it was claimed before."""
        if source_id in self.discovering:
            return False
        self.discovering.add(source_id)
        return True

    def _discover(self, source_id: str):
        source = self.sources[source_id]
        self.reports[source_id].method = None
        self.discovering.add(source_id)
        # The discovery travels with its requests (one probe at a time), so any process of a
        # distributed crawl can continue it.
        yield Request(
            source.url,
            callback=self.parse_homepage,
            errback=self.homepage_failed,
            meta={"source_id": source_id, "discovery": Discovery(source.url)},
            dont_filter=True,
        )

    def _next_probe(self, discovery: Discovery, source_id: str):
        probe = discovery.next()
        if probe is not None:
            yield self._read(probe.kind, probe.url, source_id, probe=True, discovery=discovery)
        elif not discovery.done:
            discovery.done = True
            report = self.reports[source_id]
            report.discovery_failed += 1
            report.error(discovery.homepage, discovery.failure_reason())

    def parse_homepage(self, response: Response):
        source_id = response.meta["source_id"]
        discovery = response.meta["discovery"]
        discovery.homepage = response.url  # after redirects (http -> https, www.)
        self.filters[source_id].also(response.url)
        if not isinstance(response, TextResponse):
            discovery.first_error = "the homepage is not an HTML page"
            yield from self._next_probe(discovery, source_id)
            return
        discovery.plan_from_homepage(announced_feeds(response), news_links(response))
        yield from self._next_probe(discovery, source_id)

    def homepage_failed(self, failure):
        source_id = failure.request.meta["source_id"]
        discovery = failure.request.meta["discovery"]
        reason = describe(failure)
        discovery.first_error = f"homepage: {reason}"
        if reason.startswith("HTTP "):
            # A homepage may refuse robots while its feed or sitemap still answers.
            discovery.plan_from_homepage([], [])
            yield from self._next_probe(discovery, source_id)
        else:
            discovery.done = True
            report = self.reports[source_id]
            report.discovery_failed += 1
            report.error(failure.request.url, reason)

    def parse_robots(self, response: Response):
        source_id = response.meta["source_id"]
        discovery = response.meta["discovery"]
        if response.status == 200:
            for url in reversed(list(sitemap_urls_from_robots(response.body, response.url))):
                discovery.add("sitemap", url, front=True)
        yield from self._next_probe(discovery, source_id)
