"""scrapy-redis, configured for runs: run-scoped keys, leased pops, a dupefilter that outlives
any one worker, and redirects/retries that take over their request's lease."""

from __future__ import annotations

import itertools
import uuid

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.state import RunState

LEASE = "hh_lease"  # request.meta: the lease of a request this worker took from the queue
ORIGIN = "hh_id"  # request.meta: the id of a queued request (kept when it is requeued)


def request_id(request) -> str:
    """The request's id in the run, given when it is first queued (see state.CLAIM)."""
    return request.meta.setdefault(ORIGIN, uuid.uuid4().hex)


class LeaseQueue(PriorityQueue):
    """scrapy-redis's priority queue, popping into a lease instead of out of Redis."""

    def __init__(self, server, spider, key, serializer=None, state: RunState | None = None,
                 worker: str = ""):  # fmt: skip
        super().__init__(server, spider, key, serializer)
        self.state = state
        self.worker = worker
        self.seq = itertools.count(1)

    def push(self, request, lease: str | None = None, fingerprint: str = "") -> bool:
        """Queue a request unless `fingerprint` was seen in the run (see state.ENQUEUE); `lease`
        (the request it derives from) is released in the same step. False when it was seen."""
        assert self.state is not None, "the scheduler passes the run's state"
        request.meta.pop(LEASE, None)
        request_id(request)
        data = self._encode_request(request)
        return self.state.enqueue(self.key, data, -request.priority, fingerprint, lease or "")

    def pop(self, timeout=0):
        assert self.state is not None, "the scheduler passes the run's state"
        taken = self.state.pop(self.worker, next(self.seq))
        if taken is None:
            return None
        lease, data = taken
        request = self._decode_request(data)
        request.meta[LEASE] = lease
        return request


class RunDupeFilter(RFPDupeFilter):
    """The run's duplicate filter: its fingerprints and log. The check itself is part of queueing
    (state.ENQUEUE, which also renews the set's TTL so it expires with the run). Never cleared by
    a worker that closes (scrapy-redis deletes it on close, under the other workers)."""

    def close(self, reason=""):
        pass


class RunScheduler(Scheduler):
    """The scrapy-redis scheduler over one run's queue; the queue is the run's, not the
    worker's: nothing is flushed when a worker closes."""

    def open(self, spider):
        self.persist = True
        self.queue = LeaseQueue(self.server, spider, self.queue_key, self.serializer,
                                state=spider.run_state, worker=spider.worker_id)  # fmt: skip
        self.df = RunDupeFilter.from_spider(spider)
        self.spider = spider

    def enqueue_request(self, request):
        # The dupefilter's check and the queueing are one step in Redis; a redirect or retry of
        # a request this worker took also releases the original's lease in it, so a request is
        # never lost nor done twice, whenever this worker dies.
        lease = request.meta.get(LEASE)
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        if not self.queue.push(request, lease, fingerprint):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        # scrapy-redis's, without the `spider` argument Scrapy 2.13 warns about on every pop.
        request = self.queue.pop(self.idle_before_close)
        if request and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request
