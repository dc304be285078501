"""A web with a healthy site (and one page too short to keep) and one whose pages include a
worker-killing and a hanging page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.worker import CRASH_MARKER, HANG_MARKER
from fakeweb.render import Article, Site, render_site
from fakeweb.routes import Web
from tests.webs import feed_sources_yaml
from tests.webs.text import body

SITES = ["faulty", "healthy"]
NOW = datetime.now(UTC).replace(microsecond=0)
# One subject per article: the generated texts of one subject are near-duplicates of each other.
SUBJECTS = {
    "faulty": ["energie", "klimaat", "financien"],
    "healthy": ["sociaal", "digitaal", "overig"],
}


def _articles(prefix: str) -> list[Article]:
    return [
        Article(
            slug=f"{prefix}-{i}",
            title=f"{prefix.capitalize()} bericht {i} over {subject}",
            published=NOW - timedelta(days=1 + i),
            body=body(subject, seed=sum(map(ord, prefix)) * 10 + i),
        )
        for i, subject in enumerate(SUBJECTS[prefix])
    ]


# The pathological pages: each is a normal article plus a test-only marker.
FAULTS = {"faulty-crash": CRASH_MARKER, "faulty-hang": HANG_MARKER}
GOOD = {key: len(subjects) for key, subjects in SUBJECTS.items()}
# Pages that are downloaded but are no article to keep: remembered, never fetched again.
NOT_ARTICLES = {"healthy-short": ["Kort bericht: de vergadering gaat niet door."]}


def build(bases: dict[str, str]) -> Web:
    faulty = _articles("faulty")
    for index, (slug, marker) in enumerate(FAULTS.items()):
        faulty.insert(
            1 + index,
            Article(
                slug=slug,
                title=f"Pagina die de extractie laat {'crashen' if 'crash' in slug else 'hangen'}",
                published=NOW - timedelta(hours=3 + index),
                body=[marker, *body("overig", seed=900 + index)],
            ),
        )
    healthy = _articles("healthy") + [
        Article(slug=slug, title="Vergadering", published=NOW - timedelta(hours=5), body=text)
        for slug, text in NOT_ARTICLES.items()
    ]
    web: Web = {
        "faulty": render_site(Site("faulty", "Gemeente Storing", faulty), bases["faulty"]),
        "healthy": render_site(Site("healthy", "Provincie Gezond", healthy), bases["healthy"]),
    }
    return web


def sources_yaml(bases: dict[str, str]) -> str:
    return feed_sources_yaml(bases, SITES)
