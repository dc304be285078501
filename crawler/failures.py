"""Name why a request failed, in words an editor understands ("HTTP 500", "timeout", ...)."""

from __future__ import annotations

import re
import zlib

from scrapy import exceptions as exc
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.internet.defer import CancelledError
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived


def describe(failure) -> str:
    """A short, precise reason for a Twisted failure from a Scrapy request."""
    value = failure.value
    if failure.check(HttpError):
        status = value.response.status
        retry_after = value.response.headers.get(b"Retry-After")
        extra = f" (Retry-After {retry_after.decode(errors='replace')})" if retry_after else ""
        location = value.response.headers.get(b"Location")
        if 300 <= status < 400 and location:  # only a redirect Scrapy refused ends up here
            target = location.decode("latin-1")[:200]
            return f"HTTP {status}: redirect to {target} not followed (only http and https are)"
        return f"HTTP {status}{extra}"
    # Scrapy 2.13+ wraps Twisted's errors in its own download exceptions.
    if failure.check(exc.CannotResolveHostError):
        return "DNS lookup failed"
    if failure.check(exc.DownloadTimeoutError):
        return "timeout"
    if failure.check(exc.DownloadConnectionRefusedError):
        return "connection refused"
    if failure.check(exc.DownloadCancelledError):
        size = re.search(r"receive (\d+) bytes .*max size \((\d+)\)", str(value))
        if size:
            return f"too large: {int(size[1]):,} bytes, limit {int(size[2]):,}"
        return "too large (download cancelled at the size limit)"
    if failure.check(exc.ResponseDataLossError):
        return "response truncated (data loss)"
    if failure.check(exc.DownloadFailedError):
        if _is_tls_error(value):
            return f"TLS handshake failed: {_tls_reason(value)}"
        return "connection reset or closed before a complete response"
    if failure.check(net.DNSLookupError):
        return "DNS lookup failed"
    if failure.check(net.TimeoutError, net.TCPTimedOutError):
        return "timeout"
    if failure.check(net.ConnectionRefusedError):
        return "connection refused"
    if failure.check(CancelledError):
        return "too large (download cancelled at the size limit)"
    if failure.check(ResponseNeverReceived, ResponseFailed, net.ConnectionLost, net.ConnectionDone):
        inner = getattr(value, "reasons", None)
        if inner and any("TimeoutError" in str(r) for r in inner):
            return "timeout"
        if _is_tls_error(value):
            return f"TLS handshake failed: {_tls_reason(value)}"
        return "connection reset or closed before a complete response"
    if failure.check(IgnoreRequest):
        message = str(value) or "request ignored"
        if "robots.txt answered" in message:  # crawler.robots: a server error on robots.txt
            return message
        if "robots.txt" in message:
            return "blocked by robots.txt"
        if "max redirections" in message.lower() or "redirect" in message.lower():
            return "too many redirects (redirect loop)"
        if "DOWNLOAD_MAXSIZE" in message or "max size" in message.lower():
            return "too large: beyond the size limit once decompressed (a decompression bomb?)"
        return message
    if failure.check(zlib.error, OSError) and "decompress" in str(value).lower():
        return f"invalid compressed body (Content-Encoding does not match): {value}"
    return f"{type(value).__name__}: {value}"


def _tls_reasons(value) -> list[str]:
    """The OpenSSL errors behind a failed download, however deeply Twisted wrapped them."""
    seen, pending, found = set(), [value], []
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        current = getattr(current, "value", current)  # a Failure inside `reasons`
        if type(current).__module__.startswith("OpenSSL"):
            found.append(str(current))
        pending += list(getattr(current, "reasons", None) or [])
        pending += [current.__cause__, current.__context__]
        pending = [p for p in pending if p is not None]
    return found


def _is_tls_error(value) -> bool:
    return bool(_tls_reasons(value))


def _tls_reason(value) -> str:
    text = _tls_reasons(value)[0]
    words = re.findall(r"'([a-z][a-z ]+)'", text)  # OpenSSL's ('lib', 'func', 'reason') tuples
    return words[-1] if words else text[:120]
