"""Render the pages members open first as soon as a process sees a new data version.

The data changes once a night; without this, the first reader of each theme page or feed after
a crawl waits for it to be computed (and each portal worker process has its own cache). The
first request that meets a new version starts one background pass over these paths, through the
app itself (in-process ASGI, same base URL as that request, so the cached bodies carry the same
absolute links); the request itself is answered at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading

log = logging.getLogger(__name__)

KEEP = 8  # (version, base URL) pairs remembered as warmed


def warm_paths(theme_slugs: list[str]) -> list[str]:
    """The home page, the overview, the sources page, the main feeds and every theme's page
    and feeds: what members and feed readers ask for every morning."""
    paths = ["/", "/overzicht", "/sources", "/feeds/all.xml", "/feeds/all.atom"]
    for slug in theme_slugs:
        paths += [f"/themes/{slug}", f"/feeds/themes/{slug}.xml", f"/feeds/themes/{slug}.atom"]
    return paths


class Warmer:
    def __init__(self, app):
        self.app = app
        self._done: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def start(self, version_tag: str, base_url: str, theme_slugs: list[str]) -> bool:
        """Start warming for this version and base URL unless already started; True if so."""
        key = (version_tag, base_url)
        with self._lock:
            if key in self._done:
                return False
            self._done = [*self._done[-(KEEP - 1) :], key]
        paths = warm_paths(theme_slugs)
        self.thread = threading.Thread(
            target=self._run, args=(base_url, paths), name="portal-warm", daemon=True
        )
        self.thread.start()
        return True

    def _run(self, base_url: str, paths: list[str]) -> None:
        try:
            asyncio.run(self._fetch(base_url, paths))
        except Exception:  # warming is an optimisation: a failure leaves pages computed on demand
            log.exception("warming the page cache failed")

    async def _fetch(self, base_url: str, paths: list[str]) -> None:
        import httpx

        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            for path in paths:  # one at a time: members' own requests come first
                await client.get(path, headers={"x-howardshome-warm": "1"})
