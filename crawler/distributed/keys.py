"""Names of a distributed run's Redis keys, the connection, and who a process is."""

from __future__ import annotations

import os
import socket
import uuid

import redis

PREFIX = "howardshome"
# The run workers join: its id while it is seeded or crawled; deleted when it is finalized.
CURRENT = f"{PREFIX}:current"

# Every key of a run, each with one job. All expire (HOWARDSHOME_REDIS_RUN_TTL after their last
# write) and the run's finalization deletes them, so Redis does not grow night after night.
RUN_KEYS = (
    "meta",  # hash: status (seeding|running|finalizing), trigger, started, wait, error, ...
    "catalog",  # pickled (sources, taxonomy, plan): workers need no YAML files
    "requests",  # sorted set: the scrapy-redis priority queue
    "dupefilter",  # set: scrapy-redis request fingerprints
    "leases",  # hash "<worker>|<seq>|<score>" -> request taken by a worker, not yet done
    "workers",  # sorted set: worker -> last heartbeat (Redis time)
    "requested",  # hash url_hash -> "<source>\t<request>": who requested the article first
    "quota",  # hash source -> article pages requested (HOWARDSHOME_MAX_ARTICLES_PER_SOURCE)
    "pages_read",  # hash "<source>\t<listing>" -> listing pages taken
    "pages_seen",  # hash: canonical URL of a listing page fetched or scheduled -> by whom
    "discovering",  # hash: source being autodiscovered -> by whom
    "also",  # hash source -> JSON list of hosts its homepage redirected to
    "methods",  # hash source -> JSON [method, discovery_urls] when the crawl changed them
    "reports",  # hash "<worker>|<source>" -> JSON of that worker's counters and errors
    "stats",  # hash worker -> JSON {requests}
    "fetch_states",  # hash url_hash -> JSON [url, etag, last_modified, status]
    "listing_hashes",  # hash url_hash -> JSON [url, body hash] of listings without validators
    "content",  # hash content_hash -> url_hash of the first article with that text
    "simhash",  # hash "<band>:<16 bits>" -> "p0 p1 p2 p3 url_hash;..." (near-duplicates)
    "links",  # list: JSON source links whose article was not stored yet when seen
    "polite",  # hash host -> the time (Redis clock) its next request may start
    "finalizer",  # string: who finalizes the run
)


class RunKeys:
    """The key names of one run: `keys.requests` is `howardshome:run:<id>:requests`."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.base = f"{PREFIX}:run:{run_id}:"
        for name in RUN_KEYS:
            setattr(self, name, self.base + name)

    def all(self) -> list[str]:
        return [self.base + name for name in RUN_KEYS]

    def __getattr__(self, name: str) -> str:  # (for type checkers: every RUN_KEYS name)
        raise AttributeError(name)


def connect(url: str) -> redis.Redis:
    """A client for HOWARDSHOME_REDIS_URL; raises redis.ConnectionError naming the URL."""
    client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise redis.ConnectionError(f"redis {safe_redis_url(url)}: {exc}") from None
    return client


def text(value: bytes | str | None) -> str:
    """A Redis reply as text ("" for none). The client returns bytes (decode_responses is off);
    redis-py's types also allow str."""
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else value


def safe_redis_url(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "//" in url:
        scheme, rest = url.split("//", 1)
        return f"{scheme}//***@{rest.split('@', 1)[1]}"
    return url


def process_id() -> str:
    """Unique per process and machine; no '|' (lease fields are split on it)."""
    host = socket.gethostname().replace("|", "_")
    return f"{host}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
