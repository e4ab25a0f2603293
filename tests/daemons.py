"""Helpers for tests that run pressroom as real processes against the test site and Redis.

Daemons log to a file, not a pipe: a pipe nobody reads fills up and blocks the daemon.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from redis import Redis

from tests.sites import SITE_ROOT, Site
from workers import constants as names
from workers import streams

EXPECTED = json.loads((SITE_ROOT / "expected.json").read_text())
PAGES = sorted(EXPECTED)
FEED_DIRS = sorted(p.parent.name for p in SITE_ROOT.glob("*/feed.xml"))
FAST_RETRIES = "worker:\n  retry_delays: [1s]\n  max_attempts: 2"


def environment(tmp_path: Path, redis_url: str | None) -> dict[str, str]:
    """The test's environment for a pressroom process: its own data dir, the given Redis (or none)."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["PRESSROOM_DATA_DIR"] = str(tmp_path / "data")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def pressroom(*args: str, env: dict[str, str], timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workers", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def many_items_feed(site: Site, count: int, path: str = "/big/feed.xml") -> str:
    """An RSS feed of ``count`` distinct items (the test pages under distinct query strings)."""
    items = "".join(
        f"<item><title>Release {i}</title><guid>rel-{i}</guid>"
        f"<link>{{{{BASE}}}}/{PAGES[i % len(PAGES)]}?n={i}</link></item>"
        for i in range(count)
    )
    site.add(
        path, f'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>{items}</channel></rss>'
    )
    return site.url(path)


def gone_feed(site: Site) -> str:
    """A feed whose one item links to a page the site does not have (HTTP 404)."""
    site.add(
        "/gone/feed.xml",
        """<?xml version="1.0"?><rss version="2.0"><channel><title>g</title>
        <item><title>gone</title><link>{{BASE}}/gone/missing.html</link></item>
        </channel></rss>""",
        content_type="application/rss+xml",
    )
    return site.url("gone/feed.xml")


def write_feeds(directory: Path, feeds: dict[str, str], extra: str = "") -> Path:
    lines = ["defaults:", "  interval: 1h", "feeds:"]
    for name, url in feeds.items():
        lines += [f"  - name: {name}", f"    url: {url}"]
    lines += [
        "fetch:",
        "  allow_networks: [127.0.0.0/8]",
        "  total_timeout: 20s",
        "  per_host_delay: 0",
        *extra.splitlines(),
    ]
    path = directory / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def write_site_feeds(directory: Path, site: Site, extra_feeds: dict[str, str] | None = None) -> Path:
    """A feeds.yaml listing every feed of the test site (plus ``extra_feeds``), with quick retries."""
    feeds = {name: site.url(name + "/feed.xml") for name in FEED_DIRS} | (extra_feeds or {})
    return write_feeds(directory, feeds, FAST_RETRIES)


class Daemon:
    def __init__(self, feeds: Path, redis_url: str, log: Path, *args: str) -> None:
        env = environment(log.parent, redis_url)
        self.log_path = log
        self._log = log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workers", "run", "--feeds", str(feeds), *args],
            env=env,
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,  # its own process group, so a test can kill the whole tree
        )

    def workers(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(c) for c in children]

    def stop(self, timeout: float = 25) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text()


def stream_ids(redis: Redis) -> Counter[str]:
    return Counter(e.fields["id"] for e in streams.iterate(redis, names.ITEMS_STREAM))


def wait_for(redis: Redis, distinct: int, timeout: float) -> Counter[str]:
    deadline = time.monotonic() + timeout
    ids = stream_ids(redis)
    while len(ids) < distinct and time.monotonic() < deadline:
        time.sleep(0.2)
        ids = stream_ids(redis)
    return ids
