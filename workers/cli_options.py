"""Command-line options shared by the `pressroom` commands and the `pressroom feeds` group."""

from __future__ import annotations

from pathlib import Path

import click

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
