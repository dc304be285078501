"""Engine, sessions and schema migrations; the SQLite/PostgreSQL differences live here."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from models.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine with the per-backend settings the application relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            # WAL lets the portal read while a crawl writes.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]):
    """A session that commits on success and rolls back on any error."""
    with factory() as session, session.begin():
        yield session


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # here: importing alembic costs every command start-up

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to the latest migration (idempotent)."""
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise DatabaseError(f"database {safe_url(engine)}: cannot migrate: {exc.orig}") from None


_REVISION = re.compile(r"^(revision|down_revision)\s*=\s*(.+)$", re.M)


def head_revisions() -> set[str]:
    """The heads of the migration graph, read from the files without importing alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            found = set(re.findall(r"[\"']([^\"']+)[\"']", value))
            (revisions if name == "revision" else parents).update(found)
    return revisions - parents


def ensure_schema(engine: Engine) -> None:
    """Upgrade an empty or outdated database; used by crawl and serve before they start.
    A database already at the heads costs one query (alembic is not even imported)."""
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            current = (
                set(conn.scalars(text("SELECT version_num FROM alembic_version")))
                if "alembic_version" in tables
                else set()
            )
    except OperationalError as exc:
        raise DatabaseError(f"database {safe_url(engine)}: cannot connect: {exc.orig}") from None
    if current and current == head_revisions():
        return
    upgrade(engine)


def rowcount(result: Result) -> int:
    """Rows an UPDATE or DELETE matched. Session.execute is typed as returning a plain Result;
    for those statements it is a CursorResult, which has the count."""
    return cast(CursorResult, result).rowcount


def safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


CHUNK = 500  # rows per multi-row statement: well within SQLite's 32,766 bound parameters


def chunks(rows: Sequence) -> Iterable[Sequence]:
    """`rows` in slices of CHUNK, one multi-row statement each."""
    return (rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK))


def insert_for(session_or_engine):
    """The dialect's INSERT construct, which offers ON CONFLICT on SQLite and PostgreSQL."""
    bind = (
        session_or_engine.get_bind()
        if hasattr(session_or_engine, "get_bind")
        else session_or_engine
    )
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def insert_many(session: Session, entity, rows: Sequence[dict], on_conflict=None) -> None:
    """INSERT `rows` (dicts with the same keys) into `entity`'s table as one statement executed
    for many rows: the driver gets multi-row INSERTs of up to a thousand rows (SQLAlchemy's
    insertmanyvalues), and the statement is compiled once per process, not once per batch (a
    multi-row `.values(rows)` was compiled anew each time: three quarters of the crawl writer's
    CPU). `on_conflict(stmt)` returns the statement with its ON CONFLICT clause; by default
    DO NOTHING."""
    if not rows:
        return
    stmt = insert_for(session)(entity.__table__)
    stmt = on_conflict(stmt) if on_conflict else stmt.on_conflict_do_nothing()
    session.connection().execute(stmt, rows)


def upsert_many(
    session: Session, entity, rows: Sequence[dict], key: str, columns: Iterable[str]
) -> None:
    """insert_many, where a row whose `key` is already stored takes the new values of `columns`
    (ON CONFLICT (key) DO UPDATE)."""
    columns = tuple(columns)
    insert_many(
        session,
        entity,
        rows,
        lambda stmt: stmt.on_conflict_do_update(
            index_elements=[key], set_={c: stmt.excluded[c] for c in columns}
        ),
    )
