"""RQ queues: where poll and item jobs are enqueued.

Jobs name their function by dotted path (``workers.tasks.poll_feed``,
``workers.tasks.process_items``): RQ stores that string in Redis, so these paths are
public API. Arguments are JSON (RQ's JSONSerializer), so nothing is ever unpickled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from redis import Redis
from rq import Queue, Retry
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer

from workers import constants as names
from workers.feeds import Entry
from workers.settings import Settings

POLL_TASK = "workers.tasks.poll_feed"
ITEMS_TASK = "workers.tasks.process_items"
RESULT_TTL = 60  # results are not used; keep Redis small
FAILURE_TTL = 7 * 86400  # failed jobs stay visible to operators for a week
# A job whose worker died is abandoned; RQ requeues abandoned jobs only if they have
# retries left. Item-level failures are retried by the task itself, not by this.
JOB_RETRY = Retry(max=5, interval=[1, 5, 15, 30, 60])


def queue(redis: Redis, name: str) -> Queue:
    return Queue(name, connection=redis, serializer=JSONSerializer)


def worker_queues(redis: Redis) -> list[Queue]:
    return [queue(redis, name) for name in names.WORKER_QUEUES]


def enqueue_poll(redis: Redis, feed: dict[str, Any], settings: Settings) -> str:
    """The job carries the feed's config, so workers need no copy of feeds.yaml."""
    job = queue(redis, names.FEEDS_QUEUE).enqueue(
        POLL_TASK,
        feed,
        job_timeout=int(settings.fetch.total_timeout + 60),
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
        retry=JOB_RETRY,
        description=f"poll feed {feed['name']}",
    )
    return str(job.id)


def batches(entries: Sequence[Entry], size: int) -> list[list[Entry]]:
    return [list(entries[i : i + size]) for i in range(0, len(entries), size)]


def enqueue_items(
    pipe: Any,
    redis: Redis,
    entries: Sequence[Entry],
    settings: Settings,
    *,
    attempt: int = 1,
    delay: float = 0.0,
) -> int:
    """Queue ``entries`` in batches of ``batch_size``, as they come (retries, dead-letter replays).

    New items from polls go through ``workers.staging`` instead, which mixes hosts.
    """
    return enqueue_batches(
        pipe, redis, batches(entries, settings.batch_size), settings, attempt=attempt, delay=delay
    )


def enqueue_batches(
    pipe: Any,
    redis: Redis,
    groups: Sequence[Sequence[Entry]],
    settings: Settings,
    *,
    attempt: int = 1,
    delay: float = 0.0,
) -> int:
    """One ``process_items`` job per group, on ``pipe`` (executed by the caller, with other writes).

    Several items per job amortise RQ's per-job cost; the job fetches them concurrently.
    """
    items_queue = queue(redis, names.ITEMS_QUEUE)
    options: dict[str, Any] = {
        "job_timeout": int(settings.job_timeout),
        "result_ttl": RESULT_TTL,
        "failure_ttl": FAILURE_TTL,
        "retry": JOB_RETRY,
        "pipeline": pipe,
    }
    count = 0
    for group in groups:
        if not group:
            continue
        args = ([e.to_dict() for e in group], attempt)
        feeds = sorted({e.feed for e in group})
        source = feeds[0] if len(feeds) == 1 else f"{len(feeds)} feeds"
        description = f"process {len(group)} item(s) from {source} (attempt {attempt})"
        if delay > 0:
            when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay)
            items_queue.enqueue_at(when, ITEMS_TASK, *args, description=description, **options)
        else:
            items_queue.enqueue(ITEMS_TASK, *args, description=description, **options)
        count += 1
    return count


class Housekeeping:
    """RQ upkeep that pressroom does from its scheduler loop rather than leaving to workers.

    * Due delayed jobs (item retries, job retries) are moved onto their queues. RQ does
      this in a process forked from a worker, which lives on as an orphan when that
      worker is killed; here it runs under RQ's own per-queue lock.
    * Abandoned jobs (their worker died, so their lease lapsed) are requeued. RQ does this
      during worker maintenance, which an idle worker blocked on an empty queue runs only
      every few minutes; a crash-recovery bound needs it every few seconds.
    """

    def __init__(self, redis: Redis, *, reap_every: float = 5.0) -> None:
        self._redis = redis
        self._rq = RQScheduler(
            list(names.WORKER_QUEUES), connection=redis, serializer=JSONSerializer, logging_level="WARNING"
        )
        self._reap_every = reap_every
        self._next_reap = 0.0

    def run(self, now: float) -> None:
        self._rq.acquire_locks()
        if self._rq.acquired_locks:
            self._rq.enqueue_scheduled_jobs()
        if now >= self._next_reap:
            self._next_reap = now + self._reap_every
            # one sweeper at a time across all schedulers; the lock outlives a crashed holder briefly
            if self._redis.set(names.REAPER_LOCK_KEY, "1", nx=True, ex=max(1, int(self._reap_every))):
                for q in worker_queues(self._redis):
                    q.started_job_registry.cleanup()  # lapsed leases: retried (every job has retries)

    def release(self) -> None:
        self._rq.release_locks()
