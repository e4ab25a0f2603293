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
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from redis import Redis

from workers import constants as names
from workers.errors import FetchError, HostBusy, HTTPStatusError, RobotsDisallowed, RobotsUnavailable
from workers.fetch import Fetcher
from workers.hosts import HostLimiter

log = logging.getLogger(__name__)

CACHE_TTL = 86400
ERROR_TTL = 60
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


def check(redis: Redis, fetcher: Fetcher, limiter: HostLimiter, url: str, *, user_agent: str) -> None:
    """Raise RobotsDisallowed or RobotsUnavailable unless robots.txt lets us fetch ``url``."""
    origin, where = robots_url(url)
    key = names.robots_key(origin)
    cached: Any = redis.get(key)
    if cached is None:
        with _lock_for(origin):  # threads of one job ask the host once
            cached = redis.get(key)
            if cached is None:
                cached, ttl = _fetch(fetcher, limiter, where)
                redis.set(key, cached, ex=ttl)
    verdict = bytes(cached)
    if verdict.startswith(_ERROR):
        raise RobotsUnavailable(url, verdict[len(_ERROR) :].decode("utf-8", "replace"))
    if verdict.startswith(_RULES) and not allowed_by(verdict[len(_RULES) :], url, user_agent):
        log.info("robots.txt of %s disallows %s", origin, url)
        raise RobotsDisallowed(url)


def _fetch(fetcher: Fetcher, limiter: HostLimiter, where: str) -> tuple[bytes, int]:
    """The value to cache for one origin and for how long."""
    try:
        with limiter.slot(where):
            response = fetcher.get(where, max_bytes=MAX_BYTES, accept=ACCEPT)
    except HostBusy:
        raise  # our own congestion says nothing about the file: nothing to cache
    except HTTPStatusError as exc:
        if exc.transient:
            log.warning("%s unreachable: %s", where, exc.reason)
            return _ERROR + exc.reason.encode(), ERROR_TTL
        log.info("%s: %s, so everything is allowed", where, exc.reason)
        return _ALLOW, CACHE_TTL
    except FetchError as exc:
        if exc.transient:
            log.warning("%s unreachable: %s", where, exc.reason)
            return _ERROR + exc.reason.encode(), ERROR_TTL
        log.info("%s unavailable (%s), so everything is allowed", where, exc.reason)
        return _ALLOW, CACHE_TTL
    log.debug("%s: %d bytes of rules", where, len(response.body))
    return _RULES + response.body, CACHE_TTL
