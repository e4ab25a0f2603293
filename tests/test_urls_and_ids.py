"""Canonical URLs and stable item ids."""

from __future__ import annotations

import pytest

from workers.sources.entry import entry_id
from workers.urls import canonical_url


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("HTTP://Example.COM:80/News/a.html", "http://example.com/News/a.html"),
        ("https://example.com:443/a/", "https://example.com/a"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
    ],
)
def test_canonical_url(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical


@pytest.mark.parametrize(
    "raw", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/a", "mailto:a@b.c", "/rel"]
)
def test_non_http_urls_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        canonical_url(raw)


def test_ids_are_stable_and_scoped() -> None:
    a = entry_id("feed-a", "guid-1", "https://x.org/1")
    assert a == entry_id("feed-a", "guid-1", "https://x.org/other")  # the GUID wins over the link
    assert a != entry_id("feed-b", "guid-1", "https://x.org/1")  # GUIDs are per feed
    # without a GUID the canonical link is the identity, the same in every feed
    assert entry_id("feed-a", "", "https://x.org/1") == entry_id("feed-b", "", "https://x.org/1")
    assert len(a) == 24 and all(c in "0123456789abcdef" for c in a)
