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
from workers import queues, streams
from workers.cli_options import data_option, feeds_option, redis_option, workers_option
from workers.errors import PressroomError
from workers.settings import Settings, load_settings

log = logging.getLogger("pressroom")

LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"


def _setup_logging(level: str, fmt: str = "text") -> None:
    from workers import logs

    logs.setup(level, fmt, sys.stderr)


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
            version = str(Redis.from_url(url, socket_connect_timeout=2).info("server")["redis_version"])
            if delay > 0.5:
                log.info("Redis at %s is reachable", _redact(url))
            break
        except RedisError as exc:
            log.warning(
                "waiting for Redis at %s (%.0fs so far): %s", _redact(url), time.monotonic() - started, exc
            )
        time.sleep(delay)
        delay = min(delay * 2, 15.0)
    if not queues.redis_version_ok(version):
        need = ".".join(map(str, queues.MIN_REDIS_VERSION))
        raise click.ClickException(
            f"Redis at {_redact(url)} is {version}; pressroom needs {need} or newer "
            "(older servers lack LMOVE, without which a killed worker can lose a job)"
        )


def _redact(url: str) -> str:
    from workers.logs import redact_url

    return redact_url(url)


log_option = click.option(
    "--log-level",
    default="INFO",
    envvar="PRESSROOM_LOG_LEVEL",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
)
log_format_option = click.option(
    "--log-format",
    default="text",
    envvar="PRESSROOM_LOG_FORMAT",
    show_default=True,
    type=click.Choice(["text", "json"]),
    help="json: one object per line with feed, url, item_id and job_id fields.",
)


def metrics_options(command: Any) -> Any:
    """--metrics-port/--metrics-host/--metrics-dir: Prometheus /metrics for this process and its workers."""
    for option in reversed(
        (
            click.option(
                "--metrics-port",
                type=click.IntRange(0, 65535),
                envvar="PRESSROOM_METRICS_PORT",
                help="Serve Prometheus metrics on this port (default: none served).",
            ),
            click.option(
                "--metrics-host",
                default="127.0.0.1",
                envvar="PRESSROOM_METRICS_HOST",
                show_default=True,
                help="Address the metrics endpoint listens on.",
            ),
            click.option(
                "--metrics-dir",
                type=click.Path(path_type=Path, file_okay=False),
                envvar="PRESSROOM_METRICS_DIR",
                help="Where worker processes write their samples (default: a fresh private temp dir).",
            ),
        )
    ):
        command = option(command)
    return command


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


def _run_supervisor(
    settings: Settings,
    *,
    workers: int,
    scheduler: bool,
    once: bool,
    log_level: str,
    metrics_port: int | None = None,
    metrics_host: str = "127.0.0.1",
    metrics_dir: Path | None = None,
) -> int:
    from workers import metrics
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
        # before the workers fork: they inherit the sample directory
        with metrics.serving(
            metrics_port, host=metrics_host, directory=metrics_dir, redis_url=settings.redis_url
        ):
            return supervisor.run()
    finally:
        if embedded is not None:
            embedded.stop()


@main.command()
@feeds_option
@redis_option
@data_option
@workers_option
@click.option("--once", is_flag=True, help="Poll every feed once, process every new item, then exit.")
@log_option
@log_format_option
@metrics_options
def run(
    feeds_path: Path,
    redis_url: str | None,
    data_dir: Path | None,
    workers: int,
    once: bool,
    log_level: str,
    log_format: str,
    metrics_port: int | None,
    metrics_host: str,
    metrics_dir: Path | None,
) -> None:
    """Run the scheduler and a pool of workers in the foreground."""
    _setup_logging(log_level, log_format)
    settings = _settings(feeds_path, redis_url, data_dir)
    sys.exit(
        _run_supervisor(
            settings,
            workers=workers,
            scheduler=True,
            once=once,
            log_level=log_level,
            metrics_port=metrics_port,
            metrics_host=metrics_host,
            metrics_dir=metrics_dir,
        )
    )


@main.command()
@feeds_option
@click.option("--redis-url", envvar="REDIS_URL", required=True, help="Shared Redis URL.")
@log_option
@log_format_option
@metrics_options
def scheduler(
    feeds_path: Path,
    redis_url: str,
    log_level: str,
    log_format: str,
    metrics_port: int | None,
    metrics_host: str,
    metrics_dir: Path | None,
) -> None:
    """Run only the scheduler (Procfile / multi-host layout)."""
    from workers import metrics

    _setup_logging(log_level, log_format)
    with metrics.serving(metrics_port, host=metrics_host, directory=metrics_dir, redis_url=redis_url):
        _scheduler_loop(feeds_path, redis_url)


def _scheduler_loop(feeds_path: Path, redis_url: str) -> None:
    from workers.daemon import TICK
    from workers.scheduler import Scheduler

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
        runner.wait(TICK, lambda: bool(stopping))
    log.info("scheduler stopped")


@main.command()
@feeds_option
@click.option("--redis-url", envvar="REDIS_URL", required=True, help="Shared Redis URL.")
@workers_option
@log_option
@log_format_option
@metrics_options
def worker(
    feeds_path: Path,
    redis_url: str,
    workers: int,
    log_level: str,
    log_format: str,
    metrics_port: int | None,
    metrics_host: str,
    metrics_dir: Path | None,
) -> None:
    """Run only a pool of workers (Procfile / multi-host layout)."""
    _setup_logging(log_level, log_format)
    settings = _settings(feeds_path, redis_url, None)
    sys.exit(
        _run_supervisor(
            settings,
            workers=workers,
            scheduler=False,
            once=False,
            log_level=log_level,
            metrics_port=metrics_port,
            metrics_host=metrics_host,
            metrics_dir=metrics_dir,
        )
    )


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
@click.option(
    "--max-heartbeat-age",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    help="Seconds since the scheduler's last tick beyond which it counts as dead.",
)
@click.option(
    "--max-worker-age",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="Seconds since an RQ worker's last heartbeat beyond which it counts as dead.",
)
@click.option("--min-workers", type=click.IntRange(min=1), default=1, show_default=True)
def health(
    feeds_path: Path,
    redis_url: str | None,
    data_dir: Path | None,
    max_heartbeat_age: float,
    max_worker_age: float,
    min_workers: int,
) -> None:
    """Exit 0 if Redis answers, the scheduler ticks and workers live; else 1 with the reason.

    Reads only Redis (never the feeds file), so it works from any directory.
    """
    from workers.health import check
    from workers.settings import default_data_dir

    url = redis_url or f"unix://{(data_dir or default_data_dir(os.environ)) / 'redis.sock'}"
    redis = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=5)
    result = check(
        redis,
        url,
        max_heartbeat_age=max_heartbeat_age,
        max_worker_age=max_worker_age,
        min_workers=min_workers,
    )
    click.echo(result.reason, err=not result.healthy)
    sys.exit(0 if result.healthy else 1)


def _tail_json(entry: streams.StreamEntry) -> str:
    """One entry as a JSON line, with ``labels`` and ``scores`` as JSON values: in the stream
    they are flat strings holding JSON (schema v1), which consumers would have to decode twice.
    A field that does not hold valid JSON is printed as the string it is."""
    out: dict[str, Any] = {"stream_id": entry.id, **entry.fields}
    for name in ("labels", "scores"):
        if name in out:
            out[name] = _json_or_text(out[name])
    return json.dumps(out, ensure_ascii=False)


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


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
@click.option(
    "--claim-idle",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    help="With --group: first take over entries other consumers left unacknowledged this many seconds.",
)
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
    claim_idle: int,
) -> None:
    """Print stream entries as JSON lines."""
    redis = _connect(_settings(feeds_path, redis_url, data_dir))
    printed = 0
    after = "0"
    if group:
        streams.ensure_group(redis, stream, group)
    # With a group: first what crashed consumers left behind, then our own unacknowledged
    # entries (a restart under the same name), then new ones.
    claimed = (
        streams.claim_stale(redis, stream, group, consumer, min_idle_ms=claim_idle * 1000) if group else []
    )
    pending = bool(group)
    while count is None or printed < count:
        block = 2000 if follow else None
        if claimed:
            batch, claimed = claimed, []
        elif group:
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
                click.echo(_tail_json(entry))
                printed += 1
            if group:
                streams.ack(redis, stream, group, [entry.id])


@main.group()
def dead() -> None:
    """Items that gave up (pressroom:dead): list them, or retry after fixing the cause."""


@dead.command("list")
@feeds_option
@redis_option
@data_option
@click.option("--count", type=click.IntRange(min=1), default=100, show_default=True)
def dead_list(feeds_path: Path, redis_url: str | None, data_dir: Path | None, count: int) -> None:
    """Print dead letters as JSON lines (oldest first)."""
    from workers.dead import list_dead

    redis = _connect(_settings(feeds_path, redis_url, data_dir))
    for entry in list_dead(redis, count):
        click.echo(streams.to_json(entry))


@dead.command("retry")
@feeds_option
@redis_option
@data_option
@click.argument("entry_ids", nargs=-1)
@click.option("--all", "retry_all", is_flag=True, help="Retry every dead letter.")
def dead_retry(
    feeds_path: Path,
    redis_url: str | None,
    data_dir: Path | None,
    entry_ids: tuple[str, ...],
    retry_all: bool,
) -> None:
    """Requeue dead letters by stream entry id (see `dead list`), or --all."""
    from workers.dead import retry_dead

    if bool(entry_ids) == retry_all:
        raise click.UsageError("give dead-letter entry ids or --all (not both)")
    settings = _settings(feeds_path, redis_url, data_dir)
    requeued, problems = retry_dead(_connect(settings), settings, None if retry_all else list(entry_ids))
    for problem in problems:
        click.echo(f"pressroom: {problem}", err=True)
    click.echo(f"requeued {requeued} item(s)")
    if problems:
        sys.exit(1)


def _register_classifier_commands() -> None:
    from classifiers.cli import classify_command, evaluate_command, train_command

    for command in (train_command, classify_command, evaluate_command):
        main.add_command(command)


def _register_feed_commands() -> None:
    from workers.cli_feeds import feeds

    main.add_command(feeds)


_register_classifier_commands()
_register_feed_commands()
