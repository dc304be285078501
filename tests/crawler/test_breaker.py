"""A source whose pages all hang is given up after a few failures; the others are unaffected."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from crawler.breaker import SourceBreakerMiddleware
from models.db import make_engine, session_factory
from models.entities import SourceRun
from tests.conftest import cli_env
from tests.webs import hanging

LIMIT = 3


@pytest.fixture
def hanging_web(tmp_path):
    from fakeweb.launcher import FakeWeb

    with FakeWeb("tests.webs.hanging:build", log=tmp_path / "log.jsonl", first=90) as web:
        yield web


def test_a_source_that_keeps_timing_out_is_given_up_for_the_run(cli, db_url, hanging_web, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(hanging.sources_yaml(hanging_web.sites), encoding="utf-8")
    env = cli_env(
        db_url,
        HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true",
        HOWARDSHOME_DOWNLOAD_TIMEOUT="1",
        HOWARDSHOME_SOURCE_MAX_FAILURES=str(LIMIT),
    )
    result = cli(["crawl", "--sources", str(sources)], env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]

    exported = cli(["export"], env)
    stored = [json.loads(line) for line in exported.stdout.splitlines()]
    assert sorted(a["source"] for a in stored) == ["gezond"] * 3

    # Every attempt counts. Slots freed by the failures that trip it may start a few more
    # (4 per site in these tests) before it trips; nothing after. Without it, all 12 pages x
    # 3 attempts (RETRY_TIMES 2) would be requested. On a saturated machine the reactor handles
    # timeouts late and staggered, so a third round of slots is allowed (14 seen once in CI).
    requested = [
        r
        for r in hanging_web.requests()
        if r["site"] == "hangt" and r["path"].startswith("/nieuws/")
    ]
    assert len(requested) <= LIMIT + 3 * 4 < hanging.HANGING * 3, len(requested)

    with session_factory(make_engine(db_url))() as session:
        run = session.scalars(select(SourceRun).where(SourceRun.source_id == "hangt")).one()
    reasons = [e["reason"] for e in run.errors]
    assert len(reasons) == hanging.HANGING and all("timeout" in r for r in reasons), reasons
    given_up = f"failed {LIMIT} download attempts in a row"
    assert any(given_up in r for r in reasons), reasons


def test_one_success_resets_the_count():
    from scrapy.exceptions import IgnoreRequest
    from scrapy.http import Request, Response
    from twisted.internet.error import TimeoutError

    breaker = SourceBreakerMiddleware(limit=2)
    request = Request("http://x.nl/a", meta={"source_id": "x"})
    breaker.process_exception(request, TimeoutError())
    breaker.process_response(request, Response(request.url, status=200))
    breaker.process_exception(request, TimeoutError())
    assert breaker.process_request(request) is None  # 1 failure in a row, not 2
    breaker.process_response(request, Response(request.url, status=503))
    with pytest.raises(IgnoreRequest, match="failed 2 download attempts in a row"):
        breaker.process_request(request)
    other = Request("http://y.nl/a", meta={"source_id": "y"})
    assert breaker.process_request(other) is None  # per source
