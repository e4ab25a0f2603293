"""Run the real RQ task functions in-process: a real worker context, Redis and loopback site.

``worker_context`` installs a context the way a worker process does (settings from a
feeds.yaml text, the shipped classifier), and ``run_item_jobs`` runs the queued
``process_items`` jobs by calling the task with the job's own (JSON) arguments.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from redis import Redis

from classifiers import load_classifier
from workers import context, queues, staging
from workers.context import WorkerContext
from workers.settings import parse_settings

SETTINGS = """
fetch:
  allow_networks: [127.0.0.0/8]
  total_timeout: {total_timeout}
  per_host_delay: 0
  per_host_concurrency: 4
{extra}
"""


@contextmanager
def worker_context(
    redis_url: str, extra: str = "", *, classify: bool = False, total_timeout: str = "5s"
) -> Iterator[WorkerContext]:
    """``classify``: load the shipped classifier (only process_items needs it; poll_feed does not).
    ``total_timeout``: each request's whole deadline."""
    settings = parse_settings(
        SETTINGS.format(extra=extra, total_timeout=total_timeout), environ={"REDIS_URL": redis_url}
    )
    classifier: Any = load_classifier(settings.model_path) if classify else None
    ctx = WorkerContext(settings=settings, classifier=classifier)
    saved = list(context._installed)
    context.install(ctx)
    try:
        yield ctx
    finally:
        context._installed[:] = saved
        ctx.close()


def feed_dict(name: str, url: str, interval: float = 600.0, on_update: str = "ignore") -> dict[str, Any]:
    return {"name": name, "url": url, "interval": interval, "on_update": on_update}


def run_item_jobs(redis: Redis) -> list[dict[str, int]]:
    """Run (and remove) every queued process_items job, as a worker would, forming batches
    from staging as the scheduler does until nothing is left."""
    results: list[dict[str, int]] = []
    while True:
        staging.refill(redis, context.current().settings)
        done = run_queued(redis, queues.ITEMS_TASK)
        if not done:
            return results
        results += done


def run_queued(redis: Redis, task: str) -> list[Any]:
    """Run (and remove) the queued jobs of one task (by dotted path), in queue order, by
    calling the task function with the job's own arguments; other jobs stay queued."""
    q = queues.jobs_queue(redis)
    results = []
    for job in q.jobs:
        if job.func_name == task:
            q.remove(job)
            results.append(job.func(*job.args, **job.kwargs))
    return results


def rss(base: str, items: list[tuple[str, str, str, float | None]], ttl: int | None = None) -> str:
    """An RSS 2.0 feed of (guid, title, link path, published epoch or None) items."""
    parts = []
    for guid, title, path, published in items:
        date = f"<pubDate>{email.utils.formatdate(published, usegmt=True)}</pubDate>" if published else ""
        parts.append(f"<item><guid>{guid}</guid><title>{title}</title><link>{base}{path}</link>{date}</item>")
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{ttl_tag}{"".join(parts)}</channel></rss>'
