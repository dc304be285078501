"""robots.txt: every request waiting for it is refused what it forbids, and a fresh copy is
used again in the next run instead of asking the site."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from models.db import make_engine, session_factory, transaction
from models.entities import RobotsTxt
from tests.conftest import cli_env
from tests.webs import robots


@pytest.fixture
def robots_web(tmp_path):
    from fakeweb.launcher import FakeWeb

    with FakeWeb("tests.webs.robots:build", log=tmp_path / "log.jsonl", first=95) as web:
        yield web


def _crawl(cli, env, web, sources) -> tuple[list[str], list[str]]:
    """(paths requested, URLs stored) of one crawl."""
    before = len(web.requests())
    result = cli(["crawl", "--sources", str(sources)], env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    exported = cli(["export"], env)
    stored = sorted(json.loads(line)["url"] for line in exported.stdout.splitlines())
    return [r["path"] for r in web.requests()[before:]], stored


def test_robots_txt_refuses_every_waiting_request_and_is_kept_for_a_day(
    cli, db_url, robots_web, tmp_path
):
    sources = tmp_path / "sources.yaml"
    sources.write_text(robots.sources_yaml(robots_web.sites), encoding="utf-8")
    env = cli_env(db_url, HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true")

    # Six start requests wait together for the slow robots.txt; five of them are forbidden.
    # (Scrapy 2.13's own middleware let all but the first waiter through.)
    paths, stored = _crawl(cli, env, robots_web, sources)
    assert paths.count("/robots.txt") == 1, paths
    assert not [p for p in paths if p.startswith("/intern/")], paths
    assert len(stored) == 2 and all("/nieuws/traag-" in url for url in stored), stored
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        kept = session.scalars(select(RobotsTxt)).one()
    assert kept.origin == robots_web.sites["traag"] and kept.status == 200
    assert kept.body.decode().startswith(robots.ROBOTS)

    # The next night: the stored copy decides, without asking the site.
    paths, _ = _crawl(cli, env, robots_web, sources)
    assert "/robots.txt" not in paths and "/nieuws.rss" in paths, paths
    assert not [p for p in paths if p.startswith("/intern/")], paths

    # A copy older than a day is read again (RFC 9309: at most 24 hours).
    with transaction(session_factory(engine)) as session:
        stale = datetime.now(UTC) - timedelta(hours=25)
        session.execute(update(RobotsTxt).values(fetched_at=stale))
    paths, _ = _crawl(cli, env, robots_web, sources)
    assert paths.count("/robots.txt") == 1, paths
    with session_factory(engine)() as session:
        assert session.scalars(select(RobotsTxt)).one().fetched_at > stale

    # HOWARDSHOME_ROBOTS_MAX_AGE_HOURS=0: read every run.
    paths, _ = _crawl(cli, {**env, "HOWARDSHOME_ROBOTS_MAX_AGE_HOURS": "0"}, robots_web, sources)
    assert paths.count("/robots.txt") == 1, paths
    engine.dispose()


def test_older_copies_are_kept_for_a_server_error_and_dropped_after_stale_days(db_url):
    from models.db import ensure_schema
    from models.robots import STALE_DAYS, save_robots, stored_robots

    engine = make_engine(db_url)
    ensure_schema(engine)
    now = datetime.now(UTC)
    ages = {"http://vers.test": timedelta(hours=2), "http://oud.test": timedelta(days=3),
            "http://te-oud.test": timedelta(days=STALE_DAYS + 1)}  # fmt: skip
    with transaction(session_factory(engine)) as session:
        save_robots(session, {o: (f"# {o}".encode(), 200) for o in ages}, 24)
        for origin, age in ages.items():
            session.execute(
                update(RobotsTxt).where(RobotsTxt.origin == origin).values(fetched_at=now - age)
            )
    with transaction(session_factory(engine)) as session:
        fresh, stale = stored_robots(session, 24)
        assert set(fresh) == {"http://vers.test"}
        assert set(stale) == {"http://oud.test"}  # not fresh, and younger than STALE_DAYS
        body, read_at = stale["http://oud.test"]
        assert body == b"# http://oud.test"
        assert abs((read_at - (now - ages["http://oud.test"])).total_seconds()) < 5
        save_robots(session, {}, 24)  # the end of a run: copies past STALE_DAYS go
    with session_factory(engine)() as session:
        kept = set(session.scalars(select(RobotsTxt.origin)))
    assert kept == {"http://vers.test", "http://oud.test"}
    engine.dispose()
