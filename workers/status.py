"""`pressroom status`: what an operator needs at a glance, broken feeds first."""

from __future__ import annotations

import time
from typing import Any

from redis import Redis

from workers import constants as names
from workers import queues, state
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
                "last_poll": info.get("last_poll", ""),
                "last_result": info.get("last_result", "never polled"),
                "last_error": info.get("last_error", ""),
                "errors": int(info.get("errors") or 0),
                "next_poll": schedule.get(feed.name, ""),
                "items_seen": int(info.get("items_seen") or 0),
                "dead_items": int(info.get("dead") or 0),
                "last_item_error": info.get("last_item_error", ""),
            }
        )
    feeds.sort(key=lambda f: (f["errors"] == 0, f["name"]))  # broken feeds first
    queue_info = {}
    for q in queues.worker_queues(redis):
        queue_info[q.name] = {
            "queued": q.count,
            "running": q.started_job_registry.count,
            "scheduled": q.scheduled_job_registry.count,
            "failed": q.failed_job_registry.count,
        }
    return {
        "feeds": feeds,
        "queues": queue_info,
        "stream": {
            "key": names.ITEMS_STREAM,
            "length": redis.xlen(names.ITEMS_STREAM),
            "dead_letters": redis.xlen(names.DEAD_STREAM),
        },
        "scheduler_heartbeat": text(redis.get(names.SCHEDULER_HEARTBEAT_KEY) or b""),
    }


def render(report: dict[str, Any]) -> str:
    lines = ["FEED                      LAST POLL             RESULT        NEXT POLL             SEEN  ERR"]
    for f in report["feeds"]:
        lines.append(
            f"{f['name'][:25]:<25} {_when(f['last_poll']):<21} {f['last_result'][:13]:<13} "
            f"{_when(f['next_poll']):<21} {f['items_seen']:>4} {f['errors']:>4}"
        )
        if f["last_error"]:
            lines.append(f"    last error: {f['last_error']}")
        if f["dead_items"]:
            lines.append(f"    {f['dead_items']} item(s) dead-lettered; last: {f['last_item_error']}")
    lines.append("")
    for name, q in report["queues"].items():
        lines.append(
            f"queue {name}: {q['queued']} queued, {q['running']} running, "
            f"{q['scheduled']} scheduled (retries), {q['failed']} failed"
        )
    s = report["stream"]
    lines.append(f"stream {s['key']}: {s['length']} entries; dead letters: {s['dead_letters']}")
    heartbeat = report["scheduler_heartbeat"]
    lines.append(f"scheduler heartbeat: {_when(heartbeat) if heartbeat else 'none (scheduler not running)'}")
    return "\n".join(lines)
