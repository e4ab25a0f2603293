"""`pressroom health`: exit 0 only when Redis answers, a scheduler ticks and workers live."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from redis import Redis

from tests.conftest import free_port, start_redis
from tests.daemons import environment, write_site_feeds
from tests.sites import Site
from workers import constants as names
from workers.cli import main


def health(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["health", *args])
    return result.exit_code, result.output.strip()


def test_redis_down_is_reported_with_the_url_but_not_the_password(tmp_path: Path) -> None:
    port = free_port()
    server = start_redis(tmp_path, port)
    url = f"redis://:s3cret@127.0.0.1:{port}/0"
    assert (
        health("--redis-url", url)[1] == "no scheduler heartbeat (no scheduler has ticked for over a minute)"
    )
    server.terminate()
    server.wait(timeout=10)

    result = subprocess.run(
        [sys.executable, "-m", "workers", "health", "--redis-url", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"redis unreachable at redis://:***@127.0.0.1:{port}/0: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "s3cret" not in result.stderr + result.stdout


def test_dead_scheduler_fails(redis_url: str, redis: Redis) -> None:
    code, reason = health("--redis-url", redis_url)
    assert (code, reason) == (1, "no scheduler heartbeat (no scheduler has ticked for over a minute)")
    redis.set(names.SCHEDULER_HEARTBEAT_KEY, f"{time.time() - 95:.3f}", ex=60)
    code, reason = health("--redis-url", redis_url)
    assert (code, reason) == (1, "scheduler heartbeat 95 s old (limit 30 s)")
    code, reason = health("--redis-url", redis_url, "--max-heartbeat-age", "120")
    assert (code, reason) == (1, "no live workers")  # the heartbeat passes; nothing works the queues


def test_running_daemon_is_healthy(tmp_path: Path, site: Site, redis_url: str) -> None:
    env = environment(tmp_path, redis_url)
    feeds = write_site_feeds(tmp_path, site)
    daemon_log = (tmp_path / "daemon.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "workers", "run", "--feeds", str(feeds), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=daemon_log,
    )
    try:
        deadline = time.monotonic() + 60
        code, reason = 1, "never checked"
        while time.monotonic() < deadline:
            result = subprocess.run(
                [sys.executable, "-m", "workers", "health"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            code, reason = result.returncode, (result.stdout or result.stderr).strip()
            if code == 0:
                break
            time.sleep(0.5)
        assert code == 0, reason + "\n" + (tmp_path / "daemon.log").read_text()[-3000:]
        assert reason.startswith("ok: scheduler heartbeat ") and reason.endswith(", 2 live worker(s)")
        code, reason = health("--redis-url", redis_url, "--min-workers", "3")
        assert (code, reason) == (1, "only 2 live worker(s), expected at least 3")
    finally:
        process.terminate()
        process.wait(timeout=30)
        daemon_log.close()
