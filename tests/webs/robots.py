"""A site whose robots.txt answers slowly and forbids feeds the source lists beside its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakeweb.render import Article, Site, render_site
from fakeweb.routes import Route, Web
from tests.webs.text import body

SITES = ["traag"]
NOW = datetime.now(UTC).replace(microsecond=0)
FORBIDDEN = [f"/intern/{n}.rss" for n in range(1, 6)]
ROBOTS = "User-agent: *\nDisallow: /intern/\n"


def build(bases: dict[str, str]) -> Web:
    articles = [
        Article(slug=f"traag-{i}", title=f"Traag bericht {i} over energie",
                published=NOW - timedelta(hours=1 + i), body=body("energie", seed=4200 + i))
        for i in range(2)
    ]  # fmt: skip
    site = render_site(Site("traag", "Gemeente Traag", articles, robots=ROBOTS), bases["traag"])
    feed = site["/nieuws.rss"]
    for path in FORBIDDEN:  # they exist: only robots.txt keeps the crawler out
        site[path] = feed
    # Every start request of the source waits for this answer.
    site["/robots.txt"] = Route(
        site["/robots.txt"].body, content_type="text/plain", behaviour="slow", delay=0.5
    )
    return {"traag": site}


def sources_yaml(bases: dict[str, str]) -> str:
    base = bases["traag"]
    feeds = ", ".join(base + path for path in [*FORBIDDEN, "/nieuws.rss"])
    return (
        f"sources:\n  - id: traag\n    name: Gemeente Traag\n    url: {base}/\n"
        f"    feeds: [{feeds}]\n"
    )
