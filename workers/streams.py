"""Output streams: the only place pressroom writes results or dead letters.

An item's entry is written at most once: the "already emitted?" check, the XADD and the
marker happen in one Lua script, so a retried or re-run job can never add it twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from redis import Redis
from redis.exceptions import ResponseError

from workers import constants as names
from workers.rediscodec import text, text_map

# KEYS: emitted hash, emitted-urls hash, items stream, [label stream]
# ARGV: id, canonical url, maxlen, field1, value1, ...
_EMIT_ONCE = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then
  return false
end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
local entry = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
if KEYS[4] then
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], entry, unpack(fields))
end
redis.call('HSET', KEYS[1], ARGV[1], entry)
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return entry
"""


@dataclass(frozen=True)
class StreamEntry:
    id: str  # the stream entry id, e.g. "1732233600000-0"
    fields: dict[str, str]


class Emitter:
    """Writes item entries exactly once; one instance per worker process."""

    def __init__(self, redis: Redis, *, maxlen: int, per_label: bool) -> None:
        self._redis = redis
        self._script = redis.register_script(_EMIT_ONCE)
        self._maxlen = maxlen
        self._per_label = per_label

    def emit_many(self, items: Sequence[tuple[str, str, Mapping[str, str]]]) -> list[str | None]:
        """Emit (item id, canonical url, fields) tuples in one round trip.

        Returns the stream entry id for each, or None where the item was already emitted.
        """
        if not items:
            return []
        pipe = self._redis.pipeline(transaction=False)
        for item_id, url, fields in items:
            keys = [names.EMITTED_KEY, names.EMITTED_URLS_KEY, names.ITEMS_STREAM]
            if self._per_label and fields.get("label"):
                keys.append(names.label_stream(fields["label"]))
            flat: list[str] = []
            for key, value in fields.items():
                flat.extend((key, value))
            self._script(keys=keys, args=[item_id, url, self._maxlen, *flat], client=pipe)
        results = pipe.execute()
        return [None if r is None else text(r) for r in results]


def emitted_ids(redis: Redis, item_ids: Sequence[str]) -> set[str]:
    if not item_ids:
        return set()
    marks = redis.hmget(names.EMITTED_KEY, list(item_ids))
    return {i for i, m in zip(item_ids, marks, strict=True) if m is not None}


def dead_letter(redis: Redis, fields: Mapping[str, Any], maxlen: int = 100_000) -> str:
    """Record an item that gave up, with its reason, where operators can see it."""
    entry = {k: ("" if v is None else str(v)) for k, v in fields.items()}
    entry.setdefault("at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    entry_id: Any = redis.xadd(names.DEAD_STREAM, entry, maxlen=maxlen, approximate=True)  # type: ignore[arg-type]
    return text(entry_id)


def ensure_group(redis: Redis, stream: str, group: str, start: str = "0") -> None:
    """Create a consumer group (and the stream) if missing; idempotent."""
    try:
        redis.xgroup_create(stream, group, id=start, mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def read(
    redis: Redis, stream: str, *, after: str = "0", count: int = 100, block_ms: int | None = None
) -> list[StreamEntry]:
    """Plain XREAD after a given entry id."""
    reply: Any = redis.xread({stream: after}, count=count, block=block_ms)
    return [StreamEntry(text(eid), text_map(fields)) for _, rows in reply for eid, fields in rows]


def read_group(
    redis: Redis,
    stream: str,
    group: str,
    consumer: str,
    *,
    count: int = 100,
    block_ms: int | None = None,
    pending: bool = False,
) -> list[StreamEntry]:
    """XREADGROUP: new entries (``>``), or with ``pending`` this consumer's unacknowledged ones."""
    reply: Any = redis.xreadgroup(
        group, consumer, {stream: "0" if pending else ">"}, count=count, block=block_ms
    )
    return [StreamEntry(text(eid), text_map(fields or {})) for _, rows in reply or [] for eid, fields in rows]


def ack(redis: Redis, stream: str, group: str, entry_ids: Sequence[str]) -> int:
    if not entry_ids:
        return 0
    return int(redis.xack(stream, group, *entry_ids))


def iterate(redis: Redis, stream: str, *, batch: int = 500) -> Iterator[StreamEntry]:
    """Every entry of a stream in order (for status, tests and exports)."""
    after = "-"
    while True:
        rows: Any = redis.xrange(stream, min=after, count=batch)
        if not rows:
            return
        for eid, fields in rows:
            yield StreamEntry(text(eid), text_map(fields))
        after = "(" + text(rows[-1][0])


def to_json(entry: StreamEntry) -> str:
    return json.dumps({"stream_id": entry.id, **entry.fields}, ensure_ascii=False)
