"""End to end: a real Scrapy crawl over HTTP of feed-based sources into each database."""

from __future__ import annotations

import json

import feedparser
import pytest

from tests.conftest import cli_env
from tests.webs import basic


@pytest.fixture
def sources_file(tmp_path, basic_web):
    path = tmp_path / "sources.yaml"
    path.write_text(basic.sources_yaml(basic_web.sites), encoding="utf-8")
    return path


def _export(cli, env) -> list[dict]:
    result = cli(["export"], env)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_crawl_stores_every_feed_article_once(cli, db_url, sources_file, basic_web):
    env = cli_env(db_url, HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true")
    first = cli(["crawl", "--sources", str(sources_file)], env)
    assert first.returncode == 0, first.stderr + first.stdout
    articles = _export(cli, env)
    assert len(articles) == basic.TOTAL_ARTICLES, first.stdout
    assert len({a["url"] for a in articles}) == len(articles)
    for source, count in basic.expected_articles().items():
        published = [a for a in articles if source in a["sources"]]
        assert len(published) == count, (source, first.stdout)
    # Every stored article has text, a title and a date (RSS 0.91 has none: from the page).
    for article in articles:
        assert len(article["text"]) > 200
        assert article["title"]
        assert article["language"] == "nl"
        assert article["published_at"], article["url"]
        assert "utm_" not in article["url"]
    assert not any("/old-" in a["url"] for a in articles), "outside the 30-day window"
    # The syndicated copy is one article listing both sources.
    shared = [a for a in articles if set(a["sources"]) == {"rss2", "syndicator"}]
    assert len(shared) == 1
    # Broken sources are reported with their reason, the run still completes.
    assert "FAILED broken" in first.stdout and "HTTP 500" in first.stdout
    assert "FAILED htmlfeed" in first.stdout and "not a feed" in first.stdout

    second = cli(["crawl", "--sources", str(sources_file)], env)
    assert second.returncode == 0, second.stderr
    assert "0 new articles" in second.stdout
    assert len(_export(cli, env)) == len(articles)


def test_default_settings_refuse_loopback(cli, db_url, sources_file):
    env = cli_env(db_url)
    env.pop("HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES", None)
    result = cli(["crawl", "--sources", str(sources_file), "--source", "rss2"], env)
    assert result.returncode == 0, result.stderr
    assert "FAILED rss2" in result.stdout
    assert "private or loopback address" in result.stdout
    assert "HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES" in result.stdout
    assert _export(cli, env) == []


def test_portal_serves_crawled_articles_and_feeds(cli, db_url, sources_file):
    from fastapi.testclient import TestClient

    from models.settings import Settings
    from portal.app import create_app

    env = cli_env(db_url, HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true")
    assert cli(["crawl", "--sources", str(sources_file)], env).returncode == 0
    client = TestClient(create_app(Settings(database_url=db_url)))
    home = client.get("/")
    assert home.status_code == 200
    assert "Laatste nieuws" in home.text
    feed = feedparser.parse(client.get("/feeds/all.xml").content)
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) >= 10
    themes = client.get("/api/themes").json()
    assert len(themes) >= 15
    for theme in themes:
        parsed = feedparser.parse(client.get(f"/feeds/themes/{theme['slug']}.xml").content)
        assert not parsed.bozo, (theme["slug"], parsed.bozo_exception)
    page = client.get("/api/articles", params={"limit": 5}).json()
    assert len(page["items"]) == 5 and page["next_cursor"]
    detail = client.get(f"/articles/{page['items'][0]['id']}")
    assert detail.status_code == 200 and "Lees het volledige bericht" in detail.text
