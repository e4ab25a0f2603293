"""Where a worker's CPU goes per item: the real tasks, in this process, against the bench site.

    python bench/item_cost.py [--items N]

Starts the benchmark site (bench/site.py) and a fresh redis-server, polls the four feeds
with ``workers.tasks.poll_feed``, then runs every ``process_items`` job here, one after
another, as a worker process would (same context, fetch threads, limiter and emitter).
CPU time is split by wrapping the stages in thread CPU clocks: trafilatura's
``bare_extraction``, the rest of ``extract_article`` (parse, metadata, pruning, text
cleaning), the classifier, and everything else (fetching, politeness, Redis, logging);
of the last, the fetch threads' share and the HTTP requests' share are given too. RQ's
own per-job bookkeeping is not included. Only loopback addresses are contacted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))


_SPENT_LOCK = threading.Lock()  # fetch threads add to the same sums


def _timed(spent: dict[str, float], key: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return func(*args, **kwargs)
        finally:
            with _SPENT_LOCK:
                spent[key] += time.thread_time() - started

    return wrapper


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200)
    args = parser.parse_args(argv)

    from redis import Redis

    sys.path.insert(0, str(Path(__file__).parent))
    import pipeline_bench as pb

    from classifiers.model import PressReleaseClassifier
    from tests.workerctx import feed_dict, run_item_jobs, worker_context
    from workers import extract, state, tasks
    from workers.fetch import Fetcher

    work = Path(tempfile.mkdtemp(prefix="pressroom-item-cost-"))
    redis_proc, redis_url = pb.start_redis(work)
    site_proc, info = pb.start_site(args.items, 0.0, 0.0, 0)
    spent = dict.fromkeys(("trafilatura", "extract_article", "classifier", "fetch_thread", "http"), 0.0)
    sandboxed = not hasattr(tasks, "extract_article")
    if sandboxed:  # extraction runs in a sandbox child (workers.budget): its CPU comes back with each answer
        from workers import metrics

        record = metrics.parser_cost

        def counted(pending: Any) -> None:
            with _SPENT_LOCK:
                spent["extract_article"] += pending.cost.cpu if pending.cost else 0.0
            record(pending)

        metrics.parser_cost = counted
    else:
        tasks.extract_article = _timed(spent, "extract_article", tasks.extract_article)
        extract.bare_extraction = _timed(spent, "trafilatura", extract.bare_extraction)
    PressReleaseClassifier.predict = _timed(spent, "classifier", PressReleaseClassifier.predict)
    tasks._fetch = _timed(spent, "fetch_thread", tasks._fetch)  # robots.txt, host slot, request
    Fetcher.get = _timed(spent, "http", Fetcher.get)
    try:
        redis = Redis.from_url(redis_url)
        with worker_context(redis_url, classify=True):
            for host, url in info["feeds"].items():
                state.sync_schedule(redis, [host])
                tasks.poll_feed(feed_dict(host, url))
            spent.update(dict.fromkeys(spent, 0.0))  # the feed polls above are not item work
            cpu0 = time.process_time()
            run_item_jobs(redis)
            cpu = time.process_time() - cpu0
            if sandboxed:
                cpu += spent["extract_article"]  # the children's CPU, not in this process's clock
        items = redis.xlen("pressroom:items")
    finally:
        pb.stop(site_proc)
        pb.stop(redis_proc)
        shutil.rmtree(work, ignore_errors=True)
    ms = {
        "total": cpu,
        **(
            {"extract_article, in the sandbox child": spent["extract_article"]}
            if sandboxed
            else {
                "trafilatura (bare_extraction)": spent["trafilatura"],
                "rest of extract_article": spent["extract_article"] - spent["trafilatura"],
            }
        ),
        "classifier": spent["classifier"],
        "fetch, politeness, Redis, logging": cpu - spent["extract_article"] - spent["classifier"],
        "  of which fetch threads (robots.txt, host slots, requests)": spent["fetch_thread"],
        "  of which HTTP requests": spent["http"],
    }
    report = {"items": items, "cpu_ms_per_item": {k: round(v / items * 1000, 2) for k, v in ms.items()}}
    print(json.dumps(report, indent=2))
    return 0 if items == args.items else 1


if __name__ == "__main__":
    sys.exit(main())
