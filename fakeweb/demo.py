"""The bundled demo web: Dutch government-style sites with news written for this project."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from fakeweb.render import Article, Site, render_site
from fakeweb.routes import Web

CONTENT = Path(__file__).parent / "content" / "demo.yaml"

# How each demo site offers its news, so the demo shows every way of reading a source.
FEED_FORMATS = ["rss2", "atom", "rss1", "rss2", "rss091", "atom"]


def _load() -> list[dict]:
    return yaml.safe_load(CONTENT.read_text(encoding="utf-8"))["sites"]


def _sites(now: datetime | None = None) -> list[Site]:
    now = now or datetime.now(UTC)
    sites = []
    for index, spec in enumerate(_load()):
        articles = []
        for number, item in enumerate(spec["articles"]):
            published = (now - timedelta(days=item["days_ago"])).replace(
                hour=8, minute=(7 * number) % 60, second=0, microsecond=0
            )
            articles.append(
                Article(
                    slug=item["slug"],
                    title=item["title"],
                    published=published,
                    body=item["body"],
                    lead=item.get("lead", ""),
                    author=item.get("author"),
                )
            )
        fmt = FEED_FORMATS[index % len(FEED_FORMATS)]
        sites.append(
            Site(
                key=spec["key"],
                name=spec["name"],
                tagline=spec.get("tagline", ""),
                articles=articles,
                feed=fmt,
                feed_path="/feed.atom" if fmt == "atom" else "/nieuws.rss",
            )
        )
    return sites


SITES = [spec["key"] for spec in _load()]


def build(bases: dict[str, str]) -> Web:
    return {site.key: render_site(site, bases[site.key]) for site in _sites()}


def sources_yaml(bases: dict[str, str]) -> str:
    """A sources.yaml for the demo web, naming each site's feed."""
    lines = ["sources:"]
    for site, spec in zip(_sites(), _load(), strict=True):
        base = bases[site.key]
        lines += [
            f"  - id: {site.key}",
            f"    name: {yaml.safe_dump(site.name, allow_unicode=True).splitlines()[0]}",
            f"    url: {base}/",
            f"    type: {spec.get('type', 'overig')}",
        ]
        if spec.get("region"):
            lines.append(f"    region: {spec['region']}")
        if spec.get("province"):
            lines.append(f"    province: {spec['province']}")
        lines.append(f"    feeds: [{base}{site.feed_path}]")
    return "\n".join(lines) + "\n"
