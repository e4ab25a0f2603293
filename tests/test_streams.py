"""Stream writes against a real Redis: exactly-once emission, groups, dead letters."""

from __future__ import annotations

from redis import Redis

from workers import constants as names
from workers import streams


def fields(item_id: str, label: str = "mou") -> dict[str, str]:
    return {"v": "1", "id": item_id, "label": label, "text": "body"}


def test_emit_is_idempotent_per_id_and_url(redis: Redis) -> None:
    emitter = streams.Emitter(redis, maxlen=1000, per_label=False)
    first = emitter.emit_many([("a", "https://x.org/a", fields("a")), ("b", "https://x.org/b", fields("b"))])
    assert all(first)
    again = emitter.emit_many([("a", "https://x.org/a", fields("a"))])
    same_url = emitter.emit_many([("c", "https://x.org/b", fields("c"))])  # another feed, same release
    assert again == [None] and same_url == [None]
    entries = list(streams.iterate(redis, names.ITEMS_STREAM))
    assert [e.fields["id"] for e in entries] == ["a", "b"]
    assert streams.emitted_ids(redis, ["a", "b", "c"]) == {"a", "b"}


def test_per_label_streams_share_entry_ids(redis: Redis) -> None:
    emitter = streams.Emitter(redis, maxlen=1000, per_label=True)
    (entry_id,) = emitter.emit_many([("a", "https://x.org/a", fields("a", "fund"))])
    (label_entry,) = list(streams.iterate(redis, names.label_stream("fund")))
    assert label_entry.id == entry_id
    assert label_entry.fields["id"] == "a"


def test_consumer_group_reads_acks_and_recovers_pending(redis: Redis) -> None:
    emitter = streams.Emitter(redis, maxlen=1000, per_label=False)
    emitter.emit_many([(i, f"https://x.org/{i}", fields(i)) for i in ("a", "b", "c")])
    streams.ensure_group(redis, names.ITEMS_STREAM, "g")
    streams.ensure_group(redis, names.ITEMS_STREAM, "g")  # idempotent
    got = streams.read_group(redis, names.ITEMS_STREAM, "g", "c1", count=2)
    assert [e.fields["id"] for e in got] == ["a", "b"]
    streams.ack(redis, names.ITEMS_STREAM, "g", [got[0].id])
    # the consumer "crashed" before acknowledging b: it finds b among its pending entries
    pending = streams.read_group(redis, names.ITEMS_STREAM, "g", "c1", pending=True)
    assert [e.fields["id"] for e in pending] == ["b"]
    rest = streams.read_group(redis, names.ITEMS_STREAM, "g", "c1")
    assert [e.fields["id"] for e in rest] == ["c"]


def test_dead_letter_records_reason(redis: Redis) -> None:
    streams.dead_letter(redis, {"id": "x", "url": "https://x.org/x", "error": "HTTP 404", "attempts": 1})
    (entry,) = list(streams.iterate(redis, names.DEAD_STREAM))
    assert entry.fields["error"] == "HTTP 404"
    assert entry.fields["attempts"] == "1"
    assert entry.fields["at"].endswith("Z")


def test_age_retention_trims_old_entries(redis: Redis) -> None:
    for n in range(300):  # three radix-tree nodes of entries written in 1970
        redis.xadd(names.ITEMS_STREAM, {"id": f"old{n}"}, id=f"{1000 + n}-0")
    emitter = streams.Emitter(redis, maxlen=1000, per_label=False, max_age=3600)
    emitter.emit_many([("new", "https://x.org/new", fields("new"))])
    # MINID trimming is approximate: it drops whole nodes, never a newer entry
    remaining = [e.fields["id"] for e in streams.iterate(redis, names.ITEMS_STREAM)]
    assert len(remaining) <= 201 and remaining[-1] == "new"
    no_age = streams.Emitter(redis, maxlen=1000, per_label=False)
    no_age.emit_many([("newer", "https://x.org/newer", fields("newer"))])
    assert redis.xlen(names.ITEMS_STREAM) == len(remaining) + 1  # without max_age nothing is trimmed


def test_group_lag_pending_and_trim_warning(redis: Redis) -> None:
    emitter = streams.Emitter(redis, maxlen=10, per_label=False)
    emitter.emit_many([(f"i{n}", f"https://x.org/{n}", fields(f"i{n}")) for n in range(10)])
    streams.ensure_group(redis, names.ITEMS_STREAM, "slow")
    streams.read_group(redis, names.ITEMS_STREAM, "slow", "c", count=1)
    (info,) = streams.groups(redis, names.ITEMS_STREAM, maxlen=10)
    assert (info.name, info.pending, info.lag) == ("slow", 1, 9)
    assert "about to lose unread entries" in info.warning
    redis.xtrim(names.ITEMS_STREAM, maxlen=3, approximate=False)  # trimming overtakes the group's position
    (info,) = streams.groups(redis, names.ITEMS_STREAM, maxlen=10)
    assert "may have lost unread entries" in info.warning
