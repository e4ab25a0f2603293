"""End to end: feeds.yaml in, labelled items in `pressroom:items` out.

Everything is real: `pressroom run` as a subprocess, a Redis server, and an HTTP site on
127.0.0.1 serving RSS/Atom feeds and press-release pages wrapped in navigation, cookie
banners, sidebars, footers, comment threads and teasers.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import socket
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from redis import Redis

from tests.daemons import EXPECTED, FEED_DIRS, Daemon, environment, pressroom, write_site_feeds
from tests.sites import Site
from tests.textcheck import leaked_boilerplate, word_recall
from workers import constants as names
from workers import streams
from workers.embedded import EmbeddedRedis

LABELS = {"mou", "fund", "event", "ranking", "other"}
STREAM_FIELDS = {
    "v", "id", "feed", "url", "title", "published", "fetched", "label", "labels", "scores",
    "text", "author", "lang", "model", "evidence", "classified",
}  # fmt: skip


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
    feeds = write_site_feeds(tmp_path, site)
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
    env = environment(tmp_path, redis_url)
    extra = {"hostile": site.url("hostile/feed.xml"), "broken": site.url("broken/feed.xml")}
    feeds = write_site_feeds(tmp_path, site, extra)
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
    feeds = write_site_feeds(tmp_path, site)
    daemon = Daemon(feeds, redis_url, tmp_path / "daemon.log", "--workers", "2")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(entries(redis)) < len(EXPECTED):
            time.sleep(0.2)
        assert len(entries(redis)) == len(EXPECTED)
    finally:
        code = daemon.stop(timeout=20)
    assert code == 0, daemon.log()[-3000:]
    assert "warm shutdown" in daemon.log()
    assert "cold shutdown" not in daemon.log()  # idle workers finish the warm stop
    check_stream(entries(redis))


def test_a_worker_stops_listening_for_commands_within_a_poll(redis: Redis) -> None:
    """Stopping the command listener waits for it without a limit (redis-py 8), so it must not sit in a long wait.

    Once its unsubscribe is answered, the listener waits to be subscribed again for as long
    as it polls (RQ's 60 s), and the warm stop of an idle worker hung that long.
    """
    from rq.serializers import JSONSerializer

    from workers import queues
    from workers.daemon import PressroomWorker

    worker = PressroomWorker([queues.jobs_queue(redis)], connection=redis, serializer=JSONSerializer)
    worker.subscribe()
    worker.pubsub.unsubscribe()  # the listener reads the answer, then waits to be subscribed
    time.sleep(0.5)
    stopping = threading.Thread(target=worker.unsubscribe, daemon=True)
    stopping.start()
    stopping.join(timeout=10)
    assert not stopping.is_alive()


def test_a_worker_is_recycled_after_its_item_batches_and_polls_do_not_count(
    redis_url: str, redis: Redis
) -> None:
    """trafilatura's caches grow with the pages a worker extracts, so a worker stops (and the
    supervisor starts a fresh one) after a number of item batches; polls extract nothing."""
    from rq.serializers import JSONSerializer

    from tests.workerctx import feed_dict, worker_context
    from workers import queues
    from workers.daemon import PressroomWorker

    with socket.socket() as probe:  # a port nothing listens on: each poll fails quickly, as a poll may
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/feed.xml"
    q = queues.jobs_queue(redis)
    for n in range(3):
        q.enqueue(queues.POLL_TASK, feed_dict(f"f{n}", closed))
    for _ in range(3):
        q.enqueue(queues.ITEMS_TASK, [])
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    rq_loggers = [logging.getLogger(name) for name in ("rq.worker", "rq.job")]  # work() sets them up
    saved = [(lg.level, list(lg.handlers), lg.propagate) for lg in rq_loggers]
    try:
        with worker_context(redis_url, classify=True):
            worker = PressroomWorker([q], connection=redis, serializer=JSONSerializer, item_jobs_per_worker=2)
            worker.work(burst=True, with_scheduler=False, logging_level="WARNING")
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for lg, (level, lg_handlers, propagate) in zip(rq_loggers, saved, strict=True):
            lg.setLevel(level)
            lg.handlers[:] = lg_handlers
            lg.propagate = propagate
    assert [job.func_name for job in q.jobs] == [queues.ITEMS_TASK]  # three polls and two batches done
    assert q.finished_job_registry.count == 5
    assert worker.item_jobs_left == 0


def _forked_worker_after_one_batch(redis_url: str, redis: Redis, monkeypatch: pytest.MonkeyPatch) -> int:
    """Run ``_worker_main`` in a forked process, as the supervisor does, with one item batch
    queued and a recycle due after it; its exit code."""
    import multiprocessing
    import os

    from tests.workerctx import worker_context
    from workers import daemon, queues

    monkeypatch.setattr(daemon, "ITEM_JOBS_PER_WORKER", 1)
    queues.jobs_queue(redis).enqueue(queues.ITEMS_TASK, [])
    with worker_context(redis_url, classify=True) as ctx:
        child = multiprocessing.get_context("fork").Process(
            target=daemon._worker_main, args=(ctx, "WARNING", os.getpid())
        )
        child.start()
        child.join(timeout=60)
        if child.is_alive():  # it did not stop after its batch: waiting for the next job
            child.kill()
            child.join()
    assert queues.jobs_queue(redis).finished_job_registry.count == 1
    assert child.exitcode is not None
    return child.exitcode


def test_a_recycled_worker_process_exits_with_its_own_code(
    redis_url: str, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The supervisor tells a recycle (logged as such) from a worker that stopped for any other
    reason (RQ's loop also returns after an error or a shutdown command: a warning)."""
    from workers import daemon

    assert _forked_worker_after_one_batch(redis_url, redis, monkeypatch) == daemon.RECYCLED


def test_a_worker_that_cannot_follow_its_supervisor_says_so(
    redis_url: str, redis: Redis, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Where the kernel cannot be asked to stop a worker with its supervisor, a supervisor
    killed outright leaves the worker running: it says so at start, naming itself."""
    from workers import daemon

    monkeypatch.setattr(daemon, "die_with_parent", lambda *args, **kwargs: False)
    logged = tmp_path / "worker.log"
    handler = logging.FileHandler(logged)  # the forked worker inherits it
    handler.setLevel(logging.WARNING)
    daemon_log = logging.getLogger("workers.daemon")
    daemon_log.addHandler(handler)
    try:
        assert _forked_worker_after_one_batch(redis_url, redis, monkeypatch) == daemon.RECYCLED
    finally:
        daemon_log.removeHandler(handler)
        handler.close()
    lines = logged.read_text().splitlines()
    assert len(lines) == 1
    assert "cannot ask this system to stop it with the supervisor" in lines[0]
    assert "stop this worker by hand" in lines[0]
    assert re.search(r"worker pid \d+ ", lines[0])


_FORKED_WORKER_PROBE = """
import gc, multiprocessing, sys
from classifiers import load_classifier
from workers.context import WorkerContext
from workers.daemon import _preload
from workers.settings import parse_settings

def loaded(context):
    scorer = getattr(context.classifier.segment_model, "_scorer", None)
    # frozen objects are out of the collector's generations, so get_objects() leaves them out
    frozen = scorer is not None and all(o is not scorer for o in gc.get_objects())
    return ["workers.tasks" in sys.modules, "trafilatura" in sys.modules, scorer is not None, frozen]

def report(context, queue):
    queue.put(loaded(context))

context = WorkerContext(settings=parse_settings("feeds: []"), classifier=load_classifier(None))
print(loaded(context))
_preload(context)
fork = multiprocessing.get_context("fork")
queue = fork.Queue()
child = fork.Process(target=report, args=(context, queue))
child.start()
print(queue.get(timeout=60))
child.join()
"""


def test_workers_fork_with_the_job_functions_and_the_classifier_tables_loaded() -> None:
    """What a worker's first job would load (the job module, trafilatura, the classifier's
    look-up tables) is loaded by the supervisor before it forks, so workers share it, and
    it is frozen out of the garbage collector's generations, so their collections skip it."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _FORKED_WORKER_PROBE],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    assert out == ["[False, False, False, False]", "[True, True, True, True]"]


@pytest.mark.timeout(180)
def test_embedded_redis_by_default_persists_across_runs(tmp_path: Path, site: Site) -> None:
    env = environment(tmp_path, None)
    feeds = write_site_feeds(tmp_path, site)
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
