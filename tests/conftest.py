"""Shared fixtures: a database per backend (SQLite and PostgreSQL), fake webs, the CLI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("HOWARDSHOME_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


# The theme slugs issue 2 fixes, in display order: a contract, never renamed.
THEME_SLUGS = [
    "energietransitie",
    "klimaatadaptatie",
    "circulaire-economie",
    "digitale-transformatie",
    "sociaal-domein",
    "omgevingswet",
    "burger-en-participatie",
    "vertrouwen-en-integriteit",
    "bestuur-en-governance",
    "regionale-samenwerking",
    "gemeentefinancien",
    "personeel-en-arbeidsmarkt",
    "veerkracht-en-veiligheid",
    "demografie-en-samenleving",
    "internationaal-en-europa",
]


def shared_dir() -> Path:
    """The workplace's shared/ folder (reference data, real pages), wherever the clone lives.

    HOWARDSHOME_SHARED wins; then ../shared beside the checkout; then /work/shared. Tests that
    read it are extended tests: a fresh clone elsewhere does not have it.
    """
    candidates = [os.environ.get("HOWARDSHOME_SHARED"), ROOT.parent / "shared", "/work/shared"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return ROOT.parent / "shared"


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return str(exc)


def require(problem: str | None) -> None:
    """A tool a test needs is missing: fail in CI (it must prove this), skip elsewhere."""
    if problem is None:
        return
    if _in_ci():
        pytest.fail(f"cannot run in CI: {problem} (make install sets it up)")
    pytest.skip(problem)


def _in_ci() -> bool:
    return os.environ.get("HOWARDSHOME_REQUIRE_POSTGRES") == "1" or bool(os.environ.get("CI"))


def require_postgres(problem: str | None) -> None:
    """PostgreSQL is missing: fail, unless HOWARDSHOME_SKIP_POSTGRES=1 outside CI (in CI a
    PostgreSQL test that skips proves nothing, so the variable is ignored there)."""
    if problem is None:
        return
    if os.environ.get("HOWARDSHOME_SKIP_POSTGRES") == "1" and not _in_ci():
        pytest.skip(f"PostgreSQL not available: {problem}")
    pytest.fail(f"PostgreSQL not available ({problem}); set HOWARDSHOME_SKIP_POSTGRES=1 to skip")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database on each backend; PostgreSQL gets its own database per test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    require_postgres(_pg_available())
    import psycopg

    name = f"hh_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    """A loopback port nothing listens on now (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cli_env(db_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "HOWARDSHOME_DATABASE_URL": db_url,
            "HOWARDSHOME_THEMES": str(ROOT / "themes.yaml"),
            "HOWARDSHOME_DOWNLOAD_DELAY": "0",
            "HOWARDSHOME_AUTOTHROTTLE": "false",
            "HOWARDSHOME_CONCURRENT_REQUESTS_PER_DOMAIN": "4",
            "HOWARDSHOME_DOWNLOAD_TIMEOUT": "10",
            "HOWARDSHOME_EXTRACT_WORKERS": "2",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 180, stdin: str | None = None):
    """Run `howardshome ARGS` in a subprocess (keeps Twisted's reactor out of pytest)."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env,
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
    )


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def basic_web(tmp_path_factory):
    from fakeweb.launcher import FakeWeb

    log = tmp_path_factory.mktemp("web") / "requests.jsonl"
    with FakeWeb("tests.webs.basic:build", log=log, first=20) as web:
        yield web
