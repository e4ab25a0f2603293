"""Prometheus metrics: a real `pressroom run --metrics-port` scraped over HTTP while it works.

The daemon runs as a subprocess with two forked workers against the test Redis and the
test site, so the counters prove multi-process mode works: polls and fetches happen in
whichever worker took the job, and the supervisor's /metrics sums them all.
"""

from __future__ import annotations

import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from tests.conftest import free_port
from tests.daemons import EXPECTED, FEED_DIRS, Daemon, gone_feed, write_site_feeds
from tests.sites import Site
from workers import constants as names
from workers import metrics

Samples = dict[str, dict[tuple[tuple[str, str], ...], float]]


def scrape(port: int) -> Samples:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        body = response.read().decode()
    samples: Samples = defaultdict(dict)
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            samples[sample.name][tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def total(samples: Samples, name: str, **labels: str) -> float:
    return sum(v for key, v in samples[name].items() if set(labels.items()) <= set(key))


def test_forked_workers_are_counted_and_redis_gauges_read_at_scrape(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    feeds = write_site_feeds(tmp_path, site, {"gone": gone_feed(site)})
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    daemon = Daemon(
        feeds, redis_url, tmp_path / "daemon.log",
        "--workers", "2", "--metrics-port", str(port), "--metrics-dir", str(metrics_dir),
    )  # fmt: skip
    try:
        samples: Samples = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.3)
            try:
                samples = scrape(port)
            except OSError:
                continue  # not listening yet
            done = total(samples, "pressroom_items_emitted_total") == len(EXPECTED)
            if done and total(samples, "pressroom_dead_letters_total") == 1:
                break
        # A consumer group that read two entries and acknowledged none.
        redis.xgroup_create(names.ITEMS_STREAM, "crm", id="0")
        redis.xreadgroup("crm", "c1", {names.ITEMS_STREAM: ">"}, count=2)
        samples = scrape(port)
        worker_files = sorted(p.name for p in metrics_dir.glob("*.db"))
    finally:
        code = daemon.stop(timeout=30)
    assert code == 0, daemon.log()[-3000:]

    # counters from the forked workers, summed by the supervisor
    assert total(samples, "pressroom_items_emitted_total") == len(EXPECTED)
    by_label = {dict(k)["label"]: v for k, v in samples["pressroom_items_emitted_total"].items()}
    assert set(by_label) <= {"mou", "fund", "event", "ranking", "other"} and all(
        v > 0 for v in by_label.values()
    )
    for feed in [*FEED_DIRS, "gone"]:
        assert total(samples, "pressroom_feed_polls_total", feed=feed, type="feed", result="ok") == 1, feed
    assert total(samples, "pressroom_fetches_total", kind="feed", status_class="2xx") == len(FEED_DIRS) + 1
    assert total(samples, "pressroom_fetches_total", kind="page", result="ok") == len(EXPECTED)
    assert (
        total(samples, "pressroom_fetches_total", kind="page", status_class="4xx", result="http-error") == 1
    )
    assert total(samples, "pressroom_dead_letters_total", error_type="HTTPStatusError") == 1
    assert total(samples, "pressroom_poll_duration_seconds_count") == len(FEED_DIRS) + 1
    assert total(samples, "pressroom_extract_duration_seconds_count") == len(EXPECTED)
    assert total(samples, "pressroom_classify_duration_seconds_count") >= 1
    assert total(samples, "pressroom_fetch_duration_seconds_count", kind="page") >= len(EXPECTED) + 1
    assert any(n.startswith("counter_") for n in worker_files), worker_files  # written by the workers

    # gauges read from Redis at scrape time
    assert total(samples, "pressroom_redis_up") == 1
    assert total(samples, "pressroom_stream_length", stream=names.ITEMS_STREAM) == len(EXPECTED)
    assert total(samples, "pressroom_stream_length", stream=names.DEAD_STREAM) == 1
    assert total(samples, "pressroom_stream_group_pending", stream=names.ITEMS_STREAM, group="crm") == 2
    lag = samples["pressroom_stream_group_lag"]
    if redis.info("server")["redis_version"] >= "7":  # older servers do not track lag
        assert lag[(("group", "crm"), ("stream", names.ITEMS_STREAM))] == len(EXPECTED) - 2
    assert ("queue", names.JOBS_QUEUE) in {k[0] for k in samples["pressroom_queue_depth"]}
    assert total(samples, "pressroom_feeds") == len(FEED_DIRS) + 1
    assert total(samples, "pressroom_feeds_in_backoff") == 0
    assert total(samples, "pressroom_scheduler_heartbeat_timestamp_seconds") > 0


def test_redis_outage_is_a_gauge_not_a_failed_scrape(tmp_path: Path) -> None:
    dead_port = free_port()  # nothing listens here
    port = free_port()
    with metrics.serving(port, redis_url=f"redis://127.0.0.1:{dead_port}/0", directory=tmp_path) as server:
        assert server is not None
        samples = scrape(port)
    assert total(samples, "pressroom_redis_up") == 0
    assert "pressroom_queue_depth" not in samples


def test_backoff_gauge_counts_failing_feeds(tmp_path: Path, redis_url: str, redis: Redis) -> None:
    redis.zadd(names.SCHEDULE_KEY, {"a": 1, "b": 2, "c": 3})
    redis.hset(names.feed_state_key("a"), mapping={"errors": 3})
    redis.hset(names.feed_state_key("b"), mapping={"errors": 0})
    port = free_port()
    with metrics.serving(port, redis_url=redis_url, directory=tmp_path):
        samples = scrape(port)
    assert total(samples, "pressroom_feeds") == 3
    assert total(samples, "pressroom_feeds_in_backoff") == 1
    assert total(samples, "pressroom_queue_depth") == 0


def test_no_port_serves_nothing_and_leaves_the_environment_alone(redis_url: str) -> None:
    with metrics.serving(None, redis_url=redis_url) as server:
        assert server is None
        assert metrics.MULTIPROC_ENV not in __import__("os").environ


@pytest.mark.parametrize("directory_given", [True, False])
def test_sample_directory_is_fresh(tmp_path: Path, redis_url: str, directory_given: bool) -> None:
    stale = tmp_path / "counter_123.db"
    stale.write_bytes(b"old run")
    port = free_port()
    with metrics.serving(
        port, redis_url=redis_url, directory=tmp_path if directory_given else None
    ) as server:
        assert server is not None
        used = server.directory
        assert not stale.exists() or not directory_given
        assert list(used.glob("*.db")) == []
    assert used.exists() == directory_given  # a private temp dir is removed afterwards
