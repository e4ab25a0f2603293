"""`pressroom feeds ...`: add, list, check, import and export the feeds in feeds.yaml.

Thin click wrappers over :mod:`workers.feedadmin` and :mod:`workers.opml`. Every request
goes through the guarded Fetcher with the policy of the feeds file's own ``fetch:``
section, so `feeds add` and `feeds check` obey the same address rules as the daemon.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from workers import feedadmin
from workers.budget import Budget
from workers.cli_options import feeds_option
from workers.fetch import Fetcher
from workers.opml import parse_opml, render_opml
from workers.settings import SOURCE_TYPES, Settings, load_settings


def _settings_or_default(path: Path) -> Settings:
    """A missing file is fine for `add`/`import` (they create it); an invalid one is not."""
    if not path.exists():
        return Settings(feeds=())
    return load_settings(path)


@contextmanager
def _sandbox(settings: Settings) -> Iterator[Budget]:
    """What the commands read is parsed as the daemon parses it: in a child, within the CPU budget."""
    budget = Budget(settings.page_cpu_budget, max_children=1)
    try:
        yield budget
    finally:
        budget.close()


@click.group("feeds")
def feeds() -> None:
    """Manage the feed list in feeds.yaml (comments and order are kept)."""


@feeds.command("add")
@click.argument("url")
@click.option("--name", help="Feed name (default: derived from the feed title or host).")
@click.option("--interval", help="Poll interval for this feed, e.g. 10m (default: defaults.interval).")
@click.option(
    "--type",
    "source_type",
    type=click.Choice(SOURCE_TYPES),
    help="Force the source type (default: a linked feed, else the site's sitemap, else the page as a listing).",
)
@feeds_option
def add_command(
    url: str, name: str | None, interval: str | None, source_type: str | None, feeds_path: Path
) -> None:
    """Add a source given its URL: a feed, a page that links to one, or a newsroom page
    (read through the site's sitemap or as a listing); it is fetched and checked first."""
    settings = _settings_or_default(feeds_path)
    with Fetcher(settings.fetch) as fetcher, _sandbox(settings) as budget:
        added = feedadmin.add_feed(
            feeds_path,
            url,
            fetcher,
            budget.run,
            settings,
            name=name,
            interval=interval,
            source_type=source_type,
        )
    found = added.source
    via = f" (found on {found.found_on})" if found.found_on else ""
    what = "entries" if found.type == "feed" else "article links"
    click.echo(f"type: {found.type}, {found.url}{via}")
    if found.include:
        click.echo(f"include: {found.include} (the shape of the listing's article links)")
    click.echo(
        f"{found.links} {what} now" + (f", title {found.title!r}" if found.title else "") + "; for example:"
    )
    for title, link in found.samples:
        click.echo(f"  {title or '(no title yet)'}\n    {link}")
    click.echo(f"added {added.name}")


@feeds.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@feeds_option
def list_command(as_json: bool, feeds_path: Path) -> None:
    """List the configured feeds."""
    rows = feedadmin.feed_rows(load_settings(feeds_path).feeds)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']:<30} {row['type']:<8} {row['interval']:>7.0f}s  {row['url']}")


@feeds.command("check")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@feeds_option
def check_command(as_json: bool, feeds_path: Path) -> None:
    """Fetch and parse every feed now; exits 1 if any of them fails."""
    settings = load_settings(feeds_path)
    results = []
    with (
        Fetcher(settings.fetch) as fetcher,
        _sandbox(settings) as budget,
        click.progressbar(settings.feeds, label="checking feeds", file=sys.stderr) as bar,
    ):
        for feed in bar:
            results.append(feedadmin.probe(fetcher, budget.run, feed, settings))
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], indent=2))
    else:
        for r in results:
            what = f"{r.detail}  {r.url}" if r.ok else r.detail
            click.echo(f"{r.name:<30} {r.type:<8} {r.status:<16} {what}")
    failed = [r.name for r in results if not r.ok]
    if failed:
        click.echo(f"{len(failed)} of {len(results)} feed(s) failed: {', '.join(failed)}", err=True)
        sys.exit(1)


@feeds.command("import")
@click.argument("opml_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@feeds_option
def import_command(opml_file: Path, feeds_path: Path) -> None:
    """Add every feed of an OPML file, skipping the ones already listed."""
    _settings_or_default(feeds_path)  # refuse to edit a file that is already invalid
    outlines = parse_opml(opml_file.read_bytes(), str(opml_file))
    report = feedadmin.import_outlines(feeds_path, outlines, str(opml_file))
    for name, url in report.added:
        click.echo(f"added {name}: {url}")
    for url, why in report.skipped:
        click.echo(f"skipped {url}: {why}")
    click.echo(f"{len(report.added)} added, {len(report.skipped)} skipped", err=True)


@feeds.command("export")
@click.argument("output", default="-", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@feeds_option
def export_command(output: Path, feeds_path: Path) -> None:
    """Write the feed list as OPML 2.0 to OUTPUT (default: standard output)."""
    data = render_opml(load_settings(feeds_path).feeds)
    if str(output) == "-":
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
