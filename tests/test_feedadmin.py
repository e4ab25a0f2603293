"""`pressroom feeds add|list|check`: real HTTP against the local site, real file edits.

Each edit is checked against the file before it: the old lines must all still be there,
in order, comments included, and only the new feed's lines may have been added.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import free_port
from tests.sites import Site
from workers.cli import main
from workers.errors import ConfigError
from workers.feedadmin import FeedsFile, NewFeed, derive_name, feed_links
from workers.settings import load_settings

HEADER = """\
# Our feeds. Keep this comment.
defaults:
  interval: 1h   # polite
feeds:
  # the university, first
  - name: uni
    url: {uni}
    interval: 30m  # they publish often

# --- network policy (this header belongs to fetch:, not to the last feed) ---
fetch:
  allow_networks: [127.0.0.0/8]
  total_timeout: 5s
"""

PAGE_WITH_FEED_LINK = """<!doctype html><html><head><title>Corp newsroom</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Corp news" href="/corp/feed.xml">
</head><body><p>Newsroom</p></body></html>"""


def feeds_file(tmp_path: Path, site: Site, text: str = HEADER) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(text.format(uni=site.url("uni/feed.xml")))
    return path


def pressroom(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def assert_only_added(before: str, after: str, added: list[str]) -> None:
    """Every old line is kept in order; the new lines are exactly ``added``."""
    old, new = before.splitlines(), after.splitlines()
    extra, i = [], 0
    for line in new:
        if i < len(old) and line == old[i]:
            i += 1
        else:
            extra.append(line)
    assert i == len(old), f"line lost or changed: {old[i]!r}"
    assert extra == added


def test_add_feed_url_keeps_comments_and_order(tmp_path: Path, site: Site) -> None:
    path = feeds_file(tmp_path, site)
    before = path.read_text()
    result = pressroom("feeds", "add", site.url("newswire/feed.xml"), "--feeds", str(path))
    assert result.exit_code == 0, result.output
    after = path.read_text()
    name = load_settings(path).feeds[-1].name
    assert_only_added(before, after, [f"  - name: {name}", f"    url: {site.url('newswire/feed.xml')}"])
    # the new feed sits in the feed list, above the comment that introduces fetch:
    assert after.index(f"name: {name}") < after.index("# --- network policy")
    assert [f.name for f in load_settings(path).feeds] == ["uni", name]
    assert name == "asiapac-newswire-hong-kong-news-releases"[:40]  # from the feed's title
    assert f"added {name}" in result.output and "3 entries" in result.output


def test_add_discovers_the_feed_from_a_web_page(tmp_path: Path, site: Site) -> None:
    site.add("/corp/index.html", PAGE_WITH_FEED_LINK)
    path = feeds_file(tmp_path, site)
    result = pressroom(
        "feeds", "add", site.url("corp/index.html"), "--name", "kds", "--interval", "2h", "--feeds", str(path)
    )
    assert result.exit_code == 0, result.output
    feed = load_settings(path).feed("kds")
    assert feed is not None and feed.url == site.url("corp/feed.xml") and feed.interval == 7200
    assert f"found on {site.url('corp/index.html')}" in result.output
    # a real WordPress article page advertises its site feed the same way
    wordpress = site.url("corp/newsroom/2025/08/kds-wins-innovation-grant/index.html")
    again = pressroom("feeds", "add", wordpress, "--feeds", str(path))
    assert again.exit_code != 0 and "already listed as feed 'kds'" in again.output


@pytest.mark.parametrize(
    ("target", "extra", "message"),
    [
        ("closed-port", [], "Connection refused"),
        (
            "nolink.html",
            [],
            "no feed, sitemap or article listing found: an HTML page, not a feed; the page links no RSS or Atom feed",
        ),
        ("plain.txt", [], "not a feed"),
        ("missing.xml", [], "HTTP 404"),
        ("newswire/feed.xml", ["--name", "uni"], "a feed named 'uni' already exists"),
        ("uni/feed.xml?utm_source=x", [], "already listed as feed 'uni'"),
        ("corp/feed.xml", ["--name", "Not Valid"], "bad feed name"),
        ("corp/feed.xml", ["--interval", "soon"], "bad value for --interval"),
    ],
)
def test_add_refuses_with_a_clear_error_and_leaves_the_file(
    tmp_path: Path, site: Site, target: str, extra: list[str], message: str
) -> None:
    site.add("/plain.txt", "just some text, nothing like a feed", content_type="text/plain")
    site.add("/nolink.html", PAGE_WITH_FEED_LINK.replace('rel="alternate"', 'rel="help"'))
    path = feeds_file(tmp_path, site)
    before = path.read_text()
    url = f"http://127.0.0.1:{free_port()}/feed.xml" if target == "closed-port" else site.url(target)
    result = pressroom("feeds", "add", url, *extra, "--feeds", str(path))
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert path.read_text() == before


def test_add_obeys_the_fetch_policy_of_the_file(tmp_path: Path, site: Site) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds: []\n")  # no allow_networks: loopback is refused, nothing is fetched
    result = pressroom("feeds", "add", site.url("uni/feed.xml"), "--feeds", str(path))
    assert result.exit_code != 0 and "loopback address 127.0.0.1" in result.output
    assert site.requests == {}
    assert path.read_text() == "feeds: []\n"


def test_an_edit_that_breaks_validation_is_refused_with_file_and_line(tmp_path: Path, site: Site) -> None:
    path = feeds_file(tmp_path, site)
    before = path.read_text()
    doc = FeedsFile(path)
    doc.append(NewFeed("Bad Name", site.url("corp/feed.xml")))
    with pytest.raises(ConfigError) as caught:
        doc.save()
    assert str(caught.value).startswith(f"{path}:9: edit refused, file left unchanged: feed 'Bad Name'")
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["feeds.yaml"]  # no temporary file left behind


def test_add_to_a_file_with_unindented_dashes_keeps_its_style(tmp_path: Path, site: Site) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        f"feeds:\n- name: uni\n  url: {site.url('uni/feed.xml')}\nfetch:\n  allow_networks: [127.0.0.0/8]\n"
    )
    before = path.read_text()
    assert (
        pressroom("feeds", "add", site.url("corp/feed.xml"), "--name", "corp", "--feeds", str(path)).exit_code
        == 0
    )
    assert_only_added(before, path.read_text(), ["- name: corp", f"  url: {site.url('corp/feed.xml')}"])


def test_list_and_check(tmp_path: Path, site: Site) -> None:
    site.add("/broken.xml", "<html><body>moved</body></html>")
    extra = "\n".join(
        [
            "  - name: broken",
            f"    url: {site.url('broken.xml')}",
            "  - name: gone",
            f"    url: {site.url('gone.xml')}",
            "  - name: metadata",
            "    url: http://169.254.169.254/latest/meta-data/",
        ]
    )
    path = feeds_file(tmp_path, site, HEADER.replace("\n\n# ---", "\n" + extra + "\n\n# ---"))
    listed = pressroom("feeds", "list", "--json", "--feeds", str(path))
    assert [row["name"] for row in json.loads(listed.stdout)] == ["uni", "broken", "gone", "metadata"]
    assert json.loads(listed.stdout)[0]["interval"] == 1800
    assert "uni" in pressroom("feeds", "list", "--feeds", str(path)).output

    checked = pressroom("feeds", "check", "--json", "--feeds", str(path))
    assert checked.exit_code == 1
    report = {row["name"]: row for row in json.loads(checked.stdout)}
    assert report["uni"]["status"] == "ok" and report["uni"]["entries"] == 4 and report["uni"]["ok"]
    assert report["broken"]["status"] == "not a feed"
    assert report["gone"]["status"] == "HTTP error" and report["gone"]["detail"] == "HTTP 404"
    assert report["metadata"]["status"] == "refused address"
    assert "cloud metadata" in report["metadata"]["detail"]
    assert "3 of 4 feed(s) failed: broken, gone, metadata" in checked.stderr


def test_check_passes_when_every_feed_works(tmp_path: Path, site: Site) -> None:
    result = pressroom("feeds", "check", "--feeds", str(feeds_file(tmp_path, site)))
    assert result.exit_code == 0, result.output
    assert "uni" in result.output and " ok " in result.output


def test_feed_links_and_names() -> None:
    html = b"""<html><head><base href="https://example.org/news/">
    <link rel="alternate" type="application/atom+xml" href="atom.xml">
    <link rel="Alternate" type="application/rss+xml; charset=utf-8" href="/rss.xml">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="alternate" type="text/html" href="/fr/"></head></html>"""
    assert feed_links(html, "https://example.org/") == [
        "https://example.org/news/atom.xml",
        "https://example.org/rss.xml",
    ]
    assert feed_links(b"", "https://example.org/") == []
    assert derive_name("https://www.Example.org/rss", "", []) == "example-org"
    assert derive_name("https://x.org/rss", "Café Société — News!", []) == "cafe-societe-news"
    assert derive_name("https://x.org/rss", "News", ["news", "news-2"]) == "news-3"
