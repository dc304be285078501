"""robots.txt: Scrapy's middleware, with every waiting request answered and each site's file
kept between runs.

Two changes to `scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware`:

- Scrapy 2.13 awaits a pending robots.txt through `Deferred.asFuture`, whose callback returns
  None: the first request waiting for a site's robots.txt gets the parser, every other request
  already waiting gets None, which means "no robots.txt", and is let through. The first
  requests of a site (a worker taking up a site whose robots.txt it has not read, several seeds)
  ignored its robots.txt. Here every waiter awaits one shared future holding the parser.
- A robots.txt read in an earlier run is used again while it is fresh (RFC 9309 2.4: at most
  24 hours, `HOWARDSHOME_ROBOTS_MAX_AGE_HOURS`), so a night with nothing new does not ask every
  site for it again. The spider carries the fresh files it was given (`spider.robots`, origin ->
  body) and the ones fetched in this run (`spider.new_robots`); the runner stores the latter.
  Only answers that say something are kept: 2xx (the rules) and 4xx (no rules: allow all);
  a 5xx or a failed download is asked again next run.
- A robots.txt that answers with a server error (5xx, after Scrapy's retries) forbids the whole
  site for this run (RFC 9309 2.3.1.4: "the crawler MUST assume complete disallow"), where
  Scrapy would read the error page as "no rules" and crawl everything. Each refused request
  says why, so the source's report names the status. Unless a copy read within the last
  STALE_DAYS is stored (`spider.stale_robots`): the RFC lets a crawler "continue to use a cached
  copy", so one night's server error does not cost a site its crawl.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxt
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

log = logging.getLogger(__name__)

MAX_BODY = 512_000  # RFC 9309 2.5: parsers must read at least 500 KiB


class ServerError(RobotParser):
    """The parser of a robots.txt that answered a server error: nothing is allowed."""

    def __init__(self, status: int):
        self.status = status

    @classmethod
    def from_crawler(cls, crawler, robotstxt_body):
        raise TypeError("ServerError is made from an HTTP status, not from a robots.txt body")

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


class RobotsTxtMiddleware(ScrapyRobotsTxt):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._pending: dict[str, asyncio.Future] = {}

    async def robot_parser(self, request: Request):
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc in self._parsers:
            return self._parsers[netloc]
        if netloc in self._pending:  # another request is fetching it: wait for its answer
            return await asyncio.shield(self._pending[netloc])
        origin = f"{url.scheme}://{netloc}"
        cached = getattr(self.crawler.spider, "robots", {}).get(origin)
        if cached is not None:
            self._stats.inc_value("robotstxt/cached")
            self._parsers[netloc] = build_from_crawler(self._parserimpl, self.crawler, cached)
            return self._parsers[netloc]
        waiting = self._pending[netloc] = asyncio.get_running_loop().create_future()
        try:
            return await self._fetch(origin, netloc, request)
        finally:
            del self._pending[netloc]
            waiting.set_result(self._parsers.get(netloc))

    def process_request_2(self, rp, request: Request) -> None:
        if isinstance(rp, ServerError):
            self._stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest(
                f"robots.txt answered HTTP {rp.status}: a server error there means disallow "
                "all (RFC 9309), so the site is not crawled this run"
            )
        super().process_request_2(rp, request)

    async def _fetch(self, origin: str, netloc: str, request: Request):
        """The parser of the site's robots.txt (None: no rules), as Scrapy reads it."""
        robots = Request(
            f"{origin}/robots.txt",
            priority=self.DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True},
            callback=NO_CALLBACK,
        )
        self._stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots)
        except Exception as exc:  # noqa: BLE001 - as Scrapy: a failed robots.txt allows all
            if not isinstance(exc, IgnoreRequest):
                self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
            self._parsers[netloc] = None
            return None
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        if response.status >= 500:
            stale = getattr(self.crawler.spider, "stale_robots", {}).get(origin)
            if stale is None:
                self._parsers[netloc] = ServerError(response.status)
                return self._parsers[netloc]
            body, read_at = stale
            self._stats.inc_value("robotstxt/stale_copy")
            log.warning("%s/robots.txt answered HTTP %s: using the copy read %s UTC (RFC 9309 "
                        "allows a cached copy)", origin, response.status,
                        f"{read_at:%Y-%m-%d %H:%M}")  # fmt: skip
        else:
            body = response.body[:MAX_BODY]
        parser = build_from_crawler(self._parserimpl, self.crawler, body)
        self._parsers[netloc] = parser
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=request
        )
        fetched = getattr(self.crawler.spider, "new_robots", None)
        if fetched is not None and response.status < 500:  # a stand-in copy is not read anew
            fetched[origin] = (body, response.status)
        return parser
