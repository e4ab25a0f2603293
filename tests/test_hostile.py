"""The hostile matrix, end to end: good feeds and every kind of bad one in one feeds.yaml.

`pressroom run --once` runs as a subprocess (with tests.hostile_site's tripwire armed, so
no packet can leave 127.0.0.0/8 even if the guard were broken) against a real Redis, the
realistic test site and tests.hostile_site. Every good item must reach the stream exactly
once, nothing from a hostile feed may, `pressroom status` must name each hostile feed's
reason, and loopback traps must see zero connections.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from tests.hostile_site import TRIPWIRE_ENV, HostileSite, Trap, ipv6_loopback_available
from tests.sites import SITE_ROOT, Site
from tests.textcheck import word_recall
from workers import constants as names
from workers import streams

REPO = Path(__file__).resolve().parent.parent
EXPECTED = json.loads((SITE_ROOT / "expected.json").read_text())
GOOD_FEEDS = sorted(p.parent.name for p in SITE_ROOT.glob("*/feed.xml"))
FAST_LIMITS = [
    "fetch:",
    "  connect_timeout: 2s",
    "  read_timeout: 2s",
    "  total_timeout: 3s",  # the drip feed dies here
    "  max_redirects: 3",
    "  max_feed_size: 1MiB",  # the bomb inflates to 64 MiB, the huge body never ends
    "  max_page_size: 1MiB",
    "worker:",
    "  retry_delays: [1s]",
    "  max_attempts: 4",  # the good site is one host: politeness makes some pages wait their turn
]


@pytest.fixture
def traps() -> Iterator[tuple[Trap, Trap | None]]:
    trap = Trap().start()
    trap6 = Trap("::1").start() if ipv6_loopback_available() else None
    yield trap, trap6
    trap.stop()
    if trap6 is not None:
        trap6.stop()


@pytest.fixture
def hostile(traps: tuple[Trap, Trap | None]) -> Iterator[HostileSite]:
    server = HostileSite(*traps).start()
    yield server
    server.stop()


def guarded(
    tmp_path: Path, redis_url: str, *args: str, timeout: float = 100
) -> subprocess.CompletedProcess[str]:
    """`pressroom ARGS` in a subprocess with the tripwire armed."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        REDIS_URL=redis_url,
        PRESSROOM_DATA_DIR=str(tmp_path / "data"),
        **{TRIPWIRE_ENV: str(tmp_path / "tripwire.log")},
    )
    code = "from tests.hostile_site import run_guarded; run_guarded()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def tripwire_hits(tmp_path: Path) -> list[str]:
    record = tmp_path / "tripwire.log"
    return record.read_text().splitlines() if record.exists() else []


def write_feeds(path: Path, feeds: dict[str, str], *, allow_loopback: bool) -> Path:
    lines = ["defaults:", "  interval: 1h", "feeds:"]
    for name, url in feeds.items():
        lines += [f"  - name: {name}", f'    url: "{url}"']
    lines += FAST_LIMITS
    if allow_loopback:
        lines.insert(lines.index("fetch:") + 1, "  allow_networks: [127.0.0.0/8]")
    path.write_text("\n".join(lines) + "\n")
    return path


def stream_entries(redis: Redis) -> list[dict[str, str]]:
    return [e.fields for e in streams.iterate(redis, names.ITEMS_STREAM)]


def feed_status(tmp_path: Path, redis_url: str, feeds: Path) -> dict[str, dict[str, object]]:
    result = guarded(tmp_path, redis_url, "status", "--json", "--feeds", str(feeds))
    assert result.returncode == 0, result.stderr[-2000:]
    return {f["name"]: f for f in json.loads(result.stdout)["feeds"]}


def test_hostile_matrix_run_once(
    tmp_path: Path,
    site: Site,
    hostile: HostileSite,
    traps: tuple[Trap, Trap | None],
    redis_url: str,
    redis: Redis,
) -> None:
    good = {name: site.url(f"{name}/feed.xml") for name in GOOD_FEEDS}
    good |= {
        "dup-a": hostile.url("dup-a.xml"),
        "dup-b": hostile.url("dup-b.xml"),
        "conditional": hostile.url("conditional.xml"),
    }
    bad = {name: url for name, (url, _) in hostile.hostile_feeds().items()}
    bad["h-bad-links"] = hostile.url("bad-links.xml")
    feeds = write_feeds(tmp_path / "feeds.yaml", good | bad, allow_loopback=True)

    # One worker: polls run in schedule order (names sorted), so dup-a deterministically finds
    # the shared release first. Every hostile feed runs in the same pass.
    started = time.time()
    result = guarded(tmp_path, redis_url, "run", "--once", "--workers", "1", "--feeds", str(feeds))
    assert result.returncode == 0, result.stderr[-4000:]

    items = stream_entries(redis)
    counts = Counter(e["url"] for e in items)
    assert all(n == 1 for n in counts.values()), counts
    expected_urls = {f"{site.base}/{path}" for path in EXPECTED} | {
        hostile.url("releases/shared.html"),
        hostile.url("releases/conditional.html"),
    }
    assert set(counts) == expected_urls
    by_url = {e["url"]: e for e in items}
    for path, page in EXPECTED.items():
        entry = by_url[f"{site.base}/{path}"]
        assert entry["feed"] == page["feed"]
        assert word_recall(page["body"], entry["text"]) >= 0.9
    assert by_url[hostile.url("releases/shared.html")]["feed"] == "dup-a"  # the one that found it first
    assert "Kowloon Polytechnic" in by_url[hostile.url("releases/shared.html")]["text"]
    assert by_url[hostile.url("releases/conditional.html")]["feed"] == "conditional"
    assert not {e["feed"] for e in items} & set(bad)  # nothing from hostile feeds

    status = feed_status(tmp_path, redis_url, feeds)
    for name, (_, reason) in hostile.hostile_feeds().items():
        info = status[name]
        assert info["last_result"] == "error", (name, info)
        assert reason in str(info["last_error"]), (name, info["last_error"])
        assert int(str(info["errors"])) >= 1 and float(str(info["next_poll"])) > started, (name, info)
    links = status["h-bad-links"]
    assert links["last_result"] == "ok" and links["items_seen"] == len(hostile.forbidden_links()) - 2
    assert links["dead_items"] == links["items_seen"]  # every forbidden link dead-lettered, none fetched
    assert "refused" in str(links["last_item_error"]) or "address" in str(links["last_item_error"])
    assert redis.hget(names.feed_state_key("h-bad-links"), "rejected") == b"2"  # javascript: and file:
    dead_errors = {e.fields["url"]: e.fields["error"] for e in streams.iterate(redis, names.DEAD_STREAM)}
    assert any("cloud metadata" in error for error in dead_errors.values()), dead_errors
    assert all(status[name]["errors"] == 0 for name in good)

    # the hostile site saw one request per hostile feed it serves, the loop two, nothing else odd
    assert hostile.requests["/loop-a.xml"] == 1 and hostile.requests["/loop-b.xml"] == 1
    assert hostile.requests["/releases/shared.html"] == 1
    # nothing outside 127.0.0.0/8 was even attempted, and the loopback traps were never reached
    assert tripwire_hits(tmp_path) == []
    assert [t.connections for t in traps if t is not None] == [0] * sum(t is not None for t in traps)

    # Second run: the conditional feed answers 304 to the validator it gave; nothing is re-emitted.
    again = guarded(tmp_path, redis_url, "run", "--once", "--workers", "2", "--feeds", str(feeds))
    assert again.returncode == 0, again.stderr[-4000:]
    assert hostile.headers["/conditional.xml"][-1].get("if-none-match") == '"v1"'
    assert feed_status(tmp_path, redis_url, feeds)["conditional"]["last_result"] == "not-modified"
    assert Counter(e["url"] for e in stream_entries(redis)) == counts
    assert hostile.requests["/releases/shared.html"] == 1
    assert tripwire_hits(tmp_path) == []
    assert all(t is None or t.connections == 0 for t in traps)


LOOPBACK_FORMS = {
    "lo-dotted": "http://127.0.0.1:{port}/feed.xml",
    "lo-short": "http://127.1:{port}/feed.xml",
    "lo-decimal": "http://2130706433:{port}/feed.xml",
    "lo-hex": "http://0x7f.1:{port}/feed.xml",
    "lo-octal": "http://0177.0.0.1:{port}/feed.xml",
    "lo-mapped": "http://[::ffff:127.0.0.1]:{port}/feed.xml",
    "lo-mapped-hex": "http://[::ffff:7f00:1]:{port}/feed.xml",
}


def test_loopback_forms_are_refused_without_allow_networks(
    tmp_path: Path, traps: tuple[Trap, Trap | None], redis_url: str, redis: Redis
) -> None:
    trap, trap6 = traps
    forms = {name: url.format(port=trap.port) for name, url in LOOPBACK_FORMS.items()}
    if trap6 is not None:
        forms["lo-v6"] = f"http://[::1]:{trap6.port}/feed.xml"
    feeds = write_feeds(tmp_path / "feeds.yaml", forms, allow_loopback=False)
    result = guarded(tmp_path, redis_url, "run", "--once", "--workers", "2", "--feeds", str(feeds))
    assert result.returncode == 0, result.stderr[-4000:]
    status = feed_status(tmp_path, redis_url, feeds)
    for name in forms:
        assert status[name]["last_result"] == "error", (name, status[name])
        # httpx rejects leading-zero octets outright; every other spelling is resolved and refused
        reason = "invalid URL" if name == "lo-octal" else "loopback"
        assert reason in str(status[name]["last_error"]), (name, status[name]["last_error"])
    assert stream_entries(redis) == []
    assert trap.connections == 0 and (trap6 is None or trap6.connections == 0)
    assert tripwire_hits(tmp_path) == []
