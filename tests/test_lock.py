"""The crawl lock in the database: refusal with context, stale takeover, one winner in a race."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from models import lock
from models.db import ensure_schema, make_engine
from models.entities import CrawlLock, CrawlRun
from models.errors import CrawlLockedError
from tests.conftest import cli_env
from tests.webs import basic


@pytest.fixture
def engine(db_url):
    engine = make_engine(db_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _plant(engine, holder: str, pid: int, heartbeat_age: float, run_id: int | None = 7) -> None:
    beat = datetime.now(UTC) - timedelta(seconds=heartbeat_age)
    with engine.begin() as conn:
        conn.execute(
            insert(CrawlLock).values(
                name=lock.LOCK_NAME,
                holder=holder,
                pid=pid,
                run_id=run_id,
                acquired_at=beat,
                heartbeat_at=beat,
            )  # fmt: skip
        )


def _holder(engine) -> str:
    with engine.connect() as conn:
        return conn.execute(select(CrawlLock.holder)).scalar_one()


def test_second_acquire_is_refused_with_run_pid_and_time(engine):
    first = lock.acquire(engine, run_id=41)
    with pytest.raises(CrawlLockedError) as refused:
        lock.acquire(engine)
    message = str(refused.value)
    assert message.startswith(f"another crawl is running (run 41, pid {os.getpid()} on ")
    assert "since 20" in message and "UTC)" in message
    first.release()
    second = lock.acquire(engine)
    assert _holder(engine) == second.holder != first.holder
    first.release()  # releasing an old acquisition does not free someone else's lock
    assert lock.current(engine).holder == second.holder
    second.release()
    assert lock.current(engine) is None


def test_lock_of_a_dead_process_on_this_host_is_taken_over(engine):
    _plant(engine, f"{socket.gethostname()}/gone", _dead_pid(), heartbeat_age=0)
    taken = lock.acquire(engine, run_id=8)
    row = lock.current(engine)
    assert (row.holder, row.pid, row.run_id) == (taken.holder, os.getpid(), 8)


def test_live_process_on_this_host_keeps_its_lock(engine):
    _plant(engine, f"{socket.gethostname()}/alive", os.getpid(), heartbeat_age=0)
    with pytest.raises(CrawlLockedError, match=r"run 7, pid \d+ on "):
        lock.acquire(engine)
    assert _holder(engine).endswith("/alive")


def test_other_host_is_trusted_until_its_heartbeat_is_stale(engine):
    # A dead-looking pid means nothing on another host: only the heartbeat counts there.
    _plant(engine, "elsewhere/one", _dead_pid(), heartbeat_age=30)
    with pytest.raises(CrawlLockedError, match="on elsewhere, since"):
        lock.acquire(engine, stale_after=60)
    taken = lock.acquire(engine, stale_after=20)
    assert _holder(engine) == taken.holder


def test_heartbeat_reports_a_lost_lock(engine):
    held = lock.acquire(engine)
    assert held.heartbeat()
    with engine.begin() as conn:  # another host decided we were dead
        conn.execute(
            CrawlLock.__table__.update().values(holder="elsewhere/new", pid=1, run_id=None)
        )
    assert not held.heartbeat()
    held.release()
    assert _holder(engine) == "elsewhere/new"


def test_hold_keeps_the_heartbeat_fresh_and_releases(engine):
    with lock.hold(engine, stale_after=5) as held:  # beats every 0.5 s
        planted = datetime.now(UTC) - timedelta(hours=1)
        with engine.begin() as conn:
            conn.execute(CrawlLock.__table__.update().values(heartbeat_at=planted))
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while lock.current(engine).heartbeat_at <= planted and datetime.now(UTC) < deadline:
            threading.Event().wait(0.1)
        assert lock.current(engine).heartbeat_at > planted
        assert lock.current(engine).holder == held.holder
    assert lock.current(engine) is None


def test_of_many_simultaneous_acquires_exactly_one_wins(engine):
    barrier = threading.Barrier(6)
    results: list[object] = []

    def contend() -> None:
        barrier.wait()
        try:
            results.append(lock.acquire(engine))
        except CrawlLockedError as exc:
            results.append(exc)

    threads = [threading.Thread(target=contend) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    winners = [r for r in results if isinstance(r, lock.HeldLock)]
    assert len(results) == 6 and len(winners) == 1
    assert _holder(engine) == winners[0].holder


def test_manual_crawl_refuses_while_another_holds_the_lock(
    cli, db_url, engine, tmp_path, basic_web
):
    sources = tmp_path / "sources.yaml"
    sources.write_text(basic.sources_yaml(basic_web.sites), encoding="utf-8")
    held = lock.acquire(engine, run_id=42)
    env = cli_env(db_url, HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true")
    result = cli(["crawl", "--sources", str(sources)], env, timeout=120)
    assert result.returncode != 0
    assert f"another crawl is running (run 42, pid {os.getpid()} on " in result.stderr
    with engine.connect() as conn:
        assert conn.execute(select(CrawlRun.id)).first() is None
    assert _holder(engine) == held.holder
    held.release()
