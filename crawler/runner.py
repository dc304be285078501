"""Run one crawl in this process: sync the catalog, run the spider, record the run."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

# Scrapy's TLS modules build deprecated aliases with inspect.stack(), which reads the source of
# every frame on the stack: imported deep inside the reactor (where Scrapy builds its download
# handlers) that cost about 0.3 s of every crawl's start; imported here, the stack is short.
import scrapy.core.downloader.handlers.http11  # noqa: F401
from scrapy.crawler import CrawlerProcess
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from crawler.settings import scrapy_settings
from crawler.spiders.auto import AutoSpider
from crawler.urls import url_hash
from models import lock as crawl_lock
from models import recrawl, robots, runs, store
from models.db import ensure_schema, make_engine, safe_url, session_factory, transaction
from models.entities import Article, ArticleTheme, CrawlRun
from models.errors import CrawlLockedError, DatabaseError
from models.health import close_run
from models.logs import quiet_scrapy_logs
from models.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class CrawlOutcome:
    run_id: int | None
    status: str  # completed | failed
    new_articles: int
    reports: list[dict] = field(default_factory=list)
    requests: int = 0
    error: str | None = None
    records: list = field(default_factory=list)  # dry runs only: what would be stored

    @property
    def failing(self) -> list[dict]:
        return [r for r in self.reports if r["status"] == "error"]


def run_crawl(
    settings: Settings,
    catalog,
    taxonomy,
    only: list[str] | None = None,
    trigger: str = "manual",
    dry_run: bool = False,
    run_id: int | None = None,
    wait: bool = True,
) -> CrawlOutcome:
    """Crawl the enabled sources (or `only` these ids) once; the reactor runs once per process.

    Holds the crawl lock in the database throughout (raises CrawlLockedError when another crawl
    holds it). `run_id` continues a run the scheduler recorded; a dry run stores nothing at all.
    With HOWARDSHOME_REDIS_URL set, the run is seeded into Redis for `howardshome worker`s and,
    unless `wait` is False, awaited and finalized here.
    """
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    if dry_run:
        return _crawl(settings, engine, catalog, taxonomy, only, trigger, True, None, None)
    try:
        with crawl_lock.hold(engine, run_id, settings.crawl_lock_stale) as lock:
            if settings.redis_url:  # distributed: seed the run, let workers crawl it
                from crawler.distributed.coordinator import coordinate

                return coordinate(settings, engine, catalog, taxonomy, only, trigger, run_id,
                                  lock, wait)  # fmt: skip
            return _crawl(settings, engine, catalog, taxonomy, only, trigger, False, run_id, lock)
    except CrawlLockedError as exc:
        if run_id is not None:
            with transaction(session_factory(engine)) as session:
                close_run(session, run_id, "skipped", str(exc))
        raise


def _crawl(settings, engine, catalog, taxonomy, only, trigger, dry_run, run_id, lock):
    factory = session_factory(engine)
    selected = [s for s in catalog.sources if (s.id in only if only else s.enabled)]
    started = datetime.now(UTC)
    note = None
    state = empty_spider_state()
    if not dry_run:  # a dry run shows everything a source offers and writes nothing
        run_id, note, state = prepare_run(
            engine, catalog, taxonomy, trigger, run_id, lock, settings.robots_max_age_hours
        )

    quiet_scrapy_logs(settings.log_level)
    process = CrawlerProcess({**scrapy_settings(settings), "LOG_INSTALL_ROOT_HANDLER": False})
    quiet_scrapy_logs(settings.log_level)
    crawler = process.create_crawler(AutoSpider)
    process.crawl(
        crawler,
        sources=selected,
        window_days=settings.window_days,
        app_settings=settings,
        taxonomy=taxonomy,
        session_factory=factory,
        dry_run=dry_run,
        **state,
    )
    process.start()

    spider = cast(AutoSpider, crawler.spider)
    pipelines = crawler.engine.scraper.itemproc.middlewares if crawler.engine else ()
    store_pipeline = next((p for p in pipelines if type(p).__name__ == "StorePipeline"), None)
    reports = [r.as_dict() for r in spider.reports.values()]
    requests = crawler.stats.get_value("downloader/request_count", 0) if crawler.stats else 0
    error = store_pipeline.error if store_pipeline else None
    new_articles = sum(store_pipeline.new_by_source.values()) if store_pipeline else 0
    outcome = CrawlOutcome(
        run_id=run_id,
        status="failed" if error else "completed",
        new_articles=new_articles,
        reports=reports,
        requests=requests,
        error=error,
        records=store_pipeline.records if store_pipeline else [],
    )
    if dry_run:
        return outcome
    # Validators are saved only after a complete run: a killed crawl must not turn into a 304
    # for a feed whose articles were never stored.
    states = {} if error else spider.new_fetch_states
    errors = "; ".join(filter(None, [note, error])) or None
    listings = {} if error else spider.new_listing_hashes
    finish(factory, outcome, states, started, len(selected), errors, listings,
           (spider.new_robots, settings.robots_max_age_hours))  # fmt: skip
    return outcome


def prepare_run(engine, catalog, taxonomy, trigger: str, run_id: int | None, lock,
                robots_max_age_hours: float = 24):  # fmt: skip
    """Sync the catalog, record the run (or continue the scheduler's) and load the spider's
    state: (run_id, the run's note, AutoSpider keyword arguments)."""
    note = None
    try:
        with transaction(session_factory(engine)) as session:
            store.sync_sources(session, catalog.sources)
            store.sync_themes(session, taxonomy.themes)
            if run_id is None:
                run_id = runs.start_run(session, trigger)
            else:  # keeps the scheduler's note (e.g. the last valid sources.yaml was used)
                note = session.get(CrawlRun, run_id).error
            state = load_spider_state(session, robots_max_age_hours)
        if lock is not None:
            lock.set_run(run_id)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"database {safe_url(engine)}: {getattr(exc, 'orig', exc)}") from None
    return run_id, note, state


def empty_spider_state() -> dict:
    return {"known_hashes": set(), "seen_hashes": set(), "known_links": set(),
            "fetch_states": {}, "remembered": {}, "aliases": {}, "fingerprints": [],
            "listing_hashes": {}, "retries": [], "robots": {}, "stale_robots": {}}  # fmt: skip


def load_spider_state(session, robots_max_age_hours: float = 24) -> dict:
    """What the spider needs to know from earlier runs, as AutoSpider keyword arguments."""
    known = store.known_url_hashes(session)
    fresh_robots, stale_robots = robots.stored_robots(session, robots_max_age_hours)
    return {
        "robots": fresh_robots,
        "stale_robots": stale_robots,
        "known_hashes": known,
        "seen_hashes": store.seen_url_hashes(session) - known,
        "listing_hashes": recrawl.listing_hashes(session),
        "retries": [r for r in recrawl.retry_urls(session) if r[0] not in known],
        "known_links": store.known_links(session),
        "fetch_states": store.load_fetch_states(session),
        "fingerprints": store.recent_fingerprints(session),
        "remembered": store.remembered_methods(session),
        "aliases": {url_hash(url): key for url, key in store.found_urls(session)},
    }


def finish(factory, outcome: CrawlOutcome, fetch_states: dict, started: datetime,
           sources: int, errors: str | None,
           listing_hashes: dict | None = None,
           robots_read: tuple[dict, float] | None = None) -> None:  # fmt: skip
    """Record the sources' reports, the new validators and the run's figures (one transaction).

    A database error marks `outcome` failed instead of raising.
    """
    assert outcome.run_id is not None, "a dry run records nothing"
    try:
        with transaction(factory) as session:
            runs.record_source_runs(session, outcome.run_id, outcome.reports)
            store.save_fetch_states(session, fetch_states)
            recrawl.save_listing_hashes(session, listing_hashes or {})
            if robots_read is not None:
                robots.save_robots(session, *robots_read)
            recrawl.prune_seen(session)
            theme_counts = {
                slug: count
                for slug, count in session.execute(
                    select(ArticleTheme.theme_slug, func.count())
                    .join(Article, Article.id == ArticleTheme.article_id)
                    .where(Article.fetched_at >= started)
                    .group_by(ArticleTheme.theme_slug)
                )
            }
            stats = {
                "articles_new": outcome.new_articles,
                "requests": outcome.requests,
                "themes": theme_counts,
                "sources": sources,
                "failing_sources": [
                    {"id": r["source_id"], "reason": r["errors"][0]["reason"]}
                    for r in outcome.failing
                ],
            }
            runs.finish_run(session, outcome.run_id, outcome.status, stats, errors)
    except SQLAlchemyError as exc:
        outcome.status = "failed"
        outcome.error = outcome.error or f"database write failed: {getattr(exc, 'orig', exc)}"
