"""Fixtures for the fault tests: the fault web, and a crawl environment with short timeouts."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import cli_env


def refused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
