"""The `pressroom` command: run the daemon or its parts, inspect state, read the stream."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from redis import Redis
from redis.exceptions import RedisError

from workers import constants as names
from workers import streams
from workers.errors import PressroomError
from workers.settings import Settings, load_settings

log = logging.getLogger("pressroom")

LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"


def _setup_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format=LOG_FORMAT, stream=sys.stderr, force=True)


def _settings(feeds: Path, redis_url: str | None, data_dir: Path | None) -> Settings:
    settings = load_settings(feeds)
    if redis_url:
        settings = replace(settings, redis_url=redis_url)
    if data_dir:
        settings = replace(settings, data_dir=data_dir)
    return settings


def _connect(settings: Settings) -> Redis:
    """Redis for inspection commands: REDIS_URL, else the embedded server if it is running."""
    url = settings.redis_url
    if not url:
        socket = settings.data_dir / "redis.sock"
        if not socket.exists():
            raise click.ClickException(
                f"no Redis: set REDIS_URL, or start `pressroom run` (embedded Redis socket {socket} not found)"
            )
        url = f"unix://{socket}"
    return Redis.from_url(url)


def _wait_for_redis(url: str) -> None:
    """Redis unreachable at start: wait and say so (with growing pauses), don't crash-loop."""
    delay, started = 0.5, time.monotonic()
    while True:
        try:
            Redis.from_url(url, socket_connect_timeout=2).ping()
            if delay > 0.5:
                log.info("Redis at %s is reachable", _redact(url))
            return
        except RedisError as exc:
            log.warning(
                "waiting for Redis at %s (%.0fs so far): %s", _redact(url), time.monotonic() - started, exc
            )
        time.sleep(delay)
        delay = min(delay * 2, 15.0)


def _redact(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


feeds_option = click.option(
    "--feeds",
    "feeds_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default="feeds.yaml",
    envvar="PRESSROOM_FEEDS",
    show_default=True,
    help="Feed list and settings (YAML).",
)
redis_option = click.option("--redis-url", envvar="REDIS_URL", help="Redis URL (default: embedded Redis).")
data_option = click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="PRESSROOM_DATA_DIR",
    help="Where the embedded Redis keeps its data (default ~/.local/share/pressroom).",
)
log_option = click.option(
    "--log-level",
    default="INFO",
    envvar="PRESSROOM_LOG_LEVEL",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
)


class _Group(click.Group):
    """Turns pressroom's own errors into one clear line and exit code 2, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PressroomError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Group)
@click.version_option(package_name="pressroom")
def main() -> None:
    """pressroom: feeds in, labelled press releases out on Redis streams."""


def _run_supervisor(settings: Settings, *, workers: int, scheduler: bool, once: bool, log_level: str) -> int:
    from workers.context import build_context
    from workers.daemon import Supervisor
    from workers.embedded import EmbeddedRedis

    embedded = None
    try:
        if not settings.redis_url:
            embedded = EmbeddedRedis(settings.data_dir)
            settings = replace(settings, redis_url=embedded.start())
            click.echo(
                f"pressroom: embedded Redis at {settings.redis_url} (data in {settings.data_dir})", err=True
            )
        else:
            _wait_for_redis(settings.redis_url)
        context = build_context(settings)
        supervisor = Supervisor(
            context, workers=workers, run_scheduler=scheduler, once=once, log_level=log_level
        )
        return supervisor.run()
    finally:
        if embedded is not None:
            embedded.stop()


@main.command()
@feeds_option
@redis_option
@data_option
@click.option("--workers", "-w", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True)
@click.option("--once", is_flag=True, help="Poll every feed once, process every new item, then exit.")
@log_option
def run(
    feeds_path: Path, redis_url: str | None, data_dir: Path | None, workers: int, once: bool, log_level: str
) -> None:
    """Run the scheduler and a pool of workers in the foreground."""
    _setup_logging(log_level)
    settings = _settings(feeds_path, redis_url, data_dir)
    sys.exit(_run_supervisor(settings, workers=workers, scheduler=True, once=once, log_level=log_level))


@main.command()
@feeds_option
@click.option("--redis-url", envvar="REDIS_URL", required=True, help="Shared Redis URL.")
@log_option
def scheduler(feeds_path: Path, redis_url: str, log_level: str) -> None:
    """Run only the scheduler (Procfile / multi-host layout)."""
    from workers.daemon import TICK
    from workers.scheduler import Scheduler

    _setup_logging(log_level)
    settings = _settings(feeds_path, redis_url, None)
    _wait_for_redis(redis_url)
    import signal

    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    runner = Scheduler(Redis.from_url(redis_url), settings)
    log.info("scheduler started with %d feed(s)", len(settings.feeds))
    while not stopping:
        try:
            runner.tick()
        except RedisError as exc:
            log.error("Redis unreachable (%s); retrying", exc)
            time.sleep(2)
        time.sleep(TICK)
    log.info("scheduler stopped")


@main.command()
@feeds_option
@click.option("--redis-url", envvar="REDIS_URL", required=True, help="Shared Redis URL.")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True)
@log_option
def worker(feeds_path: Path, redis_url: str, workers: int, log_level: str) -> None:
    """Run only a pool of workers (Procfile / multi-host layout)."""
    _setup_logging(log_level)
    settings = _settings(feeds_path, redis_url, None)
    sys.exit(_run_supervisor(settings, workers=workers, scheduler=False, once=False, log_level=log_level))


@main.command()
@feeds_option
@redis_option
@data_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(feeds_path: Path, redis_url: str | None, data_dir: Path | None, as_json: bool) -> None:
    """Per feed: last poll and result, next poll, items seen, errors; queues and stream."""
    from workers.status import collect, render

    settings = _settings(feeds_path, redis_url, data_dir)
    report = collect(_connect(settings), settings)
    click.echo(json.dumps(report, indent=2) if as_json else render(report))


@main.command()
@feeds_option
@redis_option
@data_option
@click.option("--label", help="Only entries whose primary label is this.")
@click.option("--group", help="Read as this consumer group (XREADGROUP) and acknowledge.")
@click.option("--consumer", default=lambda: f"tail-{os.getpid()}", help="Consumer name within --group.")
@click.option("--follow", "-f", is_flag=True, help="Keep waiting for new entries.")
@click.option("--count", type=click.IntRange(min=1), help="Stop after this many entries.")
@click.option("--stream", default=names.ITEMS_STREAM, show_default=True)
def tail(
    feeds_path: Path,
    redis_url: str | None,
    data_dir: Path | None,
    label: str | None,
    group: str | None,
    consumer: str,
    follow: bool,
    count: int | None,
    stream: str,
) -> None:
    """Print stream entries as JSON lines."""
    redis = _connect(_settings(feeds_path, redis_url, data_dir))
    printed = 0
    after = "0"
    if group:
        streams.ensure_group(redis, stream, group)
    pending = bool(group)  # a restarted consumer first finishes what it had not acknowledged
    while count is None or printed < count:
        block = 2000 if follow else None
        if group:
            batch = streams.read_group(redis, stream, group, consumer, block_ms=block, pending=pending)
            if pending and not batch:
                pending = False
                continue
        else:
            batch = streams.read(redis, stream, after=after, block_ms=block)
        if not batch:
            if follow:
                continue
            break
        for entry in batch:
            after = entry.id
            if count is not None and printed >= count:
                break
            if label is None or entry.fields.get("label") == label:
                click.echo(streams.to_json(entry))
                printed += 1
            if group:
                streams.ack(redis, stream, group, [entry.id])


def _register_classifier_commands() -> None:
    from classifiers.cli import classify_command, evaluate_command, train_command

    for command in (train_command, classify_command, evaluate_command):
        main.add_command(command)


_register_classifier_commands()
