"""A crawl of the fault web: healthy sites stored, every faulty source recorded with its reason."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from models.db import make_engine, session_factory, transaction
from models.entities import RobotsTxt, Source, SourceRun
from models.robots import save_robots
from tests.faults.conftest import fault_env, refused_port
from tests.webs import faults


def _export(cli, env) -> list[dict]:
    result = cli(["export"], env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_fault_web_stores_healthy_sites_and_names_each_fault(cli, db_url, fault_web, tmp_path):
    sources = tmp_path / "sources.yaml"
    sources.write_text(faults.sources_yaml(fault_web.sites, refused_port()), encoding="utf-8")
    env = fault_env(db_url)

    started = time.monotonic()
    result = cli(["crawl", "--sources", str(sources)], env, timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    # Bounded: the slow site costs 3 attempts of the 2 s timeout, the rest is quick.
    assert elapsed < 60, f"crawl took {elapsed:.0f}s"

    articles = _export(cli, env)
    per_source = Counter(source for a in articles for source in a["sources"])
    assert dict(per_source) == faults.expected_articles(), result.stdout
    assert len({a["url"] for a in articles}) == len(articles)
    for article in articles:
        assert article["url"].startswith("http://"), article["url"]
        # A wrongly declared charset must not leave mojibake or replacement characters.
        assert "\ufffd" not in article["text"] and "Ã" not in article["text"], article["url"]
    accented = [a for a in articles if a["source"] in ("html-1252", "html-utf8-als-1252")]
    assert len(accented) == 4 and all(faults.ACCENTS in a["text"] for a in accented)

    # Every faulty source is in the source table with its precise reason, broken ones first.
    with session_factory(make_engine(db_url))() as session:
        table = {s.id: s for s in session.scalars(select(Source))}
        runs = {r.source_id: r for r in session.scalars(select(SourceRun))}
    for key, reason in faults.FAULTS.items():
        assert table[key].consecutive_failures == 1, key
        assert reason in (table[key].last_error or ""), (key, table[key].last_error)
        assert runs[key].status == "error"
        assert f"FAILED {key}:" in result.stdout and reason in result.stdout
    for key in faults.HEALTHY:
        assert table[key].consecutive_failures == 0, (key, table[key].last_error)
        assert table[key].last_success_at is not None
    # Broken article pages of a healthy site are recorded for that source's run.
    reasons = " | ".join(e["reason"] for e in runs["gemengd"].errors)
    assert "HTTP 500" in reasons and "connection reset" in reasons and "too large" in reasons

    status = cli(["sources", "status"], env)
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()[2:]
    failing = [line for line in lines if " FAILING " in line]
    assert len(failing) == len(faults.FAULTS)
    assert lines[: len(failing)] == failing, "broken sources sort first"
    for key, reason in faults.FAULTS.items():
        assert any(line.startswith(key + " ") and reason in line for line in failing), key

    log = fault_web.requests()
    # Retry-After honoured: the throttled feed was asked again after the second it asked for.
    throttled = [r for r in log if r["site"] == "eenmaal-429" and r["path"] == "/nieuws.rss"]
    assert [r["status"] for r in throttled] == [429, 200]
    assert throttled[1]["t"] - throttled[0]["t"] >= 1.0
    # Hostile links in a feed lead nowhere: only http(s) URLs are ever requested.
    hostile = [r["path"] for r in log if r["site"] == "feed-vijandig"]
    assert not any("passwd" in p or "intern" in p or "script" in p for p in hostile), hostile
    # robots.txt answering a server error forbids the site: nothing else there is asked for.
    asked = {r["path"] for r in log if r["site"] == "robots-500"}
    assert asked == {"/robots.txt"}, asked
    # A run that keeps failing counts up, and healthy sources add nothing twice.
    again = cli(["crawl", "--sources", str(sources)], env, timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 new articles" in again.stdout
    with session_factory(make_engine(db_url))() as session:
        assert session.get(Source, "fout-500").consecutive_failures == 2
        assert session.get(Source, "gezond").consecutive_failures == 0

    # A copy of the robots.txt read within STALE_DAYS stands in while the site answers 500
    # (RFC 9309 allows a cached copy): the site is read again, by that copy's rules.
    origin = fault_web.sites["robots-500"]
    engine = make_engine(db_url)
    with transaction(session_factory(engine)) as session:
        save_robots(session, {origin: (b"User-agent: *\nDisallow: /intern/\n", 200)}, 24)
        three_days_ago = datetime.now(UTC) - timedelta(days=3)
        session.execute(
            update(RobotsTxt).where(RobotsTxt.origin == origin).values(fetched_at=three_days_ago)
        )
    before = len(fault_web.requests())
    stale = cli(["crawl", "--sources", str(sources), "--source", "robots-500"], env, timeout=120)
    assert stale.returncode == 0, stale.stderr[-3000:]
    asked = [r["path"] for r in fault_web.requests()[before:] if r["site"] == "robots-500"]
    assert asked[0] == "/robots.txt" and "/nieuws.rss" in asked, asked
    with session_factory(engine)() as session:
        assert session.get(Source, "robots-500").consecutive_failures == 0
        copy = session.get(RobotsTxt, origin)  # kept as it was: an error refreshes nothing
        assert abs((copy.fetched_at - three_days_ago).total_seconds()) < 60, copy.fetched_at
    engine.dispose()
