"""The entry every source type produces: what the item pipeline needs of one article."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

from workers.urls import canonical_url


@dataclass(frozen=True)
class Entry:
    """One feed entry, reduced to what the pipeline needs; JSON-safe for RQ."""

    id: str  # stable: hash of the feed-scoped GUID, else of the canonical link
    feed: str
    url: str  # canonical link: identity and cross-feed dedup
    link: str  # the link as published (absolute), which is what we fetch
    title: str
    published: str  # ISO 8601 UTC or ""
    content_hash: str  # detects changed entries with the same id

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(**{name: str(data[name]) for name in cls.__dataclass_fields__})


def entry_id(feed_name: str, guid: str, url: str) -> str:
    """GUIDs are only unique within a feed, so they are scoped by feed name; links are global."""
    key = f"guid\0{feed_name}\0{guid}" if guid else f"url\0{url}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def link_entry(source_name: str, link: str, title: str, published: str) -> Entry:
    """An entry for an article link found on a listing page or in a sitemap.

    It has no GUID, so its id is its canonical URL's (the same id a feed entry without a
    GUID gets): the same release found through a feed, a listing and a sitemap is one item.
    Raises ValueError for a link that is not http(s).
    """
    url = canonical_url(link)
    content_hash = hashlib.sha256(f"{title}\0{published}".encode()).hexdigest()[:16]
    return Entry(
        id=entry_id(source_name, "", url),
        feed=source_name,
        url=url,
        link=link,
        title=title,
        published=published,
        content_hash=content_hash,
    )
