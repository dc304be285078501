"""A page that kills or hangs its extraction worker costs that page only, reported per source."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from models.entities import SeenUrl, SourceRun
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
        seen = {s.url_hash: s.reason for s in session.scalars(select(SeenUrl))}
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

    # The page too short to keep is remembered as such; the failures are not (tried again).
    short = [u for u in first if u in faultweb.NOT_ARTICLES]
    assert short == list(faultweb.NOT_ARTICLES), first
    assert list(seen.values()) == ["text shorter than 200 chars"], seen
    before = len(fault_web.requests())
    again = cli(["crawl", "--sources", str(sources)], env)
    assert again.returncode == 0, again.stderr + again.stdout
    fetched = {r["path"].rsplit("/", 1)[1] for r in fault_web.requests()[before:]}
    assert fetched & (expected | set(faultweb.NOT_ARTICLES)) == set(), fetched
