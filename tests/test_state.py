"""Schedule claims and seen markers against a real Redis."""

from __future__ import annotations

from redis import Redis

from workers import state
from workers.sources.entry import Entry


def entry(i: str, url: str) -> Entry:
    return Entry(id=i, feed="f", url=url, link=url, title=i, published="", content_hash="h" + i)


def test_due_feeds_are_claimed_once(redis: Redis) -> None:
    state.sync_schedule(redis, ["a", "b"], now=100.0)
    assert sorted(state.claim_due(redis, now=100.0)) == ["a", "b"]
    # a second scheduler at the same moment finds nothing due: no double poll
    assert state.claim_due(redis, now=100.5) == []
    # the lease expires if the poll job never reports back
    assert sorted(state.claim_due(redis, now=100.0 + state.POLL_LEASE_SECONDS + 1)) == ["a", "b"]


def test_sync_removes_feeds_dropped_from_config(redis: Redis) -> None:
    state.sync_schedule(redis, ["a", "b"], now=0.0)
    removed = state.sync_schedule(redis, ["b", "c"], now=0.0)
    assert removed == ["a"]
    assert sorted(state.next_polls(redis)) == ["b", "c"]


def test_next_poll_is_respected(redis: Redis) -> None:
    state.sync_schedule(redis, ["a"], now=0.0)
    state.set_next_poll(redis, "a", 500.0)
    assert state.claim_due(redis, now=499.0) == []
    assert state.claim_due(redis, now=500.0) == ["a"]


def test_unseen_checks_ids_and_urls(redis: Redis) -> None:
    one, two = entry("1", "https://x.org/1"), entry("2", "https://x.org/2")
    pipe = redis.pipeline()
    state.mark_seen(pipe, [one])
    pipe.execute()
    same_url_other_id = entry("3", "https://x.org/1")
    assert state.unseen(redis, [one, two, same_url_other_id]) == [two]
