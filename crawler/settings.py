"""Scrapy settings (only Scrapy keys); runtime values from models.settings are overlaid at start."""

from __future__ import annotations

from scrapy.settings import default_settings as scrapy_defaults

from models.settings import Settings

# Scrapy's components this crawler leaves out, and why. They are removed from Scrapy's *_BASE
# settings rather than set to None in DOWNLOADER_MIDDLEWARES and friends: Scrapy imports every
# component named there, None or not, to normalise its name, and some imports are heavy (the
# cookie middleware's tldextract, with requests and filelock, and the remote control's aiohttp:
# about 160 ms of every crawl's start).
UNUSED = {
    "dm": {
        # Replaced by this crawler's own (crawler.robots, crawler.metarefresh).
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware",
        "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware",
        # Per-request work this crawler has no use for: no allowed_domains (the spider's link
        # filter keeps each source to its site), no HTTP auth. With the spider middlewares
        # below and the referer one, 8-9% less CPU in the crawler process (bench web, A/B twice
        # in one run). RefererMiddleware stays: without it Scrapy's redirect middlewares warn
        # on every crawl.
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware",
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",
        # Off by setting anyway (COOKIES_ENABLED is False; no HTTP cache is configured).
        "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
        "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware",
    },
    "sm": {
        "scrapy.spidermiddlewares.depth.DepthMiddleware",  # listings bound their own depth
        "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware",  # a development aid
    },
    # Extensions this crawler never configures. Kept: CoreStats and LogCount (the run's
    # figures), LogStats (progress at HOWARDSHOME_LOG_LEVEL=DEBUG), CloseSpider, AutoThrottle
    # (HOWARDSHOME_AUTOTHROTTLE).
    "ext": {
        "scrapy.extensions.telnet.TelnetConsole",
        "scrapy.extensions.memusage.MemoryUsage",
        "scrapy.extensions.memdebug.MemoryDebugger",
        "scrapy.extensions.feedexport.FeedExporter",
        "scrapy.extensions.spiderstate.SpiderState",
        "scrapy.extensions.remote_control.RemoteControl",
    },
}


def _without(base: dict, kind: str) -> dict:
    return {path: order for path, order in base.items() if path not in UNUSED[kind]}


BASE = {
    "BOT_NAME": "howardshome",
    "ROBOTSTXT_OBEY": True,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 2,
    # 429 and 503 are retried by RetryAfterMiddleware, which honours Retry-After.
    "RETRY_HTTP_CODES": [500, 502, 504, 522, 524, 408],
    "REDIRECT_MAX_TIMES": 5,
    "DNS_TIMEOUT": 20,
    "AUTOTHROTTLE_START_DELAY": 1.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    # Scrapy's downloader middlewares minus UNUSED (above), then this crawler's own.
    "DOWNLOADER_MIDDLEWARES_BASE": _without(scrapy_defaults.DOWNLOADER_MIDDLEWARES_BASE, "dm"),
    "DOWNLOADER_MIDDLEWARES": {
        "crawler.middlewares.AddressGuardMiddleware": 10,
        # In place of Scrapy's: answers every request that waits for a robots.txt, and reuses
        # fresh ones.
        "crawler.robots.RobotsTxtMiddleware": 100,
        "crawler.middlewares.RetryAfterMiddleware": 540,
        "crawler.breaker.SourceBreakerMiddleware": 560,  # after RetryMiddleware (550)
        # In place of Scrapy's, minus decoding every page on the reactor thread to look for a
        # refresh.
        "crawler.metarefresh.MetaRefreshMiddleware": 580,
    },
    "SPIDER_MIDDLEWARES_BASE": _without(scrapy_defaults.SPIDER_MIDDLEWARES_BASE, "sm"),
    "EXTENSIONS_BASE": _without(scrapy_defaults.EXTENSIONS_BASE, "ext"),
    "ITEM_PIPELINES": {
        "crawler.pipelines.extract.ExtractPipeline": 100,
        "crawler.pipelines.dedupe.DedupePipeline": 200,
        "crawler.pipelines.store.StorePipeline": 300,
    },
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    "HTTPERROR_ALLOW_ALL": False,
    "MEMUSAGE_ENABLED": False,
    # Backpressure: pages waiting for an extraction worker count against the scraper's limit,
    # and the engine stops taking new requests above it. A few pages per worker keep every
    # worker busy; Scrapy's 5 MB default let responses (with their parsed trees) pile up.
    "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 2_000_000,
    # Outputs of one callback handled at once. Scrapy starts this many asyncio tasks for every
    # callback's output, however short (its default of 100: about 140,000 tasks in a crawl of
    # 1,200 pages, a fifth of the crawler process's CPU). A page yields one item, a feed or
    # listing requests that need no waiting; pages wait for the pool in parallel across
    # responses (the scraper's slot), not within one.
    "CONCURRENT_ITEMS": 4,
    "DEFAULT_DROPITEM_LOG_LEVEL": "INFO",
    # Scrapy reads each callback's source with ast for every response (its cache is keyed by
    # the bound method, new each time): a development aid that costs every page.
    "WARN_ON_GENERATOR_RETURN_VALUE": False,
    # Article pages one source may request per run; the rest waits for the next run, so a new
    # source with an undated sitemap of its whole archive cannot take over a night.
    "HOWARDSHOME_MAX_ARTICLES_PER_SOURCE": 300,
}


def scrapy_settings(settings: Settings) -> dict:
    """Scrapy settings for a crawl, with the deployment's politeness knobs overlaid."""
    values = dict(BASE)
    values.update(
        {
            "USER_AGENT": settings.user_agent,
            "DOWNLOAD_DELAY": settings.download_delay,
            "CONCURRENT_REQUESTS": settings.concurrent_requests,
            "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrent_requests_per_domain,
            "AUTOTHROTTLE_ENABLED": settings.autothrottle,
            "AUTOTHROTTLE_START_DELAY": max(settings.download_delay, 0.1),
            "DOWNLOAD_TIMEOUT": settings.download_timeout,
            "DOWNLOAD_MAXSIZE": settings.max_response_bytes,
            "DOWNLOAD_WARNSIZE": settings.max_response_bytes // 2,
            "HOWARDSHOME_ALLOW_PRIVATE_ADDRESSES": settings.allow_private_addresses,
            "HOWARDSHOME_SOURCE_MAX_FAILURES": settings.source_max_failures,
            "LOG_LEVEL": settings.log_level if settings.log_level == "DEBUG" else "WARNING",
        }
    )
    return values
