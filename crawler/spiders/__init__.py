"""Spiders, named after how they discover article URLs."""

from __future__ import annotations

from scrapy.http import Response


def header(response: Response, name: bytes, default: bytes = b"") -> bytes:
    """A response header's value, `default` when it is absent (an empty one stays empty)."""
    value = response.headers.get(name)
    return default if value is None else value


def requested_url(response: Response) -> str:
    """The URL of the request this response answers (after any redirect). Scrapy sets the
    request on every response a callback gets; a response made by hand has none."""
    return response.request.url if response.request is not None else response.url
