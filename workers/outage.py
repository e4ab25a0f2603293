"""Is the network down on *our* side? Then no feed is to blame.

Every poll records its outcome per host in Redis, shared by all workers: "down" for a
connection-level failure (DNS, connect, TLS handshake, timeout: nothing came back) and
"up" for anything else (a success, but also an HTTP error or a broken feed, which prove
the network works). We are in an outage when, within ``WINDOW`` seconds, at least
``MIN_HOSTS`` distinct hosts were down and not one poll anywhere came back. While it
lasts a connection failure is not counted against the feed: it is retried after
``RETRY_DELAY`` seconds. The first success ends it. Both transitions are logged once (by
whichever worker sees them) and ``pressroom status`` shows the outage.

With fewer than ``MIN_HOSTS`` feed hosts an outage cannot be told from broken feeds, so
their failures back off as usual; the polls that fail before the outage is recognised
take one ordinary backoff step.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from redis import Redis

from workers import constants as names
from workers.errors import FetchError, FetchTimeout, PressroomError
from workers.rediscodec import text

WINDOW = 300.0
MIN_HOSTS = 3
RETRY_DELAY = 60.0

Verdict = Literal["normal", "started", "outage", "ended"]

# KEYS: down zset (host -> time), up zset (host -> time), outage marker
# ARGV: host, 1 if down else 0, now, window, min hosts
_RECORD = """
local now = tonumber(ARGV[3])
local since = now - tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', since)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', since)
local was = redis.call('EXISTS', KEYS[3]) == 1
if ARGV[2] == '0' then
  redis.call('ZADD', KEYS[2], now, ARGV[1])
  redis.call('ZREM', KEYS[1], ARGV[1])
  if was then redis.call('DEL', KEYS[3]) return 'ended' end
  return 'normal'
end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local outage = redis.call('ZCARD', KEYS[2]) == 0 and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[5])
if outage and was then return 'outage' end
if outage then redis.call('SET', KEYS[3], ARGV[3]) return 'started' end
if was then redis.call('DEL', KEYS[3]) return 'ended' end
return 'normal'
"""


def is_connection_failure(exc: PressroomError) -> bool:
    """True when nothing came back from the server: timeouts, DNS, connect, TLS handshake.

    An HTTP status or an unparsable feed means the network worked, so it is not one.
    """
    if isinstance(exc, FetchTimeout):
        return True
    return type(exc) is FetchError and exc.transient


def record(
    redis: Redis,
    host: str,
    *,
    down: bool,
    now: float,
    window: float = WINDOW,
    min_hosts: int = MIN_HOSTS,
) -> Verdict:
    """Record one poll outcome for ``host``; says whether we are (or just got) in an outage."""
    keys = [names.OUTAGE_DOWN_KEY, names.OUTAGE_UP_KEY, names.OUTAGE_KEY]
    reply: Any = redis.eval(_RECORD, 3, *keys, host, 1 if down else 0, now, window, min_hosts)
    return cast(Verdict, text(reply))


def outage_since(redis: Redis) -> float | None:
    """Epoch seconds the current outage was recognised, or None."""
    raw: Any = redis.get(names.OUTAGE_KEY)
    return None if raw is None else float(text(raw))
