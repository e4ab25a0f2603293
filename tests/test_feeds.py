"""Feed parsing: bytes in, entries out; hostile input refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from workers.errors import FeedParseError
from workers.sources.entry import Entry
from workers.sources.rss import parse_feed

FEEDS = Path(__file__).parent / "resources" / "feeds"


def load(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_rss2_entries() -> None:
    parsed = parse_feed(load("rss2.xml"), "uni", "https://news.example.edu/rss.xml")
    assert parsed.title == "Example University & News"
    assert parsed.ttl == 1800
    first, second = parsed.entries
    assert first.title == "University signs MoU with a research institute"  # markup stripped
    assert first.url == "https://news.example.edu/2025/mou.html"  # tracking parameters gone
    assert first.link.startswith("https://news.example.edu/2025/mou.html?utm_source=rss")
    assert first.published == "2025-06-26T00:00:00Z"
    assert second.link == "https://news.example.edu/2025/fund.html"  # relative link resolved
    assert second.published == "2025-06-27T10:30:00Z"
    reasons = dict(parsed.rejected)
    assert "not an http(s) URL" in reasons["javascript:alert(document.cookie)"]
    assert any(link.startswith("file:") and "not an http(s) URL" in why for link, why in reasons.items())
    assert reasons["No link at all"] == "entry has no link"


def test_atom_entry_and_fragment() -> None:
    parsed = parse_feed(load("atom.xml"), "park", "https://park.example.org/atom")
    (entry,) = parsed.entries
    assert entry.url == "https://park.example.org/news/tour"
    assert entry.published == "2025-01-20T09:00:00Z"
    assert parsed.ttl is None


def test_entry_roundtrips_through_json_dict() -> None:
    entry = parse_feed(load("atom.xml"), "park", "https://park.example.org/atom").entries[0]
    assert Entry.from_dict(entry.to_dict()) == entry


def test_ids_are_stable_across_parses_and_content_hash_tracks_changes() -> None:
    body = load("rss2.xml")
    a = parse_feed(body, "uni", "https://news.example.edu/rss.xml").entries[0]
    b = parse_feed(body, "uni", "https://news.example.edu/rss.xml").entries[0]
    changed = parse_feed(
        body.replace(b"Both parties will share patents.", b"Updated text."),
        "uni",
        "https://news.example.edu/rss.xml",
    ).entries[0]
    assert a.id == b.id == changed.id
    assert a.content_hash == b.content_hash != changed.content_hash


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("malformed.xml", "malformed feed"),
        ("not-a-feed.html", "not an RSS or Atom feed"),
        ("billion-laughs.xml", "declares XML entities"),
        ("xxe.xml", "declares XML entities"),
    ],
)
def test_bad_feeds_are_refused_with_reason(name: str, reason: str) -> None:
    with pytest.raises(FeedParseError) as info:
        parse_feed(load(name), "bad-feed", "https://x.org/feed")
    assert reason in str(info.value)
    assert "bad-feed" in str(info.value)


def test_empty_body_is_refused() -> None:
    with pytest.raises(FeedParseError, match="empty response body"):
        parse_feed(b"  \n", "empty", "https://x.org/feed")
