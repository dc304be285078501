"""A small web: one site per feed format, syndication, tracking links and a few broken sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakeweb.render import Article, Site, render_site
from fakeweb.routes import Route, Web
from tests.webs import feed_sources_yaml
from tests.webs.text import body

SITES = [
    "rss2", "atom", "rss1", "rss091", "syndicator", "broken", "htmlfeed", "oldnews",
]  # fmt: skip

NOW = datetime.now(UTC).replace(microsecond=0)


def _articles(prefix: str, subjects: list[str], start_day: int = 1) -> list[Article]:
    return [
        Article(
            slug=f"{prefix}-{i}-{subject}",
            title=f"{prefix.upper()} bericht {i}: nieuws over {subject}",
            published=NOW - timedelta(days=start_day + i, hours=i),
            body=body(subject, seed=sum(map(ord, prefix)) * 10 + i),
            lead=f"Korte inleiding bij bericht {i} over {subject}.",
        )
        for i, subject in enumerate(subjects)
    ]


def sites() -> list[Site]:
    rss2 = _articles("rss2", ["energie", "financien", "sociaal", "overig"])
    atom = _articles("atom", ["klimaat", "digitaal", "energie"])
    old = _articles("old", ["energie"], start_day=90) + _articles("new", ["sociaal"])
    return [
        Site("rss2", "Gemeente Testdorp", rss2, feed="rss2"),
        Site("atom", "Provincie Proefland", atom, feed="atom", feed_path="/feed.atom"),
        Site("rss1", "Waterschap Natte Voeten", _articles("rss1", ["klimaat", "financien"]),
             feed="rss1"),
        Site("rss091", "Ministerie van Proeven", _articles("rss091", ["digitaal", "sociaal"]),
             feed="rss091"),
        Site("syndicator", "Vakblad Bestuur", _articles("synd", ["financien", "klimaat"]),
             feed="rss2"),
        Site("oldnews", "Archiefgemeente", old, feed="rss2"),
    ]  # fmt: skip


def build(bases: dict[str, str]) -> Web:
    web: Web = {}
    by_key = {s.key: s for s in sites()}
    for key, site in by_key.items():
        web[key] = render_site(site, bases[key])
    # The syndicator republishes rss2's first article under its own URL, and links its own
    # articles with tracking parameters.
    original = by_key["rss2"].articles[0]
    copy = Article(slug="overgenomen", title=original.title, published=original.published,
                   body=original.body, lead=original.lead)  # fmt: skip
    synd = Site(
        "syndicator",
        "Vakblad Bestuur",
        by_key["syndicator"].articles + [copy],
        feed="rss2",
    )
    routes = render_site(synd, bases["syndicator"])
    feed = routes["/nieuws.rss"].body_bytes().decode()
    feed = feed.replace(
        "/nieuws/synd-0-financien</link>",
        "/nieuws/synd-0-financien?utm_source=rss&amp;utm_medium=feed</link>",
    )
    routes["/nieuws.rss"] = Route(feed, content_type="application/rss+xml")
    web["syndicator"] = routes
    web["broken"] = {"/robots.txt": Route("", content_type="text/plain"),
                     "/nieuws.rss": Route("Interne fout", status=500)}  # fmt: skip
    web["htmlfeed"] = {
        "/robots.txt": Route("", content_type="text/plain"),
        "/nieuws.rss": Route(
            "<html><head><title>Nieuws</title></head><body><p>Geen feed</p></body></html>"
        ),
    }
    return web


def sources_yaml(bases: dict[str, str]) -> str:
    return feed_sources_yaml(bases, SITES, {"atom": "/feed.atom"})


def expected_articles() -> dict[str, int]:
    """Articles each source published within the window (a syndicated copy counts for both)."""
    return {"rss2": 4, "atom": 3, "rss1": 2, "rss091": 2, "syndicator": 3, "oldnews": 1}


TOTAL_ARTICLES = 14  # the syndicated copy is one article
