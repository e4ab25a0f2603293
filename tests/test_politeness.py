"""poll_feed's schedule against a real Redis and a real loopback site: server hints,
conditional GET, backoff and recovery, adaptive intervals, network outages, changed
entries, several schedulers, and what `pressroom status` shows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from redis import Redis

from tests.sites import Site
from tests.workerctx import feed_dict, rss, run_item_jobs, worker_context
from workers import constants as names
from workers import outage, queues, state, status, streams, tasks
from workers.scheduler import Scheduler
from workers.settings import parse_settings
from workers.sources.entry import Entry

ARTICLE = "/uni/news/2025/lru-photonics-institute-mou.html"
OTHER_ARTICLE = "/uni/news/2025/lru-global-index-ranking.html"


def next_poll(redis: Redis, name: str) -> float:
    return state.next_polls(redis)[name]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def add_feed(site: Site, path: str, body: str, status_code: int = 200, **headers: str) -> None:
    site.add(path, body, status=status_code, content_type="application/rss+xml")
    site.routes[path].headers.update(headers)


def schedule(redis: Redis, *feed_names: str) -> None:
    state.sync_schedule(redis, feed_names, now=0.0)


def test_retry_after_on_429_sets_the_next_poll(site: Site, redis_url: str, redis: Redis) -> None:
    add_feed(site, "/limited.xml", "slow down", 429, **{"Retry-After": "7200"})
    schedule(redis, "limited")
    with worker_context(redis_url):
        before = time.time()
        result = tasks.poll_feed(feed_dict("limited", site.url("/limited.xml"), interval=600))
    assert result["result"] == "error"
    assert next_poll(redis, "limited") >= before + 7200
    info = state.feed_state(redis, "limited")
    assert info["errors"] == "1" and float(info["backoff"]) >= 7200


def test_cache_control_and_ttl_push_the_next_poll(site: Site, redis_url: str, redis: Redis) -> None:
    add_feed(site, "/cached.xml", rss(site.base, [], ttl=90), **{"Cache-Control": "max-age=3000"})
    add_feed(site, "/ttl.xml", rss(site.base, [], ttl=90))
    schedule(redis, "cached", "ttl")
    with worker_context(redis_url):
        before = time.time()
        tasks.poll_feed(feed_dict("cached", site.url("/cached.xml"), interval=600))
        tasks.poll_feed(feed_dict("ttl", site.url("/ttl.xml"), interval=600))
    assert next_poll(redis, "ttl") >= before + 90 * 60  # <ttl> is in minutes
    assert next_poll(redis, "cached") >= before + 90 * 60  # the longer of the two hints


def test_not_modified_keeps_the_schedule_and_validators(site: Site, redis_url: str, redis: Redis) -> None:
    add_feed(site, "/cond.xml", rss(site.base, [("a", "A", ARTICLE, None)]), ETag='"v1"')
    schedule(redis, "cond")
    feed = feed_dict("cond", site.url("/cond.xml"), interval=900)
    with worker_context(redis_url):
        tasks.poll_feed(feed)
        add_feed(site, "/cond.xml", "", 304)
        before = time.time()
        result = tasks.poll_feed(feed)
        after = time.time()
    assert result["result"] == "not-modified"
    assert site.request_headers["/cond.xml"]["if-none-match"] == '"v1"'
    assert before + 900 <= next_poll(redis, "cond") <= after + 900
    info = state.feed_state(redis, "cond")
    assert info["etag"] == '"v1"' and info["errors"] == "0" and info["items_seen"] == "1"


def test_failures_back_off_and_one_success_recovers(site: Site, redis_url: str, redis: Redis) -> None:
    add_feed(site, "/flaky.xml", "down", 500)
    schedule(redis, "flaky")
    feed = feed_dict("flaky", site.url("/flaky.xml"), interval=600)
    backoffs = []
    with worker_context(redis_url):
        for _ in range(3):
            before = time.time()
            tasks.poll_feed(feed)
            backoffs.append(next_poll(redis, "flaky") - before)
        assert state.feed_state(redis, "flaky")["errors"] == "3"
        add_feed(site, "/flaky.xml", rss(site.base, []))
        before = time.time()
        assert tasks.poll_feed(feed)["result"] == "ok"
        after = time.time()
    for n, delay in enumerate(backoffs):
        assert 600 * 2**n * 0.9 - 1 <= delay <= 600 * 2**n * 1.1 + 1  # 10 min, 20 min, 40 min (+-10%)
    assert before + 600 <= next_poll(redis, "flaky") <= after + 600
    info = state.feed_state(redis, "flaky")
    assert info["errors"] == "0" and info["backoff"] == "0" and info["last_error"] == ""


def test_interval_adapts_to_the_publishing_rate(site: Site, redis_url: str, redis: Redis) -> None:
    now = time.time()
    hourly = [(f"g{i}", f"T{i}", f"/p/{i}.html", now - 3600 * i - 60) for i in range(12)]  # one an hour
    add_feed(site, "/hourly.xml", rss(site.base, hourly))
    schedule(redis, "hourly")
    with worker_context(redis_url, "schedule:\n  min_interval: 10m\n  max_interval: 1d"):
        tasks.poll_feed(feed_dict("hourly", site.url("/hourly.xml"), interval=86400))
    info = state.feed_state(redis, "hourly")
    interval = float(info["interval"])
    assert 3600 * 0.9 <= interval <= 3600 * 1.1  # not the configured day
    assert next_poll(redis, "hourly") - float(info["last_poll"]) == pytest.approx(interval, abs=1)
    assert len(streams_of_history := info["history"]) > 2 and streams_of_history.startswith("[")


def test_network_outage_blames_no_feed_and_is_logged_once(
    site: Site, redis_url: str, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    port = closed_port()
    down = [feed_dict(f"down{i}", f"http://127.0.0.{i}:{port}/feed.xml", interval=600) for i in (1, 2, 3, 4)]
    schedule(redis, *(f["name"] for f in down), "up")
    caplog.set_level(logging.WARNING, logger="workers.tasks")
    with worker_context(redis_url):
        results = [tasks.poll_feed(f)["result"] for f in down]
        before = time.time()
        assert tasks.poll_feed(down[3])["result"] == "outage"  # still down, still not counted
        report = status.collect(redis, parse_settings("feeds: []", environ={}))
        assert outage.outage_since(redis) is not None and report["outage_since"] is not None
        assert "NETWORK OUTAGE" in status.render(report)
        add_feed(site, "/up.xml", rss(site.base, []))
        tasks.poll_feed(feed_dict("up", site.url("/up.xml")))  # the network is back
    # the first polls cannot tell an outage from broken feeds; from the third host on, no blame
    assert results == ["error", "error", "outage", "outage"]
    assert [state.feed_state(redis, f["name"])["errors"] for f in down] == ["1", "1", "0", "0"]
    assert next_poll(redis, "down4") == pytest.approx(before + outage.RETRY_DELAY, abs=5)
    starts = [r for r in caplog.records if "network outage:" in r.getMessage()]
    assert len(starts) == 1 and starts[0].levelno == logging.ERROR
    assert any("network outage over" in r.getMessage() for r in caplog.records)
    assert outage.outage_since(redis) is None


def test_an_http_error_is_not_an_outage(redis: Redis) -> None:
    for host in ("a.test", "b.test"):
        assert outage.record(redis, host, down=True, now=1000.0) == "normal"
    assert outage.record(redis, "c.test", down=False, now=1001.0) == "normal"  # an answer, even a 500
    assert outage.record(redis, "d.test", down=True, now=1002.0) == "normal"
    # once that answer is out of the window, three silent hosts are an outage
    later = 1002.0 + outage.WINDOW + 1
    verdicts = [outage.record(redis, h, down=True, now=later + i) for i, h in enumerate(("e", "f", "g"))]
    assert verdicts == ["normal", "normal", "started"]
    assert outage.record(redis, "e", down=True, now=later + 3) == "outage"
    assert outage.record(redis, "a.test", down=False, now=later + 4) == "ended"
    assert outage.outage_since(redis) is None


def test_is_connection_failure() -> None:
    from workers.errors import FeedParseError, FetchError, FetchTimeout, HostBusy, HTTPStatusError

    assert outage.is_connection_failure(FetchError("u", "cannot connect", transient=True))
    assert outage.is_connection_failure(FetchTimeout("u", "timed out"))
    assert not outage.is_connection_failure(HTTPStatusError("u", 503))
    assert not outage.is_connection_failure(FetchError("u", "TLS certificate rejected"))
    assert not outage.is_connection_failure(FeedParseError("f", "not a feed"))
    assert not outage.is_connection_failure(HostBusy("u", "busy"))


def test_changed_entries_are_re_emitted_once_per_revision(site: Site, redis_url: str, redis: Redis) -> None:
    path = "/rev.xml"
    add_feed(site, path, rss(site.base, [("g1", "First title", ARTICLE, None)]))
    schedule(redis, "rev")
    feed = feed_dict("rev", site.url(path), on_update="emit")
    with worker_context(redis_url, classify=True):
        tasks.poll_feed(feed)
        run_item_jobs(redis)
        add_feed(site, path, rss(site.base, [("g1", "Corrected title", ARTICLE, None)]))
        assert tasks.poll_feed(feed)["revised"] == 1
        assert tasks.poll_feed(feed)["revised"] == 0  # the same revision is not queued twice
        q = queues.jobs_queue(redis)
        (job,) = q.jobs
        run_item_jobs(redis)
        assert tasks.process_items(*job.args)["emitted"] == 0  # a re-run job: no duplicate
        add_feed(site, path, rss(site.base, [("g1", "Corrected again", ARTICLE, None)]))
        tasks.poll_feed(feed)
        run_item_jobs(redis)
    entries = [e.fields for e in streams.iterate(redis, names.ITEMS_STREAM)]
    assert len(entries) == 3
    assert len({e["id"] for e in entries}) == 1 and all(e["url"].endswith(ARTICLE) for e in entries)
    assert [e.get("revision") for e in entries] == [None, "1", "2"]
    assert site.requests[ARTICLE] == 3


def test_changed_entries_are_ignored_by_default(site: Site, redis_url: str, redis: Redis) -> None:
    path = "/quiet.xml"
    add_feed(site, path, rss(site.base, [("g1", "First title", ARTICLE, None)]))
    schedule(redis, "quiet")
    feed = feed_dict("quiet", site.url(path))
    with worker_context(redis_url, classify=True):
        tasks.poll_feed(feed)
        run_item_jobs(redis)
        add_feed(
            site, path, rss(site.base, [("g1", "Edited", ARTICLE, None), ("g2", "New", OTHER_ARTICLE, None)])
        )
        result = tasks.poll_feed(feed)
        run_item_jobs(redis)
    assert result["new"] == 1 and result["revised"] == 0
    entries = [e.fields for e in streams.iterate(redis, names.ITEMS_STREAM)]
    assert len(entries) == 2 and not any("revision" in e for e in entries)


def test_two_schedulers_never_queue_a_feed_twice(redis: Redis) -> None:
    text = "feeds:\n" + "".join(f"  - name: f{i}\n    url: http://127.0.0.1:9/{i}.xml\n" for i in range(20))
    settings = parse_settings(text, environ={})
    one, two = Scheduler(redis, settings), Scheduler(redis, settings)
    queued: list[list[str]] = [[], []]
    barrier = threading.Barrier(2)

    def run(i: int, scheduler: Scheduler) -> None:
        barrier.wait()
        queued[i] = scheduler.tick(now=1000.0)

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate((one, two))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(queued[0] + queued[1]) == sorted(f"f{i}" for i in range(20))
    assert queues.jobs_queue(redis).count == 20
    assert one.tick(now=1000.5) == [] and two.tick(now=1000.5) == []


def test_status_shows_next_attempt_and_backoff(site: Site, redis_url: str, redis: Redis) -> None:
    add_feed(site, "/gone.xml", "gone", 404)
    schedule(redis, "gone")
    settings = parse_settings(f"feeds:\n  - name: gone\n    url: {site.url('/gone.xml')}\n", environ={})
    with worker_context(redis_url):
        tasks.poll_feed(dataclasses.asdict(settings.feeds[0]))
    report = status.collect(redis, settings)
    (feed,) = report["feeds"]
    assert feed["errors"] == 1 and feed["backoff"] > 0 and feed["next_poll"] > time.time()
    text = status.render(report)
    assert "next attempt:" in text and "backoff" in text and "HTTP 404" in text


def test_revision_keys() -> None:
    assert streams.revision_key("abc", 0) == "abc"
    assert streams.revision_key("abc", 2) == "abc#r2"
    assert streams.split_revision("abc#r2") == ("abc", 2)
    assert streams.split_revision("abc") == ("abc", 0)
    assert streams.split_revision("https://x.org/a#rx") == ("https://x.org/a#rx", 0)


def test_changed_entries_are_reported_apart_with_their_revision(redis: Redis) -> None:
    def entry(content: str) -> Entry:
        return Entry(
            id="e1",
            feed="f",
            url="https://x.org/1",
            link="https://x.org/1",
            title="t",
            published="",
            content_hash=content,
        )

    pipe = redis.pipeline()
    state.mark_seen(pipe, [entry("h0")])
    pipe.execute()
    assert state.changed(redis, [entry("h0")]) == []
    assert state.unseen(redis, [entry("h1")]) == []  # a changed entry is not new
    assert state.changed(redis, [entry("h1")]) == [(entry("h1"), 1)]
    pipe = redis.pipeline()
    state.mark_revised(pipe, [(entry("h1"), 1)])
    pipe.execute()
    assert state.changed(redis, [entry("h1")]) == []
    assert state.changed(redis, [entry("h2")]) == [(entry("h2"), 2)]


def test_each_revision_is_emitted_exactly_once(redis: Redis) -> None:
    emitter = streams.Emitter(redis, maxlen=1000, per_label=False)
    url = "https://x.org/a"
    row = ("a", url, {"id": "a"})
    revision = (streams.revision_key("a", 1), streams.revision_key(url, 1), {"id": "a", "revision": "1"})
    first = emitter.emit_many([row, revision])
    assert all(first)
    assert emitter.emit_many([row, revision]) == [None, None]
    assert [e.fields.get("revision") for e in streams.iterate(redis, names.ITEMS_STREAM)] == [None, "1"]


def test_a_job_never_queues_its_own_pages_behind_a_hosts_limit(
    site: Site, redis_url: str, redis: Redis
) -> None:
    """A one-host batch hands the fetch threads no more pages at once than the host's slots:
    a page waiting for a slot waits only for other workers, so our own backlog never makes
    it give up with HostBusy."""
    page = (site.root / ARTICLE.lstrip("/")).read_text(encoding="utf-8")
    for i in range(12):
        site.add(f"/one-host/{i}.html", page)
    add_feed(
        site,
        "/one-host.xml",
        rss(site.base, [(f"p{i}", f"Page {i}", f"/one-host/{i}.html", None) for i in range(12)]),
    )
    schedule(redis, "one-host")
    site.latency = 0.2
    with worker_context(
        redis_url, "worker:\n  batch_size: 12\n  page_concurrency: 8\n", classify=True
    ) as ctx:
        limit = ctx.settings.per_host_concurrency
        assert ctx.settings.page_concurrency > limit  # threads to spare, as in production
        entered, peak, guard = [0], [0], threading.Lock()
        real_slot = ctx.limiter.slot

        @contextlib.contextmanager
        def counted_slot(url: str) -> Iterator[None]:
            with guard:
                entered[0] += 1
                peak[0] = max(peak[0], entered[0])
            try:
                with real_slot(url):
                    yield
            finally:
                with guard:
                    entered[0] -= 1

        ctx.limiter.slot = counted_slot  # type: ignore[method-assign]
        tasks.poll_feed(feed_dict("one-host", site.url("/one-host.xml")))
        results = run_item_jobs(redis)
    assert sum(r["emitted"] for r in results) == 12
    assert peak[0] <= limit  # before: every spare pool thread sat waiting at the host's gate
