"""Meta refreshes are still followed; pages without one are not decoded on the reactor thread."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings as ScrapySettings
from scrapy.utils.test import get_crawler

from crawler.metarefresh import MetaRefreshMiddleware
from crawler.settings import BASE
from crawler.spiders.auto import AutoSpider

URL = "http://127.0.0.1/oud"


def _response(body: bytes) -> HtmlResponse:
    return HtmlResponse(URL, body=body, headers={"Content-Type": "text/html"}, request=Request(URL))


def test_a_refresh_redirects_and_a_plain_page_stays_undecoded():
    middleware = MetaRefreshMiddleware.from_crawler(get_crawler(AutoSpider))
    refresh = _response(b'<head><meta http-equiv="Refresh" content="0; url=/nieuw"></head>')
    redirected = middleware.process_response(Request(URL), refresh)
    assert isinstance(redirected, Request) and redirected.url == "http://127.0.0.1/nieuw"

    plain = _response(b"<head><title>Bericht</title></head><body>" + b"tekst " * 5000)
    assert middleware.process_response(Request(URL), plain) is plain
    assert plain._cached_ubody is None  # Scrapy's middleware would have decoded the whole page


def test_it_replaces_scrapys_own():
    middlewares = ScrapySettings(BASE).getwithbase("DOWNLOADER_MIDDLEWARES")
    assert "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware" not in middlewares
    assert "crawler.metarefresh.MetaRefreshMiddleware" in middlewares
