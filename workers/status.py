"""`pressroom status`: what an operator needs at a glance, broken feeds first."""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from redis import Redis

from classifiers import CLASSIFIED_OK, CLASSIFIED_STATUSES, LABELS, OTHER
from workers import constants as names
from workers import costs, outage, queues, staging, state, streams
from workers.rediscodec import text
from workers.settings import Settings


def _when(epoch: str | float | None) -> str:
    if epoch in (None, ""):
        return "-"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(float(epoch or 0))) + "Z"


def collect(redis: Redis, settings: Settings) -> dict[str, Any]:
    schedule = state.next_polls(redis)
    feeds = []
    for feed in settings.feeds:
        info = state.feed_state(redis, feed.name)
        feeds.append(
            {
                "name": feed.name,
                "url": feed.url,
                "type": feed.type,  # feed, page or sitemap
                "links": int(info["links"]) if info.get("links") else None,  # article links it showed last
                "skipped": info.get("skipped", ""),  # links or child sitemaps it passed over, and why
                "last_poll": info.get("last_poll", ""),
                "last_result": info.get("last_result", "never polled"),
                "last_error": info.get("last_error", ""),
                "errors": int(info.get("errors") or 0),
                "next_poll": schedule.get(feed.name, ""),
                "items_seen": int(info.get("items_seen") or 0),
                "dead_items": int(info.get("dead") or 0),
                "last_item_error": info.get("last_item_error", ""),
                "interval": float(info.get("interval") or feed.interval),  # adaptive, in force
                "backoff": float(info.get("backoff") or 0),  # seconds to the next attempt after a failure
                "outage": info.get("last_result") == "outage",  # failed while our network was down
            }
        )
    # broken feeds first, then those waiting out a network outage
    feeds.sort(key=lambda f: (f["errors"] == 0, not f["outage"], f["name"]))
    q = queues.jobs_queue(redis)
    queue_info = {
        q.name: {
            "queued": q.count,
            "running": q.started_job_registry.count,
            "scheduled": q.scheduled_job_registry.count,
            "failed": q.failed_job_registry.count,
        }
    }
    staged, staged_hosts = staging.staged_items(redis)
    return {
        "feeds": feeds,
        "queues": queue_info,
        "staged": {"items": staged, "hosts": staged_hosts},  # new items waiting for a batch
        "stream": {
            "key": names.ITEMS_STREAM,
            "length": redis.xlen(names.ITEMS_STREAM),
            "dead_letters": redis.xlen(names.DEAD_STREAM),
        },
        "groups": [
            asdict(g)
            for stream in _streams(settings)
            for g in streams.groups(redis, stream, settings.stream_maxlen)
        ],
        "scheduler_heartbeat": text(redis.get(names.SCHEDULER_HEARTBEAT_KEY) or b""),
        "outage_since": outage.outage_since(redis),  # None, or when our network outage was recognised
        "classified": _classified(redis),
        # the parses of the last hour that cost most, were refused or were stopped (workers.costs)
        "costly_pages": costs.costliest(redis),
    }


# How many of the newest stream entries ``status`` reads to count them by ``classified``: entries
# carry their text, so this is bounded (a few MB at most), and recent entries are what an
# operator asks about ("are we suddenly getting releases we cannot label?").
CLASSIFIED_SAMPLE = 500


def _classified(redis: Redis) -> dict[str, Any]:
    """The newest entries by ``classified`` status, and the languages of those not labelled."""
    rows: Any = redis.xrevrange(names.ITEMS_STREAM, count=CLASSIFIED_SAMPLE)
    counts = dict.fromkeys(CLASSIFIED_STATUSES, 0)
    languages: dict[str, int] = {}
    for _id, raw in rows:
        fields = {text(k): text(v) for k, v in raw.items()}
        status = fields.get("classified") or CLASSIFIED_OK  # entries written before the field existed
        counts[status] = counts.get(status, 0) + 1
        if status != CLASSIFIED_OK:
            lang = fields.get("lang") or "?"
            languages[lang] = languages.get(lang, 0) + 1
    return {"entries": len(rows), "by_status": counts, "unlabelled_languages": languages}


def _streams(settings: Settings) -> list[str]:
    keys = [names.ITEMS_STREAM]
    if settings.per_label_streams:
        keys += [names.label_stream(label) for label in (*LABELS, OTHER)]
    return keys


def _span(seconds: float) -> str:
    """3600 -> '1h', 90 -> '1m30s': backoffs read better as durations."""
    whole = int(seconds)
    if whole >= 3600:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}m" if whole % 3600 >= 60 else f"{whole // 3600}h"
    if whole >= 60:
        return f"{whole // 60}m{whole % 60:02d}s" if whole % 60 else f"{whole // 60}m"
    return f"{whole}s"


def render(report: dict[str, Any]) -> str:
    lines = []
    if report.get("outage_since"):
        lines.append(
            f"NETWORK OUTAGE since {_when(report['outage_since'])}: polls fail at connection level "
            "everywhere; failures are not counted against feeds"
        )
    lines.append("FEED                      TYPE     LAST POLL             RESULT        NEXT POLL             SEEN  ERR LINKS")  # fmt: skip
    for f in report["feeds"]:
        links = "-" if f["links"] is None else str(f["links"])
        lines.append(
            f"{f['name'][:25]:<25} {f['type']:<8} {_when(f['last_poll']):<21} {f['last_result'][:13]:<13} "
            f"{_when(f['next_poll']):<21} {f['items_seen']:>4} {f['errors']:>4} {links:>5}"
        )
        if f["last_error"]:
            lines.append(f"    last error: {f['last_error']}")
        if f["skipped"]:
            lines.append(f"    skipped: {f['skipped']}")
        if f["errors"] or f["outage"]:
            why = "network outage, not counted" if f["outage"] else f"backoff {_span(f['backoff'])}"
            lines.append(f"    next attempt: {_when(f['next_poll'])} ({why})")
        if f["dead_items"]:
            lines.append(f"    {f['dead_items']} item(s) dead-lettered; last: {f['last_item_error']}")
    lines.append("")
    for name, q in report["queues"].items():
        lines.append(
            f"queue {name}: {q['queued']} queued, {q['running']} running, "
            f"{q['scheduled']} scheduled (retries), {q['failed']} failed"
        )
    staged = report["staged"]
    lines.append(f"staged: {staged['items']} new item(s) from {staged['hosts']} host(s) waiting for a batch")
    s = report["stream"]
    lines.append(f"stream {s['key']}: {s['length']} entries; dead letters: {s['dead_letters']}")
    for g in report["groups"]:
        lag = "?" if g["lag"] is None else g["lag"]
        line = f"group {g['name']} on {g['stream']}: {g['consumers']} consumer(s), {lag} unread, {g['pending']} pending"
        lines.append(line + (f"  WARNING: {g['warning']}" if g["warning"] else ""))
    costly = report.get("costly_pages") or []
    if costly:
        top = costly[0]
        lines.append(
            f"costliest page of the last hour: {top['what']} ({top['feed'] or top['parser']}), "
            f"{top['cpu']:.1f} s CPU, {top['outcome']}; {len(costly)} costly, refused or stopped (--json lists them)"
        )
    heartbeat = report["scheduler_heartbeat"]
    lines.append(f"scheduler heartbeat: {_when(heartbeat) if heartbeat else 'none (scheduler not running)'}")
    classified = report.get("classified")
    if classified and classified["entries"]:
        counts = ", ".join(f"{n} {status}" for status, n in classified["by_status"].items())
        line = f"classified (newest {classified['entries']} entries): {counts}"
        if classified["unlabelled_languages"]:
            langs = ", ".join(f"{lang} {n}" for lang, n in sorted(classified["unlabelled_languages"].items()))
            line += f"; not labelled, by language: {langs}"
        lines.append(line)
    return "\n".join(lines)
