"""Staging: new items wait in per-host lists until workers are ready for another batch.

Why: a feed's items mostly live on the feed's own host, and a host allows only
``fetch.per_host_concurrency`` requests in flight. Batches cut from one poll's entries
would keep a worker on one host with a couple of pages in flight, however many other
hosts have work waiting. So batches are formed late, when the item queue runs short,
by taking items round-robin across every host with staged items, a bounded share from
each: one job then keeps several hosts busy, and a slow host cannot hold the whole pool.

Guarantees: a poll stages its new entries in the transaction that marks them seen, and
forming a batch moves items from their staging lists into an RQ job in one optimistic
transaction (WATCH/MULTI). An item is in exactly one place at any moment, whatever
crashes; several schedulers and pollers may form batches at once (a conflict retries).
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from redis import Redis
from redis.exceptions import WatchError
from rq import Worker

from workers import constants as names
from workers import queues
from workers.hosts import host_of
from workers.rediscodec import text
from workers.settings import Settings
from workers.sources.entry import Entry

log = logging.getLogger(__name__)
T = TypeVar("T")

# Items one batch takes from one host, per request slot of that host: two rounds of its
# slots keep a job's share of the host busy without tying the job to it.
PAGES_PER_SLOT = 2
# Jobs kept ready per registered item worker: enough that a worker finishing a batch finds
# the next one queued, few enough that batches are formed from what is staged by then.
READY_PER_WORKER = 2
MIN_READY = 2
_ATTEMPTS = 8  # optimistic transaction retries before leaving the rest to the next call
DEAD_MAXLEN = 100_000  # as streams.dead_letter


def stage(pipe: Any, entries: Sequence[Entry], now: float) -> None:
    """Append ``entries`` to their hosts' staging lists, on ``pipe`` (the caller's transaction)."""
    for entry in entries:
        host = host_of(entry.link)
        pipe.rpush(names.staged_key(host), json.dumps(entry.to_dict()))
        pipe.zadd(names.STAGED_HOSTS_KEY, {host: now}, nx=True)


def compose(
    staged: Mapping[str, Sequence[T]], batch_size: int, max_batches: int, per_host: int
) -> tuple[list[list[T]], dict[str, int]]:
    """Batches of up to ``batch_size`` taken round-robin across hosts, in ``staged``'s order.

    Each batch takes one item per host in turn, so it spreads over as many hosts as have
    items, and at most ``per_host`` from any one host: when few hosts have items, batches
    are small rather than long queues of one slow host's pages, which would hold every
    worker on that host's request slots while other hosts' items wait (they arrive a
    moment later, at start-up, from the next feed's poll). Each host's items keep their
    order. A batch that comes out short ends the call for the same reason. Also returns
    how many items were taken from the front of each host's list.
    Pure: the caller moves what was taken.
    """
    rotation = deque(host for host, items in staged.items() if items)
    taken = dict.fromkeys(rotation, 0)
    batches: list[list[T]] = []
    while rotation and len(batches) < max_batches:
        batch: list[T] = []
        in_batch: dict[str, int] = {}
        resting: list[str] = []  # hosts that gave this batch its share: behind the others next time
        while rotation and len(batch) < batch_size:
            host = rotation.popleft()  # the rotation carries on across batches
            batch.append(staged[host][taken[host]])
            taken[host] += 1
            in_batch[host] = in_batch.get(host, 0) + 1
            if taken[host] < len(staged[host]):
                (resting if in_batch[host] >= per_host else rotation).append(host)
        rotation.extend(resting)
        batches.append(batch)
        if len(batch) < batch_size:
            break  # too few hosts to fill a batch: the next call may have more (a poll lands)
    return batches, {h: n for h, n in taken.items() if n}


def form_batches(redis: Redis, settings: Settings, max_jobs: int) -> int:
    """Move up to ``max_jobs`` batches from staging into item jobs; returns the jobs queued."""
    if max_jobs <= 0:
        return 0
    want = max_jobs * settings.batch_size
    with redis.pipeline() as tx:
        for _ in range(_ATTEMPTS):
            try:
                return _form_once(redis, tx, settings, max_jobs, want)
            except WatchError:  # a poll staged more, or another scheduler formed a batch: re-read
                tx.reset()
    return 0


def _form_once(redis: Redis, tx: Any, settings: Settings, max_jobs: int, want: int) -> int:
    tx.watch(names.STAGED_HOSTS_KEY)
    hosts = [text(h) for h in redis.zrange(names.STAGED_HOSTS_KEY, 0, want - 1)]
    if not hosts:
        tx.reset()
        return 0
    tx.watch(*(names.staged_key(h) for h in hosts))
    # Plan on the lengths, then read only the items taken: the watched window stays short.
    read = redis.pipeline(transaction=False)  # watched keys are read on another connection
    for host in hosts:
        read.llen(names.staged_key(host))
    lengths = dict(zip(hosts, (int(n) for n in read.execute()), strict=True))
    plan, taken = compose(
        {h: [(h, k) for k in range(min(n, want))] for h, n in lengths.items()},
        settings.batch_size,
        max_jobs,
        per_host=PAGES_PER_SLOT * settings.per_host_concurrency,
    )
    for host, n in taken.items():
        read.lrange(names.staged_key(host), 0, n - 1)
    items = {host: [text(raw) for raw in rows] for host, rows in zip(taken, read.execute(), strict=True)}
    if any(len(items[host]) < n for host, n in taken.items()):
        raise WatchError("staging changed while it was read")  # another former got there first
    batches = [[items[host][k] for host, k in batch] for batch in plan]
    now = time.time()
    tx.multi()
    for host in hosts:
        n = taken.get(host, 0)
        if n >= lengths[host]:  # emptied (or already empty): the host leaves the rotation
            tx.delete(names.staged_key(host))
            tx.zrem(names.STAGED_HOSTS_KEY, host)
        elif n:
            tx.ltrim(names.staged_key(host), n, -1)
            tx.zadd(names.STAGED_HOSTS_KEY, {host: now})  # served: to the back of the rotation
    groups: list[list[Entry]] = []
    for batch in batches:
        groups.append([])
        for raw in batch:
            try:
                groups[-1].append(Entry.from_dict(json.loads(raw)))
            except Exception as exc:  # not written by stage(): anything json or Entry may raise
                log.error("unreadable staged item moved to %s: %s: %.200r", names.DEAD_STREAM, exc, raw)
                tx.xadd(
                    names.DEAD_STREAM,
                    {
                        "error": f"unreadable staged item: {exc}",
                        "error_type": "StagingError",
                        "item": raw[:100_000],
                    },
                    maxlen=DEAD_MAXLEN,
                    approximate=True,
                )
    queues.enqueue_batches(tx, redis, groups, settings)
    tx.execute()
    return sum(1 for group in groups if group)


def ready_target(redis: Redis) -> int:
    """How many item jobs to keep queued: a couple per registered item worker."""
    workers = Worker.count(connection=redis, queue=queues.jobs_queue(redis))
    return max(MIN_READY, READY_PER_WORKER * workers)


def refill(redis: Redis, settings: Settings) -> int:
    """Top the item queue up to ``ready_target`` from staging; cheap when nothing is staged."""
    pipe = redis.pipeline(transaction=False)
    pipe.exists(names.STAGED_HOSTS_KEY)
    pipe.llen(queues.jobs_queue(redis).key)  # a queued poll counts too: it is taken first
    has_staged, queued = pipe.execute()
    if not has_staged:
        return 0
    missing = ready_target(redis) - int(queued)
    return form_batches(redis, settings, missing) if missing > 0 else 0


def staged_items(redis: Redis) -> tuple[int, int]:
    """(items, hosts) waiting in staging, for status and metrics."""
    hosts = [text(h) for h in redis.zrange(names.STAGED_HOSTS_KEY, 0, -1)]
    pipe = redis.pipeline(transaction=False)
    for host in hosts:
        pipe.llen(names.staged_key(host))
    return sum(int(n) for n in pipe.execute()), len(hosts)
