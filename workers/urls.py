"""Canonical URLs, so one release reached through different spellings has one identity.

courlan (trafilatura's own URL library) does the heavy lifting: scheme and host case,
default ports, tracking parameters (utm_*, fbclid, gclid, ...), query order. We add
fragment removal and the trailing-slash rule, which identity needs and courlan leaves
optional.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan import normalize_url

ALLOWED_SCHEMES = ("http", "https")


def canonical_url(url: str) -> str:
    """The form used for identity and cross-feed dedup; raises ValueError for non-http(s)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    normalised = normalize_url(url.strip(), strict=False, trailing_slash=False)
    scheme, netloc, path, query, _fragment = urlsplit(normalised)
    return urlunsplit((scheme, netloc, path or "/", query, ""))


def absolute_url(link: str, base: str) -> str:
    """Resolve a feed's possibly relative link against the feed's own address."""
    return urljoin(base, link.strip())
