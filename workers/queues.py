"""RQ queues: where poll and item jobs are enqueued.

Jobs name their function by dotted path (``workers.tasks.poll_feed``,
``workers.tasks.process_items``): RQ stores that string in Redis, so these paths are
public API. Arguments are JSON (RQ's JSONSerializer), so nothing is ever unpickled.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
import uuid
from collections.abc import Sequence
from typing import Any

from redis import Redis
from redis.exceptions import WatchError
from rq import Queue, Retry
from rq.job import JobStatus
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer

from workers import constants as names
from workers.rediscodec import text
from workers.settings import Settings
from workers.sources.entry import Entry

log = logging.getLogger(__name__)

POLL_TASK = "workers.tasks.poll_feed"
ITEMS_TASK = "workers.tasks.process_items"
RESULT_TTL = 60  # results are not used; keep Redis small
FAILURE_TTL = 7 * 86400  # failed jobs stay visible to operators for a week
# A job whose worker died is abandoned; RQ requeues abandoned jobs only if they have
# retries left. Item-level failures are retried by the task itself, not by this.
JOB_RETRY = Retry(max=5, interval=[1, 5, 15, 30, 60])
# RQ takes a job atomically (LMOVE into its intermediate list) only on Redis 6.2 or newer.
MIN_REDIS_VERSION = (6, 2)
SCHEDULER_ALIVE_TTL = 10  # seconds a scheduler's "alive" key outlives its last tick
# A job taken off the queue is registered as started within milliseconds; one that is
# still unregistered this long after it was first seen was taken by a worker that died.
STRANDED_AFTER = 15.0


def queue(redis: Redis, name: str) -> Queue:
    return Queue(name, connection=redis, serializer=JSONSerializer)


def redis_version_ok(version: str) -> bool:
    """``version`` as INFO reports it, e.g. "7.0.15"; one that does not start with
    major.minor numbers is refused too (the caller names the version it got)."""
    found = re.match(r"(\d+)\.(\d+)", version)
    return found is not None and (int(found[1]), int(found[2])) >= MIN_REDIS_VERSION


def jobs_queue(redis: Redis) -> Queue:
    """The one queue workers listen on (see ``constants.JOBS_QUEUE`` for why one)."""
    return queue(redis, names.JOBS_QUEUE)


def enqueue_polls(redis: Redis, feeds: Sequence[dict[str, Any]], settings: Settings) -> list[str]:
    """One poll job per feed, in front of queued item jobs and in the order given.

    Polls are cheap and new items wait on them, so they jump the queue; pushed to the
    front in reverse, they keep their due order among themselves. Each job carries its
    feed's config, so workers need no copy of feeds.yaml.
    """
    q = jobs_queue(redis)
    ids = []
    with redis.pipeline() as pipe:
        pipe.multi()
        for feed in reversed(feeds):
            job = q.enqueue(
                POLL_TASK,
                feed,
                job_timeout=poll_timeout(feed, settings),
                result_ttl=RESULT_TTL,
                failure_ttl=FAILURE_TTL,
                retry=JOB_RETRY,
                description=f"poll feed {feed['name']}",
                at_front=True,
                pipeline=pipe,
            )
            ids.append(str(job.id))
        pipe.execute()
    return ids[::-1]


# A sitemap poll may read an index and up to 50 of its children, one request each; its job
# gets the time of this many whole requests (a slow host's poll stops short and is retried).
SITEMAP_POLL_REQUESTS = 8


def poll_timeout(feed: dict[str, Any], settings: Settings) -> int:
    """A poll's job timeout: one request for a feed or listing, several for a sitemap."""
    requests = SITEMAP_POLL_REQUESTS if feed.get("type") == "sitemap" else 1
    return int(settings.fetch.total_timeout * requests + 60)


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
    q = jobs_queue(redis)
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
            q.enqueue_at(when, ITEMS_TASK, *args, description=description, **options)
        else:
            q.enqueue(ITEMS_TASK, *args, description=description, **options)
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
    * Stranded jobs (taken off the queue by a worker that died before it started them)
      are put back; see ``requeue_stranded``.
    """

    def __init__(self, redis: Redis, *, reap_every: float = 5.0) -> None:
        self._redis = redis
        self._rq = RQScheduler(
            [names.JOBS_QUEUE],
            connection=redis,
            serializer=JSONSerializer,
            logging_level="WARNING",
            name=f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}",
        )
        self._reap_every = reap_every
        self._next_reap = 0.0
        self._taken_since: dict[str, float] = {}
        self._last_sweep = float("-inf")

    def run(self, now: float) -> None:
        # "alive" outlives a stalled tick; only a scheduler whose key lapsed loses its lock
        self._redis.set(names.scheduler_alive_key(self._rq.name), "1", ex=SCHEDULER_ALIVE_TTL)
        self._rq.acquire_locks()
        if self._rq.acquired_locks:
            self._rq.enqueue_scheduled_jobs()
        if now >= self._next_reap:
            self._next_reap = now + self._reap_every
            if not self._rq.acquired_locks:
                self._release_lock_of_dead_holder()
            # one sweeper at a time across all schedulers; the lock outlives a crashed holder briefly
            if self._redis.set(names.REAPER_LOCK_KEY, "1", nx=True, ex=max(1, int(self._reap_every))):
                q = jobs_queue(self._redis)
                q.started_job_registry.cleanup()  # lapsed leases: retried (every job has retries)
                if now - self._last_sweep > 2 * self._reap_every:
                    self._taken_since = {}  # other schedulers swept meanwhile: old sightings mislead
                self._taken_since = requeue_stranded(q, self._taken_since, now)
                self._last_sweep = now

    def release(self) -> None:
        """Give up RQ's lock and close the connection RQ's scheduler opened for itself."""
        self._rq.release_locks()
        self._redis.delete(names.scheduler_alive_key(self._rq.name))
        self._rq.connection.connection_pool.disconnect()

    def _release_lock_of_dead_holder(self) -> None:
        """RQ's lock on delayed jobs outlives a killed holder by a minute, and a restarted
        daemon would wait that long to move due retries. A pressroom scheduler keeps an
        "alive" key while it runs; when the holder's has lapsed, its lock is released now.
        A holder that is not a pressroom scheduler (a stock RQ one) is waited out."""
        key = RQScheduler.get_locking_key(names.JOBS_QUEUE)
        with self._redis.pipeline() as tx:
            try:
                tx.watch(key)
                holder = tx.get(key)
                if holder is None or not is_pressroom_scheduler(text(holder)):
                    return
                alive = names.scheduler_alive_key(text(holder))
                tx.watch(alive)
                if tx.exists(alive):
                    return
                tx.multi()
                tx.delete(key)
                tx.execute()
            except WatchError:  # taken, refreshed or declared alive meanwhile
                return
        log.info("released the scheduler lock of %s: that scheduler has stopped", text(holder))


def is_pressroom_scheduler(name: str) -> bool:
    """Names pressroom gives its RQ schedulers: host:pid:tag (stock RQ uses a bare uuid)."""
    parts = name.split(":")
    return len(parts) == 3 and parts[1].isdigit() and all(parts)


def requeue_stranded(q: Queue, taken_since: dict[str, float], now: float) -> dict[str, float]:
    """Put back jobs that a worker took and never started, because it died in between.

    A worker takes a job by moving it into RQ's intermediate list (one command) and
    registers it as started a few milliseconds later. A job seen there, not started, on
    sweeps ``STRANDED_AFTER`` seconds apart has lost its worker. ``taken_since`` maps
    such jobs to when they were first seen; the updated map is returned. RQ's worker
    maintenance would fail these jobs only after a minute, and only into their retries.
    Each requeue re-checks under WATCH, so a worker that starts the job meanwhile wins.
    """
    started = set(q.started_job_registry.get_job_ids(cleanup=False))
    waiting = {
        job_id: taken_since.get(job_id, now)
        for job_id in q.intermediate_queue.get_job_ids()
        if job_id not in started
    }
    for job_id, since in list(waiting.items()):
        if now - since < STRANDED_AFTER:
            continue
        del waiting[job_id]
        if _requeue_if_stranded(q, job_id):
            log.warning("job %s was taken by a worker that died before starting it; requeued", job_id)
    return waiting


def _requeue_if_stranded(q: Queue, job_id: str) -> bool:
    """Requeue ``job_id`` (at the front) if it is still taken and unstarted; else drop its
    leftover entry when it ran or was queued again by a retry. One WATCHed transaction."""
    with q.connection.pipeline() as tx:
        try:
            tx.watch(q.intermediate_queue_key, q.job_class.key_for(job_id), q.started_job_registry.key, q.key)
            if job_id in q.started_job_registry:
                return False  # started after all: its lease covers it now
            job = q.fetch_job(job_id)
            if job is not None and (
                job.get_status(refresh=False) != JobStatus.QUEUED or q.get_job_position(job_id) is not None
            ):
                job = None  # it ran, or a retry queued it again: only the leftover entry goes
            tx.multi()  # explicit: RQ's enqueue on a pipeline expects to join a MULTI block
            tx.lrem(q.intermediate_queue_key, 1, job_id)
            tx.delete(q.intermediate_queue.get_first_seen_key(job_id))  # RQ's own stuck-job clock
            if job is not None:
                q.enqueue_job(job, pipeline=tx, at_front=True)
            tx.execute()
        except WatchError:  # a worker took, started or finished something meanwhile: next sweep
            return False
    return job is not None
