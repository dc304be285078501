"""A run's shared state in Redis: leases, worker heartbeats, the spider's claims, politeness.

Each operation is one Lua script (atomic, one round trip) that also renews the TTL of the keys
it writes. Times come from Redis (TIME), so workers on machines with skewed clocks agree.
"""

from __future__ import annotations

import json

import redis

from crawler.distributed.keys import RunKeys

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "

# Take the request with the best priority and lease it to a worker, in one step: no moment
# where a request is neither queued nor leased (a plain pop loses it if the worker dies).
POP = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return false end
redis.call('ZREM', KEYS[1], item[1])
local field = ARGV[1] .. '|' .. ARGV[2] .. '|' .. item[2]
redis.call('HSET', KEYS[2], field, item[1])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return {field, item[1]}
"""

# Queue a request unless the run's dupefilter has it (ARGV[1] is its fingerprint, '' for a
# request that is never filtered), and release the lease it derives from (ARGV[4], a redirect's
# or retry's original), in one step: a worker killed in between two round trips would leave the
# fingerprint recorded and the request never queued, and its redone parent would then find it
# "seen" and drop it for good.
ENQUEUE = """
if ARGV[4] ~= '' then redis.call('HDEL', KEYS[3], ARGV[4]) end
if ARGV[1] ~= '' then
  local added = redis.call('SADD', KEYS[1], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  if added == 0 then return 0 end
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return 1
"""

# Put the leases of workers without a heartbeat for ARGV[1] seconds back in the queue (the
# dupefilter is not consulted: these requests passed it when first queued).
REQUEUE = (
    _NOW
    + """
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
if #dead == 0 then return 0 end
local gone = {}
for _, w in ipairs(dead) do gone[w] = true redis.call('ZREM', KEYS[1], w) end
local moved = 0
local leases = redis.call('HGETALL', KEYS[2])
for i = 1, #leases, 2 do
  local w, score = string.match(leases[i], '^(.-)|[^|]*|(.*)$')
  if gone[w] then
    redis.call('ZADD', KEYS[3], score, leases[i + 1])
    redis.call('HDEL', KEYS[2], leases[i])
    moved = moved + 1
  end
end
if moved > 0 then redis.call('EXPIRE', KEYS[3], ARGV[2]) end
return moved
"""
)

HEARTBEAT = (
    _NOW
    + """
if redis.call('EXISTS', KEYS[2]) == 0 then return false end  -- the run is over
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return tostring(now)
"""
)

# The spider's check-and-set of who requests an article, with the per-source page limit. A
# claim remembers the request whose response made it (ARGV[5]): when that request is done again
# (its worker died before finishing it), its claims count as new, so what it had not queued yet
# is queued now (the dupefilter drops what it had).
CLAIM = """
local claim = redis.call('HGET', KEYS[1], ARGV[1])
if claim then
  local owner, origin = string.match(claim, '^(.-)\t(.*)$')
  if origin == ARGV[5] and owner == ARGV[2] then return {owner, 1} end
  return {owner, 0}
end
local limit = tonumber(ARGV[3])
if limit > 0 then
  local n = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
  if n >= limit then return {'', 0} end
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '\t' .. ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return {ARGV[2], 1}
"""

# Claim a page or a discovery once (field -> the request that claimed it, as in CLAIM).
CLAIM_ONCE = """
local origin = redis.call('HGET', KEYS[1], ARGV[1])
if origin then return origin == ARGV[2] and 1 or 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""

# The next page of a listing: -1 when its page limit is reached, 0 when already taken.
TAKE_PAGE = """
local origin = redis.call('HGET', KEYS[2], ARGV[2])
if origin then return origin == ARGV[5] and 1 or 0 end
if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '1') >= tonumber(ARGV[3]) then return -1 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[5])
redis.call('HSETNX', KEYS[1], ARGV[1], 1)
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""

# Per-site politeness shared by every worker: reserve the site's next start time; the caller
# waits the returned seconds (without blocking its reactor).
RESERVE = (
    _NOW
    + """
local start = math.max(now, tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0'))
redis.call('HSET', KEYS[1], ARGV[1], string.format('%.6f', start + tonumber(ARGV[2])))
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {string.format('%.6f', start - now), string.format('%.6f', start)}
"""
)

ADD_ALSO = """
local urls = cjson.decode(redis.call('HGET', KEYS[1], ARGV[1]) or '[]')
for _, u in ipairs(urls) do if u == ARGV[2] then return 0 end end
table.insert(urls, ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(urls))
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""


class RunState:
    """One run's shared state, as seen by one process (a worker or the coordinator)."""

    def __init__(self, server: redis.Redis, run_id: int, ttl: float):
        self.server = server
        self.keys = RunKeys(run_id)
        self.ttl = max(int(ttl), 60)
        self._pop = server.register_script(POP)
        self._enqueue = server.register_script(ENQUEUE)
        self._requeue = server.register_script(REQUEUE)
        self._heartbeat = server.register_script(HEARTBEAT)
        self._claim = server.register_script(CLAIM)
        self._take_page = server.register_script(TAKE_PAGE)
        self._claim_once = server.register_script(CLAIM_ONCE)
        self._reserve = server.register_script(RESERVE)
        self._add_also = server.register_script(ADD_ALSO)

    # -- the queue and its leases ------------------------------------------------------------

    def pop(self, worker: str, seq: int) -> tuple[str, bytes] | None:
        keys = self.keys
        found = self._pop(keys=[keys.requests, keys.leases], args=[worker, seq, self.ttl])
        if not found:
            return None
        return found[0].decode(), found[1]

    def enqueue(self, queue: str, data: bytes, score: float, fingerprint: str, lease: str) -> bool:
        """Queue `data` unless `fingerprint` was seen in this run ('' : never filtered), and
        release `lease` ('' : none); False when it was seen."""
        keys = self.keys
        queued = self._enqueue(
            keys=[keys.dupefilter, queue, keys.leases],
            args=[fingerprint, data, score, lease, self.ttl],
        )
        return bool(queued)

    def heartbeat(self, worker: str) -> None:
        self._heartbeat(keys=[self.keys.workers, self.keys.meta], args=[worker, self.ttl])

    def requeue_dead(self, timeout: float) -> int:
        """Give the requests of workers silent for `timeout` seconds to the others."""
        keys = self.keys
        return int(
            self._requeue(keys=[keys.workers, keys.leases, keys.requests], args=[timeout, self.ttl])
        )

    def pending(self) -> tuple[int, int]:
        """(queued, leased) requests."""
        pipe = self.server.pipeline()
        pipe.zcard(self.keys.requests)
        pipe.hlen(self.keys.leases)
        queued, leased = pipe.execute()
        return queued, leased

    def live_workers(self, timeout: float) -> int:
        now = self.server.time()
        return self.server.zcount(self.keys.workers, now[0] + now[1] / 1e6 - timeout, "+inf")

    # -- the spider's claims ------------------------------------------------------------------

    def claim(self, key: str, source_id: str, limit: int, origin: str) -> tuple[str | None, bool]:
        owner, claimed = self._claim(
            keys=[self.keys.requested, self.keys.quota],
            args=[key, source_id, limit, self.ttl, origin],
        )
        return (owner.decode() or None), bool(claimed)

    def page_fetched(self, source_id: str, root: str, url: str, origin: str) -> None:
        pipe = self.server.pipeline()
        pipe.hsetnx(self.keys.pages_read, f"{source_id}\t{root}", 1)
        pipe.hsetnx(self.keys.pages_seen, url, origin)
        pipe.expire(self.keys.pages_read, self.ttl)
        pipe.expire(self.keys.pages_seen, self.ttl)
        pipe.execute()

    def take_page(self, source_id: str, root: str, url: str, limit: int, origin: str):
        taken = int(
            self._take_page(
                keys=[self.keys.pages_read, self.keys.pages_seen],
                args=[f"{source_id}\t{root}", url, limit, self.ttl, origin],
            )
        )
        return None if taken < 0 else bool(taken)

    def first_discovery(self, source_id: str, origin: str) -> bool:
        claimed = self._claim_once(keys=[self.keys.discovering], args=[source_id, origin, self.ttl])
        return claimed == 1

    def add_also(self, source_id: str, url: str) -> None:
        self._add_also(keys=[self.keys.also], args=[source_id, url, self.ttl])

    def also(self, source_id: str) -> list[str]:
        value = self.server.hget(self.keys.also, source_id)
        return json.loads(value) if value else []

    def publish_method(self, source_id: str, method: str | None, urls: list[str]) -> None:
        pipe = self.server.pipeline()
        pipe.hset(self.keys.methods, source_id, json.dumps([method, urls]))
        pipe.expire(self.keys.methods, self.ttl)
        pipe.execute()

    def reserve(self, host: str, interval: float) -> tuple[float, float]:
        """(seconds to wait, start time by the Redis clock) of the next request to `host`."""
        wait, start = self._reserve(keys=[self.keys.polite], args=[host, interval, self.ttl])
        return float(wait), float(start)
