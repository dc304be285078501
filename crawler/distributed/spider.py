"""The `auto` spider with its run state in Redis, so any worker can continue any source."""

from __future__ import annotations

from crawler.discovery.listings import LinkFilter
from crawler.distributed.scheduler import ORIGIN
from crawler.distributed.state import RunState
from crawler.spiders.auto import AutoSpider
from crawler.urls import canonical_url


class SharedFilters(dict):
    """Each source's link filter, told about the hosts its homepage redirected to, whichever
    worker read the homepage."""

    def __init__(self, filters: dict[str, LinkFilter], state: RunState):
        super().__init__(filters)
        self.state = state

    def __getitem__(self, source_id: str) -> LinkFilter:
        accept = super().__getitem__(source_id)
        for url in self.state.also(source_id):
            accept.also(url)
        return accept


class DistributedAutoSpider(AutoSpider):
    """Takes its requests from the run's queue (the coordinator seeded the start requests);
    every check-and-set the spider makes across requests is one atomic step in Redis."""

    name = "auto"

    def __init__(self, *args, run_state: RunState, worker_id: str, window_start=None, **kwargs):
        super().__init__(*args, **kwargs)
        if window_start is not None:  # the coordinator's, so every worker keeps the same articles
            self.window_start = window_start
        self.run_state = run_state
        self.worker_id = worker_id
        self.filters = SharedFilters(self.filters, run_state)
        self.origin = "seed"  # the coordinator plans the run outside any request

    async def start(self):
        return
        yield  # an async generator without start requests: the coordinator queued them

    # Every claim names the request whose response makes it (self.origin, set while its
    # callback or errback runs): see state.CLAIM.

    def _claim(self, key: str, source_id: str, limit: int = 0) -> tuple[str | None, bool]:
        return self.run_state.claim(key, source_id, limit, self.origin)

    def _first_discovery(self, source_id: str) -> bool:
        return self.run_state.first_discovery(source_id, self.origin)

    def _page_fetched(self, source_id: str, root: str, url: str) -> None:
        self.run_state.page_fetched(source_id, root, canonical_url(url), self.origin)

    def _take_page(self, source_id: str, root: str, url: str, limit: int) -> bool | None:
        return self.run_state.take_page(source_id, root, canonical_url(url), limit, self.origin)

    def _answering(self, request, output):
        """Run a callback's or errback's output with self.origin set to its request."""
        origin = request.meta.get(ORIGIN, "")
        iterator = iter(output or ())
        while True:
            self.origin = origin
            try:
                item = next(iterator)
            except StopIteration:
                return
            yield item

    def read_failed(self, failure):
        return self._answering(failure.request, super().read_failed(failure))

    def homepage_failed(self, failure):
        return self._answering(failure.request, super().homepage_failed(failure))

    def article_failed(self, failure):
        return self._answering(failure.request, super().article_failed(failure))

    def parse_homepage(self, response):
        self.run_state.add_also(response.meta["source_id"], response.url)
        yield from super().parse_homepage(response)

    # How a source is read (method, discovery URLs) changes at a few moments of the run, in
    # whichever worker: each change is published at once, so the last one in causal order wins.

    def _publish(self, source_id: str) -> None:
        report = self.reports[source_id]
        self.run_state.publish_method(source_id, report.method, report.discovery_urls)

    def _found_by_probe(self, meta: dict) -> None:
        # On one machine the discovery had cleared the URLs before its probe succeeded; here
        # that may have happened in another worker, so only the URL just added counts.
        report = self.reports[meta["source_id"]]
        report.discovery_urls = report.discovery_urls[-1:]
        self._publish(meta["source_id"])

    def _not_modified(self, response, *args, **kwargs) -> bool:
        done = super()._not_modified(response, *args, **kwargs)
        if done and response.meta.get("probe"):
            self._found_by_probe(response.meta)
        return done

    def _succeeded(self, response, found: int) -> bool:
        ok = super()._succeeded(response, found)
        if ok and response.meta.get("probe"):
            self._found_by_probe(response.meta)
        return ok

    def _unsuccessful(self, meta: dict, url: str, reason: str):
        requests = list(super()._unsuccessful(meta, url, reason))
        if meta.get("remembered"):  # the method was cleared before rediscovery starts
            self._publish(meta["source_id"])
        yield from requests


class OriginMiddleware:
    """The innermost spider middleware: sets spider.origin to the request a callback answers
    each time the callback resumes (callbacks of different responses interleave)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_spider_output(self, response, result, spider=None):
        spider = self.crawler.spider
        origin = response.request.meta.get(ORIGIN, "")
        iterator = result.__aiter__()
        while True:
            spider.origin = origin
            try:
                item = await iterator.__anext__()
            except StopAsyncIteration:
                return
            yield item
