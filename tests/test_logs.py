"""JSON logs: one object per line, with feed, url, item id and job id as fields."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from tests.daemons import EXPECTED, environment, gone_feed, pressroom, write_site_feeds
from tests.sites import Site
from workers import logs


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_daemon_logs_parse_line_by_line_and_carry_the_ids(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    feeds = write_site_feeds(tmp_path, site, {"gone": gone_feed(site)})
    env = environment(tmp_path, redis_url)
    result = pressroom(
        "run", "--once", "--feeds", str(feeds), "--workers", "2", "--log-format", "json", env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for line in result.stderr.splitlines()]  # every line is JSON
    assert all({"time", "level", "logger", "message", "process"} <= set(r) for r in records)
    assert len({r["process"] for r in records}) >= 2  # supervisor and forked workers alike

    emitted = [
        r for r in records if r["logger"] == "workers.tasks" and "item_id" in r and r["level"] == "INFO"
    ]
    assert len(emitted) == len(EXPECTED)
    for r in emitted:
        assert r["feed"] and r["url"].startswith(site.base) and r["job_id"] and r["job_id"] != "-"
        assert r["item_id"] in r["message"] and r["job_id"] in r["message"]
    polls = [r for r in records if r["logger"] == "workers.tasks" and "new item(s)" in r["message"]]
    assert {r["feed"] for r in polls} == {"corp", "newswire", "sciencepark", "uni", "gone"}
    assert all(r["url"].endswith("/feed.xml") and r["job_id"] for r in polls)

    # an expected failure is one line, without a traceback
    gone = [r for r in records if r.get("url", "").endswith("/gone/missing.html")]
    assert len(gone) == 1 and gone[0]["level"] == "WARNING" and "HTTP 404" in gone[0]["message"]
    assert gone[0]["feed"] == "gone" and gone[0]["item_id"] and "exception" not in gone[0]
    assert not any("Traceback" in r["message"] or "exception" in r for r in records)


def test_formatter_keeps_extras_and_puts_a_bug_s_traceback_in_one_line(restore_logging: None) -> None:
    stream = io.StringIO()
    logs.setup("DEBUG", "json", stream)
    log = logging.getLogger("pressroom.test")
    log.info("feed %s: polled", "corp", extra={"feed": "corp", "url": "http://x/feed.xml"})
    try:
        {}["missing"]
    except KeyError:
        log.exception("bug")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "feed corp: polled" and first["feed"] == "corp" and first["level"] == "INFO"
    assert first["logger"] == "pressroom.test" and first["time"].endswith("+00:00")
    assert second["level"] == "ERROR" and "KeyError: 'missing'" in second["exception"]
    assert "Traceback" in second["exception"]


def test_rq_loggers_go_through_the_same_handler(restore_logging: None) -> None:
    from rq.logutils import setup_loghandlers

    stream = io.StringIO()
    logs.setup("INFO", "json", stream)
    setup_loghandlers("INFO", name="rq.worker")  # what Worker.work() does
    logging.getLogger("rq.worker").info("Worker started")
    assert json.loads(stream.getvalue())["logger"] == "rq.worker"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://:s3cret@host:6379/0", "redis://:***@host:6379/0"),
        ("rediss://user:p%40ss@host:6380/1", "rediss://user:***@host:6380/1"),
        ("redis://host:6379/0", "redis://host:6379/0"),
        ("unix:///run/redis.sock", "unix:///run/redis.sock"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert logs.redact_url(url) == expected
