"""`pressroom health`: one yes/no for a load balancer, systemd or a container runtime.

Healthy means work can flow: Redis answers, a scheduler ticked recently (it writes
SCHEDULER_HEARTBEAT_KEY every tick, with a 60 s TTL) and at least one RQ worker that
listens on pressroom's queues has a recent heartbeat. The first problem found is the
reason, on one line, so it reads well in `systemctl status` or a probe log.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from redis import Redis
from redis.exceptions import RedisError
from rq import Worker
from rq.serializers import JSONSerializer

from workers import constants as names
from workers.logs import redact_url
from workers.rediscodec import text

DEFAULT_MAX_HEARTBEAT_AGE = 30.0
# pressroom's workers run with worker_ttl 35 s (workers/daemon.py): an idle worker beats
# every 20 s (its dequeue timeout, worker_ttl - 15) and a busy one every 5 s (its job
# heartbeat thread), so a heartbeat older than a minute means the worker is gone.
DEFAULT_MAX_WORKER_AGE = 60.0


@dataclass(frozen=True)
class Health:
    healthy: bool
    reason: str  # one line: the first problem, or a summary when healthy


def check(
    redis: Redis,
    url: str,
    *,
    max_heartbeat_age: float = DEFAULT_MAX_HEARTBEAT_AGE,
    max_worker_age: float = DEFAULT_MAX_WORKER_AGE,
    min_workers: int = 1,
    now: float | None = None,
) -> Health:
    """Check Redis, the scheduler heartbeat and the workers; ``url`` is only for the message."""
    now = time.time() if now is None else now
    try:
        redis.ping()
        beat = redis.get(names.SCHEDULER_HEARTBEAT_KEY)
        workers = Worker.all(connection=redis, serializer=JSONSerializer)
    except RedisError as exc:
        return Health(False, f"redis unreachable at {redact_url(url)}: {_one_line(exc)}")
    if beat is None:
        return Health(False, "no scheduler heartbeat (no scheduler has ticked for over a minute)")
    age = now - float(text(beat))
    if age > max_heartbeat_age:
        return Health(False, f"scheduler heartbeat {age:.0f} s old (limit {max_heartbeat_age:.0f} s)")
    live = [
        w
        for w in workers
        if names.JOBS_QUEUE in w.queue_names()
        and w.last_heartbeat is not None
        and now - _epoch(w.last_heartbeat) <= max_worker_age
    ]
    if not live:
        return Health(False, "no live workers")
    if len(live) < min_workers:
        return Health(False, f"only {len(live)} live worker(s), expected at least {min_workers}")
    return Health(True, f"ok: scheduler heartbeat {max(age, 0):.0f} s old, {len(live)} live worker(s)")


def _epoch(when: dt.datetime) -> float:
    """RQ stores UTC; older versions hand it back naive."""
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
