"""Scrapy's MetaRefreshMiddleware, without decoding pages that have no refresh to find.

Scrapy's middleware decodes every HTML response (the whole body, to read its first 4,096
characters) on the reactor thread. Here a page whose first bytes hold no "refresh" at all is
passed on untouched; any other page goes through Scrapy's own code.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh

# Bytes looked at: Scrapy looks at 4,096 characters, which take at most 4 bytes each in UTF-8
# (UTF-16 pages are decoded by Scrapy whatever they hold: their bytes never read "refresh").
PREFIX = 4 * 4096


class MetaRefreshMiddleware(ScrapyMetaRefresh):
    def process_response(self, request, response, spider=None):
        body = getattr(response, "body", b"")
        head = body[:PREFIX]
        if b"refresh" not in head.lower() and b"\x00" not in head:
            return response
        return super().process_response(request, response)
