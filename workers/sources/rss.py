"""RSS and Atom sources: feed bytes in, entries out. No network, no Redis.

feedparser only ever sees bytes we fetched ourselves (never a URL or a path), so it
cannot make requests of its own or read local files.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any

import feedparser

from workers.errors import FeedParseError
from workers.sources.entry import Entry, entry_id
from workers.text import clean_text
from workers.urls import absolute_url, canonical_url

log = logging.getLogger(__name__)

MAX_TITLE_CHARS = 500
MAX_SUMMARY_CHARS = 5000
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: tuple[Entry, ...]
    ttl: float | None  # RSS <ttl> in seconds: a server hint for the next poll
    rejected: tuple[tuple[str, str], ...]  # (link or title, reason) of dropped entries


def parse_feed(body: bytes, feed_name: str, feed_url: str) -> ParsedFeed:
    """Parse RSS/Atom bytes; raises FeedParseError when they are not a usable feed."""
    if not body.strip():
        raise FeedParseError(feed_name, "empty response body")
    if _ENTITY_DECL.search(body[:65536]):
        # Real feeds never declare entities; entity tricks are how XML bombs and XXE work.
        raise FeedParseError(feed_name, "feed declares XML entities (refused: possible XML bomb or XXE)")
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        reason = "not an RSS or Atom feed"
        if parsed.get("bozo"):
            reason += f" ({parsed.get('bozo_exception')})"
        raise FeedParseError(feed_name, reason)
    entries: list[Entry] = []
    rejected: list[tuple[str, str]] = []
    seen_ids: set[str] = set()
    for raw in parsed.entries:
        try:
            entry = _entry(raw, feed_name, feed_url)
        except ValueError as exc:
            what = str(raw.get("link") or raw.get("title") or "?")[:200]
            log.warning("feed %s: dropped entry %s: %s", feed_name, what, exc)
            rejected.append((what, str(exc)))
            continue
        if entry.id not in seen_ids:
            seen_ids.add(entry.id)
            entries.append(entry)
    if parsed.get("bozo") and not entries:
        # Slightly broken feeds are common and still yield entries; one that yields none is refused.
        raise FeedParseError(feed_name, f"malformed feed: {parsed.get('bozo_exception')}")
    return ParsedFeed(
        title=clean_text(str(parsed.feed.get("title", "")), MAX_TITLE_CHARS),
        entries=tuple(entries),
        ttl=_ttl(parsed.feed.get("ttl")),
        rejected=tuple(rejected),
    )


def _entry(raw: Any, feed_name: str, feed_url: str) -> Entry:
    link = str(raw.get("link") or "").strip()
    if not link:
        raise ValueError("entry has no link")
    link = absolute_url(link, feed_url)
    url = canonical_url(link)  # ValueError for javascript:, file:, data: ...
    guid = str(raw.get("id") or "").strip()[:1000]
    title = clean_text(str(raw.get("title") or ""), MAX_TITLE_CHARS)
    summary = clean_text(str(raw.get("summary") or ""), MAX_SUMMARY_CHARS)
    published = _iso(raw.get("published_parsed") or raw.get("updated_parsed"))
    digest = hashlib.sha256(f"{title}\0{summary}\0{published}".encode()).hexdigest()[:16]
    return Entry(
        id=entry_id(feed_name, guid, url),
        feed=feed_name,
        url=url,
        link=link,
        title=title,
        published=published,
        content_hash=digest,
    )


def _iso(struct: Any) -> str:
    if not struct:
        return ""
    try:
        seconds = calendar.timegm(struct)
    except (TypeError, ValueError, OverflowError):
        return ""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ttl(value: Any) -> float | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes * 60.0 if minutes > 0 else None
