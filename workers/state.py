"""Feed state, the poll schedule and the seen markers in Redis.

The schedule is a sorted set (feed -> next due time). Claiming a due feed moves its
score forward by a lease in one Lua step, so several schedulers (or hosts) never poll a
feed twice for the same due time; the poll job then sets the real next time. If the
poll job is lost, the lease expires and the feed is claimed again.

The feed state hash (``pressroom:feed:<name>``) also keeps what scheduling needs:
``history`` (JSON list of recent entry publication times, for the adaptive interval),
``interval`` (the interval in force), ``backoff`` (seconds to the next attempt after a
failure) and ``errors`` (consecutive failures; polls failed in a network outage of our
own do not count).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from redis import Redis

from workers import constants as names
from workers.rediscodec import text, text_map
from workers.sources.entry import Entry

POLL_LEASE_SECONDS = 600.0

_CLAIM_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, feed in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], feed)
end
return due
"""


def sync_schedule(redis: Redis, feed_names: Iterable[str], now: float | None = None) -> list[str]:
    """Add new feeds (due now), drop removed ones; returns the names that were removed."""
    now = time.time() if now is None else now
    wanted = set(feed_names)
    members: Any = redis.zrange(names.SCHEDULE_KEY, 0, -1)
    present = {text(n) for n in members}
    removed = sorted(present - wanted)
    pipe = redis.pipeline()
    for name in sorted(wanted - present):
        pipe.zadd(names.SCHEDULE_KEY, {name: now}, nx=True)
    if removed:
        pipe.zrem(names.SCHEDULE_KEY, *removed)
    pipe.execute()
    return removed


def claim_due(redis: Redis, now: float | None = None, limit: int = 100) -> list[str]:
    """Atomically take the feeds that are due and push them a lease into the future."""
    now = time.time() if now is None else now
    due: Any = redis.eval(_CLAIM_DUE, 1, names.SCHEDULE_KEY, now, now + POLL_LEASE_SECONDS, limit)
    return [text(d) for d in due]


def schedule_all_now(redis: Redis, feed_names: Iterable[str], now: float | None = None) -> None:
    now = time.time() if now is None else now
    mapping = {name: now for name in feed_names}
    if mapping:
        redis.zadd(names.SCHEDULE_KEY, mapping)


def set_next_poll(redis: Redis, feed_name: str, when: float) -> None:
    redis.zadd(names.SCHEDULE_KEY, {feed_name: when}, xx=True)


def next_polls(redis: Redis) -> dict[str, float]:
    scored: Any = redis.zrange(names.SCHEDULE_KEY, 0, -1, withscores=True)
    return {text(n): float(s) for n, s in scored}


def feed_state(redis: Redis, feed_name: str) -> dict[str, str]:
    raw: Any = redis.hgetall(names.feed_state_key(feed_name))
    return text_map(raw)


def update_feed_state(redis: Redis, feed_name: str, fields: dict[str, Any], *, incr: dict[str, int]) -> None:
    key = names.feed_state_key(feed_name)
    pipe = redis.pipeline()
    clean: dict[Any, Any] = {k: ("" if v is None else str(v)) for k, v in fields.items()}
    if clean:
        pipe.hset(key, mapping=clean)
    for field, amount in incr.items():
        pipe.hincrby(key, field, amount)
    pipe.execute()


def unseen(redis: Redis, entries: Sequence[Entry]) -> list[Entry]:
    """Entries whose id and canonical URL were never queued before (checked before any fetch)."""
    if not entries:
        return []
    pipe = redis.pipeline()
    pipe.hmget(names.SEEN_KEY, [e.id for e in entries])
    pipe.hmget(names.SEEN_URLS_KEY, [e.url for e in entries])
    by_id, by_url = pipe.execute()
    return [e for e, i, u in zip(entries, by_id, by_url, strict=True) if i is None and u is None]


def mark_seen(pipe: Any, entries: Sequence[Entry]) -> None:
    """Record entries as queued; called in the same transaction that enqueues their job."""
    if not entries:
        return
    pipe.hset(names.SEEN_KEY, mapping={e.id: e.content_hash for e in entries})
    pipe.hset(names.SEEN_URLS_KEY, mapping={e.url: e.id for e in entries})


# A seen marker's value is the entry's content hash, then " r<N>" once revision N was queued.


def changed(redis: Redis, entries: Sequence[Entry]) -> list[tuple[Entry, int]]:
    """Seen entries (same id) whose content hash differs, with the revision a re-emit would be.

    Returned apart from :func:`unseen`, so the feed's ``on_update`` policy decides.
    """
    if not entries:
        return []
    stored: Any = redis.hmget(names.SEEN_KEY, [e.id for e in entries])
    result = []
    for entry, raw in zip(entries, stored, strict=True):
        if raw is None:
            continue
        content_hash, _, revision = text(raw).partition(" r")
        if content_hash != entry.content_hash:
            result.append((entry, (int(revision) if revision.isdigit() else 0) + 1))
    return result


def mark_revised(pipe: Any, revisions: Sequence[tuple[Entry, int]]) -> None:
    """Record the new content hash and revision; in the transaction that queues the revisions."""
    if revisions:
        pipe.hset(names.SEEN_KEY, mapping={e.id: f"{e.content_hash} r{n}" for e, n in revisions})


def known_urls(redis: Redis, source_name: str, urls: Sequence[str]) -> set[str]:
    """Which of a sitemap's URLs the source listed before (so they are not new)."""
    if not urls:
        return set()
    flags: Any = redis.smismember(names.sitemap_known_key(source_name), list(urls))
    return {url for url, known in zip(urls, flags, strict=True) if known}


def mark_urls_known(
    pipe: Any, source_name: str, urls: Sequence[str], *, ttl: float, chunk: int = 5000
) -> None:
    """Remember the URLs a sitemap listed, taken or not; in the poll's transaction.

    The set lives as long as a source keeps being polled: it expires ``ttl`` seconds after the
    last poll that listed anything (a removed source's set goes with it); by then its URLs
    are older than ``max_age`` and a poll would not take them anyway.
    """
    if not urls:
        return
    key = names.sitemap_known_key(source_name)
    for start in range(0, len(urls), chunk):
        pipe.sadd(key, *urls[start : start + chunk])
    pipe.expire(key, int(ttl))
