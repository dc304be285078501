"""The canonical link read from a page's bytes agrees with what a parsed tree would say."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler.discovery.canonical import declared_canonical

PAGES = {
    "in the head": b'<html><head><link rel="canonical" href="/a"></head><body></body></html>',
    "after the head": b"<html><head></head><body><p>x</p><link rel=canonical href=/b></body>",
    "single quotes, attributes reversed": b"<head><link href='/c?x=1&amp;y=2' rel='canonical'/>",
    "commented out first": b'<head><!-- <link rel="canonical" href="/old"> -->'
    b'<link rel="canonical" href="/d"></head>',
    "inside a script": b'<head><script>var s = \'<link rel="canonical" href="/js">\';</script>'
    b'</head><body><link rel="canonical" href="/e"></body>',
    "named in other attributes": b'<head><meta name="canonical-url" content="/m">'
    b'<link data-canonical="/x" rel="alternate" href="/f"></head>',
    "none": b'<head><link rel="stylesheet" href="/s.css"></head>',
    "empty href": b'<head><link rel="canonical" href=""></head>',
}


@pytest.mark.parametrize("name", PAGES)
def test_same_as_the_parsed_page(name):
    body = PAGES[name]
    response = HtmlResponse("http://127.0.0.1/p", body=body, headers={"Content-Type": "text/html"})
    parsed = (response.xpath('//link[@rel="canonical"]/@href').get() or "").strip() or None
    assert declared_canonical(body) == parsed


def test_entities_are_unescaped_and_the_page_encoding_used():
    assert declared_canonical(b"<link rel=canonical href='/c?x=1&amp;y=2'>") == "/c?x=1&y=2"
    page = '<link rel="canonical" href="/café">'.encode("cp1252")
    assert declared_canonical(page, "cp1252") == "/café"
    assert declared_canonical(page) == "/caf\ufffd"
