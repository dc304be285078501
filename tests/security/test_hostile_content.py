"""Hostile crawled content renders inert in headless Chromium: no dialog fires, no script runs."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from tests.security.hostile import PAYLOADS, THEME

pytestmark = pytest.mark.browser

# Run in the page after load: everything that could execute, or navigate to script, is listed.
SCAN = """() => {
  const found = [];
  const scriptish = /^\\s*(javascript|vbscript|data):/i;
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`${el.tagName} ${name}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'].includes(name)
          && scriptish.test(attr.value)) found.push(`${el.tagName} ${name}=${attr.value}`);
    }
  }
  for (const s of document.querySelectorAll('script')) {
    if (!s.src || !s.src.startsWith(location.origin)) {
      found.push('script: ' + (s.src || s.text.slice(0, 60)));
    }
  }
  for (const tag of ['iframe', 'object', 'embed', 'frame', 'base', 'meta[http-equiv=refresh]']) {
    if (document.querySelector(tag)) found.push(tag);
  }
  return found;
}"""


def _pages(ids: list[int]) -> list[str]:
    evil = quote("<script>alert('q')</script>")
    return [
        "/",
        f"/?q={evil}",
        f"/?q={quote(PAYLOADS[1])}&theme={THEME}",
        f"/themes/{THEME}",
        f"/themes/{evil}",
        "/sources",
        "/overzicht",
        "/caleidoscoop",
        "/feeds/all.xml",
        "/feeds/all.atom",
        f"/feeds/themes/{THEME}.xml",
        f"/feeds/articles.xml?q={evil}",
        "/api/articles?limit=50",
        f"/articles/{evil}",
        "/redactie/inloggen",
        *[f"/articles/{i}" for i in ids],
    ]


def _no_script_runs(server, ids, chromium) -> None:
    with httpx.Client(base_url=server.base) as client:
        crawled = client.get("/api/articles", params={"source": "vijand", "limit": 50}).json()
    crawled_ids = [item["id"] for item in crawled["items"]]
    assert len(crawled_ids) == 6
    context = chromium.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    blocked: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    problems = {}
    for path in _pages(ids + crawled_ids):
        response = page.goto(server.base + path, wait_until="load")
        assert response is not None and response.status < 500, (path, response and response.status)
        found = page.evaluate(SCAN)
        if found:
            problems[path] = found
    context.close()
    assert dialogs == [], dialogs
    assert problems == {}, problems
    # Not even CSP had to step in: nothing executable reached the pages.
    assert blocked == [], blocked


def _payloads_are_text_and_links_stay_http(server, ids, chromium) -> None:
    page = chromium.new_page()
    for article_id, payload in zip(ids, PAYLOADS, strict=False):
        page.goto(f"{server.base}/articles/{article_id}", wait_until="load")
        assert payload in page.inner_text("h1"), (article_id, page.inner_text("h1"))
    # Articles whose stored URL is javascript: or data: get no clickable link to "the original".
    for article_id in ids[len(PAYLOADS) :]:
        page.goto(f"{server.base}/articles/{article_id}", wait_until="load")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert all(h.startswith(("http://", "https://", server.base)) for h in hrefs), hrefs
    page.close()


def _security_headers_everywhere(server, ids) -> None:
    with httpx.Client(base_url=server.base) as client:
        for path in ["/", f"/themes/{THEME}", f"/articles/{ids[0]}", "/feeds/all.xml",
                     "/api/articles", "/redactie/inloggen", "/static/style.css",
                     "/bestaat-niet", "/api/articles?limit=0"]:  # fmt: skip
            response = client.get(path)
            headers = response.headers
            csp = headers.get("content-security-policy", "")
            directives = dict(
                (d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip()
            )
            assert "'self'" in directives.get("default-src", ""), (path, csp)
            script = directives.get("script-src", directives.get("default-src", ""))
            assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, csp
            assert directives.get("object-src") == "'none'", (path, csp)
            assert directives.get("frame-ancestors") == "'none'", (path, csp)
            assert "base-uri" in directives and "form-action" in directives, (path, csp)
            assert headers.get("x-content-type-options") == "nosniff", path
            assert headers.get("x-frame-options") == "DENY", path
            assert headers.get("referrer-policy") == "strict-origin-when-cross-origin", path
            assert "permissions-policy" in headers, path
            assert headers.get("cross-origin-opener-policy") == "same-origin", path
            assert "strict-transport-security" not in headers, "HSTS only over HTTPS"
        # Behind a TLS-terminating proxy (X-Forwarded-Proto: https) HSTS is sent.
        secure = client.get("/", headers={"X-Forwarded-Proto": "https"})
        assert "max-age=" in secure.headers.get("strict-transport-security", "")


def test_hostile_content_is_inert_in_chromium(live_portal, chromium):
    """One portal per backend, three checks: scripts, text and links, headers."""
    server, ids = live_portal
    _no_script_runs(server, ids, chromium)
    _payloads_are_text_and_links_stay_http(server, ids, chromium)
    _security_headers_everywhere(server, ids)
