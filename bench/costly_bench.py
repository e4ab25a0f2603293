"""Costly pages (issue 18): what each costs, when it is stopped, and what it costs the rest.

    python bench/costly_bench.py [--phases pages,scaling,overhead,throughput] [--items N] [--repeat N]

Phases:

* ``pages``: each page of the issue's table (built here) through the sandbox
  (workers.budget) with the default budget (``worker.page_cpu_budget``, 10 s): the cheap
  counts' own CPU, the call refused by them, then with the counts off, stopped at the
  budget (CPU the kernel charged the child, wall time, the child's peak memory).
* ``scaling``: smaller pages of each kind parsed to the end (budget 60 s): how the cost
  grows with the count.
* ``overhead``: the sandbox's own cost per call: a 100 KB payload in and a 10 KB answer
  out (an adapter that does nothing else), and ``extract_article`` on the benchmark site's
  pages inline against through the sandbox.
* ``throughput``: ``pressroom run`` on the benchmark site (bench/site.py, ``--items``
  ordinary items on four hosts) with and without a fifth feed listing costly pages beside
  six ordinary articles, alternately, ``--repeat`` times each. Throughput = ordinary items
  per second from the first to the last stream entry. ``--costly issue``: the issue's two
  pages (600,000 paragraphs, 150,000 links: refused by the counts); ``--costly budget``:
  two pages under the counts' caps that the budget stops (each costs its 10 s).

Only loopback addresses are contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pipeline_bench  # noqa: E402  # the daemon, site and Redis helpers

from tests.costly_pages import links, nested_divs, paragraphs, table  # noqa: E402

ISSUE_PAGES = {
    "600,000 paragraphs": lambda: paragraphs(600_000),
    "150,000 links": lambda: links(150_000),
    "table 5,000 x 100": lambda: table(5_000),
    "100,000 nested div": lambda: nested_divs(100_000),
}
SCALING: dict[str, tuple[Callable[[int], bytes], tuple[int, ...]]] = {
    "paragraphs": (paragraphs, (10_000, 20_000, 40_000, 80_000)),
    "links": (links, (2_500, 5_000, 10_000)),
    "table rows": (table, (250, 500, 1_000, 2_000)),
}


def _peak_rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _call(box: Any, page: bytes, params: dict[str, Any]) -> dict[str, Any]:
    """One sandboxed extraction: outcome, CPU and wall seconds, the child's peak memory."""
    from workers.errors import PressroomError

    pending = box.submit("extract_article", page, {"url": "http://bench/costly", **params}, what="costly")
    pid = pending._child.pid
    peak = 0.0
    while not pending.done():
        peak = max(peak, _peak_rss_mib(pid))
        time.sleep(0.05)
    try:
        pending.result()
        outcome = "extracted"
    except PressroomError as exc:
        outcome = type(exc).__name__ + (f" ({getattr(exc, 'what', '')})" if hasattr(exc, "what") else "")
    cost = pending.cost
    return {
        "outcome": outcome,
        "cpu_sec": round(cost.cpu, 3),
        "wall_sec": round(cost.wall, 3),
        "child_peak_mib": round(peak, 1),
    }


def phase_pages(args: argparse.Namespace) -> dict[str, Any]:
    import workers.tasks  # noqa: F401  # loaded before the zygote forks, as in a worker
    from workers.budget import Budget
    from workers.costs import refuse_costly_page
    from workers.errors import PageRefused
    from workers.settings import Settings

    cpu_budget = Settings(feeds=()).page_cpu_budget
    box = Budget(cpu_budget)
    results: dict[str, Any] = {"budget_sec": cpu_budget, "pages": {}}
    try:
        for name, build in ISSUE_PAGES.items():
            page = build()
            row: dict[str, Any] = {"bytes": len(page)}
            started = time.process_time()
            with contextlib.suppress(PageRefused):
                refuse_costly_page(page, "costly")
            row["counting_cpu_ms"] = round((time.process_time() - started) * 1000, 2)
            row["with_counts"] = _call(box, page, {})
            row["budget_only"] = _call(box, page, {"max_tags": 0, "max_links": 0})
            results["pages"][name] = row
            print(name, json.dumps(row), file=sys.stderr, flush=True)
    finally:
        box.close()
    return results


def phase_scaling(args: argparse.Namespace) -> dict[str, Any]:
    import workers.tasks  # noqa: F401  # loaded before the zygote forks, as in a worker
    from workers.budget import Budget

    scaling: dict[str, list[dict[str, Any]]] = {}
    wide = Budget(60.0)
    try:
        for kind, (build_n, sizes) in SCALING.items():
            for n in sizes:
                page = build_n(n)
                got = _call(wide, page, {"max_tags": 0, "max_links": 0})
                scaling.setdefault(kind, []).append({"count": n, "bytes": len(page), **got})
                print(kind, n, json.dumps(got), file=sys.stderr, flush=True)
    finally:
        wide.close()
    return scaling


def _echo_10k(payload: bytes, params: dict[str, Any]) -> dict[str, Any]:
    return {"text": "x" * 10_000, "size": len(payload)}


def phase_overhead(args: argparse.Namespace) -> dict[str, Any]:
    from workers import budget
    from workers.budget import Budget
    from workers.extract import extract_article

    budget.register("bench_echo_10k", "costly_bench:_echo_10k")
    box = Budget(10.0)
    try:
        payload = os.urandom(50_000).hex().encode()[:100_000]
        box.run("bench_echo_10k", payload, {}, what="warm-up")
        n = 2000
        started = time.perf_counter()
        cpu0 = time.process_time()
        for _ in range(n):
            box.run("bench_echo_10k", payload, {}, what="echo")
        per_call = (time.perf_counter() - started) / n
        parent_cpu = (time.process_time() - cpu0) / n
        site = pipeline_bench._load_site()
        _items, docs = pipeline_bench.bench_pages(site, 200, 120, 0)
        for body, url in docs[:5]:  # warm both paths
            extract_article(body, url, fast=True, find_date=False)
            box.run("extract_article", body, {"url": url, "find_date": False}, what=url)
        inline, sandboxed = [], []
        for _round in range(3):
            started = time.perf_counter()
            for body, url in docs:
                extract_article(body, url, fast=True, find_date=False)
            inline.append((time.perf_counter() - started) / len(docs))
            started = time.perf_counter()
            for body, url in docs:
                box.run("extract_article", body, {"url": url, "find_date": False}, what=url)
            sandboxed.append((time.perf_counter() - started) / len(docs))
    finally:
        box.close()
    return {
        "echo_100kb_in_10kb_out_ms": round(per_call * 1000, 3),
        "echo_parent_cpu_ms": round(parent_cpu * 1000, 3),
        "extract_inline_ms": [round(s * 1000, 2) for s in inline],
        "extract_sandboxed_ms": [round(s * 1000, 2) for s in sandboxed],
        "extract_pages": len(docs),
        "mean_page_bytes": round(sum(len(b) for b, _ in docs) / len(docs)),
    }


def _costly_site(kind: str, ordinary: list[str]) -> tuple[Any, str]:
    """A loopback site with a feed listing costly pages beside six of the bench site's articles."""
    from tests.sites import Site

    site = Site(root=Path(tempfile.mkdtemp(prefix="pressroom-costly-"))).start()
    if kind == "issue":
        costly = {"/costly/paragraphs.html": paragraphs(600_000), "/costly/links.html": links(150_000)}
    else:  # under the cheap counts' caps: the budget must stop them
        costly = {"/costly/paragraphs.html": paragraphs(140_000), "/costly/table.html": table(1_400)}
    for path, body in costly.items():
        site.add(path, body)
    links_ = [site.url(p) for p in costly] + ordinary
    order = [links_[0], *links_[2:5], links_[1], *links_[5:]]
    items = "".join(
        f"<item><title>t{n}</title><guid>costly-{n}</guid><link>{u}</link></item>"
        for n, u in enumerate(order)
    )
    site.add("/feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>c</title>{items}</channel></rss>',
             content_type="application/rss+xml")  # fmt: skip
    return site, site.url("/feed.xml")


def _one_run(args: argparse.Namespace, with_costly: bool) -> dict[str, Any]:
    from redis import Redis

    work = Path(tempfile.mkdtemp(prefix="pressroom-costly-bench-"))
    redis_proc, redis_url = pipeline_bench.start_redis(work)
    site_proc, info = pipeline_bench.start_site(args.items, 0.0, 0.0, args.seed)
    costly_site = None
    lines = ["defaults:", "  interval: 1h", "feeds:"]
    for host, url in info["feeds"].items():
        lines += [f"  - name: bench-{host}", f"    url: {url}"]
    expected = args.items
    if with_costly:
        ordinary = [f"{it['url']}?costly-feed=1" for it in info["items"][:6]]  # distinct items, same pages
        costly_site, feed = _costly_site(args.costly, ordinary)
        lines += ["  - name: costly", f"    url: {feed}"]
        expected += 6
    lines += ["fetch:", "  allow_networks: [127.0.0.0/8]"]
    (work / "feeds.yaml").write_text("\n".join(lines) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(REDIS_URL=redis_url, PRESSROOM_DATA_DIR=str(work / "data"))
    redis = Redis.from_url(redis_url)
    with (work / "daemon.log").open("wb") as log:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "workers", "run", "--feeds", str(work / "feeds.yaml")],
            env=env, stdout=log, stderr=log, cwd=work,
        )  # fmt: skip
    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline and redis.xlen(pipeline_bench.STREAM) < expected:
            time.sleep(0.2)
        entries = pipeline_bench.read_stream(redis)
        dead = redis.xlen("pressroom:dead")
        code = pipeline_bench.stop(daemon, timeout=30)
    finally:
        pipeline_bench.stop(daemon, timeout=5)
        pipeline_bench.stop(site_proc)
        pipeline_bench.stop(redis_proc)
        if costly_site is not None:
            costly_site.stop()
    span = (entries[-1][0] - entries[0][0]) / 1000 if len(entries) > 1 else float("nan")
    shutil.rmtree(work, ignore_errors=True)
    return {
        "with_costly": with_costly,
        "emitted": len(entries),
        "expected": expected,
        "dead": dead,
        "exit_code": code,
        "throughput": round((len(entries) - 1) / span, 2) if len(entries) > 1 else 0.0,
        "loadavg": os.getloadavg()[0],
    }


def phase_throughput(args: argparse.Namespace) -> dict[str, Any]:
    runs = []
    for n in range(args.repeat * 2):
        run = _one_run(args, with_costly=bool(n % 2))
        print(json.dumps(run), file=sys.stderr, flush=True)
        runs.append(run)
    without = [r["throughput"] for r in runs if not r["with_costly"]]
    with_costly = [r["throughput"] for r in runs if r["with_costly"]]
    return {
        "costly": args.costly,
        "items": args.items,
        "runs": runs,
        "median_without": statistics.median(without),
        "median_with": statistics.median(with_costly),
        "ratio": round(statistics.median(with_costly) / statistics.median(without), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phases", default="pages,overhead,throughput")
    parser.add_argument("--items", type=int, default=300, help="throughput: ordinary items on the bench site")
    parser.add_argument("--repeat", type=int, default=2, help="throughput: runs with and without, each")
    parser.add_argument("--costly", choices=("issue", "budget"), default="issue")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": pipeline_bench.machine()}
    phases = {
        "pages": phase_pages,
        "scaling": phase_scaling,
        "overhead": phase_overhead,
        "throughput": phase_throughput,
    }
    for name in args.phases.split(","):
        results[name] = phases[name](args)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
