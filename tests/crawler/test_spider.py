"""The spider over saved responses: which requests it makes, and what it reports."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.http import HtmlResponse, Request, Response, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.discovery.feeds import Found
from crawler.items import SourceLinkItem
from crawler.spiders.auto import MAX_SITEMAP_DEPTH, AutoSpider
from crawler.urls import url_hash
from models.catalog import Source

BASE = "https://www.gemeente.nl"


def spider(
    max_articles: int = 300,
    known: set[str] | None = None,
    listing_hashes: dict[str, str] | None = None,
    retries: list | None = None,
    **source,
) -> AutoSpider:
    crawler = get_crawler(
        AutoSpider, settings_dict={"HOWARDSHOME_MAX_ARTICLES_PER_SOURCE": max_articles}
    )
    entry = Source(id="gemeente", name="Gemeente", url=BASE + "/", **source)
    return AutoSpider.from_crawler(
        crawler,
        sources=[entry],
        known_hashes=known or set(),
        known_links=set(),
        fetch_states={url_hash(BASE + "/nieuws"): ('"v1"', None)},
        window_days=30,
        listing_hashes=listing_hashes,
        retries=retries,
    )


def test_listing_read_conditionally_and_followed_within_bounds():
    s = spider(listings=[BASE + "/nieuws"], max_pages=2)
    (first,) = list(s.start_requests())
    assert first.headers[b"If-None-Match"] == b'"v1"'
    body = """<main><a href="/nieuws/raad-stemt-in-met-begroting">Raad stemt in met begroting</a>
    <a href="/nieuws/raad-stemt-in-met-begroting?utm_source=x">Raad stemt in met begroting</a>
    <a href="/contact">Contact</a><a rel="next" href="/nieuws?page=2">Volgende</a></main>"""
    out = list(s.parse_listing(HtmlResponse(BASE + "/nieuws", body=body.encode(), request=first)))
    urls = [r.url for r in out if isinstance(r, Request)]
    assert urls == [BASE + "/nieuws/raad-stemt-in-met-begroting", BASE + "/nieuws?page=2"]
    page2 = out[-1]
    body2 = '<main><a rel="next" href="/nieuws?page=3">Volgende</a></main>'
    more = list(s.parse_listing(HtmlResponse(page2.url, body=body2.encode(), request=page2)))
    assert more == []  # max_pages=2: page 3 is never requested
    report = s.reports["gemeente"]
    assert (report.method, report.discovery_ok, report.requested) == ("listing", 1, 1)


def test_known_articles_become_links_and_the_per_source_limit_defers_the_rest():
    known = url_hash(BASE + "/nieuws/al-bekend-bericht")
    s = spider(max_articles=2, known={known})
    out = list(s._follow_article(Found(BASE + "/nieuws/al-bekend-bericht?fbclid=1"), "gemeente"))
    assert [type(x) for x in out] == [SourceLinkItem] and out[0].url_hash == known
    for n in range(5):
        list(s._follow_article(Found(f"{BASE}/nieuws/bericht-nummer-{n}"), "gemeente"))
    report = s.reports["gemeente"]
    assert (report.requested, report.deferred) == (2, 3)
    assert "the rest next run" in report.errors[0]["reason"]


def _index(*urls: str) -> bytes:
    entries = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls)
    return (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</sitemapindex>"
    ).encode()


def test_a_sitemap_index_that_lists_itself_or_nests_endlessly_ends():
    s = spider(sitemaps=[BASE + "/sitemap.xml"])
    (first,) = list(s.start_requests())
    # The index lists itself and one child; only the child is requested.
    body = _index(BASE + "/sitemap.xml", BASE + "/sitemap-1.xml")
    out = list(s.parse_sitemap(XmlResponse(first.url, body=body, request=first)))
    assert [r.url for r in out] == [BASE + "/sitemap-1.xml"]
    # A chain of indexes, each naming a new one, stops after MAX_SITEMAP_DEPTH levels.
    request, depth = out[0], 1
    while True:
        body = _index(f"{BASE}/sitemap-{depth + 1}.xml", BASE + "/sitemap.xml")
        out = list(s.parse_sitemap(XmlResponse(request.url, body=body, request=request)))
        requests = [r for r in out if isinstance(r, Request)]
        if not requests:
            break
        assert [r.url for r in requests] == [f"{BASE}/sitemap-{depth + 1}.xml"]
        request, depth = requests[0], depth + 1
    assert depth == MAX_SITEMAP_DEPTH


def test_window_days_zero_keeps_every_dated_article():
    crawler = get_crawler(AutoSpider)
    entry = Source(id="gemeente", name="Gemeente", url=BASE + "/")
    s = AutoSpider.from_crawler(
        crawler, sources=[entry], known_hashes=set(), known_links=set(), fetch_states={},
        window_days=0,
    )  # fmt: skip
    old = Found(BASE + "/nieuws/raadsbesluit-uit-2009", published=datetime(2009, 5, 1, tzinfo=UTC))
    assert [r.url for r in s._follow_article(old, "gemeente")] == [old.url]
    assert list(spider()._follow_article(old, "gemeente")) == []  # the 30-day window skips it


def test_an_unchanged_listing_without_validators_is_not_read_again_and_a_changed_one_is():
    page = """<main><a href="/nieuws/raad-stemt-in-met-begroting">Raad stemt in met begroting</a>
    <a rel="next" href="/nieuws?page=2">Volgende</a></main>"""
    first_run = spider(listings=[BASE + "/nieuws"])
    (request,) = list(first_run.start_requests())
    out = list(first_run.parse_listing(HtmlResponse(BASE + "/nieuws", body=page.encode(),
                                                    request=request)))  # fmt: skip
    assert [r.url for r in out] == [
        BASE + "/nieuws/raad-stemt-in-met-begroting",
        BASE + "/nieuws?page=2",
    ]
    saved = {key: digest for key, (_url, digest) in first_run.new_listing_hashes.items()}
    assert list(saved) == [url_hash(BASE + "/nieuws")]

    # Next run, the same bytes: nothing parsed, no next page, counted like a 304.
    again = spider(listings=[BASE + "/nieuws"], listing_hashes=saved)
    (request,) = list(again.start_requests())
    same = HtmlResponse(BASE + "/nieuws", body=page.encode(), request=request)
    assert list(again.parse_listing(same)) == []
    report = again.reports["gemeente"]
    assert (report.not_modified, report.discovery_ok, report.requested) == (1, 1, 0)

    # A new article on the page: the page is read, the new article and the next page requested.
    added = page.replace("<main>", '<main><a href="/nieuws/nieuw-fietspad-langs-de-dijk">'
                         "Nieuw fietspad langs de dijk</a>")  # fmt: skip
    changed = spider(listings=[BASE + "/nieuws"], listing_hashes=saved)
    (request,) = list(changed.start_requests())
    out = list(changed.parse_listing(HtmlResponse(BASE + "/nieuws", body=added.encode(),
                                                  request=request)))  # fmt: skip
    urls = [r.url for r in out if isinstance(r, Request)]
    assert BASE + "/nieuws/nieuw-fietspad-langs-de-dijk" in urls
    assert BASE + "/nieuws?page=2" in urls


def test_pages_that_failed_last_run_are_requested_again_before_any_feed_answers():
    failed = [(url_hash(BASE + "/nieuws/kapot"), "gemeente", BASE + "/nieuws/kapot"),
              (url_hash(BASE + "/x/elders"), "weg", BASE + "/x/elders")]  # fmt: skip
    s = spider(feeds=[BASE + "/feed.xml"], retries=failed)
    urls = [r.url for r in s.start_requests()]
    # The source "weg" is not crawled in this run: its page waits.
    assert urls == [BASE + "/feed.xml", BASE + "/nieuws/kapot"]


def test_a_listing_that_is_not_text_is_reported_not_raised():
    # Scrapy's plain Response (binary content) has an xpath method too: it raises NotSupported.
    s = spider(listings=[BASE + "/nieuws"])
    (request,) = list(s.start_requests())
    binary = Response(BASE + "/nieuws", body=b"\x00\x01PK\x03\x04", request=request,
                      headers={"Content-Type": "application/zip"})  # fmt: skip
    assert [r for r in s.parse_listing(binary) if isinstance(r, Request)] == []
    (error,) = s.reports["gemeente"].errors
    assert error["reason"].endswith("the listing is not an HTML page")
