"""The per-process worker context: settings and the clients a job needs, made once.

RQ calls task functions by dotted path with JSON arguments, so a task cannot be handed
its clients directly. Like arq's ``ctx``, the worker process installs one context at
start-up and tasks ask for it. The classifier is loaded before the worker processes
fork (shared copy-on-write); network and Redis clients are made lazily in each process,
because sockets must not be shared across a fork.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from redis import Redis

from workers.errors import ConfigError

if TYPE_CHECKING:
    from classifiers import Classifier
    from workers import robots
    from workers.budget import Budget
    from workers.fetch import Fetcher
    from workers.hosts import HostLimiter
    from workers.settings import Settings
    from workers.streams import Emitter

log = logging.getLogger(__name__)

FEEDS_ENV = "PRESSROOM_FEEDS"


@dataclass
class WorkerContext:
    settings: Settings
    classifier: Classifier
    _pid: int = field(default=-1, repr=False)
    _redis: Redis | None = field(default=None, repr=False)
    _fetcher: Fetcher | None = field(default=None, repr=False)
    _emitter: Emitter | None = field(default=None, repr=False)
    _limiter: HostLimiter | None = field(default=None, repr=False)
    _pool: ThreadPoolExecutor | None = field(default=None, repr=False)
    _robots: robots.Memo | None = field(default=None, repr=False)
    _budget: Budget | None = field(default=None, repr=False)

    def _fresh(self) -> None:
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._redis = self._fetcher = self._emitter = self._limiter = self._pool = self._robots = None
            self._budget = None

    @property
    def redis(self) -> Redis:
        self._fresh()
        if self._redis is None:
            if not self.settings.redis_url:
                raise ConfigError("no Redis URL: set REDIS_URL or use `pressroom run`")
            self._redis = Redis.from_url(self.settings.redis_url)
        return self._redis

    @property
    def fetcher(self) -> Fetcher:
        from workers.fetch import Fetcher

        self._fresh()
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings.fetch)
        return self._fetcher

    @property
    def emitter(self) -> Emitter:
        from workers.streams import Emitter

        self._fresh()
        if self._emitter is None:
            self._emitter = Emitter(
                self.redis,
                maxlen=self.settings.stream_maxlen,
                per_label=self.settings.per_label_streams,
                max_age=self.settings.stream_max_age,
            )
        return self._emitter

    @property
    def limiter(self) -> HostLimiter:
        """Per-host request slots, shared with every other worker through Redis."""
        from workers.hosts import HostLimiter, Politeness

        self._fresh()
        if self._limiter is None:
            self._limiter = HostLimiter(self.redis, Politeness.from_settings(self.settings))
        return self._limiter

    @property
    def fetch_pool(self) -> ThreadPoolExecutor:
        """Threads that fetch a batch's pages, kept across jobs (starting threads per job showed
        in profiles); per-host limits, not the pool size, bound the requests in flight."""
        self._fresh()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.settings.page_concurrency, thread_name_prefix="page-fetch")
        return self._pool

    @property
    def robots_memo(self) -> robots.Memo:
        from workers.robots import Memo

        self._fresh()
        if self._robots is None:
            self._robots = Memo()
        return self._robots

    @property
    def budget(self) -> Budget:
        """The sandbox children that parse outside bytes within ``worker.page_cpu_budget``."""
        from workers import metrics
        from workers.budget import Budget

        self._fresh()
        if self._budget is None:
            self._budget = Budget(self.settings.page_cpu_budget, on_cost=metrics.parser_cost)
        return self._budget

    def close(self) -> None:
        """Release this process's clients (a worker leaving, a test finishing)."""
        if self._pid != os.getpid():
            return  # made by another process (before a fork): not ours to close
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._budget is not None:  # after the fetch threads, which may use it
            self._budget.close()
        if self._fetcher is not None:
            self._fetcher.close()
        if self._redis is not None:
            self._redis.close()
        self._pid = -1
        self._redis = self._fetcher = self._emitter = self._limiter = self._pool = self._robots = None
        self._budget = None


def build_context(settings: Settings) -> WorkerContext:
    """Load the classifier once; everything else is made on first use in each process."""
    from classifiers import load_classifier

    classifier = load_classifier(settings.model_path)
    log.info("classifier %s loaded", classifier.version)
    return WorkerContext(settings=settings, classifier=classifier)


_installed: list[WorkerContext] = []


def install(context: WorkerContext) -> None:
    _installed[:] = [context]


def current() -> WorkerContext:
    """The installed context; a plain `rq worker` builds one from PRESSROOM_FEEDS and REDIS_URL."""
    if not _installed:
        from workers.settings import load_settings

        path = Path(os.environ.get(FEEDS_ENV, "feeds.yaml"))
        install(build_context(load_settings(path)))
    return _installed[0]
