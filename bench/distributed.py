"""The same web crawled on one machine, by one worker and by two workers: articles/s side by side.

    .venv/bin/python bench/distributed.py

Needs ../shared/realweb (or HOWARDSHOME_REALWEB), PostgreSQL (HOWARDSHOME_BENCH_PG) and Redis
(HOWARDSHOME_BENCH_REDIS, default redis://127.0.0.1:6379/9, emptied). Each crawl gets a fresh
database. The workers run on this machine, so they share its cores with each other and with
the coordinator: the figures show the cost of distribution, not the gain of more machines.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bench.crawl import _create_db, _drop_db, crawl_env, run_web, stored_articles  # noqa: E402
from bench.realweb import SITES_PER_COPY, load_pages, sources_yaml  # noqa: E402

REDIS = os.environ.get("HOWARDSHOME_BENCH_REDIS", "redis://127.0.0.1:6379/9")


def _env(db_url: str, sources: Path, redis_url: str | None) -> dict[str, str]:
    env = crawl_env(db_url, HOWARDSHOME_SOURCES=str(sources))
    if redis_url:
        env["HOWARDSHOME_REDIS_URL"] = redis_url
    return env


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli", *args]


def crawl(sources: Path, workers: int) -> dict:
    """One crawl into a fresh database: 0 workers is the single-machine mode."""
    db_url = _create_db()
    try:
        env = _env(db_url, sources, REDIS if workers else None)
        subprocess.run(_command("db", "upgrade"), env=env, cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
        started_workers = []
        for _ in range(workers):
            proc = subprocess.Popen(_command("worker"), env=env, cwd=ROOT, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
            assert "waiting for a crawl run" in proc.stdout.readline()
            started_workers.append(proc)
        started = time.perf_counter()
        result = subprocess.run(_command("crawl"), env=env, cwd=ROOT, capture_output=True,
                                text=True)  # fmt: skip
        seconds = time.perf_counter() - started
        for proc in started_workers:
            proc.communicate(timeout=60)
        if result.returncode != 0:
            raise SystemExit(f"crawl failed ({workers} workers):\n{result.stdout}{result.stderr}")
        articles = len(stored_articles(db_url))
        return {"workers": workers, "seconds": seconds, "articles": articles,
                "per_second": articles / seconds}  # fmt: skip
    finally:
        _drop_db(db_url)


def main() -> int:
    client = redis.Redis.from_url(REDIS)
    client.flushdb()
    pages = load_pages()
    work = Path(tempfile.mkdtemp(prefix="hh-bench-distributed-"))
    with run_web(1, work, work / "requests.jsonl") as web:
        sources = work / "sources.yaml"
        sources.write_text(sources_yaml(web.sites), encoding="utf-8")
        print(f"{len(pages)} pages on {SITES_PER_COPY} sites, {os.cpu_count()} cores", flush=True)
        print(f"{'mode':<26} {'seconds':>8} {'articles':>9} {'articles/s':>11}", flush=True)
        for workers in (0, 1, 2):
            row = crawl(sources, workers)
            mode = "one machine" if workers == 0 else f"{workers} worker(s) + coordinator"
            print(f"{mode:<26} {row['seconds']:>8.1f} {row['articles']:>9} "
                  f"{row['per_second']:>11.1f}", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
