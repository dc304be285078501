"""Killing a crawl (SIGKILL) at any moment, then running it again, ends with the same articles."""

from __future__ import annotations

import pytest

from tests.conftest import cli_env
from tests.faults import web_crash
from tests.faults.crashes import Crawl, article_count, assert_consistent, snapshot


def _env(db_url: str) -> dict[str, str]:
    # Small batches so a run commits several times; two extraction workers to kill with it.
    return cli_env(
        db_url,
        HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true",
        HOWARDSHOME_STORE_BATCH_SIZE="4",
        HOWARDSHOME_EXTRACT_WORKERS="2",
    )


@pytest.fixture(scope="module")
def crash_web(tmp_path_factory):
    from fakeweb.launcher import FakeWeb

    log = tmp_path_factory.mktemp("crashweb") / "requests.jsonl"
    with FakeWeb("tests.faults.web_crash:build", log=log, first=70) as web:
        yield web


@pytest.fixture(scope="module")
def crash_sources(crash_web, tmp_path_factory):
    path = tmp_path_factory.mktemp("crashsources") / "sources.yaml"
    path.write_text(web_crash.sources_yaml(crash_web.sites), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(crash_sources, tmp_path_factory):
    """The articles of one uninterrupted crawl."""
    from tests.conftest import run_cli

    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'ref.db'}"
    result = run_cli(["crawl", "--sources", str(crash_sources)], _env(url))
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    snap = snapshot(url)
    assert len(snap) == web_crash.TOTAL
    assert len(snap[f"{_gemeente_first(crash_sources)}"]["sources"]) == 2
    return snap


def _gemeente_first(sources) -> str:
    text = sources.read_text()
    base = text.split("url: ", 1)[1].split("/\n", 1)[0]
    return f"{base}/nieuws/gemeente-0"


def _requests(web) -> int:
    return len(web.requests())


def test_crawl_killed_three_times_ends_like_an_uninterrupted_one(
    db_url, crash_web, crash_sources, reference, tmp_path
):
    env = _env(db_url)

    # 1. While fetching, before anything is stored (feeds and a few pages requested).
    seen = _requests(crash_web)
    crawl = Crawl(env, crash_sources, tmp_path / "run1.log")
    crawl.kill_when(lambda: _requests(crash_web) >= seen + 12)
    first = snapshot(db_url) if article_count(db_url) else {}
    assert_consistent(first, reference)

    # 2. Right after this run's first batch is committed.
    before = article_count(db_url)
    crawl = Crawl(env, crash_sources, tmp_path / "run2.log")
    crawl.kill_when(lambda: article_count(db_url) > before)
    second = snapshot(db_url)
    assert len(second) > len(first)
    assert_consistent(second, reference)

    # 3. Later, with batches committed and pages in flight, extraction workers busy.
    before = article_count(db_url)
    crawl = Crawl(env, crash_sources, tmp_path / "run3.log")
    crawl.kill_when(lambda: article_count(db_url) >= before + 8)
    third = snapshot(db_url)
    assert len(third) < web_crash.TOTAL, "the third crawl was meant to be interrupted"
    assert_consistent(third, reference)

    # Then a complete run: exactly the uninterrupted crawl's articles, sources and tags.
    crawl = Crawl(env, crash_sources, tmp_path / "run4.log")
    assert crawl.finish() == 0, crawl.output()[-3000:]
    final = snapshot(db_url)
    assert set(final) == set(reference)
    assert final == reference
