"""Scheduling maths: intervals, backoff with jitter and caps, retry delays."""

from __future__ import annotations

import random

from workers.scheduling import backoff_delay, next_poll_at, retry_delay


def test_healthy_feed_polls_on_its_interval() -> None:
    assert next_poll_at(1000.0, 600.0) == 1600.0


def test_backoff_grows_then_caps() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(60.0, n, cap=3600.0, rng=rng) for n in range(1, 10)]
    assert 54 <= delays[0] <= 66
    assert 108 <= delays[1] <= 132
    assert 216 <= delays[2] <= 264
    assert all(d <= 3600.0 for d in delays)
    assert delays[-1] >= 3600.0 * 0.9


def test_jitter_spreads_feeds_that_failed_together() -> None:
    rng = random.Random(1)
    assert len({round(backoff_delay(300.0, 3, cap=86400.0, rng=rng), 3) for _ in range(20)}) > 10


def test_failing_feed_next_poll_uses_backoff() -> None:
    rng = random.Random(3)
    assert next_poll_at(0.0, 100.0, errors=4, max_backoff=10_000.0, rng=rng) >= 720.0


def test_retry_delay_repeats_the_last() -> None:
    assert [retry_delay(n, (1.0, 5.0, 30.0)) for n in (1, 2, 3, 4, 9)] == [1.0, 5.0, 30.0, 30.0, 30.0]
