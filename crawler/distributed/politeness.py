"""Per-site politeness shared by every worker of a run: one next-start time per host in Redis."""

from __future__ import annotations

import asyncio

from scrapy.utils.httpobj import urlparse_cached


class SharedDelayMiddleware:
    """Spaces requests to one host by the download delay across all workers together (each
    worker's own Scrapy slot still spaces its requests too, and AutoThrottle's delay for the
    host, when larger, is the interval). Waits without blocking the reactor."""

    def __init__(self, crawler, delay: float):
        self.crawler = crawler
        self.delay = delay

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getfloat("DOWNLOAD_DELAY"))

    async def process_request(self, request, spider=None):
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        interval = max(self.delay, slot.delay if slot is not None else 0.0)
        if interval <= 0:
            return None
        state = self.crawler.spider.run_state
        wait, _ = state.reserve(urlparse_cached(request).hostname or "", interval)
        if wait > 0:
            await asyncio.sleep(wait)
        return None
