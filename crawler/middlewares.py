"""Downloader middlewares: the SSRF guard and Retry-After aware retries."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

log = logging.getLogger(__name__)


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


class AddressGuardMiddleware:
    """Refuse non-http(s) URLs and hosts that resolve to private addresses (SSRF guard)."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES"))

    async def process_request(self, request, spider=None):
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise IgnoreRequest(f"refused: scheme {parts.scheme!r} is not http or https")
        if self.allow_private:
            return None
        host = parts.hostname or ""
        try:
            address = str(ipaddress.ip_address(host))
        except ValueError:
            from twisted.internet import reactor

            # (IReactorCore's methods are declared without self: mypy reads the host as self)
            address = await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[arg-type]
        if not is_public_address(address):
            raise IgnoreRequest(
                f"refused: {host} resolves to the private or loopback address {address} "
                "(set HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES=true to allow local sites)"
            )
        return None


def retry_after_seconds(value: bytes | None) -> float | None:
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class RetryAfterMiddleware:
    """Retry 429 and 503 after the delay the server asks for (Retry-After), else with backoff."""

    codes = (429, 503)

    def __init__(self, max_retries: int, max_wait: float):
        self.max_retries = max_retries
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler):
        return cls(
            crawler.settings.getint("HOWARDSHOME_RETRY_AFTER_TIMES", 2),
            crawler.settings.getfloat("HOWARDSHOME_RETRY_AFTER_MAX", 60.0),
        )

    async def process_response(self, request, response, spider=None):
        if response.status not in self.codes or request.meta.get("dont_retry"):
            return response
        attempt = request.meta.get("retry_after_attempt", 0)
        if attempt >= self.max_retries:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            wait = 2.0**attempt
        if wait > self.max_wait:
            log.info(
                "%s: Retry-After %.0fs exceeds the %.0fs limit", request.url, wait, self.max_wait
            )
            return response
        await asyncio.sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_attempt"] = attempt + 1
        return retry
