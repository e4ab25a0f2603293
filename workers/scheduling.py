"""Scheduling maths: when to poll a feed next. Pure functions of values.

Healthy feeds are polled on their interval; failing feeds back off exponentially with
jitter up to a cap, so a broken publisher is retried less and less but never dropped.
"""

from __future__ import annotations

import random


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
