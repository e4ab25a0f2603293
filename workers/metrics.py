"""Prometheus metrics: every metric pressroom exports, the functions that record them, the server.

Workers are forked processes, so counters use prometheus_client's multi-process mode:
each process writes its samples to memory-mapped files in ``PROMETHEUS_MULTIPROC_DIR``
and the supervisor's ``/metrics`` sums them. The storage is chosen when a metric object
is made, so the objects are made lazily, on the first record in each process, after
:func:`serving` set the directory (before the workers fork).
Without a metrics port nothing is served and recording stays an in-memory add.

Gauges that describe Redis (queue depths, stream length, consumer-group lag, feeds in
backoff) are not pushed by workers: :class:`RedisCollector` reads them at scrape time.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec

from redis import Redis
from redis.exceptions import RedisError, ResponseError

from workers import constants as names
from workers import queues, staging
from workers.costs import refusal_reason
from workers.errors import (
    BlockedURL,
    FetchTimeout,
    HTTPStatusError,
    PressroomError,
    ResponseTooLarge,
    TooManyRedirects,
)
from workers.rediscodec import text

if TYPE_CHECKING:
    from prometheus_client import Counter, Histogram

    from workers.budget import Pending
    from workers.fetch import Response

P = ParamSpec("P")
log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
NAMESPACE = "pressroom"
# Fetches and polls take from milliseconds (local, 304) to the total timeout (60 s).
NETWORK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120)
# Extraction and classification are CPU work on one page or one batch.
CPU_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# A parser's CPU per page, up to its budget (worker.page_cpu_budget, 10 s by default) and past it.
PAGE_CPU_BUCKETS = (*CPU_BUCKETS, 20, 30, 60)


@dataclass(frozen=True)
class _Metrics:
    polls: Counter
    poll_seconds: Histogram
    fetches: Counter
    fetch_seconds: Histogram
    extract_seconds: Histogram
    extraction_failures: Counter
    classify_seconds: Histogram
    emitted: Counter
    classified_entries: Counter
    retries: Counter
    dead_letters: Counter
    page_cpu_seconds: Histogram
    pages_refused: Counter


_CREATE_LOCK = threading.Lock()


def _metrics() -> _Metrics:
    """Made on first use in a process, after :func:`serving` chose the storage.

    Page fetch threads can get here at the same moment: creating the metrics twice
    would register them twice, which prometheus_client refuses.
    """
    with _CREATE_LOCK:
        return _create_metrics()


@functools.cache
def _create_metrics() -> _Metrics:
    from prometheus_client import Counter, Histogram

    def counter(name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
        return Counter(name, doc, labels, namespace=NAMESPACE)

    def histogram(name: str, doc: str, labels: tuple[str, ...], buckets: tuple[float, ...]) -> Histogram:
        return Histogram(name, doc, labels, namespace=NAMESPACE, buckets=buckets)

    return _Metrics(
        polls=counter("feed_polls_total", "Polls by source, source type (feed, page, sitemap) and result (ok, not-modified, error).", ("feed", "type", "result")),
        poll_seconds=histogram("poll_duration_seconds", "Whole poll_feed job: fetch, parse, queue.", (), NETWORK_BUCKETS),
        fetches=counter(
            "fetches_total",
            "HTTP fetches by kind (feed, listing, sitemap, page), status class (2xx, 3xx, 4xx, 5xx, none) and result.",
            ("kind", "status_class", "result"),
        ),
        fetch_seconds=histogram("fetch_duration_seconds", "One HTTP fetch, redirects and body included.", ("kind",), NETWORK_BUCKETS),
        extract_seconds=histogram("extract_duration_seconds", "Extracting one page with trafilatura.", (), CPU_BUCKETS),
        extraction_failures=counter("extraction_failures_total", "Pages that yielded no usable article (or were not HTML)."),
        classify_seconds=histogram("classify_duration_seconds", "Classifying one group of items (up to four, as they are extracted).", (), CPU_BUCKETS),
        emitted=counter("items_emitted_total", "Items written to pressroom:items, by primary label.", ("label",)),
        classified_entries=counter(
            "items_classified_total",
            "Items written to pressroom:items, by their classified field: ok, unsupported-language, too-short.",
            ("status",),
        ),
        retries=counter("item_retries_total", "Items queued again after a transient failure."),
        dead_letters=counter("dead_letters_total", "Items given up on, by error type.", ("error_type",)),
        page_cpu_seconds=histogram(
            "page_cpu_seconds", "CPU one parse of outside bytes cost its sandbox child, by parser (workers.budget).",
            ("parser",), PAGE_CPU_BUCKETS,
        ),
        pages_refused=counter(
            "pages_refused_total",
            "Pages (feeds, ...) refused by a cheap count or stopped at their budget, by reason.",
            ("reason",),
        ),
    )  # fmt: skip


# ---- recording: one call per event, from workers.tasks --------------------------------


def polled(feed: str, source_type: str, result: str, seconds: float) -> None:
    """A poll job of a feed, page or sitemap source finished with ``result`` (ok, not-modified, error, ...)."""
    m = _metrics()
    m.polls.labels(feed, source_type, result).inc()
    m.poll_seconds.observe(seconds)


def timed_fetch(kind: str, get: Callable[P, Response], *args: P.args, **kwargs: P.kwargs) -> Response:
    """``get(*args, **kwargs)``, counted by ``kind`` (feed, page), status class and result, and timed."""
    m = _metrics()
    started = time.monotonic()
    try:
        response = get(*args, **kwargs)
    except PressroomError as exc:
        status_class = f"{exc.status // 100}xx" if isinstance(exc, HTTPStatusError) else "none"
        m.fetches.labels(kind, status_class, _fetch_result(exc)).inc()
        m.fetch_seconds.labels(kind).observe(time.monotonic() - started)
        raise
    result = "not-modified" if response.status == 304 else "ok"
    m.fetches.labels(kind, f"{response.status // 100}xx", result).inc()
    m.fetch_seconds.labels(kind).observe(time.monotonic() - started)
    return response


def _fetch_result(error: PressroomError) -> str:
    for kind, result in (
        (HTTPStatusError, "http-error"),
        (FetchTimeout, "timeout"),
        (BlockedURL, "blocked"),
        (ResponseTooLarge, "too-large"),
        (TooManyRedirects, "too-many-redirects"),
    ):
        if isinstance(error, kind):
            return result
    return "error"  # connection refused, reset, TLS, bad encoding, ...


def extracted(seconds: float, *, ok: bool) -> None:
    m = _metrics()
    m.extract_seconds.observe(seconds)
    if not ok:
        m.extraction_failures.inc()


def parser_cost(pending: Pending) -> None:
    """A sandboxed parse finished (workers.budget): its CPU, and why it was refused, if it was."""
    m = _metrics()
    if pending.cost is not None:
        m.page_cpu_seconds.labels(pending.name).observe(pending.cost.cpu)
    reason = refusal_reason(pending.error)
    if reason:
        m.pages_refused.labels(reason).inc()


def classified(seconds: float) -> None:
    _metrics().classify_seconds.observe(seconds)


def emitted(labels: Iterable[str]) -> None:
    """Items actually written (not the ones found already emitted), by primary label."""
    counter = _metrics().emitted
    for label in labels:
        counter.labels(label).inc()


def classified_entries(statuses: Iterable[str]) -> None:
    """Items actually written, by ``classified`` status: how many got no label, and why."""
    counter = _metrics().classified_entries
    for status in statuses:
        counter.labels(status).inc()


def failed_items(retried: int, dead_error_types: Iterable[str]) -> None:
    m = _metrics()
    if retried:
        m.retries.inc(retried)
    for error_type in dead_error_types:
        m.dead_letters.labels(error_type).inc()


# ---- Redis gauges, read at scrape time ------------------------------------------------


class RedisCollector:
    """Reads queue depths, stream lengths, consumer groups and feed backoff from Redis per scrape.

    Pushing these from workers would report whatever the last worker saw; reading them
    when Prometheus asks is always current and costs a handful of O(1) commands (plus
    one HGET per feed). A Redis outage yields ``pressroom_redis_up 0``, not a failed scrape.
    """

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        up = GaugeMetricFamily("pressroom_redis_up", "1 when Redis answered this scrape.")
        try:
            families = list(self._families(GaugeMetricFamily))
        except RedisError as exc:
            log.warning("metrics: cannot read Redis: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self, gauge: Any) -> Iterator[Any]:
        redis = self._redis
        depth = gauge("pressroom_queue_depth", "Jobs waiting in an RQ queue.", labels=["queue"])
        registry = gauge(
            "pressroom_queue_registry_jobs",
            "Jobs in an RQ registry: started (running), scheduled (retries) or failed.",
            labels=["queue", "registry"],
        )
        pipe = redis.pipeline(transaction=False)
        q = queues.jobs_queue(redis)
        pipe.llen(q.key)  # raw reads: the registries' own count() would also clean up
        pipe.zcard(q.started_job_registry.key)
        pipe.zcard(q.scheduled_job_registry.key)
        pipe.zcard(q.failed_job_registry.key)
        pipe.xlen(names.ITEMS_STREAM)
        pipe.xlen(names.DEAD_STREAM)
        pipe.get(names.SCHEDULER_HEARTBEAT_KEY)
        pipe.zrange(names.SCHEDULE_KEY, 0, -1)
        queued, started, scheduled, failed, items_len, dead_len, heartbeat, feeds = pipe.execute()
        depth.add_metric([q.name], queued)
        for name, value in (("started", started), ("scheduled", scheduled), ("failed", failed)):
            registry.add_metric([q.name, name], value)
        yield depth
        yield registry
        staged_items, staged_hosts = staging.staged_items(redis)
        staged = gauge("pressroom_staged_items", "New items waiting in staging for a batch.")
        staged.add_metric([], staged_items)
        yield staged
        hosts = gauge("pressroom_staged_hosts", "Hosts with items waiting in staging.")
        hosts.add_metric([], staged_hosts)
        yield hosts

        length = gauge("pressroom_stream_length", "Entries in an output stream.", labels=["stream"])
        length.add_metric([names.ITEMS_STREAM], items_len)
        length.add_metric([names.DEAD_STREAM], dead_len)
        yield length
        yield from self._groups(gauge)

        if heartbeat is not None:
            beat = gauge("pressroom_scheduler_heartbeat_timestamp_seconds", "When a scheduler last ticked.")
            beat.add_metric([], float(text(heartbeat)))
            yield beat

        feed_names = [text(f) for f in feeds]
        pipe = redis.pipeline(transaction=False)
        for feed in feed_names:
            pipe.hget(names.feed_state_key(feed), "errors")
        errors = pipe.execute() if feed_names else []
        scheduled = gauge("pressroom_feeds", "Feeds in the schedule.")
        scheduled.add_metric([], len(feed_names))
        yield scheduled
        backoff = gauge("pressroom_feeds_in_backoff", "Feeds whose last poll failed (polled with backoff).")
        backoff.add_metric([], sum(1 for e in errors if int(e or 0) > 0))
        yield backoff

    def _groups(self, gauge: Any) -> Iterator[Any]:
        pending = gauge(
            "pressroom_stream_group_pending",
            "Entries delivered to a consumer group but not acknowledged.",
            labels=["stream", "group"],
        )
        lag = gauge(
            "pressroom_stream_group_lag",
            "Entries not yet delivered to a consumer group (reported by Redis 7 and newer).",
            labels=["stream", "group"],
        )
        try:
            groups: Any = self._redis.xinfo_groups(names.ITEMS_STREAM)
        except ResponseError:  # no stream yet
            groups = []
        for group in groups:
            group_name = text(group["name"])
            pending.add_metric([names.ITEMS_STREAM, group_name], int(group["pending"]))
            if group.get("lag") is not None:  # Redis < 7 does not track it; None after XDEL
                lag.add_metric([names.ITEMS_STREAM, group_name], int(group["lag"]))
        yield pending
        yield lag


# ---- serving ---------------------------------------------------------------------------


class MetricsServer:
    """The /metrics endpoint of one supervisor (or scheduler) process and its sample files."""

    def __init__(self, directory: Path, owns_directory: bool, redis: Redis) -> None:
        self.directory = directory
        self._owns_directory = owns_directory
        self._redis = redis
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.address: tuple[str, int] = ("", 0)

    def start(self, host: str, port: int) -> None:
        from prometheus_client import CollectorRegistry, multiprocess, start_http_server

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(self.directory))
        registry.register(RedisCollector(self._redis))
        self._server, self._thread = start_http_server(port, addr=host, registry=registry)
        self.address = self._server.server_address[:2]
        log.info("metrics on http://%s:%s/metrics (samples in %s)", *self.address, self.directory)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._redis.close()
        if self._owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)


def _prepare_directory(directory: Path | None) -> tuple[Path, bool]:
    """A fresh private temp dir, or the given one emptied of the last run's sample files."""
    if directory is None:
        return Path(tempfile.mkdtemp(prefix="pressroom-metrics-")), True
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):  # counters from a previous run would be summed in
        stale.unlink()
    return directory, False


@contextlib.contextmanager
def serving(
    port: int | None, *, redis_url: str | None, host: str = "127.0.0.1", directory: Path | None = None
) -> Iterator[MetricsServer | None]:
    """Serve /metrics for this process and every process forked from it, for the ``with`` body.

    Must run before prometheus_client is first imported and before workers fork: both
    read ``PROMETHEUS_MULTIPROC_DIR`` once. ``port=None``: nothing is served.
    """
    if port is None:
        yield None
        return
    if not redis_url:
        raise ValueError("serving metrics needs the Redis URL the gauges are read from")
    path, owned = _prepare_directory(directory)
    os.environ[MULTIPROC_ENV] = str(path)
    from prometheus_client import values

    # prometheus_client chose its storage when first imported; choose again now that the
    # directory is set (metric objects read this attribute when they are made)
    previous, values.ValueClass = values.ValueClass, values.get_value_class()
    if _create_metrics.cache_info().currsize:
        log.warning("metrics recorded in this process before the metrics directory was set are not exported")
    redis = Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=2)
    server = MetricsServer(path, owned, redis)
    try:
        server.start(host, port)
        yield server
    finally:
        server.stop()
        os.environ.pop(MULTIPROC_ENV, None)
        values.ValueClass = previous


def process_dead(pid: int | None) -> None:
    """A worker exited: drop its live-gauge files (its counters stay counted)."""
    if pid is None or not os.environ.get(MULTIPROC_ENV):
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)
