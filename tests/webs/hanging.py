"""A web with one healthy site and one whose every article page hangs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakeweb.render import Article, Site, render_site
from fakeweb.routes import Route, Web
from tests.webs import feed_sources_yaml
from tests.webs.text import body

SITES = ["gezond", "hangt"]
HANGING = 12  # article pages of the hanging site
NOW = datetime.now(UTC).replace(microsecond=0)


def _articles(prefix: str, count: int) -> list[Article]:
    subjects = ["energie", "klimaat", "sociaal", "overig", "digitaal", "financien"]
    return [
        Article(
            slug=f"{prefix}-{i}",
            title=f"{prefix.capitalize()} bericht {i} over {subjects[i % len(subjects)]}",
            published=NOW - timedelta(hours=1 + i),
            body=body(subjects[i % len(subjects)], seed=sum(map(ord, prefix)) * 100 + i),
        )
        for i in range(count)
    ]


def build(bases: dict[str, str]) -> Web:
    healthy = Site("gezond", "Gemeente Gezond", _articles("gezond", 3))
    hanging = Site("hangt", "Gemeente Hangt", _articles("hangt", HANGING))
    web: Web = {s.key: render_site(s, bases[s.key]) for s in (healthy, hanging)}
    for path, route in list(web["hangt"].items()):
        if path.startswith("/nieuws/"):
            web["hangt"][path] = Route(route.body, behaviour="hang", delay=5)
    return web


def sources_yaml(bases: dict[str, str]) -> str:
    return feed_sources_yaml(bases, SITES)
