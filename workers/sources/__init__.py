"""Source types: each module turns the bytes of one kind of source into the same entries.

    rss       RSS and Atom feeds
    page      a newsroom listing page, read for its article links
    sitemap   XML, text and Google News sitemaps, and sitemap indexes

All of them are pure (bytes in, values out): fetching, state and scheduling live in
``workers.tasks`` and ``workers.polling``.
"""

from __future__ import annotations

from workers.sources.entry import Entry, entry_id

SOURCE_TYPES = ("feed", "page", "sitemap")

__all__ = ["SOURCE_TYPES", "Entry", "entry_id"]
