"""The pages that matter in a real headless Chromium (Debian's chromium, driven by Playwright).

Screenshots go to test-artifacts/. In CI (HOWARDSHOME_REQUIRE_POSTGRES=1) a missing browser
fails the test; elsewhere it skips with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT, cli_env, free_port, require
from tests.portal.data import fill

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("HOWARDSHOME_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip

pytestmark = pytest.mark.browser


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make install)"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    return None


@pytest.fixture
def served(db_url):
    """The portal over real HTTP: `howardshome serve` in a subprocess on a free loopback port."""
    require(_unavailable())
    ids = fill(db_url, extra=12)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=cli_env(db_url), cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:  # wait for the server to accept connections (each try blocks until answered)
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"portal did not start: {out[-2000:]}")
                time.sleep(0.1)
        yield base, ids
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_home_overview_and_article_render_in_chromium(served, request):
    from playwright.sync_api import sync_playwright

    base, ids = served
    backend = request.node.callspec.params["db_url"]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{base}/")
            assert page.locator("main h1").inner_text() == "Laatste nieuws"
            assert page.locator("article.card").count() == 16
            # Keyboard: the first Tab reaches the skip link, which leads to the content.
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.className") == "skip"
            page.screenshot(path=str(ARTIFACTS / f"home-{backend}.png"), full_page=True)

            page.goto(f"{base}/?q=fietsen")
            assert page.locator("article.card mark").count() >= 1
            assert (
                page.evaluate("document.querySelectorAll('script').length") == 0
            )  # no injected markup

            page.goto(f"{base}/overzicht")
            assert page.locator("table.matrix tbody tr").count() == 6
            assert page.locator("svg.trend").count() == 15
            box = page.locator("svg.trend").first.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 20
            page.screenshot(path=str(ARTIFACTS / f"overview-{backend}.png"), full_page=True)

            page.goto(f"{base}/articles/{ids['fiets']}")
            assert page.locator("h1").inner_text() == "Nieuwe fiets voor elke scholier"
            assert page.locator("ul.why li").count() == 2
            page.set_viewport_size({"width": 390, "height": 800})  # a phone: no sideways scrolling
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
            page.screenshot(path=str(ARTIFACTS / f"article-{backend}.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
    for name in ("home", "overview", "article"):
        assert (ARTIFACTS / f"{name}-{backend}.png").stat().st_size > 10_000
