"""A hostile site: article pages and a feed whose titles, text and links carry script payloads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakeweb.render import Article, Site, render_site
from fakeweb.routes import Route, Web
from tests.security.hostile import PAYLOADS
from tests.webs.faults import distinct_body

SITES = ["vijand"]
NOW = datetime.now(UTC).replace(microsecond=0)
RAW = (
    "<script>alert('raw-script')</script><img src=x onerror=\"alert('raw-img')\">"
    "<svg onload=\"alert('raw-svg')\"></svg><a href=\"javascript:alert('raw-link')\">lees</a>"
)


def build(bases: dict[str, str]) -> Web:
    base = bases["vijand"]
    articles = [
        Article(
            slug=f"vijand-{i}",
            title=f"Bericht {i} {payload}",  # rendered escaped: the payload is the title's text
            published=NOW - timedelta(days=1, hours=i),
            body=[f"Citaat: {payload}", *distinct_body("digitaal", 12000 + i)],
            lead=payload,
        )
        for i, payload in enumerate(PAYLOADS[:6])
    ]
    routes = render_site(Site("vijand", "Gemeente Vijand", articles), base)
    for path, route in routes.items():
        if path.startswith("/nieuws/vijand-"):
            # Raw markup in the page itself, as a compromised site would serve it.
            route.body = route.body_bytes().decode().replace("</article>", RAW + "</article>")
    feed = routes["/nieuws.rss"].body_bytes().decode()
    hostile = "".join(
        f"<item><title>Kwaad {n}</title><link>{link}</link></item>"
        for n, link in enumerate(["javascript:alert('feed-link')", "data:text/html,x"])
    )
    routes["/nieuws.rss"] = Route(
        feed.replace("</channel>", hostile + "</channel>"), content_type="application/rss+xml"
    )
    return {"vijand": routes}


def sources_yaml(bases: dict[str, str]) -> str:
    return (
        "sources:\n  - id: vijand\n    name: Gemeente Vijand\n"
        f"    url: {bases['vijand']}/\n    feeds: [{bases['vijand']}/nieuws.rss]\n"
        "    themes: [digitale-transformatie]\n"
    )
