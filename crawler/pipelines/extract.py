"""ExtractPipeline: trafilatura and tagging in a pool of worker processes, off the reactor thread."""

from __future__ import annotations

import asyncio
import logging
import pickle
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool
from scrapy.exceptions import DropItem

from crawler.items import ArticleRecord, PageItem
from crawler.worker import init_worker, process_page

log = logging.getLogger(__name__)


class ExtractPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.pool: ProcessPool | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        self.settings = spider.app_settings
        self.pool = ProcessPool(
            max_workers=self.settings.worker_count(),
            max_tasks=500,  # recycle workers now and then, so a leak cannot grow for hours
            initializer=init_worker,
            initargs=(pickle.dumps(spider.tagger),),
        )

    def close_spider(self, spider=None):
        if self.pool is not None:
            self.pool.close()
            self.pool.join(timeout=30)
            self.pool = None

    async def process_item(self, item, spider=None):
        if not isinstance(item, PageItem):
            return item
        spider = spider or self.crawler.spider
        report = spider.reports[item.source_id]
        future = self.pool.schedule(process_page, args=(item,), timeout=self.settings.extract_timeout)
        try:
            result = await asyncio.wrap_future(future)
        except FutureTimeout:
            report.error(item.url, "extraction timed out")
            raise DropItem(f"source={item.source_id}: {item.url}: extraction timed out") from None
        except ProcessExpired as exc:
            report.error(item.url, f"extraction worker crashed ({exc})")
            raise DropItem(f"source={item.source_id}: {item.url}: worker crashed") from None
        except Exception as exc:  # a bug or a pathological page: costs this page only
            report.error(item.url, f"extraction failed: {type(exc).__name__}: {exc}")
            raise DropItem(f"source={item.source_id}: {item.url}: {exc}") from None
        if isinstance(result, str):
            report.skipped += 1
            raise DropItem(f"source={item.source_id}: {item.url}: {result}")
        return self._filter(result, report, spider)

    def _filter(self, record: ArticleRecord, report, spider) -> ArticleRecord:
        if len(record.text) < self.settings.min_text_chars:
            report.skipped += 1
            raise DropItem(f"{record.url}: text shorter than {self.settings.min_text_chars} chars")
        if record.language and record.language not in self.settings.languages:
            report.skipped += 1
            raise DropItem(f"{record.url}: language {record.language} not kept")
        if record.published_at and record.published_at < spider.window_start:
            report.skipped += 1
            raise DropItem(f"{record.url}: published before the crawl window")
        return record
