"""Per-site politeness shared by two workers, and a run seeded with --no-wait that the workers
finish and record themselves."""

from __future__ import annotations

from collections import defaultdict

from tests.conftest import cli_env
from tests.webs import basic

DELAY = 0.4


def test_two_workers_keep_one_delay_per_site(cli, tmp_path, basic_web, processes, redis_url):
    path = tmp_path / "sources.yaml"
    path.write_text(basic.sources_yaml(basic_web.sites), encoding="utf-8")
    env = cli_env(
        f"sqlite:///{tmp_path / 'polite.db'}",  # (the database plays no part in politeness)
        HOWARDSHOME_SOURCES=str(path),
        HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true",
        HOWARDSHOME_REDIS_URL=redis_url,
        HOWARDSHOME_EXTRACT_WORKERS="1",
        HOWARDSHOME_DOWNLOAD_DELAY=str(DELAY),
        HOWARDSHOME_CONCURRENT_REQUESTS_PER_DOMAIN="2",
    )
    assert cli(["db", "upgrade"], env).returncode == 0
    before = len(basic_web.requests())
    seeded = cli(["crawl", "--no-wait"], env)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    assert "start requests for 8 sources queued" in seeded.stdout, seeded.stdout
    workers = [processes(["worker"], env, f"worker{i}") for i in (1, 2)]
    for worker in workers:
        assert worker.wait(120) == 0, worker.output()[-3000:]
    assert all("requests" in w.output() for w in workers)

    # Each site saw its requests (both workers' together) spread over at least the delay each
    # (measured from first to last: a single answer may be logged late on a loaded machine).
    by_site = defaultdict(list)
    for request in basic_web.requests()[before:]:
        by_site[request["site"]].append(request["t"])
    spans = {site: (max(t) - min(t), len(t)) for site, t in by_site.items() if len(t) > 2}
    assert len(spans) >= 4, by_site
    for site, (span, count) in spans.items():
        assert span >= (count - 1) * DELAY * 0.85, (site, span, count)

    # The worker that found the run done recorded it as a crawl on one machine would.
    runs = cli(["runs"], env)
    assert " completed " in runs.stdout and f"{basic.TOTAL_ARTICLES:>6}" in runs.stdout, runs.stdout
    export = cli(["export"], env)
    assert len(export.stdout.splitlines()) == basic.TOTAL_ARTICLES


def test_the_shared_delay_spaces_every_reservation(redis_url):
    """Reservations for one host from many threads (workers) start an interval apart, by the
    Redis clock; other hosts are not held up."""
    import threading

    import redis

    from crawler.distributed.state import RunState

    state = RunState(redis.Redis.from_url(redis_url), 1, 60)
    now = state.server.time()
    starts, lock = [], threading.Lock()

    def reserve(host: str) -> None:
        for _ in range(5):
            _, start = state.reserve(host, 0.2)
            with lock:
                starts.append((host, start))

    threads = [threading.Thread(target=reserve, args=(h,)) for h in ("a", "a", "a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    a = sorted(t for host, t in starts if host == "a")
    assert len(a) == 15
    assert min(y - x for x, y in zip(a, a[1:], strict=False)) >= 0.2 - 1e-6, a
    assert a[-1] - (now[0] + now[1] / 1e6) >= 14 * 0.2 - 0.05
    b = sorted(t for host, t in starts if host == "b")
    assert b[0] - (now[0] + now[1] / 1e6) < 0.5  # not queued behind host a
    assert state.server.ttl(state.keys.polite) > 0
