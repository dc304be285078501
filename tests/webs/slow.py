"""A web whose one feed answers only after a delay, keeping a crawl (and its lock) busy."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from fakeweb.render import Article, Site, render_site
from fakeweb.routes import Route, Web
from tests.webs import feed_sources_yaml
from tests.webs.text import body

SITES = ["quick", "slow"]
# Seconds the slow feed takes; long enough for a second crawl to start and be refused.
DELAY = float(os.environ.get("SLOW_WEB_DELAY", "6"))
NOW = datetime.now(UTC).replace(microsecond=0)


def _articles(prefix: str, subjects: list[str]) -> list[Article]:
    return [
        Article(
            slug=f"{prefix}-{i}-{subject}",
            title=f"{prefix.capitalize()} bericht {i} over {subject}",
            published=NOW - timedelta(days=1 + i),
            body=body(subject, seed=sum(map(ord, prefix)) * 10 + i),
            lead=f"Inleiding bij bericht {i} over {subject}.",
        )
        for i, subject in enumerate(subjects)
    ]


def build(bases: dict[str, str]) -> Web:
    quick = Site("quick", "Gemeente Vlot", _articles("vlot", ["energie", "klimaat"]))
    slow = Site("slow", "Gemeente Traag", _articles("traag", ["sociaal"]))
    web: Web = {s.key: render_site(s, bases[s.key]) for s in (quick, slow)}
    feed = web["slow"]["/nieuws.rss"]
    web["slow"]["/nieuws.rss"] = Route(
        feed.body, content_type=feed.content_type, behaviour="slow", delay=DELAY
    )
    return web


def sources_yaml(bases: dict[str, str], keys: list[str] | None = None) -> str:
    return feed_sources_yaml(bases, keys or SITES)
