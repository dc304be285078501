"""`howardshome crawl` in distributed mode: seed a run into Redis, wait until the workers have
drained it, and record it exactly as a crawl on one machine would (reports, validators, run)."""

from __future__ import annotations

import json
import logging
import pickle
import signal
import time
from datetime import UTC, datetime

import redis

from crawler.distributed.keys import CURRENT, connect, process_id, safe_redis_url, text
from crawler.distributed.reports import merge_reports
from crawler.distributed.scheduler import LeaseQueue, request_id
from crawler.distributed.spider import DistributedAutoSpider
from crawler.distributed.state import RunState
from crawler.items import SourceLinkItem
from crawler.runner import CrawlOutcome, finish, prepare_run
from models import store
from models.db import session_factory, transaction
from models.errors import CrawlLockedError, DatabaseError
from models.health import close_run

log = logging.getLogger(__name__)

POLL = 0.5  # seconds between the coordinator's looks at the run
PROGRESS_EVERY = 30.0


def open_redis(settings) -> redis.Redis:
    try:
        return connect(settings.redis_url)
    except redis.RedisError as exc:
        raise DatabaseError(f"{exc} (HOWARDSHOME_REDIS_URL)") from None


def coordinate(settings, engine, catalog, taxonomy, only, trigger, run_id, lock, wait=True):
    """Seed the run; with `wait`, wait for the workers and finalize it (the crawl lock is held
    throughout). Without, the worker that finds the run drained finalizes it."""
    server = open_redis(settings)
    _end_abandoned_run(server, settings, engine)
    selected = [s for s in catalog.sources if (s.id in only if only else s.enabled)]
    started = datetime.now(UTC)
    run_id, note, state = prepare_run(engine, catalog, taxonomy, trigger, run_id, lock)
    run = RunState(server, run_id, settings.redis_run_ttl)
    queued = seed(run, settings, selected, taxonomy, state, started, note, wait)
    print(f"run {run_id}: {queued} start requests for {len(selected)} sources queued in "
          f"{safe_redis_url(settings.redis_url)}", flush=True)  # fmt: skip
    if not wait:
        return CrawlOutcome(run_id=run_id, status="seeded", new_articles=0, requests=queued)
    return wait_and_finalize(settings, run, session_factory(engine))


def seed(run: RunState, settings, sources, taxonomy, state, started, note, wait) -> int:
    """Queue the start requests of `sources` (as planned on one machine) and publish the run."""
    run.server.delete(*run.keys.all())  # (a run id is used once; leftovers of a reset database)
    # Planned as on one machine; what the plan claims (articles to retry) is claimed in Redis.
    spider = DistributedAutoSpider(sources=sources, window_days=settings.window_days,
                                   run_state=run, worker_id="seeder", **state)  # fmt: skip
    requests = list(spider.start_requests())
    plan = {sid: (r.method, list(r.discovery_urls)) for sid, r in spider.reports.items()}
    queue = LeaseQueue(run.server, spider, run.keys.requests, state=run, worker="seeder")
    keys, ttl = run.keys, run.ttl
    catalog = {"sources": sources, "taxonomy": taxonomy, "plan": plan, "note": note,
               "started": started, "window_start": spider.window_start}  # fmt: skip
    pipe = run.server.pipeline(transaction=True)
    pipe.set(keys.catalog, pickle.dumps(catalog), ex=ttl)
    pipe.hset(keys.meta, mapping={"status": "seeding", "wait": int(wait),
                                  "coordinator_at": time.time()})  # fmt: skip
    pipe.expire(keys.meta, ttl)
    for start in range(0, len(requests), 500):
        chunk = requests[start : start + 500]
        for request in chunk:
            request_id(request)
        pipe.zadd(keys.requests, {queue._encode_request(r): -r.priority for r in chunk})
    pipe.expire(keys.requests, ttl)
    if spider.discovering:
        pipe.hset(keys.discovering, mapping=dict.fromkeys(spider.discovering, "seed"))
        pipe.expire(keys.discovering, ttl)
    pipe.hset(keys.meta, "status", "running")
    pipe.set(CURRENT, run.keys.run_id, ex=ttl)
    pipe.execute()
    return len(requests)


class _Stopped(Exception):
    pass


def _stop(signum, frame):
    raise _Stopped(signal.Signals(signum).name)


def wait_and_finalize(settings, run: RunState, factory) -> CrawlOutcome:
    """Poll until the queue is empty and nothing is leased (requeueing dead workers' requests),
    then finalize. SIGTERM/SIGINT end the run as failed and delete its keys (workers stop)."""
    previous = {s: signal.signal(s, _stop) for s in (signal.SIGTERM, signal.SIGINT)}
    keys = run.keys
    last_note = time.monotonic()
    try:
        while True:
            pipe = run.server.pipeline()
            pipe.hset(keys.meta, "coordinator_at", time.time())
            pipe.expire(keys.meta, run.ttl)
            pipe.expire(keys.catalog, run.ttl)
            pipe.hget(keys.meta, "error")
            error = pipe.execute()[-1]
            moved = run.requeue_dead(settings.worker_timeout)
            if moved:
                log.warning("run %s: requeued %d requests of a worker that stopped", keys.run_id,
                            moved)  # fmt: skip
            queued, leased = run.pending()
            if error or (queued == 0 and leased == 0):
                break
            if time.monotonic() - last_note > PROGRESS_EVERY:
                last_note = time.monotonic()
                workers = run.live_workers(settings.worker_timeout)
                print(f"run {keys.run_id}: {queued} queued, {leased} in progress, {workers} "
                      "workers (start more with `howardshome worker`)", flush=True)  # fmt: skip
            time.sleep(POLL)
    except _Stopped as exc:
        with transaction(factory) as session:
            close_run(session, keys.run_id, "failed", f"coordinator stopped ({exc})")
        delete_run(run)
        raise SystemExit(2) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    outcome = finalize(settings, run, factory, "coordinator")
    assert outcome is not None  # nobody else finalizes a run its coordinator waits for
    return outcome


def finalize_if_drained(settings, run: RunState, factory) -> bool:
    """For runs seeded with --no-wait: finalize when drained; True when the run is over."""
    queued, leased = run.pending()
    if queued or leased:
        return False
    finalize(settings, run, factory, process_id())
    return True


def finalize(settings, run: RunState, factory, who: str) -> CrawlOutcome | None:
    """Record the drained run (once, by whoever gets here first) and delete its keys."""
    server, keys = run.server, run.keys
    if not server.set(keys.finalizer, who, nx=True, ex=run.ttl):
        return None
    server.hset(keys.meta, "status", "finalizing")
    blob = server.get(keys.catalog)
    if not isinstance(blob, bytes):
        raise RuntimeError(f"run {keys.run_id}: its catalog is gone from Redis")
    catalog = pickle.loads(blob)
    error = text(server.hget(keys.meta, "error")) or None
    reports = merge_reports(run, catalog["sources"], catalog["plan"])
    requests = sum(json.loads(v)["requests"] for v in server.hvals(keys.stats))
    outcome = CrawlOutcome(
        run_id=keys.run_id,
        status="failed" if error else "completed",
        new_articles=sum(r["new_articles"] for r in reports),
        reports=reports,
        requests=requests,
        error=error,
    )
    links = [SourceLinkItem(**json.loads(v)) for v in server.lrange(keys.links, 0, -1)]
    if links and not error:  # their articles are all stored now (or never will be this run)
        with transaction(factory) as session:
            store.link_sources(session, links)
    states, listings = (
        {text(key): tuple(json.loads(value)) for key, value in server.hgetall(name).items()}
        for name in (keys.fetch_states, keys.listing_hashes)
    )
    errors = "; ".join(filter(None, [catalog["note"], error])) or None
    if error:  # (as on one machine: validators only after a complete run)
        states, listings = {}, {}
    finish(factory, outcome, states, catalog["started"], len(catalog["sources"]), errors, listings)
    delete_run(run)
    return outcome


def delete_run(run: RunState) -> None:
    run.server.delete(*run.keys.all())
    # Compare and delete: the pointer may already name the next run.
    if run.server.get(CURRENT) == str(run.keys.run_id).encode():
        run.server.delete(CURRENT)


def _end_abandoned_run(server: redis.Redis, settings, engine) -> None:
    """Refuse to seed over a live distributed run; end one nobody works on any more."""
    current = server.get(CURRENT)
    if current is None:
        return
    old = RunState(server, int(current), settings.redis_run_ttl)
    meta = server.hgetall(old.keys.meta)
    if meta:
        silent = time.time() - float(meta.get(b"coordinator_at", 0))
        coordinated = meta.get(b"wait") == b"1" and silent < settings.worker_timeout
        workers = old.live_workers(settings.worker_timeout)
        if coordinated or workers:
            raise CrawlLockedError(
                f"another distributed crawl is running (run {int(current)}, {workers} workers)"
            )
        with transaction(session_factory(engine)) as session:
            reason = f"abandoned: no coordinator or worker for {settings.worker_timeout:g} s"
            close_run(session, int(current), "failed", reason)
    delete_run(old)
