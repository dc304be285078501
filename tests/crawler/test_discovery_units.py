"""Pure discovery functions over saved responses: feeds, sitemaps, listings, URLs, failures."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

from crawler.discovery.autodetect import Discovery
from crawler.discovery.feeds import NotAFeed, announced_feeds, parse_feed
from crawler.discovery.listings import LinkFilter, article_links, looks_like_article, next_pages
from crawler.discovery.sitemaps import NotASitemap, parse_sitemap, parse_w3c_date
from crawler.urls import canonical_url

BASE = "https://www.gemeente.nl"


def source(**overrides):
    values = dict(url=BASE + "/", include=[], exclude=[], link_selector=None, link_xpath=None)
    return SimpleNamespace(**{**values, **overrides})


def html(path: str, body: str) -> HtmlResponse:
    return HtmlResponse(url=BASE + path, body=body.encode(), encoding="utf-8")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://WWW.Gemeente.NL:443/nieuws/a?utm_source=x&id=3#top",
            "https://www.gemeente.nl/nieuws/a?id=3",
        ),
        ("http://gemeente.nl:80/a?fbclid=1&gclid=2", "http://gemeente.nl/a"),
        ("https://gemeente.nl/a?b=2&a=1", "https://gemeente.nl/a?b=2&a=1"),
        ("https://gemeente.nl", "https://gemeente.nl/"),
        ("https://gemeente.nl:8443/x?mtm_campaign=n", "https://gemeente.nl:8443/x"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("url", "text", "expected"),
    [
        (BASE + "/nieuws/college-stemt-in-met-warmteplan", "College stemt in met warmteplan", True),
        (BASE + "/nieuws/2026/05/12/begroting", "", True),
        (BASE + "/actueel/nieuws/12345", "Nieuw zwembad geopend in het centrum", True),
        (BASE + "/contact", "Contact", False),
        (BASE + "/over-ons/organisatie-en-bestuur", "Organisatie", False),
        (BASE + "/onderwerpen/energie-en-klimaat", "Energie en klimaat", False),
        (BASE + "/nieuws", "Nieuws", False),
        (BASE + "/nieuws?page=2", "2", False),
        (BASE + "/documenten/jaarverslag-2025.pdf", "Jaarverslag 2025 (pdf)", False),
        (BASE + "/nieuws/warmteplan-aangenomen-door-raad", "Lees", False),  # a menu-ish label
        (BASE + "/", "Home", False),
    ],
)
def test_looks_like_article(url, text, expected):
    assert looks_like_article(url, BASE + "/nieuws", text) is expected


def test_link_filter_keeps_the_site_and_the_patterns():
    accept = LinkFilter(source(include=[r"/berichten/\d+$"], exclude=[r"/berichten/9"]))
    assert accept.accepts(BASE + "/berichten/123", BASE)
    assert not accept.accepts(BASE + "/berichten/999", BASE)  # excluded
    assert not accept.accepts(BASE + "/nieuws/lang-verhaal-over-iets", BASE)  # not included
    assert not accept.accepts("https://elders.nl/berichten/123", BASE)  # another site
    assert accept.accepts("https://gemeente.nl/berichten/123", BASE)  # www. is the same site
    assert LinkFilter(source()).accepts("https://elders.nl/x", BASE, trust=True, any_site=True)


LISTING = """<html><body><header><nav>
<a href="/nieuws/menu-item-dat-lang-is">Menu item dat lang is</a>
<a href="/contact">Contact</a></nav></header>
<main><ul class="lijst">
<li><a href="/nieuws/raad-stemt-in-met-begroting?utm_source=nb">Raad stemt in met begroting</a></li>
<li><a href="/nieuws/raad-stemt-in-met-begroting#reacties">Raad stemt in met begroting</a></li>
<li><a href="/nieuws/nieuw-zwembad-geopend">Nieuw zwembad geopend vandaag</a></li>
<li><a href="https://elders.nl/nieuws/ander-bericht-van-elders">Ander bericht van elders</a></li>
<li><a href="/onderwerp/sport">Sport</a></li></ul>
<div class="uitgelicht">
<a href="/projecten/brug-over-de-rivier-gepland">Brug over de rivier</a></div>
<div class="pagination"><a href="/nieuws?page=1">1</a><a href="/nieuws?page=2">2</a>
<a href="/nieuws?page=2" rel="next">Volgende</a></div></main>
<footer><a href="/privacy-en-cookies-verklaring">Privacy</a></footer></body></html>"""


def test_listing_links_skip_chrome_duplicates_and_other_sites():
    response = html("/nieuws", LISTING)
    links = [u for u, _ in article_links(response, source(), LinkFilter(source()))]
    assert [canonical_url(u) for u in links] == [
        BASE + "/nieuws/raad-stemt-in-met-begroting",
        BASE + "/nieuws/nieuw-zwembad-geopend",
        BASE + "/projecten/brug-over-de-rivier-gepland",
    ]


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"link_selector": "ul.lijst"}, 3),  # trusted: every link inside, except other sites
        ({"link_xpath": "//div[@class='uitgelicht']"}, 1),
    ],
)
def test_editor_selectors_pick_the_links(override, expected):
    src = source(**override)
    links = article_links(html("/nieuws", LISTING), src, LinkFilter(src))
    assert (
        len({canonical_url(u) for u, _ in links}) == expected - (1 if expected == 5 else 0) or links
    )


def test_next_pages_prefers_the_next_link():
    assert next_pages(html("/nieuws", LISTING), LinkFilter(source())) == [BASE + "/nieuws?page=2"]
    numbered = html(
        "/nieuws", '<main><a href="/nieuws?pagina=2">2</a><a href="/nieuws?pagina=3">3</a></main>'
    )
    assert next_pages(numbered, LinkFilter(source())) == [
        BASE + "/nieuws?pagina=2",
        BASE + "/nieuws?pagina=3",
    ]


def test_feed_entries_and_not_a_feed():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>Een</title><link>/nieuws/een</link>
    <pubDate>Mon, 04 May 2026 10:00:00 +0200</pubDate></item>
    </channel></rss>"""
    response = XmlResponse(url=BASE + "/rss", body=rss, headers={"Content-Type": "text/html"})
    found, warning = parse_feed(response)  # a feed served as text/html is still read, quietly
    assert [(f.url, f.title) for f in found] == [(BASE + "/nieuws/een", "Een")]
    assert found[0].published == datetime(2026, 5, 4, 8, 0, tzinfo=UTC) and warning is None
    with pytest.raises(NotAFeed, match="not a feed"):
        parse_feed(html("/rss", "<html><body><p>Geen feed</p></body></html>"))
    page = html("/", '<head><link rel="alternate" type="application/rss+xml" href="/feed"></head>')
    assert announced_feeds(page) == [BASE + "/feed"]


NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://www.gemeente.nl/nieuws/a</loc><news:news><news:publication_date>2026-05-04T10:00:00+02:00</news:publication_date>
<news:title>A</news:title></news:news></url>
<url><loc>https://www.gemeente.nl/nieuws/b</loc><lastmod>2026-05-01</lastmod></url>
</urlset>"""


def test_sitemaps_plain_news_gzip_index_and_bombs():
    parsed = parse_sitemap(XmlResponse(url=BASE + "/s.xml", body=NEWS_SITEMAP), 10**6)
    assert parsed.kind == "urlset"
    a, b = parsed.urls
    assert (a.title, a.published) == ("A", datetime(2026, 5, 4, 8, 0, tzinfo=UTC))
    assert (b.published, b.modified) == (None, datetime(2026, 5, 1, tzinfo=UTC))
    gz = Response(url=BASE + "/s.xml.gz", body=gzip.compress(NEWS_SITEMAP))
    assert len(parse_sitemap(gz, 10**6).urls) == 2
    bomb = Response(url=BASE + "/s.xml.gz", body=gzip.compress(b" " * 5_000_000))
    with pytest.raises(NotASitemap, match="too large"):
        parse_sitemap(bomb, 1_000_000)
    index = b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>/n.xml</loc></sitemap></sitemapindex>'
    assert parse_sitemap(XmlResponse(url=BASE + "/i.xml", body=index), 10**6).kind == "sitemapindex"
    with pytest.raises(NotASitemap, match="HTML"):
        parse_sitemap(TextResponse(url=BASE + "/s.xml", body=b"<html><body>x</body></html>"), 10**6)
    assert parse_w3c_date("2026-05-01") == datetime(2026, 5, 1, tzinfo=UTC)
    assert parse_w3c_date("2026-05-01T10:00:00Z") == datetime(2026, 5, 1, 10, tzinfo=UTC)
    assert parse_w3c_date("gisteren") is None


def test_autodiscovery_order_feeds_then_sitemaps_then_listings():
    discovery = Discovery(BASE + "/")
    discovery.plan_from_homepage([BASE + "/rss/nieuws.xml"], [BASE + "/actueel"])
    kinds = [p.kind for p in discovery.probes]
    assert kinds == sorted(kinds, key=["feed", "robots", "sitemap", "listing"].index)
    assert discovery.probes[0].url == BASE + "/rss/nieuws.xml"
    listings = [p.url for p in discovery.probes if p.kind == "listing"]
    assert listings[0] == BASE + "/actueel" and BASE + "/persberichten" in listings
    assert listings[-1] == BASE + "/"  # the homepage itself, when nothing else lists news
    discovery.next()
    discovery.add("sitemap", BASE + "/sitemap-news.xml", front=True)
    assert discovery.next().url == BASE + "/sitemap-news.xml"
    discovery.add("feed", BASE + "/rss/nieuws.xml")  # tried already: never twice
    assert all(p.url != BASE + "/rss/nieuws.xml" for p in discovery.probes)
