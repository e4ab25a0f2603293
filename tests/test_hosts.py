"""The per-host limiter against a real Redis and a real loopback server.

The server records when each request arrived and finished; the tests assert on that
record (overlap, order, gaps between starts), never on how fast anything was.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network
from typing import Any

import pytest
from redis import Redis

from workers import constants as names
from workers.errors import ConfigError, HostBusy
from workers.fetch import Fetcher, FetchPolicy
from workers.hosts import HostLimiter, Politeness, host_of
from workers.settings import parse_settings

LOOPBACK = FetchPolicy(allow_networks=(ip_network("127.0.0.0/8"),), total_timeout=10.0)


class TimedServer:
    """Loopback HTTP server that records (start, end) of every request and holds each briefly."""

    def __init__(self, hold: float = 0.05) -> None:
        self.hold = hold
        self.spans: list[tuple[float, float]] = []
        lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                start = time.monotonic()
                time.sleep(server.hold)
                body = b"ok"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with lock:
                    server.spans.append((start, time.monotonic()))

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def max_overlap(self) -> int:
        events = sorted([(s, 1) for s, _ in self.spans] + [(e, -1) for _, e in self.spans])
        level = peak = 0
        for _, step in events:  # ends sort before starts at the same instant
            level += step
            peak = max(peak, level)
        return peak

    def start_gaps(self) -> list[float]:
        starts = sorted(s for s, _ in self.spans)
        return [b - a for a, b in itertools.pairwise(starts)]


@pytest.fixture
def server() -> Iterator[TimedServer]:
    s = TimedServer()
    yield s
    s.close()


def fetch_many(redis_url: str, base: str, count: int, threads: int, policy: Politeness) -> None:
    """Fetch ``count`` pages of one host from ``threads`` threads, each inside a host slot."""
    redis = Redis.from_url(redis_url)
    limiter = HostLimiter(redis, policy)
    with Fetcher(LOOPBACK) as fetcher:

        def one(i: int) -> None:
            with limiter.slot(f"{base}/page/{i}"):
                fetcher.get(f"{base}/page/{i}", max_bytes=1000)

        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(one, range(count)))
    redis.close()


def test_threads_never_exceed_the_host_limit(redis_url: str, server: TimedServer) -> None:
    fetch_many(redis_url, server.base, 12, 6, Politeness(concurrency=2, delay=0.0, max_wait=30))
    assert len(server.spans) == 12
    assert server.max_overlap() <= 2


def test_two_processes_share_the_limit_and_the_spacing(redis_url: str, server: TimedServer) -> None:
    policy = Politeness(concurrency=2, delay=0.06, max_wait=30)
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=fetch_many, args=(redis_url, server.base, 5, 3, policy)) for _ in range(2)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert len(server.spans) == 10
    assert server.max_overlap() <= 2
    # request starts are spaced by the delay (a few ms of delivery jitter allowed)
    assert min(server.start_gaps()) >= 0.06 - 0.015


def test_spacing_between_request_starts(redis_url: str, server: TimedServer) -> None:
    server.hold = 0.0
    fetch_many(redis_url, server.base, 6, 3, Politeness(concurrency=4, delay=0.1, max_wait=30))
    assert len(server.spans) == 6
    assert min(server.start_gaps()) >= 0.1 - 0.015


def hold_slot_forever(redis_url: str, lease: float, ready: Any) -> None:
    """Child process: take pub.test's only slot and never give it back (until killed)."""
    limiter = HostLimiter(Redis.from_url(redis_url), Politeness(concurrency=1, delay=0.0, lease=lease))
    with limiter.slot("http://pub.test/a"):
        ready.set()
        time.sleep(120)


def test_a_killed_holder_frees_its_slot_when_the_lease_ends(redis_url: str, redis: Redis) -> None:
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Event()
    holder = spawn.Process(target=hold_slot_forever, args=(redis_url, 0.5, ready))
    holder.start()
    try:
        assert ready.wait(30)
        time.sleep(1.0)  # alive: its lease is renewed, the slot stays taken
        assert redis.zcard(names.host_key("pub.test", "slots")) == 1
    finally:
        os.kill(holder.pid or 0, signal.SIGKILL)
        holder.join(10)
    limiter = HostLimiter(redis, Politeness(concurrency=1, delay=0.0, lease=0.5, max_wait=10))
    with limiter.slot("http://pub.test/b"):  # waits out the dead holder's lease, then gets the slot
        held = redis.zrange(names.host_key("pub.test", "slots"), 0, -1)
    assert len(held) == 1


def test_a_live_holder_keeps_its_slot_beyond_the_lease(redis: Redis) -> None:
    limiter = HostLimiter(redis, Politeness(concurrency=1, delay=0.0, lease=0.3, max_wait=0.2))
    with limiter.slot("http://long.test/a"):
        time.sleep(1.0)  # a long fetch: the lease is renewed while it runs
        with pytest.raises(HostBusy), limiter.slot("http://long.test/b"):
            pass
    with limiter.slot("http://long.test/c"):  # released on exit: free again
        pass


def test_waiting_is_bounded_and_gives_up_its_place(redis: Redis) -> None:
    limiter = HostLimiter(redis, Politeness(concurrency=1, delay=0.0, lease=60, max_wait=0.3))
    with (
        limiter.slot("http://busy.test/a"),
        pytest.raises(HostBusy) as info,
        limiter.slot("http://busy.test/b"),
    ):
        pass
    assert info.value.transient and "busy.test" in str(info.value)
    assert redis.zcard(names.host_key("busy.test", "queue")) == 0  # no stale place in the queue
    assert redis.zcard(names.host_key("busy.test", "slots")) == 0  # the holder released on exit


def test_a_saturated_host_does_not_block_another(redis: Redis) -> None:
    limiter = HostLimiter(redis, Politeness(concurrency=1, delay=0.0, lease=60, max_wait=0.5))
    with limiter.slot("http://slow.test/a"), limiter.slot("http://other.test/a"):
        assert redis.zcard(names.host_key("other.test", "slots")) == 1


def test_waiters_are_served_in_arrival_order(redis: Redis) -> None:
    """Across processes (a limiter each: its in-process gate is not shared), first come, first served."""
    policy = Politeness(concurrency=1, delay=0.0, lease=60, max_wait=20)
    order: list[int] = []
    queue_key = names.host_key("fair.test", "queue")

    def wait_turn(i: int) -> None:
        with HostLimiter(redis, policy).slot(f"http://fair.test/{i}"):
            order.append(i)

    holder = HostLimiter(redis, policy).slot("http://fair.test/holder")
    holder.__enter__()
    threads = []
    for i in range(4):
        t = threading.Thread(target=wait_turn, args=(i,))
        t.start()
        threads.append(t)
        deadline = time.monotonic() + 5
        while redis.zcard(queue_key) < i + 1 and time.monotonic() < deadline:
            time.sleep(0.005)  # each waiter takes its place before the next arrives
    holder.__exit__(None, None, None)
    for t in threads:
        t.join(20)
    assert order == [0, 1, 2, 3]


def test_a_release_wakes_the_waiter_it_leaves_the_slot_to(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The waiter blocks until the holder's release nudges it, not until its next poll: with
    the poll made longer than the test's patience, only the nudge can get it the slot."""
    from workers import hosts

    monkeypatch.setattr(hosts, "POLL_MAX", 60.0)
    policy = Politeness(concurrency=1, delay=0.0, lease=60, max_wait=120)
    holder = HostLimiter(redis, policy).slot("http://handover.test/a")
    holder.__enter__()
    got: list[str] = []

    def wait_turn() -> None:
        with HostLimiter(redis, policy).slot("http://handover.test/b"):
            got.append("b")

    waiter = threading.Thread(target=wait_turn, daemon=True)
    waiter.start()
    deadline = time.monotonic() + 5
    while redis.zcard(names.host_key("handover.test", "queue")) < 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.1)  # the waiter has had its "full" answer and blocks
    holder.__exit__(None, None, None)
    waiter.join(10)
    assert got == ["b"]
    assert redis.zcard(names.host_key("handover.test", "slots")) == 0


def test_a_release_also_hands_over_slots_whose_lease_ran_out(
    redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dead holder's lapsed lease still in the set when a live holder releases: both freed
    slots go to the two waiters at once, not one now and one at the other's next poll."""
    from workers import hosts

    monkeypatch.setattr(hosts, "POLL_MAX", 60.0)
    policy = Politeness(concurrency=2, delay=0.0, lease=60, max_wait=120)
    slots = names.host_key("lapsed.test", "slots")
    holder = HostLimiter(redis, policy).slot("http://lapsed.test/a")
    holder.__enter__()
    redis.zadd(slots, {"dead-holder": time.time() + 0.3})  # its lease runs out in 0.3 s
    together = threading.Barrier(2, timeout=5)  # passed only by two holders at the same time
    got: list[int] = []

    def wait_turn(i: int) -> None:
        with HostLimiter(redis, policy).slot(f"http://lapsed.test/{i}"):
            together.wait()
            got.append(i)

    waiters = [threading.Thread(target=wait_turn, args=(i,), daemon=True) for i in range(2)]
    for w in waiters:
        w.start()
    deadline = time.monotonic() + 5
    while redis.zcard(names.host_key("lapsed.test", "queue")) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.5)  # the dead holder's lease has run out; nobody has purged it yet
    holder.__exit__(None, None, None)
    for w in waiters:
        w.join(10)
    assert sorted(got) == [0, 1]


def test_threads_beyond_the_limit_wait_in_process_not_in_redis(redis: Redis) -> None:
    """Only as many threads per process as the host has slots queue (and poll) in Redis."""
    policy = Politeness(concurrency=2, delay=0.0, lease=60, max_wait=20)
    other = HostLimiter(redis, policy)  # another process holding both slots
    held = [other.slot("http://gate.test/x"), other.slot("http://gate.test/y")]
    for h in held:
        h.__enter__()
    limiter = HostLimiter(redis, policy)
    done: list[int] = []

    def fetch(i: int) -> None:
        with limiter.slot(f"http://gate.test/{i}"):
            done.append(i)

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    queue_key = names.host_key("gate.test", "queue")
    deadline = time.monotonic() + 5
    while redis.zcard(queue_key) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # time enough for the other three to show up, were they not gated
    assert redis.zcard(queue_key) == 2
    for h in held:
        h.__exit__(None, None, None)
    for t in threads:
        t.join(20)
    assert sorted(done) == [0, 1, 2, 3, 4]
    assert redis.zcard(names.host_key("gate.test", "slots")) == 0


def test_host_of() -> None:
    assert host_of("https://News.Example.org:8443/a?b") == "news.example.org"
    assert host_of("not a url") == "-"


def test_politeness_settings() -> None:
    default = Politeness.from_settings(parse_settings("feeds: []", environ={}))
    assert (default.concurrency, default.delay) == (2, 0.0)  # spacing is opt-in (docs/benchmarks.md)
    assert default.max_wait >= 2 * default.lease  # waiters outlast the lease of a killed holder
    text = "fetch:\n  per_host_concurrency: 5\n  per_host_delay: {delay}\n  robots_txt: false\n  total_timeout: 10s\n"
    settings = parse_settings(text.format(delay="250ms"), environ={})
    policy = Politeness.from_settings(settings)
    assert (policy.concurrency, policy.delay, policy.max_wait, settings.robots_txt) == (5, 0.25, 20.0, False)
    assert parse_settings(text.format(delay="0s"), environ={}).per_host_delay == 0.0
    assert parse_settings(text.format(delay=0), environ={}).per_host_delay == 0.0
    for bad in (
        "per_host_concurrency: 0",
        "per_host_delay: soon",
        "per_host_delay: -1s",
        "robots_txt: maybe",
    ):
        with pytest.raises(ConfigError, match=bad.split(":")[0]):
            parse_settings(f"fetch:\n  {bad}\n", environ={})
