"""feeds.yaml edits reach a running scheduler without a restart; bad edits are refused.

A real Scheduler ticks against a real Redis; its queued poll jobs are run in-process
against the real test site, so "polled" means the feed was really fetched.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from redis import Redis

from tests.sites import Site
from tests.workerctx import run_queued
from workers import context, queues, state
from workers import tasks as _tasks  # noqa: F401  imported up front, as a pressroom worker does before its first job
from workers.scheduler import Scheduler
from workers.settings import load_settings

LATER = 2 * 86400.0  # past any next poll a healthy feed can get (max_interval is at most 24 h here)


class FeedsFile:
    """Writes feeds.yaml with a strictly increasing mtime, as an editor saving it would."""

    def __init__(self, path: Path, site: Site) -> None:
        self.path, self.site, self.mtime = path, site, time.time() - 1000

    def write(self, feeds: list[str], extra: str = "") -> None:
        lines = ["defaults:", "  interval: 1h", "feeds:"]
        for name in feeds:
            lines += [f"  - name: {name}", f"    url: {self.site.url(name + '/feed.xml')}"]
        text = (
            "\n".join(lines) + "\n" + extra + "fetch:\n  allow_networks: [127.0.0.0/8]\n  total_timeout: 5s\n"
        )
        text += "schedule:\n  max_interval: 24h\n"
        self.path.write_text(text)
        self.mtime += 10
        os.utime(self.path, (self.mtime, self.mtime))


@pytest.fixture
def installed(tmp_path: Path, site: Site, redis_url: str) -> Iterator[tuple[Scheduler, FeedsFile]]:
    feeds = FeedsFile(tmp_path / "feeds.yaml", site)
    feeds.write(["uni", "corp"])
    settings = replace(load_settings(feeds.path), redis_url=redis_url)
    worker_context = context.build_context(settings)
    context.install(worker_context)  # what a pressroom worker process does
    try:
        yield Scheduler(Redis.from_url(redis_url), settings), feeds
    finally:
        worker_context.close()  # its sandbox children (the polls parsed their feeds there)
        context.install(context.build_context(replace(settings, feeds=())))


def run_polls(redis: Redis) -> None:
    """Run every queued poll job now (only polls: pages are not this test's business)."""
    run_queued(redis, queues.POLL_TASK)


def polls(site: Site, name: str) -> int:
    return site.requests[f"/{name}/feed.xml"]


def test_running_scheduler_applies_edits_and_refuses_bad_ones(
    installed: tuple[Scheduler, FeedsFile], site: Site, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    scheduler, feeds = installed
    now = time.time()
    assert scheduler.tick(now) == ["corp", "uni"]
    run_polls(redis)
    assert polls(site, "uni") == polls(site, "corp") == 1
    assert state.feed_state(redis, "uni")["last_result"] == "ok"

    # An added feed is polled at once; the others wait for their interval.
    feeds.write(["uni", "corp", "newswire"])
    assert scheduler.tick(now + 1) == ["newswire"]
    run_polls(redis)
    assert polls(site, "newswire") == 1 and state.feed_state(redis, "newswire")["last_result"] == "ok"

    # A deleted feed leaves the schedule and is not polled again.
    feeds.write(["uni", "newswire"])
    assert scheduler.tick(now + 2) == []
    assert set(state.next_polls(redis)) == {"uni", "newswire"}
    assert sorted(scheduler.tick(now + LATER)) == ["newswire", "uni"]
    run_polls(redis)
    assert polls(site, "corp") == 1 and polls(site, "uni") == 2

    # Bad edits: refused with file and line in the log; the running list stays in force.
    bad_edits = [
        (
            "  - name: sciencepark\n    url: http://127.0.0.1/x\n    colour: red\n",
            "10",
            "unknown key 'colour'",
        ),
        ("  - name: [broken\n", r"\d+", "invalid YAML"),
    ]
    for round_, (extra, line, message) in enumerate(bad_edits, start=1):
        caplog.clear()
        feeds.write(["uni", "newswire"], extra)
        with caplog.at_level(logging.ERROR, logger="workers.scheduler"):
            queued = sorted(scheduler.tick(now + (1 + round_) * LATER))
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1, errors
        assert "keeping the running configuration" in errors[0] and message in errors[0]
        assert re.search(rf"{re.escape(str(feeds.path))}:{line}: ", errors[0]), errors[0]
        assert queued == ["newswire", "uni"]
        assert [f.name for f in scheduler.settings.feeds] == ["uni", "newswire"]
        run_polls(redis)
        assert polls(site, "uni") == 2 + round_ and polls(site, "sciencepark") == 0

    # Fixing the file is picked up like any other edit.
    feeds.write(["uni", "newswire", "sciencepark"])
    assert sorted(scheduler.tick(now + 4 * LATER)) == ["newswire", "sciencepark", "uni"]
    run_polls(redis)
    assert polls(site, "sciencepark") == 1
