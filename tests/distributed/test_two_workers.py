"""Two workers and a coordinator crawl the basic web together, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import redis

from tests.conftest import cli_env
from tests.webs import basic


@pytest.fixture
def env(db_url, tmp_path, basic_web, redis_url):
    path = tmp_path / "sources.yaml"
    path.write_text(basic.sources_yaml(basic_web.sites), encoding="utf-8")
    return cli_env(
        db_url,
        HOWARDSHOME_SOURCES=str(path),
        HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true",
        HOWARDSHOME_REDIS_URL=redis_url,
        HOWARDSHOME_EXTRACT_WORKERS="1",
        HOWARDSHOME_WORKER_TIMEOUT="3",
    )


def _export(cli, env) -> list[dict]:
    result = cli(["export"], env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_two_workers_store_every_article_once(cli, env, basic_web, processes, redis_url):
    assert cli(["db", "upgrade"], env).returncode == 0
    before = len(basic_web.requests())
    workers = [processes(["worker"], env, f"worker{i}") for i in (1, 2)]
    for worker in workers:
        worker.wait_for("waiting for a crawl run")
    crawl = cli(["crawl"], env, timeout=120)
    assert crawl.returncode == 0, crawl.stderr[-3000:] + crawl.stdout
    for worker in workers:
        assert worker.wait(30) == 0, worker.output()[-3000:]
    logs = [w.output() for w in workers]

    articles = _export(cli, env)
    assert len(articles) == basic.TOTAL_ARTICLES, (crawl.stdout, logs)
    assert len({a["url"] for a in articles}) == len(articles)
    for source, count in basic.expected_articles().items():
        assert len([a for a in articles if source in a["sources"]]) == count, source
    shared = [a for a in articles if set(a["sources"]) == {"rss2", "syndicator"}]
    assert len(shared) == 1
    assert f"{basic.TOTAL_ARTICLES} new articles" in crawl.stdout, crawl.stdout
    assert "FAILED broken" in crawl.stdout and "HTTP 500" in crawl.stdout
    assert "FAILED htmlfeed" in crawl.stdout and "not a feed" in crawl.stdout

    # No page fetched twice by the two workers together (robots.txt: once per worker and site;
    # the broken feed: Scrapy's retries).
    fetched = Counter((r["site"], r["path"]) for r in basic_web.requests()[before:])
    twice = {k: n for k, n in fetched.items() if n > 1 and k[1] != "/robots.txt"
             and k != ("broken", "/nieuws.rss")}  # fmt: skip
    assert not twice, twice

    # The run's keys are gone; nothing without an expiry is left behind.
    client = redis.Redis.from_url(redis_url)
    left = list(client.scan_iter("howardshome:*"))
    assert all(client.ttl(key) > 0 for key in left), {k: client.ttl(k) for k in left}
    assert not [k for k in left if b":requests" in k or b":dupefilter" in k], left

    # A second distributed crawl of the unchanged web finds nothing new.
    again = [processes(["worker"], env, f"again{i}") for i in (1, 2)]
    second = cli(["crawl"], env, timeout=120)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "0 new articles" in second.stdout, second.stdout
    for worker in again:
        assert worker.wait(30) == 0, worker.output()[-3000:]
    assert len(_export(cli, env)) == basic.TOTAL_ARTICLES
