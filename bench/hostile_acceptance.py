"""Acceptance run: the daemon against the hostile site, in a network namespace with only lo.

    python bench/hostile_acceptance.py [--seconds 75] [--workers 4] [--json-out FILE]

Re-executes itself under ``unshare -rn`` (a new user + network namespace: only ``lo``
exists, so nothing can leave the machine whatever happens), brings ``lo`` up, starts
Redis, the realistic test site, tests/hostile_site.py's hostile site and loopback traps,
then runs `pressroom run` (the daemon, not --once) for ``--seconds`` with the tripwire
armed, sampling the summed RSS of its process tree. Checks: every good item exactly once,
nothing from hostile feeds, the daemon still running, `pressroom status` showing each
hostile feed with its reason and a backoff, peak memory (summed PSS) under 800 MB, no trap connection.
Results: docs/hostile.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INNER_ENV = "PRESSROOM_HOSTILE_INNER"
MEMORY_LIMIT_MB = 800


def outer(argv: list[str]) -> int:
    unshare, ip = shutil.which("unshare"), shutil.which("ip")
    if not unshare or not ip:
        print("needs unshare(1) and ip(8)", file=sys.stderr)
        return 2
    script = f"{ip} link set lo up && exec {sys.executable} {Path(__file__).resolve()} " + " ".join(argv)
    env = {**os.environ, INNER_ENV: "1"}
    return subprocess.call([unshare, "-rn", "sh", "-c", script], env=env, cwd=REPO)


def tree_memory_mb(root: int) -> tuple[float, float]:
    """Sums of Pss and Rss over ``root`` and all its descendants (from /proc smaps_rollup).

    Pss is what the limit is checked on: the workers and their sandbox processes are forks
    sharing most of their pages, which a sum of Rss counts once per process (4 workers with
    their sandboxes: Rss sums to ~1.2 GB while Pss sums to ~230 MB; docs/hostile.md)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    pss_kb = rss_kb = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss_kb += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss_kb += int(line.split()[1])
        except OSError:
            continue
    return pss_kb / 1024, rss_kb / 1024


def inner(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(REPO))
    from redis import Redis

    from tests.conftest import free_port, start_redis
    from tests.hostile_site import TRIPWIRE_ENV, HostileSite, Trap, ipv6_loopback_available
    from tests.sites import SITE_ROOT, Site
    from workers import constants as names
    from workers import streams

    interfaces = sorted(name for _, name in socket.if_nameindex())  # this namespace's, unlike /sys
    work = Path(tempfile.mkdtemp(prefix="pressroom-hostile-"))
    port = free_port()
    redis_proc = start_redis(work, port)
    redis_url = f"redis://127.0.0.1:{port}/0"
    site = Site().start()
    trap = Trap().start()
    trap6 = Trap("::1").start() if ipv6_loopback_available() else None
    hostile = HostileSite(trap, trap6).start()
    expected = json.loads((SITE_ROOT / "expected.json").read_text())
    good = {
        p.parent.name: site.url(f"{p.parent.name}/feed.xml") for p in sorted(SITE_ROOT.glob("*/feed.xml"))
    }
    good |= {n: hostile.url(f"{n}.xml") for n in ("dup-a", "dup-b", "conditional")}
    bad = {name: url for name, (url, _) in hostile.hostile_feeds().items()}
    bad["h-bad-links"] = hostile.url("bad-links.xml")
    lines = ["defaults:", "  interval: 30s", "feeds:"]
    for name, url in (good | bad).items():
        lines += [f"  - name: {name}", f'    url: "{url}"']
    lines += [
        "fetch:",
        "  allow_networks: [127.0.0.0/8]",
        "  connect_timeout: 2s",
        "  read_timeout: 2s",
        "  total_timeout: 3s",
        "  max_redirects: 3",
        "  max_feed_size: 1MiB",
        "  max_page_size: 1MiB",
        "schedule:",
        "  min_interval: 20s",
        "  max_interval: 30s",
        "  max_backoff: 2m",
        "worker:",
        "  retry_delays: [2s, 5s, 10s]",
        "  max_attempts: 5",
    ]
    feeds = work / "feeds.yaml"
    feeds.write_text("\n".join(lines) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        REDIS_URL=redis_url, PRESSROOM_DATA_DIR=str(work / "data"), **{TRIPWIRE_ENV: str(work / "trip")}
    )
    guarded = [sys.executable, "-c", "from tests.hostile_site import run_guarded; run_guarded()"]
    command = [*guarded, "run", "--feeds", str(feeds), "--workers", str(args.workers)]
    log = (work / "daemon.log").open("w")
    started = time.time()
    daemon = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    peak, peak_rss, samples = 0.0, 0.0, 0
    while time.time() - started < args.seconds and daemon.poll() is None:
        pss, rss = tree_memory_mb(daemon.pid)
        peak, peak_rss = max(peak, pss), max(peak_rss, rss)
        samples += 1
        time.sleep(0.5)
    alive = daemon.poll() is None
    status_run = subprocess.run(
        [*guarded, "status", "--json", "--feeds", str(feeds)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    status_text = subprocess.run(
        [*guarded, "status", "--feeds", str(feeds)], cwd=REPO, env=env, capture_output=True, text=True
    ).stdout
    now = time.time()
    daemon.send_signal(signal.SIGTERM)
    try:
        exit_code = daemon.wait(timeout=30)
    except subprocess.TimeoutExpired:
        daemon.kill()
        exit_code = daemon.wait()

    redis = Redis.from_url(redis_url)
    items = [e.fields for e in streams.iterate(redis, names.ITEMS_STREAM)]
    counts = Counter(e["url"] for e in items)
    want = {f"{site.base}/{p}" for p in expected} | {
        hostile.url("releases/shared.html"),
        hostile.url("releases/conditional.html"),
    }
    report = json.loads(status_run.stdout) if status_run.returncode == 0 else {"feeds": []}
    by_name = {f["name"]: f for f in report["feeds"]}
    hostile_rows = {}
    for name, (_, reason) in hostile.hostile_feeds().items():
        f = by_name.get(name, {})
        hostile_rows[name] = {
            "last_error": f.get("last_error", ""),
            "errors": f.get("errors", 0),
            "backoff_s": round(float(f.get("next_poll") or 0) - now),
            "ok": reason in str(f.get("last_error", ""))
            and int(f.get("errors", 0)) >= 1
            and float(f.get("next_poll") or 0) > now,
        }
    links = by_name.get("h-bad-links", {})
    trip = (work / "trip").read_text().splitlines() if (work / "trip").exists() else []
    checks = {
        "only lo in the namespace": interfaces == ["lo"],
        "every good item exactly once": set(counts) == want and all(n == 1 for n in counts.values()),
        "nothing from hostile feeds": not {e["feed"] for e in items} & set(bad),
        "daemon still running after the run": alive,
        "daemon stopped cleanly on SIGTERM (exit 0)": exit_code == 0,
        "each hostile feed: reason, errors >= 1, next poll in the future": all(
            r["ok"] for r in hostile_rows.values()
        ),
        "bad-links feed: every forbidden link dead-lettered": links.get("dead_items", 0)
        == len(hostile.forbidden_links()) - 2,
        f"peak memory (PSS) of the daemon tree < {MEMORY_LIMIT_MB} MB": 0 < peak < MEMORY_LIMIT_MB,
        "loopback traps: zero connections": trap.connections == 0
        and (trap6 is None or trap6.connections == 0),
        "tripwire: no attempt outside 127.0.0.0/8": trip == [],
    }
    result = {
        "command": " ".join(["python", "bench/hostile_acceptance.py", *sys.argv[1:]]),
        "seconds": args.seconds,
        "workers": args.workers,
        "interfaces": interfaces,
        "feeds": {"good": len(good), "hostile": len(bad)},
        "stream_entries": len(items),
        "expected_items": len(want),
        "peak_pss_mb": round(peak, 1),
        "peak_rss_sum_mb": round(peak_rss, 1),
        "rss_samples": samples,
        "daemon_alive_at_end": alive,
        "daemon_exit_code": exit_code,
        "polls_of_conditional_feed": hostile.requests["/conditional.xml"],
        "conditional_last_result": by_name.get("conditional", {}).get("last_result"),
        "hostile": hostile_rows,
        "bad_links": {
            k: links.get(k) for k in ("last_result", "items_seen", "dead_items", "last_item_error")
        },
        "trap_connections": [trap.connections] + ([trap6.connections] if trap6 else []),
        "tripwire": trip,
        "checks": checks,
        "passed": all(checks.values()),
    }
    print(status_text)
    print(json.dumps(result, indent=2))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2) + "\n")
    hostile.stop()
    site.stop()
    trap.stop()
    if trap6 is not None:
        trap6.stop()
    redis_proc.terminate()
    redis_proc.wait(timeout=10)
    if result["passed"]:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept {work} (daemon.log) for inspection", file=sys.stderr)
    return 0 if result["passed"] else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=75.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json-out")
    args = parser.parse_args()
    if os.environ.get(INNER_ENV) != "1":
        return outer(sys.argv[1:])
    return inner(args)


if __name__ == "__main__":
    sys.exit(main())
