"""StorePipeline: batched, idempotent writes; one transaction per batch, never per row."""

from __future__ import annotations

import logging
from collections import Counter

from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task

from crawler.items import ArticleRecord, SourceLinkItem
from models import store
from models.db import transaction

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.articles: list[ArticleRecord] = []
        self.links: list[SourceLinkItem] = []
        self.records: list[ArticleRecord] = []  # dry runs only: what a crawl would store
        self.new_by_source: Counter = Counter()
        self.error: str | None = None
        self.timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        self.spider = spider or self.crawler.spider
        self.factory = self.spider.session_factory
        self.batch_size = self.spider.app_settings.store_batch_size
        self.dry_run = getattr(self.spider, "dry_run", False)
        self.timer = task.LoopingCall(self.flush)
        self.timer.start(5.0, now=False)

    def process_item(self, item, spider=None):
        if isinstance(item, ArticleRecord):
            self.articles.append(item)
        elif isinstance(item, SourceLinkItem):
            self.links.append(item)
        if len(self.articles) >= self.batch_size:
            self.flush()
        return item

    def flush(self, final: bool = False) -> None:
        if self.error or (not self.articles and not self.links):
            return
        articles, links = self.articles, self.links
        self.articles, self.links = [], []
        if self.dry_run:
            self.records.extend(articles)
            for record in articles:
                self.new_by_source[record.source_id] += 1
                self.spider.reports[record.source_id].new_articles += 1
            return
        try:
            with transaction(self.factory) as session:
                new = store.store_articles(session, articles)
                pending = store.link_sources(session, links)
        except SQLAlchemyError as exc:
            self.error = f"database write failed: {type(exc).__name__}: {getattr(exc, 'orig', exc)}"
            log.error("%s", self.error)
            self.crawler.engine.close_spider(self.spider, "database_error")
            return
        for source_id, count in new.items():
            self.new_by_source[source_id] += count
            self.spider.reports[source_id].new_articles += count
        # Links to articles still in flight are retried with the next batch.
        self.links.extend(pending if not final else [])

    def close_spider(self, spider=None):
        if self.timer and self.timer.running:
            self.timer.stop()
        self.flush()
        self.flush(final=True)
