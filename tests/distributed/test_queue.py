"""The run's queue in Redis: the dupefilter's check, the queueing and a lease's release are one
step (state.ENQUEUE), so a worker that dies between them cannot leave a request "seen" but never
queued (its redone parent would drop it for good: an article lost)."""

from __future__ import annotations

import pytest


@pytest.fixture
def state(redis_url):
    import redis

    from crawler.distributed.state import RunState

    return RunState(redis.Redis.from_url(redis_url), 7, 60)


def _queued(state) -> list[bytes]:
    return state.server.zrange(state.keys.requests, 0, -1)


def test_a_new_request_is_queued_and_its_fingerprint_recorded_together(state):
    assert state.enqueue(state.keys.requests, b"article-1", -1, "fp1", "")
    assert _queued(state) == [b"article-1"]
    assert state.server.sismember(state.keys.dupefilter, "fp1")
    assert state.server.ttl(state.keys.dupefilter) > 0
    assert state.server.ttl(state.keys.requests) > 0


def test_a_seen_request_is_not_queued_again(state):
    assert state.enqueue(state.keys.requests, b"article-1", -1, "fp1", "")
    assert not state.enqueue(state.keys.requests, b"article-1 again", -1, "fp1", "")
    assert _queued(state) == [b"article-1"]


def test_a_request_never_filtered_is_queued_each_time(state):
    assert state.enqueue(state.keys.requests, b"retry-1", 0, "", "")
    assert state.enqueue(state.keys.requests, b"retry-2", 0, "", "")
    assert sorted(_queued(state)) == [b"retry-1", b"retry-2"]
    assert not state.server.exists(state.keys.dupefilter)


@pytest.mark.parametrize("seen", [False, True])
def test_a_derived_request_releases_its_parents_lease(state, seen):
    """A redirect of a request this worker took: queued (or dropped as seen) and the original's
    lease released in the same step, so the original is neither lost nor done again."""
    state.enqueue(state.keys.requests, b"page", -5, "page", "")
    if seen:
        state.enqueue(state.keys.requests, b"elsewhere", 0, "target", "")
    lease, data = state.pop("worker-a", 1)
    assert data == b"page"
    assert state.pending() == (int(seen), 1)
    assert state.enqueue(state.keys.requests, b"redirected", 0, "target", lease) is not seen
    assert state.pending() == (1, 0)
    assert _queued(state) == [b"elsewhere" if seen else b"redirected"]
