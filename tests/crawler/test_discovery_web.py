"""End to end over the discovery web: every way of reading a source, politeness, incrementality,
deduplication and source health, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from models.db import make_engine, session_factory
from models.entities import Source, SourceRun
from tests.conftest import cli_env
from tests.webs import discovery


@pytest.fixture
def env(db_url, tmp_path, discovery_web):
    path = tmp_path / "sources.yaml"
    path.write_text(discovery.sources_yaml(discovery_web.sites), encoding="utf-8")
    return cli_env(
        db_url,
        HOWARDSHOME_SOURCES=str(path),
        HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true",
        HOWARDSHOME_DOWNLOAD_TIMEOUT="2",
        HOWARDSHOME_CONCURRENT_REQUESTS_PER_DOMAIN="2",
    )


def _crawl(cli, env, web) -> tuple[str, list[dict]]:
    before = len(web.requests())
    result = cli(["crawl"], env, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout
    return result.stdout, web.requests()[before:]


def _export(cli, env) -> list[dict]:
    result = cli(["export"], env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def _url(request: dict, web) -> str:
    return web.sites[request["site"]] + request["path"]


def test_every_way_of_reading_a_source(cli, db_url, env, discovery_web):
    web = discovery_web
    out, requests = _crawl(cli, env, web)
    articles = _export(cli, env)
    by_url = {a["url"]: a for a in articles}
    per_source, groups = discovery.expected(web.sites)

    # Every article stored exactly once, with its sources; nothing else stored.
    wanted = set().union(*per_source.values())
    for sources, candidates in groups:
        stored = [by_url[u] for u in candidates if u in by_url]
        assert len(stored) == 1, (sources, candidates, sorted(by_url))
        assert sources <= set(stored[0]["sources"]), stored[0]["sources"]
        wanted |= {stored[0]["url"]}
    assert set(by_url) == wanted, (sorted(set(by_url) - wanted), sorted(wanted - set(by_url)), out)
    assert len(articles) == len(by_url)
    for source, urls in per_source.items():
        for url in urls:
            assert source in by_url[url]["sources"], (source, url, by_url[url]["sources"])
    assert all("utm_" not in u and "fbclid" not in u and "sessie" not in u for u in by_url)
    undated = [a for a in articles if "nodate" in a["url"]]
    assert undated and all(a["date_estimated"] and not a["published_at"] for a in undated)
    assert not any(a["date_estimated"] for a in articles if "/nieuws/rss-" in a["url"])

    # Nothing disallowed by robots.txt, nothing beyond the bounds, no page twice.
    paths = {(r["site"], r["path"]) for r in requests}
    for site, never in discovery.NEVER.items():
        for path in never:
            assert (site, path) not in paths, (site, path)
    article_requests = [_url(r, web) for r in requests if r["path"].split("?")[0] in
                        {urlsplit(u).path for u in by_url}]  # fmt: skip
    tracking = [u for u in article_requests if "utm_" in u or "fbclid" in u]
    assert not tracking, tracking
    assert all(r["ua"].startswith("HowardsHomeBot/") and "+http" in r["ua"] for r in requests)

    # Broken sites are reported with their reason; every other site is healthy.
    engine = make_engine(env["HOWARDSHOME_DATABASE_URL"])
    with session_factory(engine)() as session:
        sources = {s.id: s for s in session.scalars(select(Source))}
        runs = {r.source_id: r for r in session.scalars(select(SourceRun))}
    engine.dispose()
    for source, reason in discovery.FAULTS.items():
        assert sources[source].consecutive_failures == 1, source
        assert reason in (sources[source].last_error or ""), (source, sources[source].last_error)
    for source, method in discovery.METHODS.items():
        assert sources[source].consecutive_failures == 0, (source, sources[source].last_error)
        assert sources[source].discovery_method == method, (
            source,
            sources[source].discovery_method,
        )
        assert runs[source].status == "ok" and runs[source].urls_seen > 0, source
    assert sources["home-robots"].discovery_urls == [
        web.sites["home-robots"] + "/sitemaps/nieuws.xml"
    ]
    assert sources["home-pers"].discovery_urls == [web.sites["home-pers"] + "/persberichten"]
    assert sources["home-feedpath"].discovery_urls == [web.sites["home-feedpath"] + "/feed"]

    status = cli(["sources", "status"], env)
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()[2:]
    failing = [line.split()[0] for line in lines if "FAILING" in line]
    assert set(failing) == set(discovery.FAULTS), status.stdout
    assert [line.split()[0] for line in lines[: len(failing)]] == failing, "broken sources first"
    for source, reason in discovery.FAULTS.items():
        assert any(line.startswith(source + " ") and reason in line for line in lines), source
    robots_line = next(line for line in lines if line.startswith("home-robots "))
    assert robots_line.split()[3:5] == ["sitemap", "2"], robots_line  # method, URLs seen
    assert robots_line.endswith(web.sites["home-robots"] + "/sitemaps/nieuws.xml"), robots_line

    # A remembered method that stops working is rediscovered (here: the feed URL moved).
    engine = make_engine(env["HOWARDSHOME_DATABASE_URL"])
    with session_factory(engine).begin() as session:
        moved = session.get(Source, "home-alternate")
        moved.discovery_urls = [web.sites["home-alternate"] + "/oude-feed.rss"]

    # A second crawl over the unchanged web downloads no article page at all.
    out2, requests2 = _crawl(cli, env, web)
    fetched = [_url(r, web) for r in requests2]
    article_paths = {(urlsplit(u).hostname, urlsplit(u).path) for u in by_url}
    again = [u for u in fetched if (urlsplit(u).hostname, urlsplit(u).path) in article_paths]
    assert not again, again
    assert "0 new articles" in out2, out2
    assert any(r["status"] == 304 for r in requests2)
    homepage_probes = [
        r
        for r in requests2
        if r["site"].startswith("home-") and r["site"] != "home-alternate"
        and r["path"] != "/robots.txt"
    ]  # fmt: skip
    assert all(r["status"] == 304 for r in homepage_probes), homepage_probes
    assert len(_export(cli, env)) == len(articles)
    with session_factory(engine)() as session:
        moved = session.get(Source, "home-alternate")
        assert moved.discovery_urls == [web.sites["home-alternate"] + "/nieuws.rss"]
        last = session.scalars(
            select(SourceRun)
            .where(SourceRun.source_id == "home-alternate")
            .order_by(SourceRun.run_id.desc())
        ).first()
        assert last.status == "ok" and "rediscovered" in last.errors[0]["reason"], last.errors
    engine.dispose()
