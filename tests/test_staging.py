"""Staging and batch formation: round-robin across hosts, and every item in exactly one place."""

from __future__ import annotations

import threading
from collections import Counter

from redis import Redis
from rq import Worker

from tests.workerctx import worker_context
from workers import constants as names
from workers import queues, staging, tasks
from workers.settings import parse_settings
from workers.sources.entry import Entry

SETTINGS = parse_settings("worker:\n  batch_size: 4\n", environ={"REDIS_URL": "redis://127.0.0.1:1/0"})


def entry(host: str, n: int) -> Entry:
    url = f"https://{host}/news/{n}"
    return Entry(
        id=f"{host}-{n}", feed=f"feed-{host}", url=url, link=url, title=str(n), published="", content_hash="h"
    )


def stage(redis: Redis, entries: list[Entry], now: float = 1.0) -> None:
    pipe = redis.pipeline()
    staging.stage(pipe, entries, now)
    pipe.execute()


def queued_batches(redis: Redis) -> list[list[str]]:
    """Item ids per queued process_items job, in queue order."""
    return [[item["id"] for item in job.args[0]] for job in queues.jobs_queue(redis).jobs]


# ------------------------------------------------------------------------------ compose (pure)


def test_compose_takes_hosts_in_turn_and_keeps_each_hosts_order() -> None:
    staged = {"a": ["a1", "a2", "a3", "a4"], "b": ["b1"], "c": ["c1", "c2"]}
    batches, taken = staging.compose(staged, batch_size=3, max_batches=10, per_host=9)
    assert batches == [["a1", "b1", "c1"], ["a2", "c2", "a3"], ["a4"]]
    assert taken == {"a": 4, "b": 1, "c": 2}


def test_compose_carries_the_rotation_across_batches() -> None:
    """With more hosts than a batch holds, the next batch starts where the last one stopped."""
    staged = {h: [f"{h}1", f"{h}2"] for h in "abcde"}
    batches, _ = staging.compose(staged, batch_size=3, max_batches=2, per_host=9)
    assert batches == [["a1", "b1", "c1"], ["d1", "e1", "a2"]]


def test_compose_stops_at_max_batches_and_reports_only_what_it_took() -> None:
    staged = {"a": ["a1", "a2", "a3"], "b": ["b1", "b2", "b3"], "idle": []}
    batches, taken = staging.compose(staged, batch_size=2, max_batches=2, per_host=9)
    assert batches == [["a1", "b1"], ["a2", "b2"]]
    assert taken == {"a": 2, "b": 2}
    assert staging.compose({}, batch_size=2, max_batches=2, per_host=9) == ([], {})
    assert staging.compose(staged, batch_size=2, max_batches=0, per_host=9) == ([], {})


def test_compose_takes_a_bounded_share_of_one_host_per_batch() -> None:
    """With one host staged (the first feed polled at start-up), batches stay small, so no
    worker is tied to that host's slots for long; a host that gave its share waits its turn."""
    staged = {"a": [f"a{i}" for i in range(1, 8)]}
    batches, taken = staging.compose(staged, batch_size=16, max_batches=3, per_host=3)
    assert batches == [["a1", "a2", "a3"]]  # short: one batch per call until more hosts have items
    assert taken == {"a": 3}
    batches, taken = staging.compose(staged, batch_size=3, max_batches=3, per_host=3)
    assert batches == [["a1", "a2", "a3"], ["a4", "a5", "a6"], ["a7"]]
    staged = {"a": ["a1", "a2", "a3", "a4"], "b": ["b1", "b2", "b3", "b4"], "c": ["c1"]}
    batches, _ = staging.compose(staged, batch_size=4, max_batches=3, per_host=2)
    assert batches == [["a1", "b1", "c1", "a2"], ["b2", "a3", "b3", "a4"], ["b4"]]


# ------------------------------------------------------------------------------ against Redis


def test_batches_mix_hosts_and_leave_the_rest_staged_in_order(redis: Redis) -> None:
    stage(redis, [entry("one.test", i) for i in range(6)] + [entry("two.test", i) for i in range(2)])
    stage(redis, [entry("three.test", i) for i in range(3)], now=2.0)
    assert staging.staged_items(redis) == (11, 3)

    assert staging.form_batches(redis, SETTINGS, max_jobs=2) == 2
    assert queued_batches(redis) == [
        ["one.test-0", "two.test-0", "three.test-0", "one.test-1"],
        ["two.test-1", "three.test-1", "one.test-2", "three.test-2"],
    ]
    # two.test and three.test were emptied and left the rotation; one.test keeps its order
    assert staging.staged_items(redis) == (3, 1)
    assert redis.zrange(names.STAGED_HOSTS_KEY, 0, -1) == [b"one.test"]
    assert staging.form_batches(redis, SETTINGS, max_jobs=5) == 1
    assert queued_batches(redis)[-1] == ["one.test-3", "one.test-4", "one.test-5"]
    assert staging.staged_items(redis) == (0, 0)
    assert staging.form_batches(redis, SETTINGS, max_jobs=5) == 0


def test_an_unreadable_staged_item_is_dead_lettered_and_the_rest_flows(redis: Redis) -> None:
    stage(redis, [entry("ok.test", 0), entry("ok.test", 1)])
    redis.rpush(names.staged_key("ok.test"), "{not json")
    redis.rpush(names.staged_key("odd.test"), '{"id": "missing fields"}')
    redis.zadd(names.STAGED_HOSTS_KEY, {"odd.test": 5.0})
    assert staging.form_batches(redis, SETTINGS, max_jobs=3) == 1
    assert queued_batches(redis) == [["ok.test-0", "ok.test-1"]]
    dead = redis.xrange(names.DEAD_STREAM)
    assert sorted(fields[b"item"] for _, fields in dead) == [b'{"id": "missing fields"}', b"{not json"]
    assert all(fields[b"error"].startswith(b"unreadable staged item") for _, fields in dead)
    assert staging.staged_items(redis) == (0, 0)


def test_served_hosts_go_to_the_back_of_the_rotation(redis: Redis) -> None:
    """Hosts not served by one formation come first in the next: no host waits for ever."""
    stage(redis, [entry(f"h{i}.test", n) for n in range(2) for i in range(6)])
    staging.form_batches(redis, SETTINGS, max_jobs=1)  # h0..h3 served
    staging.form_batches(redis, SETTINGS, max_jobs=1)
    first, second = queued_batches(redis)
    assert first == ["h0.test-0", "h1.test-0", "h2.test-0", "h3.test-0"]
    assert second[:2] == ["h4.test-0", "h5.test-0"]


def test_refill_keeps_a_few_jobs_ready_per_worker(redis: Redis) -> None:
    stage(redis, [entry(f"h{i}.test", n) for n in range(10) for i in range(4)])
    assert staging.ready_target(redis) == staging.MIN_READY  # no worker registered yet
    assert staging.refill(redis, SETTINGS) == staging.MIN_READY
    assert staging.refill(redis, SETTINGS) == 0  # the queue is full enough
    worker = Worker([queues.jobs_queue(redis)], connection=redis, name="staging-test")
    worker.register_birth()
    try:
        assert staging.ready_target(redis) == staging.READY_PER_WORKER
        queues.jobs_queue(redis).empty()
        assert staging.refill(redis, SETTINGS) == staging.READY_PER_WORKER
    finally:
        worker.register_death()


def test_concurrent_formers_and_pollers_place_every_item_exactly_once(redis: Redis) -> None:
    """Four formers race two pollers: no item is lost or put in two jobs."""
    hosts = [f"h{i}.test" for i in range(5)]
    all_entries = [entry(h, n) for n in range(40) for h in hosts]
    halves = [all_entries[0::2], all_entries[1::2]]
    polling = [True, True]

    def poller(k: int) -> None:
        for i in range(0, len(halves[k]), 7):
            stage(redis, halves[k][i : i + 7])
        polling[k] = False

    def former() -> None:
        while any(polling) or redis.exists(names.STAGED_HOSTS_KEY):
            staging.form_batches(redis, SETTINGS, max_jobs=3)

    threads = [threading.Thread(target=poller, args=(k,)) for k in range(2)]
    threads += [threading.Thread(target=former) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    counts = Counter(item for batch in queued_batches(redis) for item in batch)
    assert counts == Counter(e.id for e in all_entries)
    assert max(counts.values()) == 1
    assert staging.staged_items(redis) == (0, 0)


def test_the_schedulers_top_ups_slow_down_while_they_find_nothing_to_do(redis: Redis) -> None:
    """Between ticks the daemon tops the item queue up every 50 ms while that forms batches,
    and backs off to REFILL_IDLE while it does not (polls and workers top up themselves)."""
    from workers.scheduler import REFILL_EVERY, REFILL_IDLE, Scheduler

    class Counting(Scheduler):
        calls = 0
        formed = 0

        def refill(self) -> int:
            self.calls += 1
            return self.formed

    idle = Counting(redis, SETTINGS)
    idle.wait(1.0, lambda: False)
    assert idle.calls <= 1 + 1.0 / REFILL_IDLE + 2  # 0, 0.05, 0.15, 0.35, ... s: not every 50 ms

    busy = Counting(redis, SETTINGS)
    busy.formed = 1
    busy.wait(0.5, lambda: False)
    assert busy._refill_pause == REFILL_EVERY
    idle.formed = 1  # a top-up that forms batches brings the short pause back at once
    idle.wait(0.01, lambda: False)
    assert idle._refill_pause == REFILL_EVERY


def test_a_worker_tops_the_queue_up_when_it_finishes_a_batch(redis_url: str, redis: Redis) -> None:
    """The batch it just took left the queue short: the worker forms the next ones itself
    rather than leave every worker to wait for the scheduler's next top-up."""
    stage(redis, [entry(f"h{i}.test", n) for n in range(10) for i in range(4)])
    assert queued_batches(redis) == []
    with worker_context(redis_url, classify=True):
        assert tasks.process_items([]) == {"emitted": 0, "duplicates": 0, "retried": 0, "dead": 0}
    assert len(queued_batches(redis)) == staging.MIN_READY
