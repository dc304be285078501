"""A web for crash tests: four sites, 48 articles, one syndicated copy, pages that take a moment.

Article pages answer after a short delay so a crawl lasts a few seconds and can be killed in
the middle of fetching, extracting or storing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from fakeweb.render import Article, Site, render_site
from fakeweb.routes import Web
from tests.webs import feed_sources_yaml
from tests.webs.faults import distinct_body

SITES = ["gemeente", "provincie", "waterschap", "vakblad"]
SUBJECTS = ["energie", "klimaat", "financien", "sociaal", "digitaal", "overig"]
PER_SITE = 12
NOW = datetime.now(UTC).replace(microsecond=0)


def _site(index: int, key: str) -> Site:
    articles = [
        Article(
            slug=f"{key}-{i}",
            title=f"{key.capitalize()} bericht {i} over {SUBJECTS[(i + index) % len(SUBJECTS)]}",
            published=NOW - timedelta(days=1 + i % 20, hours=index),
            body=distinct_body(SUBJECTS[(i + index) % len(SUBJECTS)], 9000 + index * 100 + i),
        )
        for i in range(PER_SITE)
    ]
    return Site(key, f"Crashtest {key}", articles)


def build(bases: dict[str, str]) -> Web:
    web: Web = {}
    sites = [_site(i, key) for i, key in enumerate(SITES)]
    # The trade paper republishes the municipality's first article under the same URL.
    copied = sites[0].articles[0]
    for site in sites:
        routes = render_site(site, bases[site.key])
        if site.key == "vakblad":
            feed = routes["/nieuws.rss"].body_bytes().decode()
            item = (
                f"<item><title>{copied.title}</title>"
                f"<link>{bases['gemeente']}{copied.url_path()}</link>"
                f"<pubDate>{format_datetime(copied.published)}</pubDate></item>"
            )
            routes["/nieuws.rss"].body = feed.replace("</channel>", item + "</channel>")
        for path, route in routes.items():
            if path.startswith("/nieuws/"):
                route.behaviour, route.delay = "slow", 0.15
        web[site.key] = routes
    return web


TOTAL = len(SITES) * PER_SITE


def sources_yaml(bases: dict[str, str]) -> str:
    return feed_sources_yaml(bases, SITES, name="Crashtest")
