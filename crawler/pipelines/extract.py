"""ExtractPipeline: trafilatura and tagging in worker processes, off the reactor thread."""

from __future__ import annotations

import asyncio
import gc
import logging
import pickle
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from scrapy.exceptions import DropItem

from crawler import forkserver
from crawler.items import ArticleRecord, PageItem, RetryItem
from crawler.urls import canonical_url, url_hash
from crawler.worker import init_worker, process_page, trim_heap

log = logging.getLogger(__name__)

# A worker is replaced after this many pages, so a slow leak in a parser cannot grow all night;
# rarely enough that the fork and the tagger's warm stem cache are not paid often.
TASKS_PER_WORKER = 1000
# Pages between full garbage collections in the crawler process. A downloaded response sits in
# reference cycles (request, meta, Deferreds) with its parsed lxml tree, whose C memory the
# collector cannot see; left to the collector's own pace, hundreds of trees pile up. Article
# pages are no longer parsed here (only listings are): every 128 pages is enough (~15 ms each).
COLLECT_EVERY = 128


class NotAnArticle(DropItem):
    """A page that was downloaded but holds no article to keep (no text, too short, no title,
    another language, too old): remembered, so the next crawls do not download it again."""

    def __init__(self, message: str, source_id: str, keys: set[str], reason: str):
        super().__init__(message, log_level="DEBUG")
        self.source_id = source_id
        self.keys = keys  # url_hash of the page's canonical URL and of the URL requested
        self.reason = reason


class ExtractionFailed(DropItem):
    """A page whose extraction crashed, hung or raised: it costs that page only, and the page
    is tried again by the next runs (see models.recrawl.remember_failed)."""

    def __init__(self, message: str, item: PageItem, reason: str):
        # Scrapy logs a dropped item with its repr (a whole page) at this level: below the
        # crawl's WARNING. The reason reaches the user through the source report instead.
        super().__init__(message, log_level="INFO")
        self.retry = RetryItem(item.source_id, url_hash(item.url), item.url, reason)


def _page_keys(item: PageItem) -> set[str]:
    return {url_hash(item.url), url_hash(canonical_url(item.found_url))}


class ExtractPipeline:
    """Schedules each page on the pool and awaits it; Scrapy's scraper slot limit
    (SCRAPER_SLOT_MAX_ACTIVE_SIZE) holds downloads back while pages wait, so memory stays flat."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.pool: Future | None = None  # the pebble.ProcessPool, started at the first page
        self.pages = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        self.settings = spider.app_settings
        self.taxonomy = spider.taxonomy  # the tagger is built for the workers, if any start
        # Everything alive now (modules, the catalog, the sets of known URLs, the taxonomy) lives
        # as long as the crawl: moved out of the collector's sight, the periodic full collection
        # below scans only what the crawl made since (it took a quarter of the reactor thread).
        gc.freeze()

    def _start_pool(self) -> Future:
        """Start the worker pool in a thread; returns the future of the running pool.

        Started at the first page, not at start-up: a crawl that finds nothing new (the usual
        second run of a night) never pays for the workers, nor for building the tagger (nor
        for importing pebble and tagging). Workers come from the fork server of
        crawler.forkserver, which forks them only once its warm-up is done: up to a second at
        the start of a crawl, during which the reactor thread goes on downloading and
        discovering instead of waiting (pages wait for the future, not the reactor)."""
        started: Future = Future()

        def start() -> None:
            try:
                from pebble import ProcessPool

                from tagging import Tagger

                pool = ProcessPool(
                    max_workers=self.settings.worker_count(),
                    max_tasks=TASKS_PER_WORKER,
                    initializer=init_worker,
                    initargs=(pickle.dumps(Tagger.from_taxonomy(self.taxonomy)),),
                    context=forkserver.context(),
                )
                pool.schedule(trim_heap)  # pebble forks its workers at the first task
            except BaseException as exc:  # noqa: BLE001 - handed to every page that waits
                started.set_exception(exc)
            else:
                started.set_result(pool)

        threading.Thread(target=start, name="extract-pool-start", daemon=True).start()
        return started

    def close_spider(self, spider=None):
        if self.pool is None:
            return
        starting, self.pool = self.pool, None
        try:
            pool = starting.result(timeout=60)
        except Exception:  # noqa: BLE001 - it never started: every page waiting got the error
            return
        pool.close()
        pool.join(timeout=30)

    async def process_item(self, item, spider=None):
        if not isinstance(item, PageItem):
            return item
        spider = spider or self.crawler.spider
        report = spider.reports[item.source_id]
        if self.pool is None:
            self.pool = self._start_pool()
        pool = await asyncio.wrap_future(self.pool)
        from pebble import ProcessExpired  # imported by _start_pool: a lookup in sys.modules

        future = pool.schedule(process_page, args=(item,), timeout=self.settings.extract_timeout)
        where = f"source={item.source_id}: {item.url}"
        reason: str | None
        try:
            result = await asyncio.wrap_future(future)
        except FutureTimeout:
            reason = f"extraction timed out after {self.settings.extract_timeout:g} s"
        except ProcessExpired as exc:
            reason = f"extraction worker crashed ({exc})"
        except Exception as exc:  # a bug or a pathological page: costs this page only
            reason = f"extraction failed: {type(exc).__name__}: {exc}"
        else:
            reason = None
        finally:
            self._collect()
        if reason is not None:
            report.error(item.url, reason)
            raise ExtractionFailed(f"{where}: {reason}", item, reason)
        if isinstance(result, str):
            report.skipped += 1
            raise NotAnArticle(f"{where}: {result}", item.source_id, _page_keys(item), result)
        return self._filter(result, item, report, spider)

    def _collect(self) -> None:
        self.pages += 1
        if self.pages % COLLECT_EVERY == 0:
            gc.collect()
            trim_heap()

    def _filter(self, record: ArticleRecord, item: PageItem, report, spider) -> ArticleRecord:
        settings = self.settings
        reason = None
        if len(record.text) < settings.min_text_chars:
            reason = f"text shorter than {settings.min_text_chars} chars"
        elif record.language and settings.languages and record.language not in settings.languages:
            reason = f"language {record.language} not kept"
        elif record.published_at and record.published_at < spider.window_start:
            reason = "published before the crawl window"
        if reason:
            report.skipped += 1
            raise NotAnArticle(
                f"source={record.source_id}: {record.url}: {reason}",
                record.source_id,
                _page_keys(item),
                reason,
            )
        return record
