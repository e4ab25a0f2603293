"""Scheduling maths: when to poll a feed next. Pure functions of values.

The rule, in order (``poll_feed`` applies it; every function here takes values and
returns values):

1. **Interval.** A feed is polled as often as it publishes (the Miniflux rule): from the
   publication times of the entries seen over the last polls, ``interval = observed span
   / entries published in it``, where the span is the last 7 days, or less when the
   oldest known entry is younger than that. No entry in the last 7 days means
   ``schedule.max_interval``. The result is clamped to ``schedule.min_interval`` ..
   ``schedule.max_interval`` (defaults 5 min .. 24 h). With fewer than
   ``MIN_HISTORY`` dated entries the feed's configured ``interval`` is used as is.
2. **Server hints** only ever push the next poll later: RSS ``<ttl>``,
   ``Cache-Control: max-age`` (else ``Expires``) are freshness hints, capped at
   ``schedule.max_interval`` so a "cache for a year" header cannot silence a feed;
   ``Retry-After`` on 429/503 is an explicit request, honoured up to ``RETRY_AFTER_CAP``
   (31 days). ``no-cache``/``no-store`` and unparsable values are ignored.
3. **Failures** back off exponentially with +-10% jitter from the interval, capped at
   ``schedule.max_backoff``: a broken feed is retried less and less, never dropped, and
   one good poll returns it to its normal interval. Failures during a network outage of
   our own are not counted (see ``workers.outage``).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import random
from collections.abc import Iterable, Mapping, Sequence

WEEK = 7 * 86400.0
MIN_HISTORY = 3  # dated entries needed before the publishing rate is trusted
HISTORY_SIZE = 100  # publication times kept per feed (newest first)
FUTURE_SKEW = 3600.0  # entries dated further ahead than this are ignored (bad clocks)
RETRY_AFTER_CAP = 31 * 86400.0
RETRY_AFTER_STATUSES = frozenset({429, 503})


def backoff_delay(interval: float, errors: int, cap: float, rng: random.Random | None = None) -> float:
    """Delay after ``errors`` consecutive failures: interval * 2^(errors-1), capped, +-10% jitter.

    Jitter keeps feeds that failed together (a network blip) from retrying in lockstep.
    """
    if errors <= 0:
        return interval
    base = min(cap, interval * (2 ** min(errors - 1, 32)))
    spread = (rng or random).uniform(-0.1, 0.1)
    return max(1.0, min(cap, base * (1.0 + spread)))


def next_poll_at(
    now: float,
    interval: float,
    *,
    errors: int = 0,
    max_backoff: float = 86400.0,
    rng: random.Random | None = None,
) -> float:
    """Epoch seconds of the next poll for a feed with ``errors`` consecutive failures."""
    if errors <= 0:
        return now + interval
    return now + backoff_delay(interval, errors, max_backoff, rng)


def retry_delay(attempt: int, delays: tuple[float, ...]) -> float:
    """Delay before retry number ``attempt`` (1-based) of an item; the last delay repeats."""
    return delays[min(max(attempt, 1), len(delays)) - 1]


def delay_after_failure(
    interval: float,
    errors: int,
    *,
    counted: bool,
    max_backoff: float,
    short_delay: float,
    hint: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds until the next attempt after a failed poll.

    A counted failure backs off (``errors`` includes it); one that is not the feed's fault
    (our network is down, our own host limiter was full) is retried after ``short_delay``.
    A server's Retry-After ``hint`` is a floor either way.
    """
    delay = backoff_delay(interval, errors, max_backoff, rng) if counted else short_delay
    return max(delay, hint or 0.0)


def delay_after_success(interval: float, hint: float | None) -> float:
    """Seconds until the next poll of a healthy feed: its interval, or later if the server says so."""
    return max(interval, hint or 0.0)


# -- adaptive interval -----------------------------------------------------------------


def adaptive_interval(
    published: Sequence[float],
    now: float,
    *,
    default: float,
    min_interval: float,
    max_interval: float,
    window: float = WEEK,
) -> float:
    """Seconds between polls from the feed's own publishing rate (rule 1 of the module doc).

    A feed configured to poll more often than ``min_interval`` keeps its own interval as
    the floor: the user asked for it explicitly, and adapting must not make it slower
    than that while it publishes busily.
    """
    dated = [t for t in published if t <= now + FUTURE_SKEW]
    if len(dated) < MIN_HISTORY:
        return default
    recent = sum(1 for t in dated if t > now - window)
    if recent == 0:
        return max_interval
    span = max(1.0, min(window, now - min(dated)))
    return min(max_interval, max(min(min_interval, default), span / recent))


def merge_history(stored: Iterable[float], published: Iterable[str]) -> list[float]:
    """Known publication times plus this poll's (ISO 8601) ones: distinct, newest first, bounded."""
    times = set(stored)
    for iso in published:
        when = parse_iso(iso)
        if when is not None:
            times.add(when)
    return sorted(times, reverse=True)[:HISTORY_SIZE]


def parse_iso(value: str) -> float | None:
    """``2025-05-01T10:00:00Z`` -> epoch seconds; None for empty or bad values."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


def encode_history(times: Sequence[float]) -> str:
    """History as stored in the feed state hash: a JSON list of whole epoch seconds."""
    return json.dumps([int(t) for t in times])


def decode_history(raw: str | None) -> list[float]:
    """Inverse of :func:`encode_history`; anything unreadable is an empty history."""
    try:
        values = json.loads(raw or "[]")
    except ValueError:
        return []
    if not isinstance(values, list):
        return []
    return [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


# -- server hints ----------------------------------------------------------------------


def max_age(cache_control: str | None) -> float | None:
    """``Cache-Control: max-age=N`` in seconds; None when absent, bad, or no-cache/no-store."""
    if not cache_control:
        return None
    found: float | None = None
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        name = name.strip().lower()
        if name in ("no-cache", "no-store"):
            return None
        if name == "max-age":
            value = value.strip().strip('"')
            if not (value.isascii() and value.isdigit()):
                return None
            found = float(int(value))
    return found if found else None


def expires_in(expires: str | None, now: float) -> float | None:
    """Seconds until an ``Expires`` HTTP-date; None when absent, invalid or already past."""
    if not expires or not expires.strip():
        return None
    try:
        when = email.utils.parsedate_to_datetime(expires.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    delta = when.timestamp() - now
    return delta if delta > 0 else None


def freshness_hint(headers: Mapping[str, str], ttl: float | None, now: float, *, cap: float) -> float | None:
    """The longest of RSS ``<ttl>``, max-age (else Expires), capped: a floor for the next poll.

    ``headers`` have lower-case names. Expires only counts without a max-age, as in HTTP.
    """
    cache_control = headers.get("cache-control")
    header_hint = max_age(cache_control)
    if header_hint is None and not _forbids_caching(cache_control):
        header_hint = expires_in(headers.get("expires"), now)
    hints = [h for h in (ttl, header_hint) if h is not None and h > 0]
    return min(max(hints), cap) if hints else None


def retry_after_hint(status: int | None, retry_after: float | None) -> float | None:
    """Seconds a 429/503 asked us to wait, capped at ``RETRY_AFTER_CAP``; None otherwise."""
    if status not in RETRY_AFTER_STATUSES or retry_after is None or retry_after <= 0:
        return None
    return min(retry_after, RETRY_AFTER_CAP)


def _forbids_caching(cache_control: str | None) -> bool:
    parts = {p.strip().split("=")[0].lower() for p in (cache_control or "").split(",")}
    return bool(parts & {"no-cache", "no-store"})
