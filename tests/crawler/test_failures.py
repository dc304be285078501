"""Why a request failed, in an editor's words: one row per kind of failure."""

from __future__ import annotations

import pytest
from OpenSSL import SSL
from scrapy import exceptions as exc
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from crawler.failures import describe

TLS = SSL.Error([("SSL routines", "", "wrong version number")])


def _http(status: int, **headers) -> HttpError:
    response = Response("https://x.nl/feed", status=status, headers=headers)
    response.request = Request("https://x.nl/feed")
    return HttpError(response, "ignored")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (_http(500), "HTTP 500"),
        (_http(429, **{"Retry-After": "3600"}), "HTTP 429 (Retry-After 3600)"),
        (exc.CannotResolveHostError("no results"), "DNS lookup failed"),
        (net.DNSLookupError("nergens.invalid"), "DNS lookup failed"),
        (exc.DownloadTimeoutError("took longer than 5.0 seconds"), "timeout"),
        (net.ConnectionRefusedError(), "connection refused"),
        (ResponseNeverReceived([Failure(net.ConnectionLost())]), "connection reset or closed"),
        (ResponseNeverReceived([Failure(TLS)]), "TLS handshake failed: wrong version number"),
        (exc.IgnoreRequest("Forbidden by robots.txt"), "blocked by robots.txt"),
        (
            exc.IgnoreRequest(
                "robots.txt answered HTTP 503: a server error there means disallow all (RFC 9309)"
            ),
            "robots.txt answered HTTP 503: a server error",
        ),
    ],
)
def test_describe_names_the_failure(error, reason):
    assert describe(Failure(error)).startswith(reason)


def test_a_wrapped_tls_error_is_named_too():
    try:
        try:
            raise ResponseNeverReceived([Failure(TLS)])
        except ResponseNeverReceived as inner:
            raise exc.DownloadFailedError("download failed") from inner
    except exc.DownloadFailedError as outer:
        failure = Failure(outer)
    assert describe(failure) == "TLS handshake failed: wrong version number"
