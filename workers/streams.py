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

    def __init__(self, redis: Redis, *, maxlen: int, per_label: bool, max_age: float | None = None) -> None:
        self._redis = redis
        self._script = redis.register_script(_EMIT_ONCE)
        self._maxlen = maxlen
        self._per_label = per_label
        self._max_age = max_age

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
        if self._max_age:
            # Age-based retention: entry ids start with their time in ms, so MINID trims by age.
            pipe.xtrim(names.ITEMS_STREAM, minid=_minid(time.time() - self._max_age), approximate=True)
        results = pipe.execute()
        return [None if r is None else text(r) for r in results[: len(items)]]


def _minid(epoch: float) -> str:
    return f"{int(epoch * 1000)}-0"


def emitted_ids(redis: Redis, item_ids: Sequence[str]) -> set[str]:
    if not item_ids:
        return set()
    marks = redis.hmget(names.EMITTED_KEY, list(item_ids))
    return {i for i, m in zip(item_ids, marks, strict=True) if m is not None}


def revision_key(key: str, revision: int) -> str:
    """Idempotence marker of one revision of an item: ``key`` for the original, ``key#rN`` after.

    Used for both marker hashes (id and canonical URL; canonical URLs have no fragment, so
    the suffix cannot clash), which makes each (item, revision) emitted exactly once. A
    revision travels through the queue as an entry whose ``id`` is ``revision_key(id, N)``.
    """
    return key if revision <= 0 else f"{key}#r{revision}"


def split_revision(key: str) -> tuple[str, int]:
    """Inverse of :func:`revision_key`: (key, revision number; 0 for the original)."""
    base, sep, number = key.rpartition("#r")
    if sep and number.isdigit():
        return base, int(number)
    return key, 0


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


def claim_stale(
    redis: Redis, stream: str, group: str, consumer: str, *, min_idle_ms: int, count: int = 100
) -> list[StreamEntry]:
    """Take over entries another consumer of the group read but never acknowledged (it crashed)."""
    claimed: list[StreamEntry] = []
    start = "0-0"
    while True:
        reply: Any = redis.xautoclaim(stream, group, consumer, min_idle_ms, start_id=start, count=count)
        start, rows = text(reply[0]), reply[1]
        claimed.extend(StreamEntry(text(eid), text_map(fields)) for eid, fields in rows if fields)
        if start == "0-0" or not rows:
            return claimed


@dataclass(frozen=True)
class GroupInfo:
    stream: str
    name: str
    consumers: int
    pending: int  # delivered, not yet acknowledged
    lag: int | None  # entries not yet delivered to the group (None: unknown on old Redis)
    warning: str  # "" or why unread entries are, or are about to be, lost to trimming


def groups(redis: Redis, stream: str, maxlen: int) -> list[GroupInfo]:
    """Consumer groups of a stream with their lag, and a warning when trimming threatens them."""
    try:
        raw: Any = redis.xinfo_groups(stream)
    except ResponseError:  # no such stream yet
        return []
    info: Any = redis.xinfo_stream(stream) if raw else {}
    first = text((info.get("first-entry") or ["0-0"])[0]) if info else "0-0"
    length = int(info.get("length", 0)) if info else 0
    result = []
    for g in raw:
        last = text(g.get("last-delivered-id", "0-0"))
        lag = g.get("lag")
        if lag is None:  # Redis < 7 does not report lag: count what lies after the last delivery
            after: Any = redis.xrange(stream, min="(" + last, count=100_000) if last != "0-0" else None
            lag = len(after) if after is not None else length
        warning = ""
        if last != "0-0" and _older(last, first) and length:
            warning = f"may have lost unread entries to trimming (last read {last}, oldest kept {first})"
        elif lag and lag >= 0.9 * maxlen:
            warning = f"about to lose unread entries to trimming ({lag} unread, stream max {maxlen})"
        result.append(
            GroupInfo(stream, text(g["name"]), int(g["consumers"]), int(g["pending"]), int(lag), warning)
        )
    return result


def _older(a: str, b: str) -> bool:
    ams, _, aseq = a.partition("-")
    bms, _, bseq = b.partition("-")
    return (int(ams), int(aseq or 0)) < (int(bms), int(bseq or 0))
