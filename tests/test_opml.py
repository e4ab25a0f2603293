"""OPML import and export: safe parsing, duplicates skipped with reasons, valid OPML 2.0 out."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from tests.sites import Site
from workers.cli import main
from workers.errors import ConfigError
from workers.opml import parse_opml, render_opml
from workers.settings import FeedConfig, load_settings

OPML_DIR = Path(__file__).parent / "resources" / "opml"


def pressroom(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_parse_finds_nested_outlines_in_order() -> None:
    outlines = parse_opml((OPML_DIR / "subscriptions.opml").read_bytes())
    assert [(o.title, o.url) for o in outlines] == [
        ("Lion Rock University", "{{BASE}}/uni/feed.xml"),
        ("Harbour Innovation Park", "{{BASE}}/sciencepark/feed.xml"),
        ("Newswire again", "{{BASE}}/uni/feed.xml?utm_source=reader"),
        ("Old gopher feed", "gopher://example.org/feed"),
        ("KDS Corp Newsroom", "{{BASE}}/corp/feed.xml"),
    ]
    assert outlines[0].line == 6


@pytest.mark.parametrize("name", ["billion-laughs.opml", "xxe.opml"])
def test_entity_tricks_are_refused_before_parsing(name: str) -> None:
    with pytest.raises(ConfigError, match="DOCTYPE or entities"):
        parse_opml((OPML_DIR / name).read_bytes(), name)


def test_malformed_and_foreign_files_are_refused_with_a_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_opml((OPML_DIR / "malformed.opml").read_bytes(), "malformed.opml")
    assert str(caught.value).startswith("malformed.opml:") and caught.value.line is not None
    with pytest.raises(ConfigError, match="not an OPML file"):
        parse_opml(b"<rss version='2.0'><channel/></rss>", "x.opml")


def test_import_adds_new_feeds_and_reports_what_it_skipped(tmp_path: Path, site: Site) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text((OPML_DIR / "subscriptions.opml").read_text().replace("{{BASE}}", site.base))
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        "# mine\nfeeds:\n  - name: corp  # already here\n"
        f"    url: {site.url('corp/feed.xml')}\nfetch:\n  allow_networks: [127.0.0.0/8]\n"
    )
    before = feeds.read_text()
    result = pressroom("feeds", "import", str(opml), "--feeds", str(feeds))
    assert result.exit_code == 0, result.output
    settings = load_settings(feeds)
    assert [(f.name, f.url) for f in settings.feeds] == [
        ("corp", site.url("corp/feed.xml")),
        ("lion-rock-university", site.url("uni/feed.xml")),
        ("harbour-innovation-park", site.url("sciencepark/feed.xml")),
    ]
    assert feeds.read_text().startswith(before.split("fetch:")[0])  # comments and order kept
    skipped = [line for line in result.stdout.splitlines() if line.startswith("skipped")]
    assert skipped == [
        f"skipped {site.url('uni/feed.xml')}?utm_source=reader: already listed as feed "
        f"'lion-rock-university' ({opml}:9)",
        f"skipped gopher://example.org/feed: not an http(s) URL ({opml}:10)",
        f"skipped {site.url('corp/feed.xml')}: already listed as feed 'corp' ({opml}:11)",
    ]
    assert "2 added, 3 skipped" in result.stderr
    assert site.requests == {}  # importing does not fetch; `feeds check` does

    again = pressroom("feeds", "import", str(opml), "--feeds", str(feeds))
    assert again.exit_code == 0 and "0 added, 5 skipped" in again.stderr


def test_import_refuses_a_bomb_and_leaves_the_file(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n")
    result = pressroom("feeds", "import", str(OPML_DIR / "billion-laughs.opml"), "--feeds", str(feeds))
    assert result.exit_code != 0 and "refused: possible XML bomb or XXE" in result.output
    assert feeds.read_text() == "feeds: []\n"


def test_render_escapes_attributes() -> None:
    data = render_opml([FeedConfig("q", 'https://example.org/"quoted"&more', 1.0)])
    assert parse_opml(data)[0].url == 'https://example.org/"quoted"&more'


def test_export_is_valid_opml_2_and_round_trips(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        "feeds:\n  - name: a\n    url: https://example.org/a.xml?x=1&y=2\n"
        "  - name: b\n    url: https://example.org/b<>.xml\n"
    )
    out = tmp_path / "out.opml"
    assert pressroom("feeds", "export", str(out), "--feeds", str(feeds)).exit_code == 0
    root = etree.fromstring(out.read_bytes())
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.find("head/title") is not None and root.find("head/dateCreated") is not None
    assert all(o.get("type") == "rss" and o.get("text") for o in root.iter("outline"))
    assert [(o.title, o.url) for o in parse_opml(out.read_bytes())] == [
        ("a", "https://example.org/a.xml?x=1&y=2"),
        ("b", "https://example.org/b<>.xml"),
    ]
    stdout = pressroom("feeds", "export", "--feeds", str(feeds)).stdout
    assert stdout.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<opml version=\"2.0\">")
    assert parse_opml(stdout.encode())[0].url == "https://example.org/a.xml?x=1&y=2"
