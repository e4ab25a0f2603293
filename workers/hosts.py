"""Per-host politeness, shared by every thread, worker and machine through Redis.

Before any request to a host (feed, page or robots.txt) a caller takes one of the host's
``fetch.per_host_concurrency`` slots (default 2), and request *starts* to one host are
spaced at least ``fetch.per_host_delay`` apart (default 0: off. The slot limit already
bounds the load on a publisher; a spacing of d seconds caps each host at 1/d requests a
second however fast it answers, so set it for publishers that ask for it).

* **Leases.** A slot is a member of a sorted set scored by its lease end. One thread per
  process renews every lease it holds each ``lease / 3`` while the requests run, so a
  lease can be short (``LEASE``, 10 s) although a fetch may take a minute: a worker
  killed mid-fetch frees its slot within ``LEASE``; a normal release deletes it at once.
  Waiters wait longer than a lease, so a dead holder never makes them give up.
* **Fair and bounded waiting.** Waiters queue in arrival order (by Redis' clock, so
  hosts with skewed clocks agree); only the first ``free slots`` waiters may take one. A
  waiter that stops asking for ``WAITER_TTL`` (crashed, gave up) loses its place. After
  ``max_wait`` the caller gives up with :class:`HostBusy`, a transient error: the item is
  retried later instead of holding its worker.
* **In-process gate.** Threads of one process first pass a local semaphore of the same
  size per host: more of them could never hold slots at once, so they wait without
  asking Redis (at 0 ms page latency the polling cost more CPU than the fetches).
* **Hand-over.** A holder that releases its slot wakes the waiters now entitled to a free
  slot (the first ones in the queue) through a list each waiter blocks on, so a freed slot
  is taken within a round trip. Polling every 2-20 ms instead left a freed slot idle for
  up to a poll and cost a Redis call per waiter per poll (at 100 ms per page, 119 Redis
  commands per item against 49 now). The block ends after ``POLL_MAX`` anyway, for what
  frees a slot without a release: a dead holder's lease or a dead waiter's place. The
  waiters' list names are built inside the release script, so like the rest of this
  module it needs one Redis server, not a cluster.
* **Time** comes from Redis (``TIME``), and the answer says how long the spacing still
  forbids a request, so waiters sleep just that long (at most ``POLL_MAX``).

The limit applies to the host of the URL asked for; redirects to another host are
followed inside the same slot.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from redis import Redis
from redis.exceptions import RedisError

from workers import constants as names
from workers.errors import HostBusy
from workers.rediscodec import text

if TYPE_CHECKING:
    from workers.settings import Settings

log = logging.getLogger(__name__)

WAITER_TTL = 2.0  # seconds a waiter keeps its place in the queue without asking again
POLL_MAX = 0.2  # longest wait between two attempts (a release ends the wait sooner)
BLOCK_MIN = 0.01  # Redis reads a blocking timeout under a millisecond as "forever"
LEASE = 10.0  # seconds a slot outlives its last renewal (a killed holder)

# KEYS: slots zset (token -> lease end), queue zset (token -> arrival), alive zset (token -> last ask), next-start
# ARGV: token, limit, lease, delay, waiter ttl
# Returns "ok" when the slot is taken, "full" when every slot is held (or earlier waiters
# come first), else the seconds left before the host's spacing allows the next request.
_ACQUIRE = """
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local token, limit = ARGV[1], tonumber(ARGV[2])
local lease, delay, ttl = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - ttl)) do
  redis.call('ZREM', KEYS[2], gone)
  redis.call('ZREM', KEYS[3], gone)
end
redis.call('ZADD', KEYS[2], 'NX', now, token)
redis.call('ZADD', KEYS[3], now, token)
local keep = math.ceil((lease + ttl) * 1000)
redis.call('PEXPIRE', KEYS[2], keep)
redis.call('PEXPIRE', KEYS[3], keep)
local free = limit - redis.call('ZCARD', KEYS[1])
if redis.call('ZRANK', KEYS[2], token) >= free then
  return 'full'
end
local nxt = tonumber(redis.call('GET', KEYS[4]) or '0')
if nxt > now then return tostring(nxt - now) end
redis.call('ZADD', KEYS[1], now + lease, token)
if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
redis.call('ZREM', KEYS[2], token)
redis.call('ZREM', KEYS[3], token)
if delay > 0 then
  redis.call('SET', KEYS[4], string.format('%.6f', now + delay), 'PX', math.ceil(delay * 1000) + 1000)
end
return 'ok'
"""

# KEYS: slots zset, queue zset; ARGV: token, limit, wake-key prefix, wake-key ttl (ms)
# Frees the slot (and any whose lease ran out) and nudges the waiters entitled to a free
# slot now: the first ``free`` in the queue, the ones the acquire script would answer "ok"
# (spacing aside). A waiter that gives up runs it too, with a token that holds no slot: the
# waiters behind it may have become entitled.
_RELEASE = """
redis.replicate_commands()
local t = redis.call('TIME')
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(t[1]) + tonumber(t[2]) / 1000000)
local free = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1])
if free > 0 then
  for _, waiter in ipairs(redis.call('ZRANGE', KEYS[2], 0, free - 1)) do
    local wake = ARGV[3] .. waiter
    redis.call('RPUSH', wake, '1')
    redis.call('PEXPIRE', wake, ARGV[4])
  end
end
return 1
"""

# KEYS: slots zset; ARGV: token, lease. Pushes a held slot's lease end forward (no-op once released).
_RENEW = """
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
local keep = math.ceil(tonumber(ARGV[2]) * 1000) + 1000
if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
return 1
"""


@dataclass(frozen=True)
class Politeness:
    concurrency: int = 2  # requests in flight to one host, across all workers
    delay: float = 0.0  # seconds between request starts to one host
    lease: float = LEASE  # a slot frees itself this long after its holder stopped renewing it
    max_wait: float = 60.0  # give up waiting for a slot after this long

    @classmethod
    def from_settings(cls, settings: Settings) -> Politeness:
        return cls(
            concurrency=settings.per_host_concurrency,
            delay=settings.per_host_delay,
            max_wait=max(settings.fetch.total_timeout, 2 * LEASE),
        )


def host_of(url: str) -> str:
    """The politeness key of a URL: its host name, lower-case (ports share the host's budget)."""
    return (urlsplit(url).hostname or "").lower() or "-"


class HostLimiter:
    """Redis-backed per-host semaphore with leases and spacing; thread-safe, cheap to make."""

    def __init__(
        self,
        redis: Redis,
        policy: Politeness,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._redis = redis
        self._script = redis.register_script(_ACQUIRE)
        self._renew_script = redis.register_script(_RENEW)
        self._release_script = redis.register_script(_RELEASE)
        self.policy = policy
        self._clock = clock
        self._sleep = sleep
        self._guard = threading.Lock()
        # In-process gate per host: threads of this process beyond the host's limit could
        # never hold a slot at once, so they wait here (no Redis traffic) rather than poll.
        self._gates: dict[str, threading.Semaphore] = {}
        self._held: dict[str, str] = {}  # token -> slots key, renewed by one shared thread
        self._renewer: threading.Thread | None = None

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Hold one of ``url``'s host slots for the duration of the block."""
        host = host_of(url)
        give_up = self._clock() + self.policy.max_wait
        gate = self._gate(host)
        if not gate.acquire(timeout=self.policy.max_wait):
            raise self._busy(host, url)
        try:
            token = uuid.uuid4().hex
            self._acquire(host, token, url, give_up)
            slots = names.host_key(host, "slots")
            try:
                self._hold(token, slots)
                yield
            finally:
                self._release(host, token)
        finally:
            gate.release()

    def _gate(self, host: str) -> threading.Semaphore:
        with self._guard:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = threading.Semaphore(self.policy.concurrency)
            return gate

    def _busy(self, host: str, url: str) -> HostBusy:
        log.warning("host %s: no request slot within %.0fs for %s", host, self.policy.max_wait, url)
        return HostBusy(url, f"host {host} busy: no request slot within {self.policy.max_wait:g}s")

    def _hold(self, token: str, slots: str) -> None:
        with self._guard:
            self._held[token] = slots
            if self._renewer is None or not self._renewer.is_alive():
                self._renewer = threading.Thread(
                    target=self._renew_held, name="host-slot-leases", daemon=True
                )
                self._renewer.start()

    def _release(self, host: str, token: str) -> None:
        with self._guard:
            self._held.pop(token, None)
        try:
            self._hand_over(host, token)
        except RedisError as exc:  # the lease runs out on its own
            log.warning(
                "host %s: could not release a request slot (%s); it expires in %gs",
                host,
                exc,
                self.policy.lease,
            )

    def _hand_over(self, host: str, token: str) -> None:
        """Give up ``token``'s slot, if it holds one, and wake the waiters now entitled to one."""
        keys = [names.host_key(host, "slots"), names.host_key(host, "queue")]
        wake_ttl_ms = int((WAITER_TTL + 1) * 1000)  # a nudge nobody took is gone soon after
        self._release_script(
            keys=keys, args=[token, self.policy.concurrency, names.host_key(host, "wake:"), wake_ttl_ms]
        )

    def _renew_held(self) -> None:
        """Keep every held slot's lease fresh (one thread per process, not one per request)."""
        lease = self.policy.lease
        while True:
            time.sleep(lease / 3)
            with self._guard:
                held = list(self._held.items())
            for token, slots in held:
                try:
                    self._renew_script(keys=[slots], args=[token, lease])
                except RedisError as exc:
                    log.debug("lease renewal of %s failed: %s", slots, exc)

    def _acquire(self, host: str, token: str, url: str, give_up: float) -> None:
        keys = [names.host_key(host, part) for part in ("slots", "queue", "alive", "next")]
        p = self.policy
        args: list[str | float] = [token, p.concurrency, p.lease, p.delay, WAITER_TTL]
        wake = names.host_key(host, "wake:") + token
        waited = False
        while True:
            reply: Any = self._script(keys=keys, args=args)
            answer = text(reply)
            if answer == "ok":
                return
            # "full": every slot held (or earlier waiters first) until a release wakes us, so
            # wait as long as allowed; otherwise the seconds the spacing still forbids a request
            left = give_up - self._clock()
            wait = min(POLL_MAX, left) if answer == "full" else min(float(answer), POLL_MAX)
            if left <= 0 or wait > left:
                self._redis.zrem(keys[1], token)
                self._redis.zrem(keys[2], token)
                self._hand_over(host, token)  # the waiters behind this one may be first now
                raise self._busy(host, url)
            if not waited:
                log.debug("host %s: waiting for a request slot for %s", host, url)
                waited = True
            if answer == "full":
                self._redis.blpop([wake], timeout=max(wait, BLOCK_MIN))
            else:
                self._sleep(wait)
