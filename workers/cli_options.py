"""Command-line options shared by the `pressroom` commands and the `pressroom feeds` group."""

from __future__ import annotations

import os
from pathlib import Path

import click

# Two worker processes per core: a worker waits for its batch's first pages and for the
# slowest one, and a second worker keeps the core busy meanwhile (docs/benchmarks.md).
# Each costs about 95 MB.
DEFAULT_WORKERS = 2 * (os.cpu_count() or 1)
workers_option = click.option(
    "--workers",
    "-w",
    type=click.IntRange(min=1),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Worker processes (default: two per CPU core).",
)

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
