"""Dead letters: items that gave up, and putting them back in line.

An operator fixes the cause (a publisher's outage ended, a robots rule changed) and
retries; the item goes through the normal pipeline again, so it is still emitted once.
"""

from __future__ import annotations

import json
from typing import Any

from redis import Redis

from workers import constants as names
from workers import queues
from workers.rediscodec import text, text_map
from workers.settings import Settings
from workers.sources.entry import Entry
from workers.streams import StreamEntry


def list_dead(redis: Redis, count: int = 100) -> list[StreamEntry]:
    rows: Any = redis.xrange(names.DEAD_STREAM, count=count)
    return [StreamEntry(text(eid), text_map(fields)) for eid, fields in rows]


def retry_dead(redis: Redis, settings: Settings, entry_ids: list[str] | None = None) -> tuple[int, list[str]]:
    """Requeue the given dead letters (all when None); returns (requeued, problems)."""
    rows: Any = (
        redis.xrange(names.DEAD_STREAM)
        if entry_ids is None
        else [
            (eid, fields)
            for eid in entry_ids
            for _, fields in (redis.xrange(names.DEAD_STREAM, eid, eid) or [])
        ]
    )
    found = {text(eid) for eid, _ in rows}
    problems = [f"{eid}: no such dead letter" for eid in entry_ids or [] if eid not in found]
    entries: list[Entry] = []
    ids: list[str] = []
    for eid, fields in rows:
        record = text_map(fields)
        try:
            entries.append(Entry.from_dict(json.loads(record["item"])))
            ids.append(text(eid))
        except (KeyError, ValueError, TypeError) as exc:
            problems.append(f"{text(eid)}: unreadable dead letter ({exc})")
    if entries:
        pipe = redis.pipeline()  # requeue and remove in one transaction: never both, never neither
        queues.enqueue_items(pipe, redis, entries, settings)
        pipe.xdel(names.DEAD_STREAM, *ids)
        pipe.execute()
    return len(entries), problems
