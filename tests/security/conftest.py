"""Security fixtures: a portal over real HTTP holding hostile crawled content, and Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import httpx
import pytest

from portal.auth import hash_password
from tests.conftest import ROOT, cli_env, free_port, require, run_cli
from tests.security import web_hostile
from tests.security.hostile import store_hostile

CHROMIUM = os.environ.get("HOWARDSHOME_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip
PASSWORD = "hek-en-slot-2026"


def browser_problem() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    return None


class LiveServer:
    """`howardshome serve` in a subprocess on a free loopback port."""

    def __init__(self, env: dict[str, str], workers: int = 1):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers)],
            env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:  # each try blocks until the server answers or refuses
            try:
                if httpx.get(f"{self.base}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"portal did not start: {self.process.stderr.read()[-2000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def portal_env(db_url: str, **extra: str) -> dict[str, str]:
    return cli_env(
        db_url,
        HOWARDSHOME_SECRET_KEY="security-test-secret-key-0123456789",
        HOWARDSHOME_EDITOR_USERNAME="redactie",
        HOWARDSHOME_EDITOR_PASSWORD_HASH=hash_password(PASSWORD, iterations=2000),
        HOWARDSHOME_LOGIN_ATTEMPTS="3",
        **extra,
    )


@pytest.fixture(scope="session")
def hostile_web(tmp_path_factory):
    from fakeweb.launcher import FakeWeb

    log = tmp_path_factory.mktemp("hostileweb") / "requests.jsonl"
    with FakeWeb("tests.security.web_hostile:build", log=log, first=90) as web:
        yield web


@pytest.fixture
def hostile_db(db_url, hostile_web, tmp_path):
    """A database holding hostile articles: stored directly, and crawled from the hostile web."""
    ids = store_hostile(db_url)
    sources = tmp_path / "sources.yaml"
    sources.write_text(web_hostile.sources_yaml(hostile_web.sites), encoding="utf-8")
    env = cli_env(db_url, HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES="true")
    result = run_cli(["crawl", "--sources", str(sources)], env)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "6 new articles" in result.stdout, result.stdout
    return db_url, ids


@pytest.fixture
def live_portal(hostile_db):
    db_url, ids = hostile_db
    server = LiveServer(portal_env(db_url))
    try:
        yield server, ids
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium():
    require(browser_problem())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
