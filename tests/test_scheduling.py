"""Scheduling maths: intervals, adaptive rate, server hints, backoff with jitter and caps."""

from __future__ import annotations

import random

import pytest

from workers.scheduling import (
    HISTORY_SIZE,
    RETRY_AFTER_CAP,
    adaptive_interval,
    backoff_delay,
    decode_history,
    delay_after_failure,
    delay_after_success,
    encode_history,
    expires_in,
    freshness_hint,
    max_age,
    merge_history,
    next_poll_at,
    parse_iso,
    retry_after_hint,
    retry_delay,
)


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


# -- adaptive interval ------------------------------------------------------------------

DAY = 86400.0
NOW = 1_750_000_000.0


def adaptive(published: list[float], default: float = 900.0) -> float:
    return adaptive_interval(published, NOW, default=default, min_interval=300.0, max_interval=DAY)


def test_adaptive_interval_needs_history() -> None:
    assert adaptive([]) == 900.0
    assert adaptive([NOW - 100, NOW - 200]) == 900.0  # two dated entries are not a rate yet
    assert adaptive([NOW + 10 * DAY] * 5) == 900.0  # entries from the future do not count


def test_adaptive_interval_follows_the_publishing_rate() -> None:
    # 14 entries over the last week, older history known: one every 12 hours
    week = [NOW - i * 12 * 3600 - 60 for i in range(14)] + [NOW - 30 * DAY]
    assert adaptive(week) == pytest.approx(7 * DAY / 14)
    # history shorter than a week: the observed span counts, not a whole week
    two_days = [NOW - i * 4 * 3600 for i in range(1, 13)]  # 12 entries in 48 h
    assert adaptive(two_days) == pytest.approx(48 * 3600 / 12)


def test_adaptive_interval_is_clamped() -> None:
    busy = [NOW - i * 10.0 for i in range(1, 100)]  # one every 10 s
    assert adaptive(busy) == 300.0  # never faster than min_interval
    quiet = [NOW - 30 * DAY, NOW - 40 * DAY, NOW - 50 * DAY]
    assert adaptive(quiet) == DAY  # nothing this week: max_interval
    sparse = [NOW - 6 * DAY, NOW - 20 * DAY, NOW - 21 * DAY]
    assert adaptive(sparse) == DAY  # one entry a week would be 7 days: clamped


def test_history_merges_dedups_and_is_bounded() -> None:
    merged = merge_history([100.0, 50.0], ["1970-01-01T00:01:40Z", "1970-01-01T00:03:20Z", "", "garbage"])
    assert merged == [200.0, 100.0, 50.0]
    many = merge_history([], [f"2025-01-01T00:{m:02d}:{s:02d}Z" for m in range(60) for s in range(0, 60, 20)])
    assert len(many) == HISTORY_SIZE and many == sorted(many, reverse=True)
    assert decode_history(encode_history(merged)) == merged
    for bad in (None, "", "not json", '{"a": 1}', '["x", true]'):
        assert decode_history(bad) == []


def test_parse_iso() -> None:
    assert parse_iso("1970-01-02T00:00:00Z") == DAY
    assert parse_iso("1970-01-02T02:00:00+02:00") == DAY
    assert parse_iso("1970-01-02T00:00:00") == DAY  # naive means UTC
    assert parse_iso("") is None and parse_iso("yesterday") is None


# -- server hints ---------------------------------------------------------------------


def test_max_age() -> None:
    assert max_age("public, max-age=600") == 600.0
    assert max_age('max-age="120"') == 120.0
    for bad in (None, "", "max-age=", "max-age=-5", "max-age=1e9", "max-age=ten", "max-age=0", "public"):
        assert max_age(bad) is None, bad
    assert max_age("no-cache, max-age=600") is None
    assert max_age("max-age=600, no-store") is None


def test_expires_in() -> None:
    http_date = "Sun, 06 Nov 1994 08:49:37 GMT"
    epoch = 784111777.0
    assert expires_in(http_date, epoch - 300) == pytest.approx(300.0)
    assert expires_in(http_date, epoch + 1) is None  # already past
    for bad in (None, "", "0", "-1", "tomorrow", "Sun, 99 Nov 1994 08:49:37 GMT"):
        assert expires_in(bad, epoch) is None, bad


def test_freshness_hint_takes_the_longest_and_caps() -> None:
    epoch = 784111777.0
    expires = {"expires": "Sun, 06 Nov 1994 08:49:37 GMT"}
    assert freshness_hint({}, None, epoch, cap=DAY) is None
    assert freshness_hint({}, 1800.0, epoch, cap=DAY) == 1800.0  # RSS <ttl>
    assert freshness_hint({"cache-control": "max-age=3600"}, 1800.0, epoch, cap=DAY) == 3600.0
    assert freshness_hint(expires, None, epoch - 7200, cap=DAY) == pytest.approx(7200.0)
    # max-age wins over Expires, as in HTTP
    assert freshness_hint({"cache-control": "max-age=60", **expires}, None, epoch - 7200, cap=DAY) == 60.0
    # no-cache means no hint, Expires included
    assert freshness_hint({"cache-control": "no-cache", **expires}, None, epoch - 7200, cap=DAY) is None
    # "cache this for a year" cannot silence a feed for longer than max_interval
    assert freshness_hint({"cache-control": "max-age=31536000"}, 525600.0 * 60, epoch, cap=DAY) == DAY


def test_retry_after_only_on_429_and_503_and_capped() -> None:
    assert retry_after_hint(429, 120.0) == 120.0
    assert retry_after_hint(503, 3600.0) == 3600.0
    assert retry_after_hint(503, 400 * DAY) == RETRY_AFTER_CAP == 31 * DAY
    assert retry_after_hint(500, 120.0) is None
    assert retry_after_hint(None, 120.0) is None
    assert retry_after_hint(429, None) is None
    assert retry_after_hint(429, 0.0) is None


# -- failures ---------------------------------------------------------------------------


def test_failures_back_off_then_recovery_returns_to_the_interval() -> None:
    rng = random.Random(5)
    delays = [
        delay_after_failure(600.0, n, counted=True, max_backoff=DAY, short_delay=60.0, rng=rng)
        for n in range(1, 12)
    ]
    for n, d in enumerate(delays[:6], start=1):
        assert 600.0 * 2 ** (n - 1) * 0.9 <= d <= 600.0 * 2 ** (n - 1) * 1.1
    assert all(d <= DAY for d in delays) and delays[-1] >= DAY * 0.9  # capped, never dropped
    assert delay_after_success(600.0, None) == 600.0  # one good poll: back to normal


def test_uncounted_failure_uses_the_short_delay_and_hints_are_floors() -> None:
    assert delay_after_failure(600.0, 3, counted=False, max_backoff=DAY, short_delay=60.0) == 60.0
    assert (
        delay_after_failure(600.0, 0, counted=False, max_backoff=DAY, short_delay=60.0, hint=900.0) == 900.0
    )
    rng = random.Random(2)
    assert (
        delay_after_failure(60.0, 1, counted=True, max_backoff=DAY, short_delay=60.0, hint=7200.0, rng=rng)
        == 7200.0
    )
    assert delay_after_success(600.0, 3600.0) == 3600.0
    assert delay_after_success(600.0, 60.0) == 600.0  # hints only push the next poll later


def test_adaptive_floor_is_the_configured_interval_when_it_is_shorter() -> None:
    from workers.scheduling import adaptive_interval

    busy = [1000.0 - n for n in range(50)]  # fifty entries in the last minute
    assert adaptive_interval(busy, 1000.0, default=5.0, min_interval=300.0, max_interval=86400.0) == 5.0
    assert adaptive_interval(busy, 1000.0, default=900.0, min_interval=300.0, max_interval=86400.0) == 300.0
