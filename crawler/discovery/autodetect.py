"""Autodiscovery from a homepage alone: which URLs to try, in which order, and when to stop."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from crawler.discovery.feeds import COMMON_FEED_PATHS
from crawler.discovery.listings import NEWS_PATHS
from crawler.urls import canonical_url

# A listing counts as found when it links to at least this many article-like pages.
MIN_LISTING_LINKS = 2
# Feeds and sitemaps carry dates and titles, so they beat listing pages; a feed beats a sitemap
# because it lists only news.
ORDER = ("feed", "robots", "sitemap", "listing")


@dataclass
class Probe:
    kind: str  # feed | robots | sitemap | listing
    url: str


@dataclass
class Discovery:
    """The probes left for one source; the first that yields articles is the method."""

    homepage: str
    probes: list[Probe] = field(default_factory=list)
    tried: set[str] = field(default_factory=set)
    first_error: str | None = None  # the homepage's own failure says most about a dead site
    done: bool = False

    def add(self, kind: str, url: str, front: bool = False) -> None:
        key = canonical_url(url)
        if key in self.tried or any(canonical_url(p.url) == key for p in self.probes):
            return
        probe = Probe(kind, url)
        if front:
            self.probes.insert(0, probe)
        else:
            self.probes.append(probe)
            self.probes.sort(key=lambda p: ORDER.index(p.kind))  # stable: keeps page order

    def plan_from_homepage(self, announced: list[str], news: list[str]) -> None:
        for url in announced:
            self.add("feed", url)
        for path in COMMON_FEED_PATHS:
            self.add("feed", urljoin(self.homepage, path))
        self.add("robots", urljoin(self.homepage, "/robots.txt"))
        self.add("sitemap", urljoin(self.homepage, "/sitemap.xml"))
        for url in news:
            self.add("listing", url)
        for path in NEWS_PATHS:
            self.add("listing", urljoin(self.homepage, path))
        # Last resort: a small site lists its news on the homepage itself.
        self.add("listing", self.homepage)

    def next(self) -> Probe | None:
        if self.done or not self.probes:
            return None
        probe = self.probes.pop(0)
        self.tried.add(canonical_url(probe.url))
        return probe

    def failure_reason(self) -> str:
        base = "no feed, sitemap or news listing found"
        return f"{base} ({self.first_error})" if self.first_error else base
