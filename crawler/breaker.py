"""Stop asking a source that keeps failing: a circuit breaker per source for one run."""

from __future__ import annotations

import logging

from scrapy import exceptions as exc
from scrapy.exceptions import IgnoreRequest
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler.failures import describe

log = logging.getLogger(__name__)

# Responses that mean the site is down or refuses us (after Scrapy's own retries).
FAILING_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
# Errors that say the site is unreachable or hangs; a page over the size limit says nothing.
SITE_DOWN = (
    exc.DownloadTimeoutError,
    exc.CannotResolveHostError,
    exc.DownloadConnectionRefusedError,
    exc.DownloadFailedError,
    net.TimeoutError,
    net.TCPTimedOutError,
    net.ConnectionRefusedError,
    net.DNSLookupError,
    net.ConnectionLost,
    ResponseNeverReceived,
    ResponseFailed,
)


class SourceBreakerMiddleware:
    """After `limit` failed attempts in a row (timeouts, refused or reset connections, 5xx),
    a source's remaining requests this run are dropped: a site where every page hangs would
    otherwise hold the crawl for hours, one retried timeout at a time. A success resets it.

    Placed after RetryMiddleware (a higher number), so it sees every attempt and also drops the
    retries of a source it has given up on.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.failures: dict[str, int] = {}  # source_id -> consecutive failed downloads
        self.last_reason: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("HOWARDSHOME_SOURCE_MAX_FAILURES", 5))

    def tripped(self, source_id: str) -> bool:
        return self.limit > 0 and self.failures.get(source_id, 0) >= self.limit

    def process_request(self, request, spider=None):
        source_id = request.meta.get("source_id")
        if source_id is not None and self.tripped(source_id):
            raise IgnoreRequest(
                f"not requested: the source failed {self.limit} download attempts in a row "
                f"this run (last: {self.last_reason.get(source_id, 'unknown')})"
            )
        return None

    def process_response(self, request, response, spider=None):
        source_id = request.meta.get("source_id")
        if source_id is not None:
            if response.status in FAILING_STATUSES:
                self._failed(source_id, f"HTTP {response.status}")
            else:
                self.failures[source_id] = 0
        return response

    def process_exception(self, request, exception, spider=None):
        source_id = request.meta.get("source_id")
        if source_id is not None and isinstance(exception, SITE_DOWN):
            self._failed(source_id, describe(Failure(exception)))
        return None

    def _failed(self, source_id: str, reason: str) -> None:
        count = self.failures.get(source_id, 0) + 1
        self.failures[source_id] = count
        self.last_reason[source_id] = reason
        if count == self.limit:
            log.warning(
                "source=%s: %d failed download attempts in a row (last: %s); its other "
                "requests wait for the next run",
                source_id,
                count,
                reason,
            )
