"""The daemon: a supervisor process that runs the scheduler and a pool of RQ workers.

    pressroom run  ->  Supervisor (this process: scheduler ticks, watches children)
                         ├── worker 1  (PressroomWorker, a SimpleWorker: no fork per job)
                         ├── worker 2
                         └── ...

The classifier, the job functions and the libraries they use (trafilatura, htmldate) are
loaded here, once, before the workers fork, so every worker (a recycled one too) starts
with them, shared copy-on-write.
Shutdown: the first SIGTERM/SIGINT asks every worker for a warm stop (finish the job in
hand); a second one, or the grace period running out, makes it cold (the interrupted
jobs stay in RQ's started registry and are recovered). A dead worker is replaced.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.exceptions import DeserializationError
from rq.executions import Execution
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.worker import WorkerStatus

from classifiers import Document
from workers import constants as names
from workers import metrics, queues
from workers.context import WorkerContext, install
from workers.lifeline import die_with_parent
from workers.scheduler import Scheduler

log = logging.getLogger(__name__)

SHUTDOWN_GRACE = 15.0  # warm stop budget; the whole exit stays under 20 s
KILL_AFTER = 3.0  # after the cold stop request
TICK = 0.25
# Recycle a worker after this many item batches: trafilatura's caches grow with the pages
# it extracts. Polls do not count: they extract nothing, and with hundreds of feeds they
# would recycle workers many times a day, each leaving its metrics files behind.
ITEM_JOBS_PER_WORKER = 1000
RECYCLED = 3  # a worker's exit code when it stopped to be recycled


HEARTBEAT_EVERY = 5.0  # seconds between heartbeats while a job runs
HEARTBEAT_TTL = 20  # a job whose worker stops beating for this long is abandoned
MAINTENANCE_INTERVAL = 10  # RQ's own registry upkeep (the scheduler loop also sweeps every 5 s)
WORKER_TTL = 35  # an idle worker re-registers every 20 s (RQ blocks on the queue for TTL - 15 s)
# How long RQ's command listener (shutdown, stop-job) waits per poll. RQ's 60 s made a warm
# stop hang: RQ stops the listener with redis-py's PubSubWorkerThread.stop(), which in
# redis-py 8 waits for the thread without a limit, and once its unsubscribe is answered the
# listener waits out a whole poll for a subscription that never comes.
COMMAND_POLL = 1.0


class PressroomWorker(SimpleWorker):
    """A SimpleWorker (no fork per job: RQ's fork costs more than our work) that heartbeats.

    SimpleWorker runs the job in its own thread, so stock RQ cannot refresh the job's
    heartbeat and must give every job a lease of its whole timeout: a killed worker's
    job would be recovered only minutes later. Here a side thread refreshes a short
    lease while the job runs; when the process dies, the lease lapses within
    HEARTBEAT_TTL and the next registry sweep (every MAINTENANCE_INTERVAL) requeues it.
    """

    def __init__(self, *args: Any, item_jobs_per_worker: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_jobs_left = ITEM_JOBS_PER_WORKER if item_jobs_per_worker is None else item_jobs_per_worker

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        return HEARTBEAT_TTL

    def subscribe(self) -> None:
        """RQ 3's own ``subscribe`` (its worker commands), but polled every COMMAND_POLL seconds."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]  # RQ types it as None
            sleep_time=COMMAND_POLL, daemon=True, exception_handler=self._pubsub_exception_handler
        )

    def execute_job(self, job: Job, queue: Queue) -> None:
        execution = self.prepare_execution(job)
        stop = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job, execution, stop), daemon=True)
        beat.start()
        try:
            self.perform_job(job, queue, execution)
        finally:
            stop.set()
            beat.join()
        self.set_state(WorkerStatus.IDLE)
        try:
            is_item_batch = job.func_name == queues.ITEMS_TASK
        except DeserializationError:  # perform_job has failed the job already
            is_item_batch = False
        if is_item_batch:
            self.item_jobs_left -= 1
            if self.item_jobs_left <= 0:  # RQ's loop stops warmly before taking another job
                log.info("worker %s: its item batches are done, stopping to be recycled", self.name)
                self._stop_requested = True

    def _beat(self, job: Job, execution: Execution, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_EVERY):
            try:
                self.maintain_heartbeats(job, execution)
            except RedisError as exc:  # the job itself will notice; keep trying
                log.warning("heartbeat for job %s failed: %s", job.id, exc)


def _preload(context: WorkerContext) -> None:
    """What each worker would otherwise do at its first job: import the job functions (RQ
    imports them by dotted path) and build the classifier's look-up tables, about 0.1 s of
    CPU per worker, on the cores that are extracting the first items.

    Then everything loaded so far is moved out of the garbage collector's sight
    (``gc.freeze``): nearly all of it lives as long as the process, and a worker's
    collections would otherwise walk all of it again and again, writing to every object
    they visit, which also copies the shared pages into each worker (docs/benchmarks.md,
    session 8). The little that does not (the supervisor's Redis client, which a worker
    replaces) is never collected in the workers: a fixed cost, once per worker.
    """
    import workers.tasks  # noqa: F401

    context.classifier.predict([Document(title="Warm-up", text="A sentence to score before forking.")])
    gc.collect()
    gc.freeze()


def _worker_main(context: WorkerContext, log_level: str, parent_pid: int) -> None:
    if not die_with_parent(signal.SIGTERM, parent_pid=parent_pid):
        log.warning(
            "worker pid %s cannot ask this system to stop it with the supervisor (no prctl): "
            "if the supervisor is killed outright, stop this worker by hand",
            os.getpid(),
        )
    install(context)
    context.budget.start()  # fork the sandbox zygote now, while this process has a single thread
    redis = context.redis
    worker = PressroomWorker(
        [queues.jobs_queue(redis)],
        connection=redis,
        serializer=JSONSerializer,
        maintenance_interval=MAINTENANCE_INTERVAL,
        worker_ttl=WORKER_TTL,
    )
    # RQ logs three lines per job at INFO; pressroom logs its own line per item instead.
    rq_level = "DEBUG" if log_level.upper() == "DEBUG" else "WARNING"
    # Delayed jobs are moved by pressroom's scheduler, not a process forked from here.
    try:
        worker.work(with_scheduler=False, logging_level=rq_level)
    finally:
        context.close()
    if worker.item_jobs_left <= 0:
        sys.exit(RECYCLED)  # not 0, which RQ also returns after an error or a shutdown command


@dataclass
class _Child:
    process: multiprocessing.process.BaseProcess
    started: float


@dataclass
class Supervisor:
    context: WorkerContext
    workers: int = 2
    run_scheduler: bool = True
    once: bool = False
    log_level: str = "INFO"
    _children: list[_Child] = field(default_factory=list)
    _stop_requests: int = 0
    _restart_delay: float = 1.0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stop_requests += 1
        log.info("received %s (%d), stopping", signal.Signals(signum).name, self._stop_requests)

    def _spawn(self) -> None:
        ctx = multiprocessing.get_context("fork")
        process = ctx.Process(
            target=_worker_main, args=(self.context, self.log_level, os.getpid()), daemon=False
        )
        process.start()
        self._children.append(_Child(process, time.monotonic()))
        log.debug("started worker pid %s", process.pid)

    def _reap(self) -> int:
        alive = []
        dead = 0
        for child in self._children:
            if child.process.is_alive():
                alive.append(child)
            else:
                child.process.join()
                metrics.process_dead(child.process.pid)
                dead += 1
                if self._stop_requests == 0:
                    if child.process.exitcode == RECYCLED:
                        log.info(
                            "worker pid %s stopped to be recycled; starting a fresh one", child.process.pid
                        )
                    else:
                        log.warning(
                            "worker pid %s exited with code %s", child.process.pid, child.process.exitcode
                        )
                # a worker that dies young (Redis down?) is restarted ever more slowly
                young = time.monotonic() - child.started < 10
                self._restart_delay = min(30.0, self._restart_delay * 2) if young else 1.0
        self._children = alive
        return dead

    def _signal_children(self, signum: int) -> None:
        for child in self._children:
            if child.process.pid is not None and child.process.is_alive():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child.process.pid, signum)

    def _quiescent(self) -> bool:
        """No job queued, moving, running or scheduled: `--once` is done."""
        redis = self.context.redis
        if redis.exists(names.STAGED_HOSTS_KEY):
            return False
        q = queues.jobs_queue(redis)
        if q.count or redis.llen(q.intermediate_queue_key):
            return False
        return not (q.started_job_registry.count or q.scheduled_job_registry.count)

    def run(self) -> int:
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            return self._run()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run(self) -> int:
        scheduler = Scheduler(self.context.redis, self.context.settings) if self.run_scheduler else None
        if scheduler is not None and self.once:
            queued = scheduler.poll_all_now()
            log.info("--once: polling %d feed(s)", len(queued))
        _preload(self.context)
        for _ in range(self.workers):
            self._spawn()
        quiet_ticks = 0
        next_spawn = 0.0
        redis_down_since: float | None = None
        while True:
            if self._stop_requests:
                return self._shutdown(scheduler)
            now = time.monotonic()
            try:
                if scheduler is not None:
                    scheduler.tick(poll=not self.once)
                if self.once:
                    quiet_ticks = quiet_ticks + 1 if self._quiescent() else 0
                    if quiet_ticks >= 4:
                        log.info("--once: all work done")
                        self._stop_requests = 1
                        continue
                if redis_down_since is not None:
                    log.info("Redis is reachable again after %.0fs", now - redis_down_since)
                    redis_down_since = None
            except RedisError as exc:
                if redis_down_since is None:
                    redis_down_since = now
                    log.error("Redis unreachable (%s); retrying", exc)
            if self._reap():
                next_spawn = now + self._restart_delay
            if len(self._children) < self.workers and now >= next_spawn:
                self._spawn()
            if scheduler is not None:
                scheduler.wait(TICK, lambda: self._stop_requests > 0)
            else:
                time.sleep(TICK)

    def _shutdown(self, scheduler: Scheduler | None) -> int:
        if scheduler is not None:
            with contextlib.suppress(RedisError):
                scheduler.housekeeping.release()
        log.info("warm shutdown: waiting up to %.0fs for %d worker(s)", SHUTDOWN_GRACE, len(self._children))
        self._signal_children(signal.SIGTERM)
        warm_sent_at = time.monotonic()
        deadline = warm_sent_at + SHUTDOWN_GRACE
        cold_sent_at: float | None = None
        while True:
            self._reap()
            if not self._children:
                log.info("all workers stopped")
                return 0
            now = time.monotonic()
            if cold_sent_at is None and (self._stop_requests > 1 or now >= deadline):
                log.warning("cold shutdown: interrupting %d worker(s)", len(self._children))
                # RQ ignores a repeat within 1 s of the first; make sure this one counts
                time.sleep(max(0.0, warm_sent_at + 1.1 - now))
                self._signal_children(signal.SIGTERM)
                cold_sent_at = time.monotonic()
            elif cold_sent_at is not None and now - cold_sent_at > KILL_AFTER:
                self._signal_children(signal.SIGKILL)
            time.sleep(0.1)
