"""End to end: feeds.yaml in, labelled items in `pressroom:items` out.

Everything is real: `pressroom run` as a subprocess, a Redis server, and an HTTP site on
127.0.0.1 serving RSS/Atom feeds and press-release pages wrapped in navigation, cookie
banners, sidebars, footers, comment threads and teasers.
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

import pytest
from redis import Redis

from tests.sites import SITE_ROOT, Site
from tests.textcheck import leaked_boilerplate, word_recall
from workers import constants as names
from workers import streams
from workers.embedded import EmbeddedRedis

EXPECTED = json.loads((SITE_ROOT / "expected.json").read_text())
FEED_DIRS = sorted(p.parent.name for p in SITE_ROOT.glob("*/feed.xml"))
LABELS = {"mou", "fund", "event", "ranking", "other"}
STREAM_FIELDS = {
    "v", "id", "feed", "url", "title", "published", "fetched", "label", "labels", "scores",
    "text", "author", "lang", "model", "evidence",
}  # fmt: skip


def write_feeds(tmp_path: Path, site: Site, extra: str = "") -> Path:
    lines = ["defaults:", "  interval: 1h", "feeds:"]
    for name in FEED_DIRS:
        lines += [f"  - name: {name}", f"    url: {site.url(name + '/feed.xml')}"]
    lines += extra.splitlines()
    lines += [
        "fetch:",
        "  allow_networks: [127.0.0.0/8]",
        "  total_timeout: 10s",
        "worker:",
        "  retry_delays: [1s]",
        "  max_attempts: 2",
    ]
    path = tmp_path / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def pressroom(*args: str, env: dict[str, str], timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workers", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def environment(tmp_path: Path, redis_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["PRESSROOM_DATA_DIR"] = str(tmp_path / "data")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def entries(redis: Redis) -> list[dict[str, str]]:
    return [e.fields for e in streams.iterate(redis, names.ITEMS_STREAM)]


def check_stream(items: list[dict[str, str]]) -> None:
    by_url = {e["url"]: e for e in items}
    counts = Counter(e["id"] for e in items)
    assert all(n == 1 for n in counts.values()), f"duplicates: {[i for i, n in counts.items() if n > 1]}"
    expected_urls = {f"/{path}" for path in EXPECTED}
    got_paths = {"/" + url.split("/", 3)[3] for url in by_url}
    assert got_paths == expected_urls
    for url, entry in by_url.items():
        page = EXPECTED[url.split("/", 3)[3]]
        assert set(entry) == STREAM_FIELDS
        assert entry["v"] == "1"
        assert entry["feed"] == page["feed"]
        assert entry["label"] in LABELS
        labels = json.loads(entry["labels"])
        scores = json.loads(entry["scores"])
        assert entry["label"] in labels and set(labels) <= LABELS
        assert set(scores) <= LABELS and all(0.0 <= s <= 1.0 for s in scores.values())
        assert entry["evidence"], url
        recall = word_recall(page["body"], entry["text"])
        assert recall >= 0.9, f"{url}: only {recall:.0%} of the article's words extracted"
        leaks = leaked_boilerplate(page["boilerplate"], entry["text"])
        assert not leaks, f"{url}: boilerplate in text: {leaks}"


def test_run_once_delivers_every_item_exactly_once(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    env = environment(tmp_path, redis_url)
    feeds = write_feeds(tmp_path, site)
    result = pressroom("run", "--once", "--feeds", str(feeds), "--workers", "2", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    check_stream(entries(redis))
    first_fetches = {path: n for path, n in site.requests.items() if path.endswith(".html")}
    assert all(n == 1 for n in first_fetches.values()), first_fetches

    # A second run (a restart) finds nothing new: seen items are neither fetched nor emitted again.
    again = pressroom("run", "--once", "--feeds", str(feeds), "--workers", "1", env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(entries(redis)) == len(EXPECTED)
    assert {p: n for p, n in site.requests.items() if p.endswith(".html")} == first_fetches
    # the feeds were asked with the validators they gave the first time
    status = json.loads(pressroom("status", "--json", "--feeds", str(feeds), env=env).stdout)
    assert {f["name"] for f in status["feeds"]} == set(FEED_DIRS)
    assert all(f["last_result"] in ("ok", "not-modified") and f["errors"] == 0 for f in status["feeds"])
    assert status["stream"]["length"] == len(EXPECTED)


def test_broken_feed_and_bad_pages_do_not_stop_the_rest(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    site.add(
        "/hostile/feed.xml",
        """<?xml version="1.0"?><rss version="2.0"><channel><title>h</title>
        <item><title>gone</title><link>{{BASE}}/hostile/missing.html</link></item>
        <item><title>binary</title><link>{{BASE}}/hostile/blob.bin</link></item>
        <item><title>flaky</title><link>{{BASE}}/hostile/flaky.html</link></item>
        </channel></rss>""",
        content_type="application/rss+xml",
    )
    site.add("/hostile/blob.bin", b"\x00\x01binary", content_type="application/octet-stream")
    site.add("/hostile/flaky.html", "<html><body>down</body></html>", status=503)
    site.add("/broken/feed.xml", "<html><body>this is not a feed</body></html>")
    extra = "\n".join(
        [
            "  - name: hostile",
            f"    url: {site.url('hostile/feed.xml')}",
            "  - name: broken",
            f"    url: {site.url('broken/feed.xml')}",
        ]
    )
    env = environment(tmp_path, redis_url)
    feeds = write_feeds(tmp_path, site, extra)
    result = pressroom("run", "--once", "--feeds", str(feeds), "--workers", "2", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    check_stream(entries(redis))  # every good item still arrives, once
    dead = {e.fields["url"].rsplit("/", 1)[1]: e.fields for e in streams.iterate(redis, names.DEAD_STREAM)}
    assert set(dead) == {"missing.html", "blob.bin", "flaky.html"}
    assert dead["missing.html"]["error"].endswith("HTTP 404") and dead["missing.html"]["attempts"] == "1"
    assert "not an HTML page" in dead["blob.bin"]["error"]
    assert dead["flaky.html"]["attempts"] == "2"  # transient: retried once, then given up
    assert site.requests["/hostile/flaky.html"] == 2
    status = json.loads(pressroom("status", "--json", "--feeds", str(feeds), env=env).stdout)
    broken = status["feeds"][0]  # broken feeds are listed first
    assert broken["name"] == "broken" and broken["errors"] == 1
    assert "not an RSS or Atom feed" in broken["last_error"]
    hostile = next(f for f in status["feeds"] if f["name"] == "hostile")
    assert hostile["dead_items"] == 3
    assert "failed" in result.stderr or "giving up" in result.stderr


def test_daemon_stops_cleanly_on_sigterm(tmp_path: Path, site: Site, redis_url: str, redis: Redis) -> None:
    env = environment(tmp_path, redis_url)
    feeds = write_feeds(tmp_path, site)
    process = subprocess.Popen(
        [sys.executable, "-m", "workers", "run", "--feeds", str(feeds), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(entries(redis)) < len(EXPECTED):
            time.sleep(0.2)
        assert len(entries(redis)) == len(EXPECTED)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr[-3000:]
    assert "warm shutdown" in stderr
    check_stream(entries(redis))


@pytest.mark.timeout(180)
def test_embedded_redis_by_default_persists_across_runs(tmp_path: Path, site: Site) -> None:
    env = environment(tmp_path, None)
    feeds = write_feeds(tmp_path, site)
    result = pressroom("run", "--once", "--feeds", str(feeds), "--workers", "2", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "embedded Redis" in result.stderr
    data = tmp_path / "data"
    assert any(data.rglob("*.aof")), "the embedded Redis keeps an append-only file"
    # A restart reloads the data: nothing is fetched or emitted twice.
    pages_before = sum(n for p, n in site.requests.items() if p.endswith(".html"))
    again = pressroom("run", "--once", "--feeds", str(feeds), "--workers", "1", env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert sum(n for p, n in site.requests.items() if p.endswith(".html")) == pages_before == len(EXPECTED)
    with EmbeddedRedis(data) as server:
        client = Redis.from_url(server.url)
        check_stream(entries(client))
        client.close()
