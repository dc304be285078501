"""Render a fake site (homepage, news listing, articles, feeds, sitemap, robots.txt) as routes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from html import escape

from fakeweb.routes import Route


@dataclass
class Article:
    slug: str
    title: str
    published: datetime
    body: list[str]
    lead: str = ""
    author: str | None = None
    path: str = ""  # defaults to /nieuws/<slug>
    canonical: str | None = None  # absolute URL for <link rel="canonical">, if any
    dated: bool = True  # False: the page shows no date anywhere (nor do feeds or sitemaps)

    def url_path(self) -> str:
        return self.path or f"/nieuws/{self.slug}"


@dataclass
class Site:
    key: str
    name: str
    articles: list[Article]
    tagline: str = ""
    feed: str | None = "rss2"  # rss2 | atom | rss1 | rss091 | None
    feed_path: str = "/nieuws.rss"
    announce_feed: bool = True
    sitemap: bool = True
    listing: bool = True
    listing_path: str = "/nieuws"
    robots: str = "User-agent: *\nDisallow: /intern/\n"
    extra_nav: list[tuple[str, str]] = field(
        default_factory=lambda: [("/contact", "Contact"), ("/over-ons", "Over ons")]
    )


def _page(site: Site, base: str, title: str, main: str, head_extra: str = "") -> str:
    nav = "".join(
        f'<li><a href="{href}">{escape(label)}</a></li>' for href, label in site.extra_nav
    )
    feed_link = ""
    if site.feed and site.announce_feed:
        kind = "application/atom+xml" if site.feed == "atom" else "application/rss+xml"
        feed_link = f'<link rel="alternate" type="{kind}" title="Nieuws" href="{site.feed_path}">'
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>{escape(title)} | {escape(site.name)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
{feed_link}
{head_extra}
</head>
<body>
<header class="site-header">
  <a class="logo" href="/">{escape(site.name)}</a>
  <nav aria-label="Hoofdmenu"><ul>
    <li><a href="/">Home</a></li>
    <li><a href="{site.listing_path}">Nieuws</a></li>
    {nav}
  </ul></nav>
  <form action="/zoeken" role="search"><input name="q" aria-label="Zoeken"></form>
</header>
{main}
<footer class="site-footer">
  <p>{escape(site.name)} &middot; Postbus 1000 &middot; <a href="/privacy">Privacy</a>
  &middot; <a href="/cookies">Cookies</a>
  &middot; <a href="/toegankelijkheid">Toegankelijkheid</a></p>
</footer>
</body>
</html>"""


def article_html(site: Site, base: str, article: Article) -> str:
    iso = article.published.isoformat()
    shown = article.published.strftime("%d-%m-%Y")
    canonical = article.canonical or base + article.url_path()
    head = (
        f'<link rel="canonical" href="{escape(canonical)}">\n'
        f'<meta property="og:title" content="{escape(article.title)}">\n'
        f'<meta property="og:type" content="article">\n'
        + (f'<meta property="article:published_time" content="{iso}">\n' if article.dated else "")
        + f'<meta name="description" content="{escape(article.lead)}">'
    )
    dateline = (
        f'<p class="meta">Gepubliceerd op <time datetime="{iso}">{shown}</time></p>'
        if article.dated
        else ""
    )
    author = f'<p class="author">Door {escape(article.author)}</p>' if article.author else ""
    paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in article.body)
    lead = f'<p class="lead"><strong>{escape(article.lead)}</strong></p>' if article.lead else ""
    main = f"""<main id="content">
<nav class="breadcrumb" aria-label="Kruimelpad"><a href="/">Home</a> &gt;
<a href="{site.listing_path}">Nieuws</a> &gt; {escape(article.title)}</nav>
<article>
<h1>{escape(article.title)}</h1>
{dateline}
{author}
{lead}
{paragraphs}
</article>
<aside class="share"><h2>Delen</h2><a href="/delen">Deel dit bericht</a></aside>
</main>"""
    return _page(site, base, article.title, main, head)


def listing_html(site: Site, base: str, articles: list[Article]) -> str:
    items = "\n".join(
        f'<li class="news-item"><a href="{a.url_path()}">{escape(a.title)}</a>'
        f' <span class="date">{a.published.strftime("%d-%m-%Y")}</span>'
        f"<p>{escape(a.lead)}</p></li>"
        for a in articles
    )
    main = f'<main id="content"><h1>Nieuws</h1><ul class="news-list">{items}</ul></main>'
    return _page(site, base, "Nieuws", main)


def home_html(site: Site, base: str, articles: list[Article]) -> str:
    latest = "".join(
        f'<li><a href="{a.url_path()}">{escape(a.title)}</a></li>' for a in articles[:3]
    )
    main = f"""<main id="content"><h1>{escape(site.name)}</h1><p>{escape(site.tagline)}</p>
<section><h2>Laatste nieuws</h2><ul>{latest}</ul>
<p><a href="{site.listing_path}">Alle nieuwsberichten</a></p></section></main>"""
    return _page(site, base, "Home", main)


def rss2(site: Site, base: str, articles: list[Article]) -> str:
    items = "\n".join(
        f"""<item><title>{escape(a.title)}</title><link>{escape(base + a.url_path())}</link>
<guid isPermaLink="true">{escape(base + a.url_path())}</guid>
<pubDate>{format_datetime(a.published)}</pubDate>
<description>{escape(a.lead)}</description></item>"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{escape(site.name)} - Nieuws</title>
<link>{escape(base)}/</link><description>{escape(site.tagline)}</description><language>nl</language>
{items}
</channel></rss>"""


def rss091(site: Site, base: str, articles: list[Article]) -> str:
    items = "\n".join(
        f"<item><title>{escape(a.title)}</title><link>{escape(base + a.url_path())}</link>"
        f"<description>{escape(a.lead)}</description></item>"
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="0.91"><channel><title>{escape(site.name)}</title><link>{escape(base)}/</link>
<description>{escape(site.tagline)}</description><language>nl</language>
{items}
</channel></rss>"""


def rss1(site: Site, base: str, articles: list[Article]) -> str:
    seq = "".join(f'<rdf:li rdf:resource="{escape(base + a.url_path())}"/>' for a in articles)
    items = "\n".join(
        f"""<item rdf:about="{escape(base + a.url_path())}"><title>{escape(a.title)}</title>
<link>{escape(base + a.url_path())}</link><description>{escape(a.lead)}</description>
<dc:date>{a.published.isoformat()}</dc:date></item>"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{escape(base)}/"><title>{escape(site.name)}</title><link>{escape(base)}/</link>
<description>{escape(site.tagline)}</description><items><rdf:Seq>{seq}</rdf:Seq></items></channel>
{items}
</rdf:RDF>"""


def atom(site: Site, base: str, articles: list[Article]) -> str:
    updated = max((a.published for a in articles), default=None)
    entries = "\n".join(
        f"""<entry><title>{escape(a.title)}</title><link href="{escape(base + a.url_path())}"/>
<id>{escape(base + a.url_path())}</id><updated>{a.published.isoformat()}</updated>
<published>{a.published.isoformat()}</published><summary>{escape(a.lead)}</summary></entry>"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="nl"><title>{escape(site.name)}</title>
<link href="{escape(base)}/"/><id>{escape(base)}/</id>
<updated>{updated.isoformat() if updated else "2026-01-01T00:00:00+00:00"}</updated>
{entries}
</feed>"""


FEED_RENDERERS = {"rss2": rss2, "atom": atom, "rss1": rss1, "rss091": rss091}


def sitemap(base: str, articles: list[Article]) -> str:
    urls = "\n".join(
        f"<url><loc>{escape(base + a.url_path())}</loc>"
        f"<lastmod>{a.published.date().isoformat()}</lastmod></url>"
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{escape(base)}/</loc></url>
{urls}
</urlset>"""


def sitemap_index(base: str, children: list[tuple[str, datetime]]) -> str:
    """A sitemap index naming child sitemaps (path, lastmod)."""
    items = "\n".join(
        f"<sitemap><loc>{escape(base + path)}</loc><lastmod>{when.isoformat()}</lastmod></sitemap>"
        for path, when in children
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{items}
</sitemapindex>"""


def news_sitemap(site: Site, base: str, articles: list[Article]) -> str:
    """A Google News sitemap: news:publication_date and news:title, no lastmod."""
    urls = "\n".join(
        f"""<url><loc>{escape(base + a.url_path())}</loc><news:news>
<news:publication><news:name>{escape(site.name)}</news:name><news:language>nl</news:language>
</news:publication><news:publication_date>{a.published.isoformat()}</news:publication_date>
<news:title>{escape(a.title)}</news:title></news:news></url>"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{urls}
</urlset>"""


def render_site(site: Site, base: str) -> dict[str, Route]:
    """Every route of a site; feeds and listings carry validators so conditional GET works."""
    articles = sorted(site.articles, key=lambda a: a.published, reverse=True)
    digest = hashlib.sha1("|".join(a.slug for a in articles).encode()).hexdigest()[:16]
    validator = f'"{digest}"'
    routes: dict[str, Route] = {
        "/": Route(home_html(site, base, articles)),
        "/contact": Route(_page(site, base, "Contact", "<main><h1>Contact</h1></main>")),
        "/over-ons": Route(_page(site, base, "Over ons", "<main><h1>Over ons</h1></main>")),
        "/robots.txt": Route(site.robots, content_type="text/plain"),
    }
    if site.listing:
        routes[site.listing_path] = Route(listing_html(site, base, articles), etag=validator)
    for article in articles:
        routes[article.url_path()] = Route(article_html(site, base, article))
    if site.feed:
        content_type = (
            "application/atom+xml; charset=utf-8"
            if site.feed == "atom"
            else "application/rss+xml; charset=utf-8"
        )
        routes[site.feed_path] = Route(
            FEED_RENDERERS[site.feed](site, base, articles),
            content_type=content_type,
            etag=validator,
        )
    if site.sitemap:
        routes["/sitemap.xml"] = Route(
            sitemap(base, articles), content_type="application/xml", etag=validator
        )
        routes["/robots.txt"] = Route(
            site.robots + f"Sitemap: {base}/sitemap.xml\n", content_type="text/plain"
        )
    return routes
