"""A worker's part in a run: heartbeat, acknowledging finished requests, sharing its reports.

A request taken from the queue stays leased until its response (or failure) has gone through
the spider and the pipelines and what it produced is committed to the database; then the lease
is released in the same Redis transaction that publishes the worker's reports, new validators
and unresolved source links. A worker killed at any moment has therefore either published a
request's effects or left its lease to be requeued (see state.REQUEUE).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task

from crawler.distributed.reports import figures, published
from crawler.distributed.scheduler import LEASE
from crawler.report import SourceReport

log = logging.getLogger(__name__)

ACK_INTERVAL = 1.0  # seconds between commits of finished requests


class RunExtension:
    def __init__(self, crawler):
        self.crawler = crawler
        self.ready: list[str] = []  # leases whose request is done, to release after a commit
        self.committing = False
        self.written: dict[str, tuple] = {}  # source -> the report figures last published
        self.states_written: set[tuple[str, str]] = set()
        self.stop = threading.Event()
        self.error: str | None = None
        self.untouched = figures(SourceReport(""))

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.engine_started, signal=signals.engine_started)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def engine_started(self):
        # An idle worker looks for requests other workers queued at the engine's heartbeat
        # (5 s by default): often enough to hand work over without a visible pause.
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = 0.5

    def spider_opened(self, spider):
        self.spider = spider
        self.state = spider.run_state
        self.timeout = spider.app_settings.worker_timeout
        pipelines = self.crawler.engine.scraper.itemproc.middlewares
        self.store = next(p for p in pipelines if type(p).__name__ == "StorePipeline")
        scraper = self.crawler.engine.scraper
        scrape = scraper.enqueue_scrape

        def enqueue_scrape(result, request):
            done = scrape(result, request)
            lease = request.meta.get(LEASE)
            if lease:  # the spider and the pipelines are through with it
                done.addBoth(self._done, lease)
            return done

        scraper.enqueue_scrape = enqueue_scrape
        self.state.heartbeat(spider.worker_id)
        self.beat = threading.Thread(target=self._beat, name="run-heartbeat", daemon=True)
        self.beat.start()
        self.loop = task.LoopingCall(self.commit)
        self.loop.start(ACK_INTERVAL, now=False)

    def _done(self, result, lease: str):
        self.ready.append(lease)
        return result

    def _beat(self) -> None:
        """From a thread: a busy reactor must not make this worker look dead."""
        while not self.stop.wait(max(min(self.timeout / 6, 5.0), 0.2)):
            try:
                self.state.heartbeat(self.spider.worker_id)
                moved = self.state.requeue_dead(self.timeout)
                if moved:
                    log.warning("requeued %d requests of a worker that stopped", moved)
            except Exception as exc:  # noqa: BLE001 - Redis may come back; the leases wait
                log.warning("run heartbeat failed: %s", exc)

    # -- commits ---------------------------------------------------------------------------------

    def commit(self):
        """Write what finished requests produced, then release their leases with the reports."""
        if self.committing:
            return None
        self.committing = True
        ready, self.ready = self.ready, []
        written = self.store.flush()
        written.addCallback(lambda _: self.store.lock.run(lambda: None))
        written.addCallback(lambda _: self._publish(ready))
        written.addErrback(self._failed, ready)
        written.addBoth(self._committed)
        return written

    def _committed(self, _):
        self.committing = False

    def _failed(self, failure, ready):
        log.error("run %s: commit failed: %s", self.state.keys.run_id, failure.getErrorMessage())
        self.ready = ready + self.ready  # tried again at the next commit

    def _publish(self, ready: list[str]) -> None:
        if self.store.error:  # nothing more is written; the leases go back when we are gone
            self._record_error(self.store.error)
            return
        keys, ttl, worker = self.state.keys, self.state.ttl, self.spider.worker_id
        pipe = self.state.server.pipeline(transaction=True)
        touched = set()
        changed = {}
        for source_id, report in self.spider.reports.items():
            now = figures(report)
            if now != self.written.get(source_id, self.untouched):
                changed[source_id] = now
                pipe.hset(keys.reports, f"{worker}|{source_id}", published(report))
                touched.add(keys.reports)
        states = self._new(keys.fetch_states, self.spider.new_fetch_states, pipe, touched)
        listings = self._new(keys.listing_hashes, self.spider.new_listing_hashes, pipe, touched)
        links, self.store.links = self.store.links, []
        if links:  # their article is not stored yet: the finalization links them
            pipe.rpush(keys.links, *(json.dumps(asdict(link)) for link in links))
            touched.add(keys.links)
        if changed or ready:
            requests = self.crawler.stats.get_value("downloader/request_count", 0)
            pipe.hset(keys.stats, worker, json.dumps({"requests": requests}))
            touched.add(keys.stats)
        if ready:
            pipe.hdel(keys.leases, *ready)
        if not touched and not ready:
            return
        for key in touched:
            pipe.expire(key, ttl)
        pipe.execute()
        self.written.update(changed)
        self.states_written.update(states)
        self.states_written.update(listings)

    def _new(self, key: str, values: dict, pipe, touched: set) -> set[tuple[str, str]]:
        """Validators (or listing hashes) not published yet, queued on `pipe`; returns their
        (key, field) pairs."""
        new = {k: v for k, v in values.items() if (key, k) not in self.states_written}
        if new:
            pipe.hset(key, mapping={k: json.dumps(v) for k, v in new.items()})
            touched.add(key)
        return {(key, k) for k in new}

    def _record_error(self, error: str) -> None:
        if self.error is None:
            self.error = error
            where = self.spider.worker_id
            self.state.server.hset(self.state.keys.meta, "error", f"worker {where}: {error}")

    # -- the end of the run ----------------------------------------------------------------------

    def spider_idle(self, spider):
        if self.store.error:
            return  # this worker stops; its unreleased requests go to the others
        if not self.state.server.exists(self.state.keys.meta):
            return  # the run was finalized: close
        meta = self.state.server.hgetall(self.state.keys.meta)
        if meta.get(b"wait") == b"0" and meta.get(b"status") == b"running" and not self.ready:
            # Seeded with --no-wait: the worker that finds the run drained finalizes it.
            from crawler.distributed.coordinator import finalize_if_drained

            if finalize_if_drained(spider.app_settings, self.state, spider.session_factory):
                return
        raise DontCloseSpider

    def spider_closed(self, spider, reason):
        self.stop.set()
        if self.loop.running:
            self.loop.stop()
        self.beat.join(5)
        if reason not in ("finished", "shutdown"):
            log.warning("worker %s stopped: %s", spider.worker_id, reason)
        if not self.state.server.exists(self.state.keys.meta):
            return  # the run is over: nothing left to hand back
        # The pipelines have written everything by now: release what is done, and hand what
        # is not (a stop before the end) back to the queue at once rather than after a timeout.
        self._publish(self.ready)
        self.ready = []
        self.state.server.zadd(self.state.keys.workers, {spider.worker_id: 0})
        self.state.requeue_dead(self.timeout)
