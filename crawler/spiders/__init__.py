"""Spiders, named after how they discover article URLs."""

from __future__ import annotations

from scrapy.http import Response


def requested_url(response: Response) -> str:
    """The URL of the request this response answers (after any redirect). Scrapy sets the
    request on every response a callback gets; a response made by hand has none."""
    return response.request.url if response.request is not None else response.url
