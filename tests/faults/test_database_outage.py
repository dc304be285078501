"""PostgreSQL stopped mid-crawl: a clear failure, nothing committed lost, the next run completes."""

from __future__ import annotations

import time

import pytest

from tests.conftest import require_postgres
from tests.faults import pgcluster, web_crash
from tests.faults.conftest import crash_env
from tests.faults.crashes import Crawl, article_count, assert_consistent, snapshot


@pytest.fixture
def cluster():
    require_postgres(pgcluster.available())
    cluster = pgcluster.Cluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def test_postgres_stopped_mid_crawl(cluster, crash_web, crash_sources, reference, tmp_path):
    env = crash_env(cluster.url)
    crawl = Crawl(env, crash_sources, tmp_path / "run1.log")
    committed = 0

    def first_batch_committed() -> bool:
        nonlocal committed
        committed = article_count(cluster.url)
        return committed >= 4

    # Poll until the first batch is committed, then stop the database under the crawl.
    deadline = time.monotonic() + 120
    while not first_batch_committed():
        assert crawl.process.poll() is None, crawl.output()
        assert time.monotonic() < deadline, "no batch committed in time"
        time.sleep(0.01)
    cluster.stop("immediate")

    code = crawl.finish(timeout=120)
    output = crawl.output()
    assert code != 0, output[-3000:]
    assert "Traceback" not in output.split("crawl failed")[-1], output[-3000:]
    assert "crawl failed: database" in output or "error: database" in output, output[-3000:]

    cluster.start()
    kept = snapshot(cluster.url)
    assert len(kept) >= committed, "committed articles were lost"
    assert_consistent(kept, reference)

    again = Crawl(env, crash_sources, tmp_path / "run2.log")
    assert again.finish() == 0, again.output()[-3000:]
    assert snapshot(cluster.url) == reference
    assert len(reference) == web_crash.TOTAL
