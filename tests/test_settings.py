"""feeds.yaml validation: good files load, bad ones name the file, line, feed and key."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from workers.errors import ConfigError
from workers.settings import load_settings, parse_duration, parse_settings, parse_size

GOOD = """\
defaults:
  interval: 15m
feeds:
  - name: polyu-news
    url: https://example.org/news/rss.xml
    interval: 10m
  - name: hkust
    url: http://example.com/feed
fetch:
  user_agent: "pressroom/0.1 (+contact)"
  allow_networks: [127.0.0.0/8]
  max_page_size: 2MiB
worker:
  batch_size: 4
  retry_delays: [1s, 2s]
stream:
  per_label: true
"""


def test_good_file_loads_with_converted_values() -> None:
    settings = parse_settings(GOOD, "feeds.yaml", environ={"REDIS_URL": "redis://h:1/0"})
    assert [f.name for f in settings.feeds] == ["polyu-news", "hkust"]
    assert settings.feeds[0].interval == 600
    assert settings.feeds[1].interval == 900  # the default applies
    assert settings.fetch.user_agent == "pressroom/0.1 (+contact)"
    assert settings.fetch.allow_networks == (ipaddress.ip_network("127.0.0.0/8"),)
    assert settings.max_page_bytes == 2 * 2**20
    assert settings.batch_size == 4
    assert settings.retry_delays == (1.0, 2.0)
    assert settings.per_label_streams is True
    assert settings.redis_url == "redis://h:1/0"


def test_environment_picks_data_dir(tmp_path: Path) -> None:
    settings = parse_settings(GOOD, environ={"PRESSROOM_DATA_DIR": str(tmp_path)})
    assert settings.data_dir == tmp_path
    assert settings.redis_url is None


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        (
            "feeds:\n  - name: a\n    url: https://x.org/\n    colour: red\n",
            4,
            "unknown key 'colour' in feed 'a'",
        ),
        ("feedz: []\n", 1, "unknown key 'feedz'"),
        (
            "feeds:\n  - name: a\n    url: https://x.org/1\n  - name: a\n    url: https://x.org/2\n",
            4,
            "feed 'a': duplicate feed name (first defined at line 2)",
        ),
        ("feeds:\n  - name: a\n    url: ftp://x.org/\n", 3, "feed 'a': bad value for 'url'"),
        ("feeds:\n  - name: a\n    url: https://x.org/\n    interval: soon\n", 4, "bad value for 'interval'"),
        ("feeds:\n  - name: a\n", 2, "missing required key 'url'"),
        ("feeds:\n  - name: Bad Name\n    url: https://x.org/\n", 2, "'name' must be lowercase"),
        ("defaults:\n  interval: -5\n", 2, "defaults: bad value for 'interval'"),
        ("fetch:\n  allow_networks: [not-a-net]\n", 2, "not-a-net"),
        ("feeds:\n  - name: a\n    url: https://x.org/\n  bad indent\n", None, "invalid YAML"),
        ("feeds: [1, 2]\n", 1, "feeds[0] must be a mapping"),
        ("worker:\n  batch_size: 0\n", 2, "bad value for 'batch_size'"),
        (
            "feeds:\n  - name: a\n    url: https://x.org/\n    type: blog\n",
            4,
            "feed 'a': bad value for 'type'",
        ),
        (
            "feeds:\n  - name: a\n    url: https://x.org/\n    include: '[news'\n",
            4,
            "not a valid regular expression",
        ),
        (
            "feeds:\n  - name: a\n    url: https://x.org/\n    type: page\n    links: 'div[['\n",
            5,
            "not a valid CSS selector",
        ),
        (
            "feeds:\n  - name: a\n    url: https://x.org/\n    links: 'a.title'\n",
            4,
            "'links' applies to type: page only",
        ),
        (
            "feeds:\n  - name: a\n    url: https://x.org/\n    type: page\n    max_age: 7d\n",
            5,
            "'max_age' applies to type: sitemap only",
        ),
        (
            "feeds:\n  - name: a\n    url: https://x.org/\n    type: sitemap\n    max_age: later\n",
            5,
            "bad value for 'max_age'",
        ),
    ],
)
def test_bad_files_are_refused_with_location(text: str, line: int | None, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_settings(text, "feeds.yaml")
    message = str(info.value)
    assert needle in message
    assert message.startswith("feeds.yaml")
    if line is not None:
        assert info.value.line == line, message


def test_source_keys_load_with_their_defaults() -> None:
    text = (
        "defaults:\n  interval: 1h\nfeeds:\n"
        "  - name: f\n    url: https://x.org/rss\n    exclude: '/tag/'\n"
        "  - name: p\n    url: https://x.org/news/\n    type: page\n    links: 'div.item a'\n"
        "  - name: s\n    url: https://x.org/sitemap.xml\n    type: sitemap\n    include: '/news/20'\n    max_age: 7d\n"
        "  - name: q\n    url: https://x.org/press/\n    type: page\n    interval: 2h\n"
    )
    feed, page, sitemap, slow = parse_settings(text, "feeds.yaml").feeds
    assert (feed.type, feed.interval, feed.exclude, feed.include) == ("feed", 3600.0, "/tag/", "")
    assert (page.type, page.links, page.interval) == ("page", "div.item a", 1800.0)  # sources default to 30m
    assert (sitemap.type, sitemap.include, sitemap.max_age) == ("sitemap", "/news/20", 7 * 86400.0)
    assert slow.interval == 7200.0


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read feeds file"):
        load_settings(tmp_path / "nope.yaml")


def test_shipped_feeds_file_is_valid() -> None:
    settings = load_settings(Path(__file__).parent.parent / "feeds.yaml", environ={})
    assert settings.feeds, "the shipped feeds.yaml should list real feeds"
    assert all(f.url.startswith("https://") for f in settings.feeds)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("30s", 30),
        ("5m", 300),
        ("1h", 3600),
        ("1d", 86400),
        (45, 45),
        ("90", 90),
        ("1.5h", 5400),
        ("250ms", 0.25),
    ],
)
def test_durations(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["", "5 minutes", "-1m", 0, True, "1w"])
def test_bad_durations(value: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(value)


@pytest.mark.parametrize(
    ("value", "size"), [("5MiB", 5 * 2**20), ("200KB", 200_000), (1024, 1024), ("1gib", 2**30)]
)
def test_sizes(value: object, size: int) -> None:
    assert parse_size(value) == size
