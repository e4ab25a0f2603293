"""The scheduler: decides which feeds are due and queues a poll job for each.

It holds no state of its own: the schedule lives in Redis (see ``workers.state``), so it
can be restarted at any time, and several schedulers can run against one Redis without
polling a feed twice. It also watches feeds.yaml and applies valid edits live.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from workers import constants as names
from workers import queues, staging, state
from workers.errors import ConfigError
from workers.settings import Settings, load_settings

log = logging.getLogger(__name__)

HEARTBEAT_TTL = 60
REFILL_EVERY = 0.05  # seconds between item-queue top-ups while waiting for the next tick...
# ...doubling up to this while top-ups find nothing to do (nothing staged, or the queue full
# enough). They are a backstop: a poll tops the queue up after staging, and a worker after
# each batch. At 20 a second they cost an idle daemon 1% of a core.
REFILL_IDLE = 0.2


class ConfigWatcher:
    """Reloads the feeds file when it changes; a bad edit is refused and the old config stays."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stamp = self._stat(settings.source)

    @staticmethod
    def _stat(path: Path | None) -> tuple[int, int, int] | None:
        if path is None:
            return None
        try:
            info = os.stat(path)
        except OSError:
            return None
        # nanosecond mtime and inode: editors that save by rename, and same-size edits, both show
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    def poll(self) -> bool:
        """True when a new valid configuration was loaded."""
        source = self.settings.source
        stamp = self._stat(source)
        if source is None or stamp is None or stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            fresh = load_settings(source)
        except ConfigError as exc:
            log.error("feeds file changed but is invalid, keeping the running configuration: %s", exc)
            return False
        # Only the feed list is live; connection and worker settings need a restart.
        self.settings = dataclasses.replace(self.settings, feeds=fresh.feeds)
        log.info("reloaded %s: %d feed(s)", source, len(fresh.feeds))
        return True


class Scheduler:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.watcher = ConfigWatcher(settings)
        self.housekeeping = queues.Housekeeping(redis)
        self._synced = False
        self._refill_error_logged = float("-inf")
        self._refill_pause = REFILL_EVERY

    @property
    def settings(self) -> Settings:
        return self.watcher.settings

    def tick(self, now: float | None = None, *, poll: bool = True) -> list[str]:
        """One pass: RQ housekeeping (due retries, abandoned jobs); apply config changes and queue
        polls for due feeds.

        Returns the names of the feeds whose poll was queued.
        """
        now = time.time() if now is None else now
        self.housekeeping.run(now)
        if not poll:
            return []
        if self.watcher.poll() or not self._synced:
            removed = state.sync_schedule(self.redis, [f.name for f in self.settings.feeds], now)
            for name in removed:
                log.info("feed %s removed from the schedule", name)
            self._synced = True
        self.redis.set(names.SCHEDULER_HEARTBEAT_KEY, f"{now:.3f}", ex=HEARTBEAT_TTL)
        due = [self.settings.feed(name) for name in state.claim_due(self.redis, now)]
        feeds = [f for f in due if f is not None]  # None: removed by another scheduler's newer config
        queues.enqueue_polls(self.redis, [dataclasses.asdict(f) for f in feeds], self.settings)
        queued = [f.name for f in feeds]
        if queued:
            log.debug("queued polls for %s", ", ".join(queued))
        return queued

    def refill(self) -> int:
        """Form item batches from staging when the item queue runs short (see workers.staging).

        Cheap when nothing is staged; the daemon calls it more often than ``tick``.
        """
        return staging.refill(self.redis, self.settings)

    def wait(self, seconds: float, stopping: Callable[[], bool]) -> None:
        """Sleep until the next tick, topping the item queue up meanwhile: workers drain a
        queued batch in well under a tick, and an idle worker would otherwise wait for one."""
        until = time.monotonic() + seconds
        while not stopping():
            formed = 0
            try:
                formed = self.refill()
            except RedisError as exc:  # an unreachable Redis is reported by the tick; anything else here
                now = time.monotonic()
                if now >= self._refill_error_logged + 60:
                    self._refill_error_logged = now
                    log.warning("forming item batches failed (%s); retrying", exc)
            self._refill_pause = REFILL_EVERY if formed else min(REFILL_IDLE, 2 * self._refill_pause)
            left = until - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(self._refill_pause, left))

    def poll_all_now(self) -> list[str]:
        """For `--once`: every feed is due right now."""
        names_ = [f.name for f in self.settings.feeds]
        state.sync_schedule(self.redis, names_)
        state.schedule_all_now(self.redis, names_)
        self._synced = True
        return self.tick()
