"""Extended: feedparser's own ill-formed and wrongly encoded feeds, crawled as 101 sources.

Runs when ../shared/realweb/feedparser-tests is present. Every feed gets a verdict (read, or
failed with a reason), no feed makes the spider raise, and the run completes in bounded time.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from models.db import make_engine, session_factory
from models.entities import SourceRun
from tests.faults import web_feedparser
from tests.faults.conftest import fault_env


def test_feedparser_collection_never_breaks_a_crawl(cli, tmp_path):
    if not web_feedparser.DIR.is_dir():
        pytest.skip(f"{web_feedparser.DIR} is not present")
    from fakeweb.launcher import FakeWeb

    db_url = f"sqlite:///{tmp_path / 'fp.db'}"
    log = tmp_path / "requests.jsonl"
    with FakeWeb("tests.faults.web_feedparser:build", log=log, first=120) as web:
        sources = tmp_path / "sources.yaml"
        sources.write_text(web_feedparser.sources_yaml(web.sites), encoding="utf-8")
        env = fault_env(db_url, HOWARDSHOME_CONCURRENT_REQUESTS_PER_DOMAIN="16")
        started = time.monotonic()
        result = cli(["crawl", "--sources", str(sources)], env, timeout=300)
        requested = {r["path"] for r in web.requests()}
    assert result.returncode == 0, result.stderr[-3000:]
    assert time.monotonic() - started < 120
    assert "Spider error" not in result.stderr, result.stderr[-5000:]
    assert "DNS lookup" not in result.stderr, "the crawl tried to leave loopback"
    assert len(requested) >= len(web_feedparser.files())
    assert "Traceback" not in result.stderr, result.stderr[-5000:]
    with session_factory(make_engine(db_url))() as session:
        runs = list(session.scalars(select(SourceRun)))
    assert len(runs) == len(web_feedparser.files()) >= 90
    for run in runs:
        if run.status == "error":
            reason = run.errors[0]["reason"] if run.errors else ""
            assert reason and reason != "no feed, sitemap or listing found", (run.source_id, reason)
