"""A page that kills or hangs its extraction worker costs that page only, reported per source."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from models.entities import SeenUrl, SourceRun
from models.recrawl import MAX_ATTEMPTS
from tests.conftest import cli_env
from tests.crawler_perf import faultweb


@pytest.fixture(scope="module")
def fault_web(tmp_path_factory):
    from fakeweb.launcher import FakeWeb

    log = tmp_path_factory.mktemp("faultweb") / "requests.jsonl"
    with FakeWeb("tests.crawler_perf.faultweb:build", log=log, first=60) as web:
        yield web


def test_crashing_and_hanging_pages_cost_only_themselves(cli, db_url, fault_web, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(faultweb.sources_yaml(fault_web.sites), encoding="utf-8")
    env = cli_env(
        db_url,
        HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true",
        HOWARDSHOME_TEST_WORKER_FAULTS="1",
        HOWARDSHOME_EXTRACT_TIMEOUT="3",
        HOWARDSHOME_EXTRACT_WORKERS="2",
    )
    before = len(fault_web.requests())
    result = cli(["crawl", "--sources", str(sources)], env)
    assert result.returncode == 0, result.stderr + result.stdout
    first = {r["path"].rsplit("/", 1)[1] for r in fault_web.requests()[before:]}

    engine = create_engine(db_url)
    with Session(engine) as session:
        runs = {r.source_id: r for r in session.scalars(select(SourceRun))}
        seen = [(s.reason, s.retry_url, s.attempts) for s in session.scalars(select(SeenUrl))]
    engine.dispose()
    faulty = {e["url"].rsplit("/", 1)[1]: e["reason"] for e in runs["faulty"].errors}
    exported = cli(["export"], env)
    assert exported.returncode == 0, exported.stderr
    articles = [json.loads(line) for line in exported.stdout.splitlines()]
    stored = {a["url"].rsplit("/", 1)[1] for a in articles}
    expected = {f"{site}-{i}" for site, count in faultweb.GOOD.items() for i in range(count)}
    assert stored == expected, (result.stdout, faulty)

    assert "crashed" in faulty["faulty-crash"], faulty
    assert "timed out" in faulty["faulty-hang"], faulty
    assert set(faulty) == set(faultweb.FAULTS)
    assert runs["healthy"].errors == []
    assert runs["faulty"].new_articles == faultweb.GOOD["faulty"]

    # The page too short to keep is remembered as such; the failures are to be tried again.
    short = [u for u in first if u in faultweb.NOT_ARTICLES]
    assert short == list(faultweb.NOT_ARTICLES), first
    assert [r for r, retry, _ in seen if retry is None] == ["text shorter than 200 chars"], seen
    retry = {url.rsplit("/", 1)[1]: attempts for _, url, attempts in seen if url}
    assert retry == dict.fromkeys(faultweb.FAULTS, 1), seen

    # The next runs request the failed pages again although their feed answers 304, until
    # MAX_ATTEMPTS runs failed on them; no other article page is downloaded again.
    for run in range(2, MAX_ATTEMPTS + 2):
        before = len(fault_web.requests())
        again = cli(["crawl", "--sources", str(sources)], env)
        assert again.returncode == 0, again.stderr + again.stdout
        log = fault_web.requests()[before:]
        feeds = {r["status"] for r in log if r["path"].endswith(".rss")}
        assert feeds == {304}, log
        fetched = {r["path"].rsplit("/", 1)[1] for r in log}
        pages = expected | set(faultweb.NOT_ARTICLES) | set(faultweb.FAULTS)
        retried = set(faultweb.FAULTS) if run <= MAX_ATTEMPTS else set()
        assert fetched & pages == retried, (run, fetched)
