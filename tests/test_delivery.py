"""Nothing lost, nothing doubled: real processes killed with SIGKILL, a real Redis restarted.

Exactly-once is asserted by counting stream entries per item id. Pages answer after
100 ms so that jobs are in flight when the kills land.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from rq import Worker

from tests.conftest import free_port, start_redis
from tests.daemons import (
    FAST_RETRIES,
    PAGES,
    Daemon,
    environment,
    many_items_feed,
    pressroom,
    stream_ids,
    wait_for,
    write_feeds,
)
from tests.sites import SITE_ROOT, Site, loopback_server
from tests.workerctx import feed_dict, worker_context
from workers import constants as names
from workers import queues, staging, streams, tasks
from workers.extract import Article
from workers.sources.entry import Entry

ITEMS = 120
RECOVERY = 240  # the budget: every item within four minutes


@pytest.fixture
def slow_site() -> Iterator[Site]:
    server = Site(latency=0.1).start()
    yield server
    server.stop()


def assert_exactly_once(redis: Redis, expected: int) -> None:
    ids = stream_ids(redis)
    doubled = {i: n for i, n in ids.items() if n > 1}
    assert not doubled, f"items written more than once: {doubled}"
    assert len(ids) == expected, f"{len(ids)} of {expected} items delivered"


def wait_started(redis: Redis, minimum: int = 5, timeout: float = 60) -> None:
    wait_for(redis, minimum, timeout)
    assert len(stream_ids(redis)) >= minimum, "the daemon did not start delivering"


@pytest.mark.timeout(300)
def test_sigkill_of_two_workers_mid_run(
    tmp_path: Path, slow_site: Site, redis_url: str, redis: Redis
) -> None:
    feeds = write_feeds(tmp_path, {"big": many_items_feed(slow_site, ITEMS)})
    daemon = Daemon(feeds, redis_url, tmp_path / "daemon.log", "--workers", "2")
    try:
        wait_started(redis)
        victims = daemon.workers()
        assert len(victims) == 2
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
        assert len(stream_ids(redis)) < ITEMS, "the kill came too late to test anything"
        wait_for(redis, ITEMS, RECOVERY)
        assert_exactly_once(redis, ITEMS)
        assert set(daemon.workers()).isdisjoint(victims)  # replaced
        assert daemon.process.poll() is None
    finally:
        code = daemon.stop()
    assert code == 0, daemon.log()[-3000:]
    assert "exited with code -9" in daemon.log()


@pytest.mark.timeout(300)
def test_sigkill_of_whole_daemon_then_restart(
    tmp_path: Path, slow_site: Site, redis_url: str, redis: Redis
) -> None:
    feeds = write_feeds(tmp_path, {"big": many_items_feed(slow_site, ITEMS)})
    first = Daemon(feeds, redis_url, tmp_path / "first.log", "--workers", "2")
    try:
        wait_started(redis)
    finally:
        first.kill()  # SIGKILL to the whole process group: supervisor and workers at once
    assert len(stream_ids(redis)) < ITEMS, "the kill came too late to test anything"
    second = Daemon(feeds, redis_url, tmp_path / "second.log", "--workers", "2")
    try:
        wait_for(redis, ITEMS, RECOVERY)
        assert_exactly_once(redis, ITEMS)
    finally:
        code = second.stop()
    assert code == 0, second.log()[-3000:]


@pytest.mark.timeout(300)
def test_job_taken_by_a_worker_killed_before_starting_it_is_not_lost(
    tmp_path: Path, slow_site: Site, redis_url: str, redis: Redis
) -> None:
    """A worker takes a job by moving it into RQ's intermediate list and registers it a few
    milliseconds later; a SIGKILL in between leaves the job there, unstarted. The kill is
    too quick to aim, so the test takes a real queued job exactly as RQ does, with no
    worker left to run it, then starts the daemon."""
    url = many_items_feed(slow_site, 40)
    with worker_context(redis_url):
        tasks.poll_feed(feed_dict("big", url))  # stages the items and forms a first batch
    q = queues.jobs_queue(redis)
    assert q.count >= 1 and staging.staged_items(redis)[0] > 0  # the rest wait in staging
    stranded = redis.lmove(q.key, q.intermediate_queue_key, "LEFT", "RIGHT")  # RQ's take, for one queue
    assert stranded is not None
    daemon = Daemon(write_feeds(tmp_path, {"big": url}), redis_url, tmp_path / "daemon.log", "--workers", "2")
    try:
        wait_for(redis, 40, RECOVERY)
        assert_exactly_once(redis, 40)
        live = Worker.all(connection=redis)
        assert live and all(w.queue_names() == [names.JOBS_QUEUE] for w in live), "one queue: reliable takes"
    finally:
        code = daemon.stop()
    assert code == 0, daemon.log()[-3000:]
    assert (
        f"job {stranded.decode()} was taken by a worker that died before starting it; requeued"
        in daemon.log()
    )


@pytest.mark.timeout(300)
def test_redis_restart_mid_run(tmp_path: Path, slow_site: Site) -> None:
    port = free_port()
    redis_dir = tmp_path / "redis"
    redis_dir.mkdir()
    server = start_redis(redis_dir, port, appendonly=True)
    url = f"redis://127.0.0.1:{port}/0"
    client = Redis.from_url(url)
    feeds = write_feeds(tmp_path, {"big": many_items_feed(slow_site, ITEMS)})
    daemon = Daemon(feeds, url, tmp_path / "daemon.log", "--workers", "2")
    try:
        wait_started(client)
        client.shutdown()  # persists the append-only file and exits, mid-run
        server.wait(timeout=10)
        time.sleep(2)
        server = start_redis(redis_dir, port, appendonly=True)
        wait_for(client, ITEMS, RECOVERY)
        assert_exactly_once(client, ITEMS)
        assert daemon.process.poll() is None, "the daemon must survive a Redis restart"
    finally:
        code = daemon.stop()
        server.terminate()
        server.wait(timeout=10)
        client.close()
    assert code == 0, daemon.log()[-3000:]
    assert "Redis" in daemon.log()


@pytest.mark.timeout(300)
def test_two_daemons_on_one_redis_share_the_work(
    tmp_path: Path, slow_site: Site, redis_url: str, redis: Redis
) -> None:
    feeds = {f"feed-{n}": many_items_feed(slow_site, 40, f"/big/{n}.xml") for n in range(3)}
    path = write_feeds(tmp_path, feeds)
    expected = 40  # the three feeds carry the same 40 releases (same links): each reaches the stream once
    one = Daemon(path, redis_url, tmp_path / "one.log", "--workers", "1")
    two = Daemon(path, redis_url, tmp_path / "two.log", "--workers", "1")
    try:
        wait_for(redis, expected, RECOVERY)
        time.sleep(1)
        assert_exactly_once(redis, expected)
    finally:
        codes = one.stop(), two.stop()
    assert codes == (0, 0)
    polls = [log.count("next poll") for log in (one.log(), two.log())]
    assert sum(polls) == len(feeds), f"each feed polled once per due time, got {polls}"
    emitted = [log.count(" -> ") for log in (one.log(), two.log())]
    assert all(n > 0 for n in emitted), f"both daemons should do work: {emitted}"


@pytest.mark.timeout(300)
def test_cold_shutdown_then_restart_loses_nothing(tmp_path: Path, redis_url: str, redis: Redis) -> None:
    site = Site(latency=2.0).start()  # slow pages: jobs are surely in flight at the second signal
    try:
        feeds = write_feeds(tmp_path, {"big": many_items_feed(site, 24)}, "worker:\n  page_concurrency: 2")
        first = Daemon(feeds, redis_url, tmp_path / "first.log", "--workers", "2")
        time.sleep(4)
        first.process.send_signal(signal.SIGTERM)
        time.sleep(1.5)
        first.process.send_signal(signal.SIGTERM)  # second signal: cold, do not wait for jobs
        assert first.stop(timeout=10) == 0, first.log()[-3000:]
        assert "cold shutdown" in first.log()
        assert len(stream_ids(redis)) < 24
        second = Daemon(feeds, redis_url, tmp_path / "second.log", "--workers", "2")
        try:
            wait_for(redis, 24, RECOVERY)
            assert_exactly_once(redis, 24)
        finally:
            assert second.stop() == 0
    finally:
        site.stop()


def test_dead_letters_can_be_listed_and_retried(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    site.add(
        "/poison/feed.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>p</title>'
        "<item><title>poison</title><link>{{BASE}}/poison/page.html</link></item>"
        f"<item><title>fine</title><link>{{{{BASE}}}}/{'uni/news/2025/lru-photonics-institute-mou.html'}</link></item>"
        "</channel></rss>",
    )
    site.add("/poison/page.html", "<html><body>maintenance</body></html>", status=503)
    feeds = write_feeds(tmp_path, {"poison": site.url("poison/feed.xml")}, FAST_RETRIES)
    env = environment(tmp_path, redis_url)
    run = pressroom("run", "--once", "--feeds", str(feeds), env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(stream_ids(redis)) == 1  # the good item flowed past the poisoned one
    listed = pressroom("dead", "list", "--feeds", str(feeds), env=env)
    assert listed.returncode == 0 and '"attempts": "2"' in listed.stdout and "HTTP 503" in listed.stdout

    site.add(
        "/poison/page.html",
        "<html><body>" + "<p>A recovered release about a signed MoU.</p>" * 20 + "</body></html>",
    )
    retried = pressroom("dead", "retry", "--all", "--feeds", str(feeds), env=env)
    assert retried.returncode == 0 and "requeued 1 item(s)" in retried.stdout
    assert redis.xlen(names.DEAD_STREAM) == 0
    again = pressroom("run", "--once", "--feeds", str(feeds), env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert_exactly_once(redis, 2)
    missing = pressroom("dead", "retry", "0-1", "--feeds", str(feeds), env=env)
    assert missing.returncode == 1 and "no such dead letter" in missing.stderr


def test_consumer_group_recovers_a_crashed_consumers_entries(
    tmp_path: Path, redis_url: str, redis: Redis
) -> None:
    emitter = streams.Emitter(redis, maxlen=1000, per_label=False)
    emitter.emit_many([(f"i{n}", f"https://x.org/{n}", {"id": f"i{n}", "label": "mou"}) for n in range(5)])
    streams.ensure_group(redis, names.ITEMS_STREAM, "crm")
    # consumer "a" reads three entries and crashes before acknowledging them
    taken = streams.read_group(redis, names.ITEMS_STREAM, "crm", "a", count=3)
    assert len(taken) == 3
    time.sleep(1.2)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n")
    tail = pressroom(
        "tail", "--group", "crm", "--consumer", "b", "--claim-idle", "1", "--feeds", str(feeds),
        env=environment(tmp_path, redis_url),
    )  # fmt: skip
    assert tail.returncode == 0, tail.stderr
    printed = [line for line in tail.stdout.splitlines() if line]
    assert len(printed) == 5  # the three reclaimed from "a", then the two never delivered
    info = {g.name: g for g in streams.groups(redis, names.ITEMS_STREAM, 1000)}
    assert info["crm"].pending == 0 and info["crm"].lag == 0


def page_entry(base: str, path: str) -> Entry:
    url = base + path
    return Entry(
        id=path, feed="uni", url=url, link=url, title=path, published="2025-06-01T00:00:00Z", content_hash="h"
    )


def test_an_item_reaches_the_stream_while_the_rest_of_its_batch_is_still_loading(
    redis_url: str, redis: Redis
) -> None:
    """Items are written as they are ready, not when their whole batch is: the second page
    here answers once the first page's item is in the stream, or after 20 s without it (within
    the fetch's deadline, so the batch then completes)."""
    first, second = (
        "/uni/news/2025/lru-photonics-institute-mou.html",
        "/uni/news/2025/lru-global-index-ranking.html",
    )
    opened_by_stream = threading.Event()

    def serve(handler: BaseHTTPRequestHandler) -> None:
        if handler.path == second:
            deadline = time.monotonic() + 20
            while redis.xlen(names.ITEMS_STREAM) == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            if redis.xlen(names.ITEMS_STREAM):
                opened_by_stream.set()
        page = SITE_ROOT / handler.path.lstrip("/")
        if not page.is_file():
            handler.send_error(404)
            return
        body = page.read_bytes().replace(b"{{BASE}}", base.encode())
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server, thread = loopback_server(serve)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread.start()
    try:
        with worker_context(redis_url, classify=True, total_timeout="30s"):
            result = tasks.process_items([page_entry(base, path).to_dict() for path in (first, second)])
    finally:
        server.shutdown()
        server.server_close()
    assert opened_by_stream.is_set(), "the first item was only written with the whole batch"
    assert result == {"emitted": 2, "duplicates": 0, "retried": 0, "dead": 0}
    assert [e.fields["url"] for e in streams.iterate(redis, names.ITEMS_STREAM)] == [
        base + first,
        base + second,
    ]


def test_a_job_that_fails_between_groups_is_finished_by_its_retry_exactly_once(
    site: Site, redis_url: str, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The classifier fails on the job's second group: the first group stays written, the
    job fails (RQ retries it), and the re-run writes the rest, each item once."""
    paths = ["/" + page for page in PAGES[:6]]
    items = [page_entry(site.base, path).to_dict() for path in paths]
    groups: list[int] = []
    with worker_context(redis_url, classify=True) as ctx:
        real_predict = ctx.classifier.predict

        def predict_failing_second_time(documents: list[Any]) -> Any:
            groups.append(len(documents))
            if len(groups) == 2:
                raise RuntimeError("the classifier failed")
            return real_predict(documents)

        monkeypatch.setattr(ctx.classifier, "predict", predict_failing_second_time)
        with pytest.raises(RuntimeError, match="the classifier failed"):
            tasks.process_items(items)
        written_first = redis.xlen(names.ITEMS_STREAM)
        monkeypatch.setattr(ctx.classifier, "predict", real_predict)
        result = tasks.process_items(items)
    assert 1 <= written_first == groups[0] < len(paths)
    assert result == {
        "emitted": len(paths) - written_first,
        "duplicates": written_first,
        "retried": 0,
        "dead": 0,
    }
    assert stream_ids(redis) == Counter({page_entry(site.base, path).id: 1 for path in paths})


def test_ready_items_are_written_in_groups(redis_url: str, redis: Redis) -> None:
    """While pages keep arriving, extracted items wait for a group of EMIT_GROUP (one
    classifier call and one pipelined write for the group); the rest go at the end."""
    text = (SITE_ROOT / "uni/news/2025/lru-photonics-institute-mou.html").read_text()
    article = Article(
        title="t", text=text[:2000], author="", published="", lang="en", sitename="", description=""
    )
    done = [
        tasks._Done(page_entry("http://a.test", f"/{n}"), article, 1.0) for n in range(tasks.EMIT_GROUP + 1)
    ]
    with worker_context(redis_url, classify=True) as ctx:
        outbox = tasks._Outbox(ctx)
        lengths = []
        for item in done:
            outbox.add(item)
            lengths.append(redis.xlen(names.ITEMS_STREAM))
        outbox.flush()
        outbox.flush()  # nothing left: a no-op
    assert lengths == [0] * (tasks.EMIT_GROUP - 1) + [tasks.EMIT_GROUP] * 2
    assert redis.xlen(names.ITEMS_STREAM) == tasks.EMIT_GROUP + 1
    assert (outbox.emitted, outbox.duplicates) == (tasks.EMIT_GROUP + 1, 0)
