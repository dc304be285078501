"""The discovery web, started once per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def discovery_web(tmp_path_factory):
    from fakeweb.launcher import FakeWeb

    log = tmp_path_factory.mktemp("discovery") / "requests.jsonl"
    with FakeWeb("tests.webs.discovery:build", log=log, first=100) as web:
        yield web
