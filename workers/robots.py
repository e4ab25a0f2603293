"""robots.txt for article pages (feeds are offered for polling and are not checked).

``/robots.txt`` of the page's origin is fetched through the same guarded Fetcher (every
address check, size cap and deadline applies) under the host's politeness slot, parsed
with :mod:`urllib.robotparser`, and matched against our ``fetch.user_agent``. The
verdict is cached per origin in Redis, shared by all workers. Following RFC 9309:

* **2xx**: the rules apply; cached ``CACHE_TTL`` (24 h). Only the first ``MAX_BYTES``
  (512 KiB) are fetched; a bigger file counts as unavailable.
* **4xx** (404, 403, 410, ...) or a file that cannot be had for good (redirect loop,
  forbidden address, too large): no rules, everything allowed; cached ``CACHE_TTL``.
* **5xx, 429, timeouts, connection errors**: *unreachable*. We do not guess: the page
  fails with the transient :class:`RobotsUnavailable` and is retried later like any
  transient failure (and dead-lettered after ``worker.max_attempts``). The failure is
  cached ``ERROR_TTL`` seconds so a batch asks the host once, not once per page.

Matching is urllib.robotparser's: our product token's group (else ``*``), and within it
the *first* matching Allow/Disallow line, not RFC 9309's longest match; ``*``/``$``
wildcards inside paths are not supported. Sites that list specific Allow lines before
broader Disallow lines (the common style) behave the same either way.

A disallowed page fails with :class:`RobotsDisallowed` ("disallowed by robots.txt"),
which is not transient: it goes straight to the dead-letter stream.

Cost: unlike pages, robots.txt is parsed here, in the worker, not in a sandbox child
(workers.budget). Its cost is bounded by ``MAX_BYTES``: at that size the costliest shapes
measured (one rule per line, one group per line, one long line) took about 0.1 s to parse
and at most 4 ms per page to match, all pure Python, which hands the GIL over every few
milliseconds, so the job's heartbeat keeps beating (tests/test_budget.py, docs/budget.md).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from redis import Redis

from workers import constants as names
from workers.errors import FetchError, HostBusy, RobotsDisallowed, RobotsUnavailable
from workers.fetch import Fetcher
from workers.hosts import HostLimiter

log = logging.getLogger(__name__)

CACHE_TTL = 86400
ERROR_TTL = 60
MEMO_TTL = 10.0  # seconds a worker process reuses a verdict it read from Redis
MEMO_SIZE = 4096
MAX_BYTES = 512 * 1024
ACCEPT = "text/plain, */*;q=0.5"
_ALLOW = b"allow"
_RULES = b"rules\n"
_ERROR = b"error\n"


def robots_url(url: str) -> tuple[str, str]:
    """(origin, robots.txt URL) of a page: robots.txt applies per scheme, host and port."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}".lower()
    return origin, f"{origin}/robots.txt"


@functools.lru_cache(maxsize=256)
def parse_rules(body: bytes) -> RobotFileParser:
    """Parsed rules, memoised by content (parsers are only read after this)."""
    parser = RobotFileParser()
    parser.parse(body.decode("utf-8", "replace").splitlines())
    parser.modified()  # robotparser refuses everything until it believes it has read a file
    return parser


def allowed_by(body: bytes, url: str, user_agent: str) -> bool:
    """Does a robots.txt body allow ``user_agent`` to fetch ``url``?"""
    return parse_rules(body).can_fetch(user_agent, url)


_origin_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(origin: str) -> threading.Lock:
    with _locks_guard:
        return _origin_locks.setdefault(origin, threading.Lock())


class Memo:
    """A worker process's short-lived copy of the verdicts cached in Redis.

    A batch has many pages per origin; asking Redis for the same verdict once per page
    cost more than the robots check itself. ``ttl`` is short next to the Redis cache's, so
    a changed or expired verdict reaches every process within seconds.
    """

    def __init__(self, ttl: float = MEMO_TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._verdicts: dict[str, tuple[float, bytes]] = {}

    def get(self, origin: str) -> bytes | None:
        found = self._verdicts.get(origin)
        if found is None or found[0] < self._clock():
            return None
        return found[1]

    def put(self, origin: str, verdict: bytes) -> None:
        if len(self._verdicts) >= MEMO_SIZE:
            self._verdicts.clear()  # crude but bounded; entries are cheap to fetch again
        self._verdicts[origin] = (self._clock() + self._ttl, verdict)


def check(
    redis: Redis,
    fetcher: Fetcher,
    limiter: HostLimiter,
    url: str,
    *,
    user_agent: str,
    memo: Memo | None = None,
) -> None:
    """Raise RobotsDisallowed or RobotsUnavailable unless robots.txt lets us fetch ``url``."""
    origin, where = robots_url(url)
    verdict = memo.get(origin) if memo is not None else None
    if verdict is None:
        verdict = _cached_or_fetched(redis, fetcher, limiter, origin, where)
        if memo is not None:
            memo.put(origin, verdict)
    if verdict.startswith(_ERROR):
        raise RobotsUnavailable(url, verdict[len(_ERROR) :].decode("utf-8", "replace"))
    if verdict.startswith(_RULES) and not allowed_by(verdict[len(_RULES) :], url, user_agent):
        log.info("robots.txt of %s disallows %s", origin, url)
        raise RobotsDisallowed(url)


def _cached_or_fetched(
    redis: Redis, fetcher: Fetcher, limiter: HostLimiter, origin: str, where: str
) -> bytes:
    key = names.robots_key(origin)
    cached: Any = redis.get(key)
    if cached is None:
        with _lock_for(origin):  # threads of one job ask the host once
            cached = redis.get(key)
            if cached is None:
                cached, ttl = _fetch(fetcher, limiter, where)
                redis.set(key, cached, ex=ttl)
    return bytes(cached)


def _fetch(fetcher: Fetcher, limiter: HostLimiter, where: str) -> tuple[bytes, int]:
    """The value to cache for one origin and for how long."""
    try:
        with limiter.slot(where):
            response = fetcher.get(where, max_bytes=MAX_BYTES, accept=ACCEPT)
    except HostBusy:
        raise  # our own congestion says nothing about the file: nothing to cache
    except FetchError as exc:  # HTTP errors included: a 404 means no rules, a 503 try later
        if exc.transient:
            log.warning("%s unreachable: %s", where, exc.reason)
            return _ERROR + exc.reason.encode(), ERROR_TTL
        log.info("%s unavailable (%s), so everything is allowed", where, exc.reason)
        return _ALLOW, CACHE_TTL
    log.debug("%s: %d bytes of rules", where, len(response.body))
    return _RULES + response.body, CACHE_TTL
