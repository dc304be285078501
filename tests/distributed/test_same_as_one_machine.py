"""The discovery web (every way of reading a source, faults included) crawled on one machine and
by two workers, one of them SIGKILLed midway: the same articles, links and source health."""

from __future__ import annotations

import json
import time

import pytest
import redis
from sqlalchemy import select

from crawler.distributed.keys import PREFIX
from models.db import make_engine, session_factory
from models.entities import Source
from tests.conftest import cli_env, run_cli
from tests.webs import discovery


def _env(db_url, sources, **extra):
    return cli_env(
        db_url,
        HOWARDSHOME_SOURCES=str(sources),
        HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true",
        HOWARDSHOME_DOWNLOAD_TIMEOUT="2",
        HOWARDSHOME_CONCURRENT_REQUESTS_PER_DOMAIN="2",
        HOWARDSHOME_EXTRACT_WORKERS="1",
        **extra,
    )


def _result(cli, env, web) -> tuple[dict, dict]:
    """Articles (url -> sorted sources) and source health (id -> what editors see). A copy
    syndicated by another source is named by its group: which copy is fetched first decides
    the URL kept, on one machine as on several."""
    groups = {url: f"group {n}" for n, (_, urls) in enumerate(discovery.expected(web.sites)[1])
              for url in urls}  # fmt: skip
    export = cli(["export"], env)
    assert export.returncode == 0, export.stderr
    articles = {}
    for line in export.stdout.splitlines():
        article = json.loads(line)
        url = groups.get(article["url"], article["url"])
        assert url not in articles, url
        articles[url] = sorted(article["sources"])
    engine = make_engine(env["HOWARDSHOME_DATABASE_URL"])
    with session_factory(engine)() as session:
        health = {
            # (articles_found is not compared: a syndicated copy counts for the source whose
            # copy was fetched first)
            s.id: (s.consecutive_failures, s.discovery_method, s.discovery_urls,
                   bool(s.last_error))
            for s in session.scalars(select(Source))
        }  # fmt: skip
    engine.dispose()
    return articles, health


def _sources(directory, web):
    path = directory / "sources.yaml"
    path.write_text(discovery.sources_yaml(web.sites), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def one_machine(tmp_path_factory, discovery_web):
    """The discovery web crawled on one machine (once per session): (articles, health,
    requests)."""
    directory = tmp_path_factory.mktemp("alone")
    env = _env(f"sqlite:///{directory / 'alone.db'}", _sources(directory, discovery_web))
    before = len(discovery_web.requests())
    single = run_cli(["crawl"], env, timeout=240)
    assert single.returncode == 0, single.stderr[-3000:]
    return (*_result(run_cli, env, discovery_web), len(discovery_web.requests()) - before)


def test_a_killed_worker_changes_nothing(cli, db_url, tmp_path, one_machine, discovery_web,
                                        processes, redis_url):  # fmt: skip
    web = discovery_web
    expected_articles, expected_health, single_requests = one_machine
    sources = _sources(tmp_path, web)
    # Four requests at a time per worker: neither can take the whole queue of this small web
    # into its downloader before the other has started (an idle worker looks for work only at
    # the engine's heartbeat), so both are crawling when one is killed.
    env = _env(db_url, sources, HOWARDSHOME_REDIS_URL=redis_url, HOWARDSHOME_WORKER_TIMEOUT="3",
               HOWARDSHOME_DOWNLOAD_DELAY="0.05", HOWARDSHOME_CONCURRENT_REQUESTS="4")  # fmt: skip
    assert cli(["db", "upgrade"], env).returncode == 0
    doomed, survivor = (processes(["worker"], env, name) for name in ("doomed", "survivor"))
    doomed.wait_for("waiting for a crawl run")
    survivor.wait_for("waiting for a crawl run")
    before = len(web.requests())
    crawl = processes(["crawl"], env, "coordinator")
    # Midway: a third of the pages the crawl needs are fetched.
    deadline = time.monotonic() + 120
    while len(web.requests()) - before < single_requests // 3:
        assert time.monotonic() < deadline, crawl.output()[-3000:]
        assert crawl.proc.poll() is None, crawl.output()[-3000:]
        time.sleep(0.05)
    # Kill it while it holds leases (requests taken, not yet done), so a requeue is needed.
    server = redis.Redis.from_url(redis_url)
    mine = f"-{doomed.proc.pid}-".encode()
    while not any(
        mine in field
        for key in server.scan_iter(f"{PREFIX}:run:*:leases")
        for field in server.hkeys(key)
    ):
        assert time.monotonic() < deadline and crawl.proc.poll() is None, (
            "the doomed worker never held a lease while the run lasted",
            doomed.output()[-2000:],
            crawl.output()[-2000:],
        )
        time.sleep(0.005)
    doomed.kill()
    assert crawl.wait(180) == 0, crawl.output()[-3000:]
    assert survivor.wait(30) == 0, survivor.output()[-3000:]
    assert "crawling run" in doomed.output(), doomed.output()
    out = crawl.output() + survivor.output()
    assert "requeued" in out, out[-3000:]  # the killed worker had requests in progress

    articles, health = _result(cli, env, web)
    # (The surviving worker takes up sites whose robots.txt it has not read with several
    # requests at once; with Scrapy's own middleware all but the first of them ignored it,
    # and the robots-block site's disallowed page was stored: see crawler/robots.py.)
    assert not [u for u in articles if u.endswith(discovery.ROBOTS_DISALLOWED)]
    assert articles == expected_articles, (set(articles) ^ set(expected_articles), out[-3000:])
    # (Reasons are not compared: the bomb is "too large" or, on a loaded machine, a timeout.)
    differ = {k: (v, expected_health.get(k)) for k, v in health.items()
              if v != expected_health.get(k)}  # fmt: skip
    assert not differ, differ
    for source in discovery.FAULTS:
        assert health[source][0] == 1 and health[source][3], (source, health[source])
    for source, method in discovery.METHODS.items():
        assert health[source][:2] == (0, method), (source, health[source])
    runs = cli(["runs"], env)
    assert " completed " in runs.stdout, runs.stdout
