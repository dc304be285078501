"""`howardshome worker`: crawl the current distributed run with the same spider and pipelines."""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
import time

from scrapy.crawler import CrawlerProcess

from crawler.distributed.coordinator import open_redis
from crawler.distributed.keys import CURRENT, RunKeys, process_id, safe_redis_url
from crawler.distributed.spider import DistributedAutoSpider
from crawler.distributed.state import RunState
from crawler.runner import load_spider_state
from crawler.settings import scrapy_settings
from models.db import ensure_schema, make_engine, session_factory, transaction
from models.logs import quiet_scrapy_logs
from models.robots import save_robots

POLL = 1.0  # seconds between looks for a run to join


def run_worker(settings, forever: bool = False, run_id: int | None = None) -> int:
    """Join the current run (waiting for one to be seeded) and crawl it until it ends; with
    `forever`, join every run, each in a child process (Scrapy's reactor starts once)."""
    server = open_redis(settings)
    if not forever:
        return crawl_run(settings, server, run_id or wait_for_run(server, settings))
    finished = None
    while True:
        run_id = wait_for_run(server, settings, after=finished)
        child = subprocess.Popen([sys.executable, "-m", "cli", "worker", "--run", str(run_id)])
        _forward_stop(child)
        child.wait()
        finished = run_id


def _forward_stop(child: subprocess.Popen) -> None:
    def stop(signum, frame):
        child.send_signal(signum)
        child.wait()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def wait_for_run(server, settings, after: int | None = None) -> int:
    """The id of the run being crawled (not `after`), once there is one."""
    told = False
    while True:
        current = server.get(CURRENT)
        if current is not None and int(current) != after:
            status = server.hget(RunKeys(int(current)).meta, "status")
            if status in (b"seeding", b"running"):
                return int(current)
        if not told:
            print(f"waiting for a crawl run in {safe_redis_url(settings.redis_url)} "
                  "(`howardshome crawl` seeds one)", flush=True)  # fmt: skip
            told = True
        time.sleep(POLL)


def distributed_scrapy_settings(settings, keys: RunKeys) -> dict:
    """Scrapy settings of a worker: scrapy-redis over the run's keys, and the shared parts."""
    values = scrapy_settings(settings)
    values.update(
        {
            "SCHEDULER": "crawler.distributed.scheduler.RunScheduler",
            "SCHEDULER_QUEUE_KEY": keys.requests,
            "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
            "SCHEDULER_PERSIST": True,
            "DUPEFILTER_CLASS": "crawler.distributed.scheduler.RunDupeFilter",
            "REDIS_URL": settings.redis_url,
            "EXTENSIONS": {"crawler.distributed.extension.RunExtension": 0},
            "SPIDER_MIDDLEWARES": {
                **values.get("SPIDER_MIDDLEWARES", {}),
                "crawler.distributed.spider.OriginMiddleware": 990,
            },
            "DOWNLOADER_MIDDLEWARES": {
                **values["DOWNLOADER_MIDDLEWARES"],
                # Last before the download: redirects and retries pass it again.
                "crawler.distributed.politeness.SharedDelayMiddleware": 990,
            },
            "ITEM_PIPELINES": {
                **values["ITEM_PIPELINES"],
                "crawler.pipelines.dedupe.DedupePipeline": None,
                "crawler.distributed.dedupe.SharedDedupePipeline": 200,
            },
            "LOG_INSTALL_ROOT_HANDLER": False,
        }
    )
    return values


def crawl_run(settings, server, run_id: int) -> int:
    state = RunState(server, run_id, settings.redis_run_ttl)
    blob = server.get(state.keys.catalog)
    if blob is None:
        print(f"run {run_id} is over", flush=True)
        return 0
    catalog = pickle.loads(blob)
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    factory = session_factory(engine)
    with transaction(factory) as session:
        spider_state = load_spider_state(session, settings.robots_max_age_hours)
    worker_id = process_id()
    print(f"worker {worker_id}: crawling run {run_id}", flush=True)
    quiet_scrapy_logs(settings.log_level)
    process = CrawlerProcess(distributed_scrapy_settings(settings, state.keys))
    quiet_scrapy_logs(settings.log_level)
    crawler = process.create_crawler(DistributedAutoSpider)
    process.crawl(
        crawler,
        sources=catalog["sources"],
        window_days=settings.window_days,
        app_settings=settings,
        taxonomy=catalog["taxonomy"],
        session_factory=factory,
        dry_run=False,
        run_state=state,
        worker_id=worker_id,
        window_start=catalog["window_start"],
        **spider_state,
    )
    process.start()
    spider = crawler.spider
    assert isinstance(spider, DistributedAutoSpider)  # created above, from that class
    with transaction(factory) as session:  # every worker keeps the robots.txt files it read
        save_robots(session, spider.new_robots, settings.robots_max_age_hours)
    requests = crawler.stats.get_value("downloader/request_count", 0) if crawler.stats else 0
    new = sum(r.new_articles for r in spider.reports.values())
    print(f"worker {worker_id}: run {run_id}: {requests} requests, {new} new articles", flush=True)
    pipelines = crawler.engine.scraper.itemproc.middlewares if crawler.engine else ()
    error = next((p.error for p in pipelines if type(p).__name__ == "StorePipeline"), None)
    if error:
        print(f"worker failed: {error}", file=sys.stderr)
        return 2
    return 0
