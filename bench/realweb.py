"""A local web of real pages from ../shared/realweb: sites with feeds, sitemaps and listing pages.

Served by `fakeweb.server --web bench.realweb:build`; the number of sites follows
HOWARDSHOME_BENCH_SCALE (1 = every page once; 2 = a second set of sites serving the same pages
again, for the "twice as large" memory check). Nothing here is committed but the code: the pages
are read at start from HOWARDSHOME_REALWEB (default: ../shared/realweb next to the repository).
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from fakeweb.routes import Route, Web

ROOT = Path(__file__).resolve().parent.parent
REALWEB = Path(os.environ.get("HOWARDSHOME_REALWEB", ROOT.parent / "shared" / "realweb"))
SITES_PER_COPY = 48
SCALE = int(os.environ.get("HOWARDSHOME_BENCH_SCALE", "1"))
SITES = [f"site{n:03d}" for n in range(SITES_PER_COPY * SCALE)]
LISTING_PAGE_SIZE = 20
# Fixed validators: the second crawl of an unchanged web may be answered with 304.
LAST_MODIFIED = "Mon, 06 Jan 2025 08:00:00 GMT"

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_XML_UNSAFE = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd]")


@dataclass
class Page:
    slug: str
    kind: str  # aeb (gold text) | date (gold publication date) | gov (no gold)
    origin: str  # where the page was published originally
    body: bytes
    gold_text: str | None = None
    gold_date: str | None = None

    @property
    def path(self) -> str:
        return f"/artikel/{self.slug}"

    def title(self) -> str:
        found = _TITLE.search(self.body[:200_000])
        raw = found.group(1).decode("utf-8", "replace") if found else self.slug
        return _XML_UNSAFE.sub("", html.unescape(" ".join(raw.split())))[:200] or self.slug


def require_realweb() -> Path:
    if not (REALWEB / "article-extraction-benchmark" / "ground-truth.json").exists():
        raise SystemExit(
            f"real pages not found at {REALWEB}: set HOWARDSHOME_REALWEB to the realweb folder"
        )
    return REALWEB


def load_pages() -> list[Page]:
    """Every real page with its gold data, in a stable order."""
    base = require_realweb()
    pages: list[Page] = []
    aeb = base / "article-extraction-benchmark"
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        body = gzip.decompress((aeb / "html" / f"{key}.html.gz").read_bytes())
        pages.append(
            Page(
                f"aeb-{key[:16]}",
                "aeb",
                truth[key]["url"],
                body,
                gold_text=truth[key]["articleBody"],
            )
        )
    dates = base / "htmldate-eval"
    gold: dict[str, tuple[str, str]] = {}
    for name in ("eval_default.json", "eval_mediacloud_2020.json"):
        for url, entry in json.loads((dates / name).read_text(encoding="utf-8")).items():
            gold[entry["file"]] = (url, entry["date"])
    bodies: dict[str, bytes] = {}
    # Read in archive order: seeking backwards in an xz stream decompresses it again each time.
    with tarfile.open(dates / "full_eval_html.tar.xz") as tar:
        for member in tar:
            name = Path(member.name).name
            if member.isfile() and name in gold:
                bodies[name] = tar.extractfile(member).read()
    for index, name in enumerate(sorted(bodies)):
        url, date = gold[name]
        pages.append(Page(f"d{index:04d}", "date", url, bodies[name], gold_date=date))
    for index, path in enumerate(sorted((base / "gov-policy-pages" / "html").glob("*.html"))):
        pages.append(Page(f"gov{index:02d}", "gov", path.name, path.read_bytes()))
    return pages


def assign(pages: list[Page], site_count: int = SITES_PER_COPY) -> list[list[Page]]:
    """Pages dealt over the sites like cards, so every site mixes kinds and sizes."""
    sites: list[list[Page]] = [[] for _ in range(site_count)]
    for index, page in enumerate(pages):
        sites[index % site_count].append(page)
    return sites


def _rss(base: str, name: str, pages: list[Page]) -> str:
    # No <pubDate>: a feed date would stand in for the page's own date and hide what the
    # extraction got wrong, and dates are one of the things this web measures.
    items = "".join(
        f"<item><title>{html.escape(p.title())}</title><link>{base}{p.path}</link>"
        f'<guid isPermaLink="true">{base}{p.path}</guid></item>'
        for p in pages
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{name}</title><link>{base}/</link><description>{name}</description>"
        f"{items}</channel></rss>"
    )


def _sitemap(base: str, pages: list[Page]) -> str:
    urls = "".join(f"<url><loc>{base}{p.path}</loc></url>" for p in pages)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )


def _listing(name: str, pages: list[Page], number: int, last: int) -> str:
    links = "".join(
        f'<li class="news-item"><a href="{p.path}">{html.escape(p.title())}</a></li>' for p in pages
    )
    older = (
        f'<a rel="next" href="/nieuws?page={number + 1}">Oudere berichten</a>'
        if number < last
        else ""
    )
    return (
        f'<!DOCTYPE html><html lang="nl"><head><title>Nieuws | {name}</title></head>'
        f"<body><main><h1>Nieuws</h1><ul>{links}</ul>{older}</main></body></html>"
    )


def site_routes(base: str, name: str, pages: list[Page]) -> dict[str, Route]:
    validators = {"etag": f'"{abs(hash((base, len(pages))))}"', "last_modified": LAST_MODIFIED}
    routes: dict[str, Route] = {
        "/robots.txt": Route(
            f"User-agent: *\nDisallow: /intern/\nSitemap: {base}/sitemap.xml\n",
            content_type="text/plain",
        ),
        "/": Route(
            f'<!DOCTYPE html><html lang="nl"><head><title>{name}</title>'
            '<link rel="alternate" type="application/rss+xml" title="Nieuws" href="/feed.xml">'
            f'</head><body><h1>{name}</h1><a href="/nieuws">Nieuws</a></body></html>'
        ),
        "/feed.xml": Route(
            _rss(base, name, pages), content_type="application/rss+xml; charset=utf-8", **validators
        ),
        "/sitemap.xml": Route(
            _sitemap(base, pages), content_type="application/xml; charset=utf-8", **validators
        ),
    }
    chunks = [pages[i : i + LISTING_PAGE_SIZE] for i in range(0, len(pages), LISTING_PAGE_SIZE)]
    for number, chunk in enumerate(chunks, start=1):
        path = "/nieuws" if number == 1 else f"/nieuws?page={number}"
        routes[path] = Route(_listing(name, chunk, number, len(chunks)))
    for page in pages:
        # Served as the original server would: bytes as saved, the charset left to the page.
        routes[page.path] = Route(page.body, content_type="text/html", last_modified=LAST_MODIFIED)
    return routes


def build(bases: dict[str, str]) -> Web:
    per_site = assign(load_pages())
    web: Web = {}
    for index, key in enumerate(SITES):
        web[key] = site_routes(bases[key], f"Realweb {key}", per_site[index % SITES_PER_COPY])
    return web


def sources_yaml(bases: dict[str, str]) -> str:
    lines = ["sources:"]
    for key in SITES:
        base = bases[key]
        lines += [
            f"  - id: realweb-{key}",
            f"    name: Realweb {key}",
            f"    url: {base}/",
            f"    feeds: [{base}/feed.xml]",
            f"    sitemaps: [{base}/sitemap.xml]",
            f"    listings: [{base}/nieuws]",
        ]
    return "\n".join(lines) + "\n"
