"""StorePipeline: batched, idempotent writes; one transaction per batch, never per row.

Batches are written in a thread (one at a time, in order), so the database's round trips never
hold up the reactor thread that downloads pages and feeds the extraction workers.
"""

from __future__ import annotations

import logging
from collections import Counter

from scrapy import signals
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import defer, task, threads

from crawler.items import ArticleRecord, RetryItem, SeenItem, SourceLinkItem
from crawler.pipelines.extract import ExtractionFailed, NotAnArticle
from models import recrawl, store
from models.db import transaction

log = logging.getLogger(__name__)

FLUSH_INTERVAL = 5.0  # seconds: a slow trickle of articles is still written promptly


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.articles: list[ArticleRecord] = []
        self.links: list[SourceLinkItem] = []
        self.seen: list[tuple[str, str, str]] = []  # (url_hash, source_id, reason): not articles
        self.failed: list[RetryItem] = []  # download or extraction failed: retried next run
        self.records: list[ArticleRecord] = []  # dry runs only: what a crawl would store
        self.new_by_source: Counter = Counter()
        self.error: str | None = None
        self.timer: task.LoopingCall | None = None
        self.lock = defer.DeferredLock()  # one batch in flight, batches in order

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def item_dropped(self, item, response, exception, spider=None):
        """A page that is not an article is written with the next batch (see NotAnArticle)."""
        if isinstance(exception, NotAnArticle):
            self.seen.extend((key, exception.source_id, exception.reason) for key in exception.keys)
        elif isinstance(exception, ExtractionFailed):
            self.failed.append(exception.retry)

    def open_spider(self, spider=None):
        self.spider = spider or self.crawler.spider
        self.factory = self.spider.session_factory
        self.batch_size = self.spider.app_settings.store_batch_size
        self.dry_run = getattr(self.spider, "dry_run", False)
        self.timer = task.LoopingCall(self.flush)
        self.timer.start(FLUSH_INTERVAL, now=False)

    def process_item(self, item, spider=None):
        if isinstance(item, ArticleRecord):
            self.articles.append(item)
        elif isinstance(item, SourceLinkItem):
            self.links.append(item)
            if item.page_key and item.page_key != item.url_hash:
                self.seen.append((item.page_key, item.source_id, "a copy of a stored article"))
        elif isinstance(item, SeenItem):
            self.seen.append((item.url_hash, item.source_id, item.reason))
        elif isinstance(item, RetryItem):
            self.failed.append(item)
        if len(self.articles) >= self.batch_size:
            self.flush()
        return item

    def flush(self, final: bool = False) -> defer.Deferred:
        """Hand the pending batch to the writer thread; the Deferred fires once it is written."""
        if self.error or not (self.articles or self.links or self.seen or self.failed):
            return defer.succeed(None)
        articles, links, seen, failed = self.articles, self.links, self.seen, self.failed
        self.articles, self.links, self.seen, self.failed = [], [], [], []
        if self.dry_run:
            self.records.extend(articles)
            for record in articles:
                self.new_by_source[record.source_id] += 1
                self.spider.reports[record.source_id].new_articles += 1
            return defer.succeed(None)
        return self.lock.run(self._write, articles, links, seen, failed, final)

    @defer.inlineCallbacks
    def _write(self, articles, links, seen, failed, final):
        if self.error:  # an earlier batch failed: the crawl is closing, write nothing more
            return
        try:
            new, pending = yield threads.deferToThread(
                self._write_batch, articles, links, seen, failed
            )
        except SQLAlchemyError as exc:
            self.error = f"database write failed: {type(exc).__name__}: {getattr(exc, 'orig', exc)}"
            log.error("%s", self.error)
            self.crawler.engine.close_spider(self.spider, "database_error")
            return
        for source_id, count in new.items():
            self.new_by_source[source_id] += count
            self.spider.reports[source_id].new_articles += count
        # Links to articles still in flight are retried with the next batch.
        if not final:
            self.links.extend(pending)

    def _write_batch(self, articles, links, seen, failed):
        with transaction(self.factory) as session:
            new = store.store_articles(session, articles)
            pending = store.link_sources(session, links)
            store.remember_seen(session, seen)
            recrawl.remember_failed(
                session, [(f.url_hash, f.source_id, f.url, f.reason) for f in failed]
            )
        return new, pending

    async def close_spider(self, spider=None):
        if self.timer and self.timer.running:
            self.timer.stop()
        await maybe_deferred_to_future(self.flush())
        # flush() returns at once when nothing is pending, but batches handed over earlier may
        # still wait for the writer: a no-op taken through the lock runs after all of them.
        await maybe_deferred_to_future(self.lock.run(lambda: None))
        # Links whose article was in the last batch resolve now; any left are for articles
        # that were never stored.
        await maybe_deferred_to_future(self.flush(final=True))
