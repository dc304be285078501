"""XML sitemaps: index files, gzipped files, news sitemaps, lastmod; sitemaps from robots.txt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import lxml.etree
from scrapy.http import Response
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.discovery.feeds import Found

__all__ = ["NotASitemap", "Parsed", "parse_sitemap", "parse_w3c_date", "sitemap_urls_from_robots"]


class NotASitemap(ValueError):
    """The response is not a sitemap (or too large once decompressed)."""


@dataclass
class Parsed:
    kind: str  # "urlset" | "sitemapindex"
    urls: list[Found] = field(default_factory=list)  # urlset: pages; index: child sitemaps


def parse_w3c_date(text: str | None) -> datetime | None:
    """A sitemap date (W3C datetime: 2026-01-31, 2026-01-31T10:00:00+01:00 or ...Z) in UTC."""
    if not text:
        return None
    value = text.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def sitemap_body(response: Response, max_size: int) -> bytes:
    """The XML of a sitemap response, gunzipped (within max_size) when it is a .gz file."""
    body = response.body
    if gzip_magic_number(response):
        try:
            return gunzip(body, max_size=max_size)
        except _DecompressionMaxSizeExceeded:
            raise NotASitemap(
                f"too large: gzipped sitemap inflates beyond {max_size} bytes"
            ) from None
        except OSError as exc:
            raise NotASitemap(f"not a sitemap: broken gzip data ({exc})") from None
    return body


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(response: Response, max_size: int) -> Parsed:
    """Pages (with lastmod, or news:publication_date and news:title) or child sitemaps."""
    body = sitemap_body(response, max_size)
    # The same hardened parser as scrapy.utils.sitemap.Sitemap: no entities, no network.
    parser = lxml.etree.XMLParser(
        recover=True, remove_comments=True, resolve_entities=False, no_network=True
    )
    try:
        root = lxml.etree.fromstring(body, parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise NotASitemap(f"not a sitemap: {exc}") from None
    kind = _local(root.tag) if root is not None else ""
    if kind not in ("urlset", "sitemapindex"):
        looks = "an HTML page" if b"<html" in body[:2000].lower() else f"<{kind or '?'}>"
        raise NotASitemap(f"not a sitemap ({looks})")
    parsed = Parsed(kind)
    for entry in root:
        values: dict[str, str] = {}
        for child in entry:
            name = _local(child.tag)
            if name == "news":
                for sub in child:
                    values[f"news:{_local(sub.tag)}"] = (sub.text or "").strip()
            else:
                values[name] = (child.text or "").strip()
        loc = values.get("loc")
        if not loc:
            continue
        parsed.urls.append(
            Found(
                response.urljoin(loc),
                values.get("news:title") or None,
                parse_w3c_date(values.get("news:publication_date")),
                parse_w3c_date(values.get("lastmod")),
            )
        )
    return parsed
