"""The SSRF guard (also on redirects), Retry-After parsing, size limits as Scrapy applies them."""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from crawler.middlewares import AddressGuardMiddleware, retry_after_seconds
from crawler.settings import scrapy_settings
from models.settings import Settings


def guard(url: str, allow: bool = False):
    return asyncio.run(AddressGuardMiddleware(allow).process_request(Request(url)))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/", "http://10.1.2.3/admin", "http://192.168.1.1/", "http://172.16.0.5/",
        "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/", "http://[fe80::1]/",
    ],
)  # fmt: skip
def test_private_addresses_are_refused(url):
    with pytest.raises(IgnoreRequest, match="HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES"):
        guard(url)
    assert guard(url, allow=True) is None


def test_public_addresses_pass_and_other_schemes_never():
    assert guard("http://93.184.216.34/nieuws") is None
    for url in ("file:///etc/passwd", "ftp://93.184.216.34/x"):
        with pytest.raises(IgnoreRequest, match="not http or https"):
            guard(url, allow=True)


def test_a_redirect_to_a_private_address_is_refused():
    """A redirect is a new request that Scrapy sends through every downloader middleware again,
    the guard included: a public site cannot bounce the crawler onto the internal network."""
    crawler = get_crawler(settings_dict=scrapy_settings(Settings()))
    redirect = RedirectMiddleware.from_crawler(crawler)
    request = Request("http://93.184.216.34/nieuws.rss")
    response = Response(
        request.url, status=302, headers={"Location": "http://169.254.169.254/latest/"}
    )
    follow = redirect.process_response(request, response)
    assert isinstance(follow, Request) and follow.url == "http://169.254.169.254/latest/"
    with pytest.raises(IgnoreRequest, match="private or loopback"):
        asyncio.run(AddressGuardMiddleware(False).process_request(follow))
    order = crawler.settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert order["crawler.middlewares.AddressGuardMiddleware"] < 600  # before the redirect one


def test_download_maxsize_bounds_the_decompressed_size():
    settings = scrapy_settings(Settings(max_response_bytes=1_000_000))
    crawler = get_crawler(settings_dict=settings)
    middleware = HttpCompressionMiddleware.from_crawler(crawler)
    request = Request("http://93.184.216.34/sitemap.xml")
    bomb = gzip.compress(b" " * 20_000_000)
    response = Response(request.url, body=bomb, headers={"Content-Encoding": "gzip"})
    assert len(bomb) < 100_000
    with pytest.raises(IgnoreRequest, match="DOWNLOAD_MAXSIZE"):
        middleware.process_response(request, response)


def test_retry_after_values():
    assert retry_after_seconds(b"120") == 120.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True).encode()
    assert 80 <= retry_after_seconds(later) <= 90
    assert retry_after_seconds(b"morgen") is None
    assert retry_after_seconds(None) is None
