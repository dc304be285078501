"""Killing a crawl (SIGKILL) at any moment, then running it again, ends with the same articles."""

from __future__ import annotations

from tests.faults import web_crash
from tests.faults.conftest import crash_env
from tests.faults.crashes import Crawl, article_count, assert_consistent, crawl_runs, snapshot


def _requests(web) -> int:
    return len(web.requests())


def test_crawl_killed_three_times_ends_like_an_uninterrupted_one(
    db_url, crash_web, crash_sources, reference, tmp_path
):
    env = crash_env(db_url)

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
    # The history tells the truth: the killed runs failed, the last one completed.
    runs = crawl_runs(db_url)
    assert [status for status, _ in runs] == ["failed"] * 3 + ["completed"], runs
    assert all("died" in (error or "") for _, error in runs[:3]), runs
