"""The jobs queue against a real Redis: polls go first, and a job whose worker died between
taking it and starting it is put back (RQ itself would lose it or fail it)."""

from __future__ import annotations

import time

from redis import Redis
from rq.job import JobStatus
from rq.scheduler import RQScheduler

from workers import constants as names
from workers import queues
from workers.settings import parse_settings
from workers.sources.entry import Entry

SETTINGS = parse_settings("worker:\n  batch_size: 2\n", environ={"REDIS_URL": "redis://127.0.0.1:1/0"})
FEED = {"name": "news", "url": "https://news.test/feed.xml", "interval": 600.0, "on_update": "ignore"}


def entries(count: int) -> list[Entry]:
    return [
        Entry(f"i{n}", "news", f"https://news.test/{n}", f"https://news.test/{n}", "t", "", "h")
        for n in range(count)
    ]


def enqueue_items(redis: Redis, count: int) -> list[str]:
    with redis.pipeline() as pipe:
        queues.enqueue_items(pipe, redis, entries(count), SETTINGS)
        pipe.execute()
    return queues.jobs_queue(redis).job_ids


def take(redis: Redis) -> str:
    """What an RQ worker on a single queue does to take a job: one LMOVE into the
    intermediate list. A worker killed right after this never registers the job."""
    q = queues.jobs_queue(redis)
    job_id = redis.lmove(q.key, q.intermediate_queue_key, "LEFT", "RIGHT")
    assert job_id is not None
    return job_id.decode()


def test_polls_go_in_front_of_queued_item_jobs_in_due_order(redis: Redis) -> None:
    items = enqueue_items(redis, 4)
    polls = queues.enqueue_polls(redis, [FEED | {"name": name} for name in ("a", "b", "c")], SETTINGS)
    q = queues.jobs_queue(redis)
    assert q.job_ids == [*polls, *items]
    assert [job.args[0]["name"] for job in q.jobs[:3]] == ["a", "b", "c"]
    assert queues.enqueue_polls(redis, [], SETTINGS) == []


def test_a_job_taken_by_a_worker_that_died_before_starting_it_is_requeued(redis: Redis) -> None:
    q = queues.jobs_queue(redis)
    first, second = enqueue_items(redis, 4)
    stranded = take(redis)
    assert stranded == first and q.job_ids == [second]

    seen = queues.requeue_stranded(q, {}, now=100.0)
    assert seen == {stranded: 100.0}  # first sighting: a live worker may be about to start it
    seen = queues.requeue_stranded(q, seen, now=100.0 + queues.STRANDED_AFTER - 1)
    assert seen == {stranded: 100.0} and q.job_ids == [second]

    seen = queues.requeue_stranded(q, seen, now=100.0 + queues.STRANDED_AFTER)
    assert seen == {}
    assert q.job_ids == [stranded, second]  # back in front: it had waited longest
    assert redis.llen(q.intermediate_queue_key) == 0
    job = q.fetch_job(stranded)
    assert job is not None and job.get_status() == JobStatus.QUEUED
    assert [e["id"] for e in job.args[0]] == ["i0", "i1"]  # the same items, nothing rewritten


def test_started_finished_and_requeued_jobs_are_left_alone(redis: Redis) -> None:
    q = queues.jobs_queue(redis)
    running, finished, retried = enqueue_items(redis, 6)
    for _ in range(3):
        take(redis)
    registry = q.started_job_registry
    redis.zadd(registry.key, {f"{running}:exec": time.time() + 60})  # as RQ registers an execution
    finished_job = q.fetch_job(finished)
    assert finished_job is not None
    finished_job.set_status(JobStatus.FINISHED)  # it ran; only its intermediate entry was left behind
    redis.rpush(q.key, retried)  # a retry queued it again already

    seen = queues.requeue_stranded(q, {}, now=0.0)
    assert set(seen) == {finished, retried}  # a started job is its lease's business, not ours
    seen = queues.requeue_stranded(q, seen, now=queues.STRANDED_AFTER)
    assert seen == {}
    assert q.job_ids == [retried]  # not queued twice
    assert [i.decode() for i in redis.lrange(q.intermediate_queue_key, 0, -1)] == [running]
    status = q.fetch_job(finished)
    assert status is not None and status.get_status() == JobStatus.FINISHED


def test_a_sighting_is_forgotten_once_the_job_starts(redis: Redis) -> None:
    q = queues.jobs_queue(redis)
    (job_id,) = enqueue_items(redis, 2)
    take(redis)
    seen = queues.requeue_stranded(q, {}, now=0.0)
    redis.lrem(q.intermediate_queue_key, 1, job_id)  # the worker started it (RQ moves it out)
    redis.zadd(q.started_job_registry.key, {f"{job_id}:exec": time.time() + 60})
    assert queues.requeue_stranded(q, seen, now=queues.STRANDED_AFTER) == {}
    assert q.job_ids == [] and redis.llen(q.intermediate_queue_key) == 0


def test_redis_older_than_6_2_is_refused() -> None:
    """Before 6.2 there is no LMOVE and RQ falls back to a pop that a kill can lose."""
    assert queues.redis_version_ok("6.2.14") and queues.redis_version_ok("7.0.15")
    assert queues.redis_version_ok("10.0")
    assert not queues.redis_version_ok("6.0.20") and not queues.redis_version_ok("5.0.7")
    assert not queues.redis_version_ok("unknown") and not queues.redis_version_ok("7")


def test_only_pressroom_schedulers_locks_are_ever_released() -> None:
    assert queues.is_pressroom_scheduler("box:100:aaaa")
    assert not queues.is_pressroom_scheduler("0123456789abcdef")  # stock RQ's bare uuid: waited out
    assert not queues.is_pressroom_scheduler("box:x:aaaa") and not queues.is_pressroom_scheduler("box::a")


def test_the_scheduler_lock_of_a_stopped_scheduler_is_taken_over(redis: Redis) -> None:
    """Without this a restarted daemon waits out the dead holder's 61 s lock before due
    retries move (measured: the whole-daemon SIGKILL test recovered in 63 s)."""
    key = RQScheduler.get_locking_key(names.JOBS_QUEUE)
    redis.set(key, "box:4242:dead", ex=61)  # its "alive" key has lapsed (never set here)
    housekeeping = queues.Housekeeping(redis)
    housekeeping.run(time.time())  # finds the holder stopped and releases its lock
    housekeeping.run(time.time())  # takes the lock
    holder = redis.get(key)
    assert holder is not None and holder.decode() == housekeeping._rq.name
    housekeeping.release()
    assert not redis.exists(names.scheduler_alive_key(housekeeping._rq.name))

    redis.set(key, "box:1:alive", ex=61)  # a running scheduler (another host, or pid 1 elsewhere)
    redis.set(names.scheduler_alive_key("box:1:alive"), "1", ex=10)
    other = queues.Housekeeping(redis)
    other.run(time.time())
    other.run(time.time())
    other.release()
    assert redis.get(key) == b"box:1:alive"
