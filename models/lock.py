"""The crawl lock, held in the database so no two crawls overlap, on one host or several."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from models.db import insert_for
from models.entities import CrawlLock, CrawlRun
from models.errors import CrawlLockedError

log = logging.getLogger(__name__)

LOCK_NAME = "crawl"


@dataclass
class HeldLock:
    """The lock as this process holds it; `holder` is unique per acquisition."""

    engine: Engine
    holder: str
    pid: int
    run_id: int | None = None

    def set_run(self, run_id: int) -> None:
        self.run_id = run_id
        with self.engine.begin() as conn:
            conn.execute(_mine(self.holder).values(run_id=run_id))

    def heartbeat(self) -> bool:
        """Refresh the heartbeat; False when the lock was taken from us (we were thought dead)."""
        with self.engine.begin() as conn:
            result = conn.execute(_mine(self.holder).values(heartbeat_at=datetime.now(UTC)))
        return result.rowcount == 1

    def release(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                delete(CrawlLock).where(
                    CrawlLock.name == LOCK_NAME, CrawlLock.holder == self.holder
                )
            )


def _mine(holder: str):
    return update(CrawlLock).where(CrawlLock.name == LOCK_NAME, CrawlLock.holder == holder)


def describe(row) -> str:
    run = f"run {row.run_id}" if row.run_id is not None else "run not yet recorded"
    host = row.holder.split("/", 1)[0]
    since = row.acquired_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{run}, pid {row.pid} on {host}, since {since}"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def stale_reason(row, stale_after: float, now: datetime | None = None) -> str | None:
    """Why a lock row can be taken over, or None while its holder may still be working.

    A holder on this host whose process is gone is dead at once; a holder elsewhere is dead only
    when its heartbeat is older than `stale_after` seconds (we cannot see its processes).
    """
    now = now or datetime.now(UTC)
    age = (now - row.heartbeat_at).total_seconds()
    if age > stale_after:
        return f"no heartbeat for {age:.0f} s"
    if row.holder.split("/", 1)[0] == socket.gethostname() and not pid_alive(row.pid):
        return f"process {row.pid} on this host is gone"
    return None


def acquire(engine: Engine, run_id: int | None = None, stale_after: float = 600.0) -> HeldLock:
    """Take the crawl lock or raise CrawlLockedError naming the run that holds it."""
    lock = HeldLock(engine, f"{socket.gethostname()}/{uuid.uuid4().hex[:12]}", os.getpid(), run_id)
    insert = insert_for(engine)
    for _ in range(3):  # the holder may release between our INSERT and our SELECT
        now = datetime.now(UTC)
        values = {"holder": lock.holder, "pid": lock.pid, "run_id": run_id,
                  "acquired_at": now, "heartbeat_at": now}  # fmt: skip
        with engine.begin() as conn:
            inserted = conn.execute(
                insert(CrawlLock)
                .values(name=LOCK_NAME, **values)
                .on_conflict_do_nothing(index_elements=["name"])
                .returning(CrawlLock.name)  # psycopg reports no rowcount for INSERT here
            )
            if inserted.first() is not None:
                return lock
            row = conn.execute(select(CrawlLock).where(CrawlLock.name == LOCK_NAME)).first()
        if row is None:
            continue
        reason = stale_reason(row, stale_after, now)
        if reason is None:
            raise CrawlLockedError(f"another crawl is running ({describe(row)})")
        # Compare-and-swap on the old holder: of two crawls taking over at once, one wins.
        with engine.begin() as conn:
            taken = conn.execute(_mine(row.holder).values(**values))
            if taken.rowcount == 1 and row.run_id is not None:
                # The dead holder's run would otherwise stay "running" in the history forever.
                conn.execute(
                    update(CrawlRun)
                    .where(CrawlRun.id == row.run_id, CrawlRun.status == "running")
                    .values(status="failed", finished_at=now,
                            error=f"the crawl process died ({reason})")
                )  # fmt: skip
        if taken.rowcount == 1:
            log.warning("took over the crawl lock of %s: %s", describe(row), reason)
            return lock
    raise CrawlLockedError("another crawl is starting; try again")


def release_dead(engine: Engine, pid: int) -> bool:
    """Remove a lock left by a process on this host that was killed (the scheduler's timeout)."""
    with engine.begin() as conn:
        result = conn.execute(
            delete(CrawlLock).where(
                CrawlLock.name == LOCK_NAME,
                CrawlLock.pid == pid,
                CrawlLock.holder.startswith(socket.gethostname() + "/"),
            )
        )
    return result.rowcount == 1


def current(engine: Engine):
    """The lock row (name, holder, pid, run_id, acquired_at, heartbeat_at), or None."""
    with engine.connect() as conn:
        return conn.execute(select(CrawlLock).where(CrawlLock.name == LOCK_NAME)).first()


@contextmanager
def hold(engine: Engine, run_id: int | None = None, stale_after: float = 600.0):
    """Acquire, keep the heartbeat fresh from a thread (the reactor may be busy), release."""
    lock = acquire(engine, run_id, stale_after)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(max(stale_after / 10, 0.5)):
            try:
                if not lock.heartbeat():
                    log.error("the crawl lock was taken over by another crawl")
                    return
            except Exception as exc:  # noqa: BLE001 - a transient database error must not kill us
                log.warning("crawl lock heartbeat failed: %s", exc)

    thread = threading.Thread(target=beat, name="crawl-lock-heartbeat", daemon=True)
    thread.start()
    try:
        yield lock
    finally:
        stop.set()
        thread.join(5)
        try:
            lock.release()
        except SQLAlchemyError as exc:
            # The database went away (the crawl already failed for it): the row stays, and
            # the next crawl on this host takes it over because this process will be gone.
            log.warning("could not release the crawl lock: %s", getattr(exc, "orig", exc))
