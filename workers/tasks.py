"""RQ tasks. Their dotted paths are stored in Redis by RQ, so they are public API:

    workers.tasks.poll_feed(feed: dict)                      fetch a feed, queue its new entries
    workers.tasks.process_items(items: list[dict], attempt)  fetch, extract, classify, emit

Each reads like a recipe: take the context, call pure functions, write the results.
Items travel in batches so RQ's per-job cost is paid once per batch, and the pages of a
batch are fetched concurrently.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Callable, Generator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import closing
from dataclasses import dataclass, replace
from typing import Any

from redis.exceptions import RedisError
from rq import get_current_job

from classifiers import Document, Prediction
from workers import constants as names
from workers import hosts, metrics, outage, polling, queues, robots, scheduling, staging, state, streams
from workers.budget import Pending
from workers.budget import wait as wait_parsed
from workers.context import WorkerContext, current
from workers.costs import record_cost
from workers.errors import (
    ExtractError,
    HostBusy,
    HTTPStatusError,
    PressroomError,
)
from workers.extract import Article
from workers.fetch import Response
from workers.scheduling import retry_delay
from workers.settings import FeedConfig
from workers.sources.entry import Entry

log = logging.getLogger(__name__)

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, application/pdf;q=0.8, */*;q=0.5"
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
PDF_TYPES = ("application/pdf", "application/x-pdf")
UNTYPED = ("application/octet-stream", "binary/octet-stream", "")  # a PDF served without its type


def _job_id() -> str:
    job = get_current_job()
    return str(job.id) if job is not None else "-"


def _now_iso(now: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))


def _interval(ctx: WorkerContext, config: FeedConfig, history: list[float], now: float) -> float:
    return scheduling.adaptive_interval(
        history,
        now,
        default=config.interval,
        min_interval=ctx.settings.min_interval,
        max_interval=ctx.settings.max_interval,
    )


def poll_feed(feed: dict[str, Any]) -> dict[str, Any]:
    """Poll one source (feed, listing page or sitemap): read it, queue unseen entries, schedule the next poll."""
    ctx = current()
    config = FeedConfig(**feed)
    now = time.time()
    previous = state.feed_state(ctx.redis, config.name)
    history = scheduling.decode_history(previous.get("history"))
    interval = _interval(ctx, config, history, now)
    try:
        found = polling.read_source(ctx, config, previous, now)
    except PressroomError as exc:  # fetch, parse or budget: the source's problem, never the job's
        return _poll_failed(ctx, config, exc, now, interval, int(previous.get("errors") or 0))

    if outage.record(ctx.redis, hosts.host_of(config.url), down=False, now=now) == "ended":
        log.warning("network outage over: feed %s %s answered; failures count again", config.name, config.url)
    response = found.response
    fields: dict[str, Any] = {"last_poll": now, "last_result": "ok", "last_error": "", "errors": 0}
    new: list[Entry] = []
    revised: list[tuple[Entry, int]] = []
    if found.not_modified:
        fields["last_result"] = "not-modified"
    else:
        new = state.unseen(ctx.redis, found.entries)
        if config.type == "sitemap":  # new only if the sitemap never listed it (lastmods get restamped)
            known = state.known_urls(ctx.redis, config.name, [e.link for e in new])
            new = [e for e in new if e.link not in known]
        # changed entries are re-emitted as revisions 1, 2, ...; a feed's only: a link found on a
        # listing or in a sitemap has no content of its own to change
        if config.on_update == "emit" and config.type == "feed":
            revised = state.changed(ctx.redis, found.entries)
        history = scheduling.merge_history(history, (e.published for e in found.entries))
        interval = _interval(ctx, config, history, now)
        fields["history"] = scheduling.encode_history(history)
        fields.update(found.state_fields(now))
    hint = scheduling.freshness_hint(response.headers, found.ttl, now, cap=ctx.settings.max_interval)
    next_at = now + scheduling.delay_after_success(interval, hint)
    fields.update(interval=round(interval), backoff=0)
    queued = new + [replace(e, id=streams.revision_key(e.id, n)) for e, n in revised]
    pipe = ctx.redis.pipeline()  # stage the entries and mark them seen in one transaction
    staging.stage(pipe, queued, now)
    state.mark_seen(pipe, new)
    state.mark_revised(pipe, revised)
    state.mark_urls_known(pipe, config.name, found.listed, ttl=ctx.settings.max_interval + 2 * config.max_age)
    pipe.hset(names.feed_state_key(config.name), mapping={k: str(v) for k, v in fields.items()})
    pipe.hincrby(names.feed_state_key(config.name), "polls", 1)
    pipe.hincrby(names.feed_state_key(config.name), "items_seen", len(new))
    pipe.zadd(names.SCHEDULE_KEY, {config.name: next_at}, xx=True)
    pipe.execute()
    if config.type != "feed":  # the feed parser logs its own dropped entries
        for what, why in found.rejected[:5]:
            log.warning("%s %s: skipped %s: %s", config.type, config.name, what, why)
    if queued:  # idle workers need not wait for the scheduler's next pass
        _top_up(ctx, f"feed {config.name}")
    metrics.polled(config.name, config.type, fields["last_result"], time.time() - now)
    log.info(
        "%s %s: %s, %d new item(s), %d revision(s), next poll %s (interval %ds) [job %s]",
        config.type, config.name, fields["last_result"], len(new), len(revised), _now_iso(next_at), interval,
        _job_id(),
        extra={"feed": config.name, "url": config.url, "job_id": _job_id()},
    )  # fmt: skip
    return {"feed": config.name, "result": fields["last_result"], "new": len(new), "revised": len(revised)}


def _top_up(ctx: WorkerContext, where: str) -> None:
    """Form item batches from staging now, if the item queue runs short (workers.staging)."""
    try:
        staging.refill(ctx.redis, ctx.settings)
    except RedisError as exc:  # staged and committed: the scheduler's next pass forms them
        log.warning("%s: could not form item batches now (%s); the scheduler will", where, exc)


def _poll_failed(
    ctx: WorkerContext, config: FeedConfig, exc: PressroomError, now: float, interval: float, errors: int
) -> dict[str, Any]:
    """Schedule the retry of a failed poll: back off, unless the failure is not the feed's fault."""
    busy = isinstance(exc, HostBusy)  # our own limiter was full: says nothing about the feed
    down = outage.is_connection_failure(exc)
    verdict = "normal" if busy else outage.record(ctx.redis, hosts.host_of(config.url), down=down, now=now)
    in_outage = down and verdict in ("started", "outage")
    if verdict == "started":
        log.error(
            "network outage: connection failures to %d+ hosts and no poll answered in %ds (feed %s: %s); "
            "not counting failures against feeds, retrying every %ds until a poll gets through",
            outage.MIN_HOSTS, outage.WINDOW, config.name, exc, outage.RETRY_DELAY,
        )  # fmt: skip
    elif verdict == "ended":
        log.warning("network outage over: feed %s %s answered; failures count again", config.name, config.url)
    counted = not (busy or in_outage)
    errors += 1 if counted else 0
    retry_after = None
    if isinstance(exc, HTTPStatusError):
        retry_after = scheduling.retry_after_hint(exc.status, exc.retry_after)
    delay = scheduling.delay_after_failure(
        interval,
        errors,
        counted=counted,
        max_backoff=ctx.settings.max_backoff,
        short_delay=outage.RETRY_DELAY,
        hint=retry_after,
    )
    next_at = now + delay
    result = "error" if counted else ("outage" if in_outage else "deferred")
    log.warning(
        "feed %s: poll of %s failed (%s); %s, next attempt %s (in %ds) [job %s]",
        config.name, config.url, exc,
        f"{errors} consecutive failure(s)" if counted else f"not counted ({result})",
        _now_iso(next_at), delay, _job_id(),
        extra={"feed": config.name, "url": config.url, "job_id": _job_id()},
    )  # fmt: skip
    metrics.polled(config.name, config.type, result, time.time() - now)
    state.update_feed_state(
        ctx.redis,
        config.name,
        {
            "last_poll": now,
            "last_result": result,
            "last_error": str(exc),
            "errors": errors,
            "backoff": round(delay),
            "interval": round(interval),
        },
        incr={"polls": 1, "failures": 1},
    )
    state.set_next_poll(ctx.redis, config.name, next_at)
    return {"feed": config.name, "result": result, "error": str(exc)}


@dataclass(frozen=True)
class _Fetched:
    entry: Entry
    response: Response
    at: float


@dataclass(frozen=True)
class _Done:
    entry: Entry
    article: Article
    fetched: float


@dataclass(frozen=True)
class _Failed:
    entry: Entry
    error: PressroomError


def process_items(items: list[dict[str, Any]], attempt: int = 1) -> dict[str, int]:
    """Fetch, extract, classify and emit a batch of entries; retry or dead-letter failures."""
    ctx = current()
    entries = [Entry.from_dict(item) for item in items]
    already = streams.emitted_ids(ctx.redis, [e.id for e in entries])
    outbox = _Outbox(ctx)
    failed: list[_Failed] = []
    todo = [e for e in entries if e.id not in already]
    with closing(_fetch_and_extract(ctx, todo, before_waiting=outbox.flush)) as outcomes:
        for outcome in outcomes:
            if isinstance(outcome, _Done):
                outbox.add(outcome)
            else:
                failed.append(outcome)
    outbox.flush()
    retried, dead = _handle_failures(ctx, failed, attempt)
    _top_up(ctx, f"job {_job_id()}")  # the queue just lost this batch: this worker's next one is ready
    return {
        "emitted": outbox.emitted,
        "duplicates": len(already) + outbox.duplicates,
        "retried": retried,
        "dead": dead,
    }


# Extracted items are classified and written in groups of this many, and whenever the next
# page has yet to arrive, rather than once per batch: a consumer sees an item about as soon
# as it is ready (a batch of 16 takes most of a second on a busy 2-core machine), and a job
# that dies midway leaves less to redo. Four keep the classifier's and the pipelined write's
# per-call costs small (docs/benchmarks.md).
EMIT_GROUP = 4


class _Outbox:
    """Extracted items waiting to be classified and written to the stream."""

    def __init__(self, ctx: WorkerContext) -> None:
        self._ctx = ctx
        self._ready: list[_Done] = []
        self.emitted = 0
        self.duplicates = 0  # already in the stream: written by an earlier run of the job

    def add(self, done: _Done) -> None:
        """Hold an item until a group is full: one classifier call and one write per group."""
        self._ready.append(done)
        if len(self._ready) >= EMIT_GROUP:
            self.flush()

    def flush(self) -> None:
        """Classify and write whatever is held (an error fails the job; its retry skips what was written)."""
        done, self._ready = self._ready, []
        if not done:
            return
        ctx = self._ctx
        started = time.monotonic()
        predictions = ctx.classifier.predict(
            [Document(title=d.article.title, text=d.article.text) for d in done]
        )
        metrics.classified(time.monotonic() - started)
        rows = [
            (
                d.entry.id,  # revision_key(id, N) for a revision: its own idempotence marker
                streams.revision_key(d.entry.url, streams.split_revision(d.entry.id)[1]),
                _stream_fields(d, p, ctx.classifier.version),
            )
            for d, p in zip(done, predictions, strict=True)
        ]
        written = ctx.emitter.emit_many(rows)
        metrics.emitted(p.label for p, w in zip(predictions, written, strict=True) if w)
        metrics.classified_entries(p.classified for p, w in zip(predictions, written, strict=True) if w)
        for d, stream_id, p in zip(done, written, predictions, strict=True):
            log.info(
                "feed %s: item %s %s -> %s (%s) [job %s]",
                d.entry.feed, d.entry.id, d.entry.link, p.label, stream_id or "already emitted", _job_id(),
                extra={"feed": d.entry.feed, "url": d.entry.link, "item_id": d.entry.id, "job_id": _job_id()},
            )  # fmt: skip
        self.emitted += sum(1 for w in written if w)
        self.duplicates += sum(1 for w in written if not w)


def _fetch_and_extract(
    ctx: WorkerContext, entries: list[Entry], *, before_waiting: Callable[[], None]
) -> Generator[_Done | _Failed, None, None]:
    """Fetch pages concurrently (I/O) and extract each as it arrives; yield the outcomes in
    the order they are ready.

    Extraction runs in a sandbox child under the CPU budget (workers.budget), one page at a
    time, overlapping with the fetches still in flight; a page still running after
    PARK_AFTER is left to finish in its child while the others go on in another. ``before_waiting`` is
    called whenever no page has arrived yet, so work that is ready can use that wait. Each
    host gets no more pages in flight than its request slots: a page handed to a fetch
    thread only waits for other workers, never for this job's own pages (its wait counts
    towards HostBusy).
    """
    _ = ctx.limiter, ctx.fetcher, ctx.robots_memo  # made once here, not raced by the fetch threads
    lanes: dict[str, deque[Entry]] = {}
    for entry in entries:
        lanes.setdefault(hosts.host_of(entry.link), deque()).append(entry)
    running: dict[Future[_Fetched | _Failed], str] = {}  # -> host
    parked: dict[Pending, _Fetched] = {}  # costly pages finishing (or being stopped) in their own child

    def start_next(host: str) -> None:
        if lanes[host]:
            running[ctx.fetch_pool.submit(_fetch, ctx, lanes[host].popleft())] = host

    def collect(timeout: float | None) -> Generator[_Done | _Failed, None, None]:
        for pending in wait_parsed(list(parked), timeout):
            try:
                outcome = _extracted(ctx, parked[pending], pending)
            except TimeoutError:  # a false alarm: still running
                continue
            del parked[pending]
            yield outcome

    for _round in range(ctx.settings.per_host_concurrency):  # hosts interleaved: first pages first
        for host in lanes:
            start_next(host)
    try:
        while running or parked:
            yield from collect(0)
            if not running:  # only costly pages left: each ends within its budget
                before_waiting()
                yield from collect(None)
                continue
            finished, _pending = wait(running, timeout=0, return_when=FIRST_COMPLETED)
            if not finished:
                before_waiting()
                finished, _pending = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                start_next(running.pop(future))  # keep the host busy while this page is extracted
                fetched = future.result()
                if isinstance(fetched, _Failed):
                    yield fetched
                    continue
                outcome = _extract(ctx, fetched, may_park=len(parked) < MAX_PARKED)
                if isinstance(outcome, Pending):
                    outcome.yield_cpu()  # ordinary pages first; its budget still ends it
                    log.info(
                        "feed %s: item %s %s is costly; extracting the batch's other pages beside it [job %s]",
                        fetched.entry.feed, fetched.entry.id, fetched.entry.link, _job_id(),
                        extra={"feed": fetched.entry.feed, "url": fetched.entry.link, "job_id": _job_id()},
                    )  # fmt: skip
                    parked[outcome] = fetched
                else:
                    yield outcome
    finally:  # a failed or timed-out job leaves no queued fetches or running parses behind
        for future in running:
            future.cancel()
        for pending in parked:
            pending.cancel()


def _fetch(ctx: WorkerContext, entry: Entry) -> _Fetched | _Failed:
    """robots.txt first, then the page, each inside one of its host's request slots."""
    try:
        limiter = ctx.limiter
        if ctx.settings.robots_txt:
            robots.check(
                ctx.redis,
                ctx.fetcher,
                limiter,
                entry.link,
                user_agent=ctx.settings.fetch.user_agent,
                memo=ctx.robots_memo,
            )
        with limiter.slot(entry.link):
            response = metrics.timed_fetch(
                "page", ctx.fetcher.get, entry.link, max_bytes=ctx.settings.max_page_bytes, accept=PAGE_ACCEPT
            )
    except PressroomError as exc:
        return _Failed(entry, exc)
    return _Fetched(entry, response, time.time())


# A page whose extraction has not finished after this long (wall seconds) is left to finish,
# or to be stopped at its CPU budget, in its own sandbox child, at a low CPU priority, while
# the batch's other pages are extracted in another (workers.budget); an ordinary page takes
# about 10 ms of CPU, well under 0.1 s of wall time on a busy machine. At most MAX_PARKED
# such pages of one job run beside it at once; past that the job waits for them.
PARK_AFTER = 0.3
MAX_PARKED = 2


def _extract(ctx: WorkerContext, fetched: _Fetched, *, may_park: bool) -> _Done | _Failed | Pending:
    """Extract a page in a sandbox child (workers.budget): its outcome, or, when it runs past
    PARK_AFTER and ``may_park``, the call itself, to be collected with :func:`_extracted`."""
    response = fetched.response
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    is_pdf = content_type in PDF_TYPES or (content_type in UNTYPED and response.body.startswith(b"%PDF-"))
    if not is_pdf and content_type not in HTML_TYPES:
        metrics.extracted(0.0, ok=False)
        return _Failed(
            fetched.entry,
            ExtractError(response.url, f"not an HTML page or a PDF (Content-Type {content_type})"),
        )
    # trafilatura's fast path (workers.costs.extract_article_adapter): as clean as the full one on
    # every page measured (docs/benchmarks.md); the page's own date is only looked for when the feed
    # did not give one
    pending = ctx.budget.submit(
        "extract_pdf" if is_pdf else "extract_article",
        response.body,
        {"url": response.url, "find_date": not fetched.entry.published},
        what=response.url,
    )
    try:
        pending.result(timeout=min(PARK_AFTER, ctx.settings.page_cpu_budget / 2) if may_park else None)
    except TimeoutError:
        return pending
    except PressroomError:
        pass  # _extracted reads it
    return _extracted(ctx, fetched, pending)


def _extracted(ctx: WorkerContext, fetched: _Fetched, pending: Pending) -> _Done | _Failed:
    """The outcome of a finished extraction (raises TimeoutError if it is still running)."""
    try:
        value = pending.result(timeout=0)
    except PressroomError as exc:
        _log_cost(ctx, fetched, pending)
        metrics.extracted(pending.cost.wall if pending.cost else 0.0, ok=False)
        return _Failed(fetched.entry, exc)
    _log_cost(ctx, fetched, pending)
    metrics.extracted(pending.cost.wall if pending.cost else 0.0, ok=True)
    article = Article(**{name: str(value.get(name) or "") for name in Article.__dataclass_fields__})
    return _Done(fetched.entry, article, fetched.at)


def _log_cost(ctx: WorkerContext, fetched: _Fetched, pending: Pending) -> None:
    """A costly, refused or stopped page goes to the log `pressroom status` shows."""
    try:
        record_cost(ctx.redis, pending, feed=fetched.entry.feed)
    except RedisError as exc:
        log.warning("could not log the cost of %s: %s", fetched.entry.link, exc)


def _stream_fields(done: _Done, prediction: Prediction, model_version: str) -> dict[str, str]:
    from classifiers.language import stream_lang  # only the stream schema needs it

    entry, article = done.entry, done.article
    item_id, revision = streams.split_revision(entry.id)
    fields = {
        "v": names.STREAM_SCHEMA_VERSION,
        "id": item_id,
        "feed": entry.feed,
        "url": entry.url,
        "title": article.title or entry.title,
        "published": entry.published or article.published,
        "fetched": _now_iso(done.fetched),
        "label": prediction.label,
        "labels": json.dumps(list(prediction.labels)),
        "scores": json.dumps({k: round(v, 4) for k, v in prediction.scores.items()}, sort_keys=True),
        "evidence": prediction.evidence,
        "text": article.text,
        "author": article.author,
        "lang": stream_lang(article.lang, prediction.lang),
        "classified": prediction.classified,
        "model": model_version,
    }
    if revision:  # only re-emitted changed entries carry it: 1, 2, ...
        fields["revision"] = str(revision)
    return fields


def _handle_failures(ctx: WorkerContext, failed: list[_Failed], attempt: int) -> tuple[int, int]:
    """Transient failures are retried later with backoff; the rest go to the dead-letter stream."""
    retry = [f.entry for f in failed if f.error.transient and attempt < ctx.settings.max_attempts]
    give_up = [f for f in failed if not (f.error.transient and attempt < ctx.settings.max_attempts)]
    for f in failed:
        verdict = "will retry" if f.entry in retry else "giving up"
        log.warning(
            "feed %s: item %s %s failed on attempt %d: %s; %s [job %s]",
            f.entry.feed, f.entry.id, f.entry.link, attempt, f.error, verdict, _job_id(),
            extra={"feed": f.entry.feed, "url": f.entry.link, "item_id": f.entry.id, "job_id": _job_id()},
        )  # fmt: skip
    metrics.failed_items(len(retry), (type(f.error).__name__ for f in give_up))
    if retry:
        pipe = ctx.redis.pipeline()
        delay = retry_delay(attempt, ctx.settings.retry_delays)
        queues.enqueue_items(pipe, ctx.redis, retry, ctx.settings, attempt=attempt + 1, delay=delay)
        pipe.execute()
    for f in give_up:
        streams.dead_letter(
            ctx.redis,
            {
                "id": f.entry.id,
                "feed": f.entry.feed,
                "url": f.entry.link,
                "title": f.entry.title,
                "error": str(f.error),
                "error_type": type(f.error).__name__,
                "attempts": attempt,
                "item": json.dumps(f.entry.to_dict()),
            },
        )
        state.update_feed_state(
            ctx.redis, f.entry.feed, {"last_item_error": f"{f.entry.link}: {f.error}"}, incr={"dead": 1}
        )
    return len(retry), len(give_up)
