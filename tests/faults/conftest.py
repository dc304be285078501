"""Fixtures for the fault tests: the fault web, and a crawl environment with short timeouts."""

from __future__ import annotations

import pytest

from tests.conftest import cli_env, free_port, run_cli
from tests.faults import web_crash
from tests.faults.crashes import snapshot


def refused_port() -> int:
    """A loopback port nothing listens on, for a source whose connection is refused."""
    return free_port()


def fault_env(db_url: str, **extra: str) -> dict[str, str]:
    """Crawl settings for a local fault web: loopback allowed, short timeouts, small batches."""
    return cli_env(
        db_url,
        HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true",
        HOWARDSHOME_DOWNLOAD_TIMEOUT="2",
        **extra,
    )


@pytest.fixture
def fault_web(tmp_path):
    """The fault web, fresh per test: some faults ("throttle-once") have memory."""
    from fakeweb.launcher import FakeWeb

    with FakeWeb("tests.webs.faults:build", log=tmp_path / "requests.jsonl", first=40) as web:
        yield web


def crash_env(db_url: str) -> dict[str, str]:
    # Small batches so a run commits several times; two extraction workers to kill with it.
    return cli_env(
        db_url,
        HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true",
        HOWARDSHOME_STORE_BATCH_SIZE="4",
        HOWARDSHOME_EXTRACT_WORKERS="2",
    )


@pytest.fixture(scope="session")
def crash_web(tmp_path_factory):
    from fakeweb.launcher import FakeWeb

    log = tmp_path_factory.mktemp("crashweb") / "requests.jsonl"
    with FakeWeb("tests.faults.web_crash:build", log=log, first=70) as web:
        yield web


@pytest.fixture(scope="session")
def crash_sources(crash_web, tmp_path_factory):
    path = tmp_path_factory.mktemp("crashsources") / "sources.yaml"
    path.write_text(web_crash.sources_yaml(crash_web.sites), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def reference(crash_sources, tmp_path_factory):
    """The articles of one uninterrupted crawl."""
    url = f"sqlite:///{tmp_path_factory.mktemp('reference') / 'ref.db'}"
    result = run_cli(["crawl", "--sources", str(crash_sources)], crash_env(url))
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    snap = snapshot(url)
    assert len(snap) == web_crash.TOTAL
    assert len(snap[f"{_gemeente_first(crash_sources)}"]["sources"]) == 2
    return snap


def _gemeente_first(sources) -> str:
    text = sources.read_text()
    base = text.split("url: ", 1)[1].split("/\n", 1)[0]
    return f"{base}/nieuws/gemeente-0"
