"""What `pressroom feeds add` and `feeds check` learn of an address: is it a feed, a site
with sitemaps, or a newsroom listing page, and what does it show now?

``choose`` probes in the order the operator would look: a feed the page links to (or the
address is a feed itself), then the site's sitemaps (``Sitemap:`` lines of robots.txt,
``/sitemap.xml``, the news sitemaps they list), then the page read as a listing. A
sitemap covers the whole site, so it is chosen only when it holds recent URLs of the
same shape as the listing's article links, and its entry gets an ``include`` pattern
of that shape: the sitemap finds every release, the pattern keeps out the rest.

Only the :class:`~workers.fetch.Fetcher` passed in touches the network; no Redis.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import islice
from urllib.parse import urljoin, urlsplit

import lxml.html

from workers.errors import FeedParseError, FetchError, PressroomError, SourceParseError
from workers.fetch import Fetcher, Response
from workers.polling import (
    FEED_ACCEPT,
    MAX_LINKS,
    PAGE_ACCEPT,
    SITEMAP_ACCEPT,
    SitemapWalk,
    header_charset,
    recent_releases,
)
from workers.polling import read_listing as read_configured_listing
from workers.settings import SOURCE_MAX_AGE, SOURCE_TYPES, FeedConfig, Settings
from workers.sources import page, shapes, sitemap
from workers.sources.sandboxed import Run, read_feed, read_listing

SAMPLES = 5  # sample titles printed by `feeds add`
WELL_KNOWN_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml")


@dataclass(frozen=True)
class Source:
    """What one address offers: the entry to write, and what it shows now."""

    type: str  # feed, page or sitemap
    url: str  # the address to poll
    title: str  # the feed's title, else ""
    links: int  # entries (feed) or article links (page, sitemap) it shows now
    samples: tuple[tuple[str, str], ...]  # (title, url) of up to SAMPLES of them
    include: str = ""  # for a sitemap found from a listing: the shape of its article URLs
    found_on: str | None = None  # the page it was found from, when that is not ``url``


def choose(fetcher: Fetcher, run: Run, url: str, settings: Settings, *, forced: str | None = None) -> Source:
    """The source behind ``url``; raises FetchError or a parse error saying what was tried."""
    if forced is not None and forced not in SOURCE_TYPES:
        raise SourceParseError(url, f"unknown type {forced!r} (choose from {', '.join(SOURCE_TYPES)})")
    cap = (
        settings.max_sitemap_bytes
        if forced == "sitemap"
        else max(settings.max_page_bytes, settings.max_feed_bytes)
    )
    response = fetcher.get(url, max_bytes=cap, accept=FEED_ACCEPT)
    tried: list[str] = []
    if forced in (None, "feed"):
        found = _as_feed(fetcher, run, url, response, settings, tried)
        if found is not None or forced == "feed":
            if found is None:
                raise FeedParseError(url, "; ".join(tried))
            return found
    listing = _listing(run, response) if _is_html(response) else None
    if forced in (None, "sitemap"):
        found = _sitemap_source(fetcher, run, url, response, listing, settings, tried)
        if found is not None or forced == "sitemap":
            if found is None:
                raise SourceParseError(url, "no usable sitemap: " + "; ".join(tried))
            return found
    if listing is not None and listing.links:
        return Source(
            "page", url, "", len(listing.links), _samples((lk.title, lk.url) for lk in listing.links)
        )
    tried.append("the page shows no article links" if listing is not None else "not an HTML page")
    raise SourceParseError(url, "no feed, sitemap or article listing found: " + "; ".join(tried))


def describe(fetcher: Fetcher, run: Run, config: FeedConfig, settings: Settings) -> Source:
    """Read a configured source as a poll would (no state: a sitemap's children all count)."""
    if config.type == "feed":
        response = fetcher.get(config.url, max_bytes=settings.max_feed_bytes, accept=FEED_ACCEPT)
        parsed = read_feed(run, response.body, config.name, response.url)
        samples = _samples((e.title, e.link) for e in parsed.entries)
        return Source("feed", config.url, parsed.title, len(parsed.entries), samples)
    if config.type == "page":
        response = fetcher.get(config.url, max_bytes=settings.max_page_bytes, accept=PAGE_ACCEPT)
        listing = read_configured_listing(run, response, config)
        if not listing.links:
            raise SourceParseError(
                config.name, f"the listing page shows no article links ({listing.anchors} links in all)"
            )
        return Source(
            "page", config.url, "", len(listing.links), _samples((lk.title, lk.url) for lk in listing.links)
        )
    response = fetcher.get(config.url, max_bytes=settings.max_sitemap_bytes, accept=SITEMAP_ACCEPT)
    urls = _walk(fetcher, run, config, response, settings)
    recent = _recent(urls, config)
    return Source(
        "sitemap", config.url, "", len(recent), _samples((u.title, u.loc) for u in recent), config.include
    )


def _as_feed(
    fetcher: Fetcher, run: Run, url: str, response: Response, settings: Settings, tried: list[str]
) -> Source | None:
    try:
        parsed = read_feed(run, response.body, url, response.url)
    except FeedParseError as exc:
        tried.append("an HTML page, not a feed" if _is_html(response) else f"not a feed ({exc.reason})")
    else:
        return Source(
            "feed",
            url,
            parsed.title,
            len(parsed.entries),
            _samples((e.title, e.link) for e in parsed.entries),
        )
    links = _feed_links(response) if _is_html(response) else []
    if not links:
        tried.append("the page links no RSS or Atom feed")
    for link in links:
        try:
            answer = fetcher.get(link, max_bytes=settings.max_feed_bytes, accept=FEED_ACCEPT)
            parsed = read_feed(run, answer.body, link, answer.url)
        except (FetchError, FeedParseError) as exc:
            tried.append(f"linked feed {link}: {getattr(exc, 'reason', exc)}")
            continue
        samples = _samples((e.title, e.link) for e in parsed.entries)
        return Source("feed", link, parsed.title, len(parsed.entries), samples, found_on=url)
    return None


def _sitemap_source(
    fetcher: Fetcher,
    run: Run,
    url: str,
    response: Response,
    listing: page.Listing | None,
    settings: Settings,
    tried: list[str],
) -> Source | None:
    """The site's sitemap, scoped to the listing's article URLs, if it holds recent ones."""
    include = _shape_of(url, listing) if listing is not None else ""
    if listing is not None and not include:  # a whole site's sitemap, unscoped, is no newsroom
        why = "share no folder" if listing.links else "are none (the page may be drawn by JavaScript)"
        tried.append(f"no sitemap: the listing's article links {why} to scope one with")
        return None
    config = FeedConfig(name="probe", url=url, interval=0.0, type="sitemap", include=include)
    for candidate in [url] if listing is None else _sitemap_addresses(fetcher, url, settings):
        try:
            first = (
                response
                if candidate == url
                else fetcher.get(candidate, max_bytes=settings.max_sitemap_bytes, accept=SITEMAP_ACCEPT)
            )
            urls = _walk(fetcher, run, replace(config, url=candidate), first, settings)
        except PressroomError as exc:
            tried.append(f"sitemap {candidate}: {getattr(exc, 'reason', exc)}")
            continue
        recent = _recent(urls, config)
        if recent:
            samples = _samples((u.title, u.loc) for u in recent)
            return Source("sitemap", candidate, "", len(recent), samples, include, found_on=url)
        scope = f" under {include}" if include else ""
        tried.append(
            f"sitemap {candidate}: no URLs{scope} modified in the last {SOURCE_MAX_AGE / 86400:.0f} days"
        )
    return None


def _sitemap_addresses(fetcher: Fetcher, url: str, settings: Settings) -> list[str]:
    """robots.txt's ``Sitemap:`` lines first, then the well-known names."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    found: list[str] = []
    try:
        robots_txt = fetcher.get(origin + "/robots.txt", max_bytes=512 * 1024, accept="text/plain")
        found = sitemap.sitemaps_from_robots(robots_txt.body, robots_txt.url)
    except FetchError:
        pass
    for path in WELL_KNOWN_SITEMAPS:
        address = urljoin(origin, path)
        if address not in found:
            found.append(address)
    return found


def _walk(
    fetcher: Fetcher, run: Run, config: FeedConfig, first: Response, settings: Settings
) -> list[sitemap.SitemapURL]:
    def get(url: str, etag: str | None, last_modified: str | None) -> Response:
        return fetcher.get(url, max_bytes=settings.max_sitemap_bytes, accept=SITEMAP_ACCEPT)

    walk = SitemapWalk(get, run, config, {}, settings.max_sitemap_bytes)
    walk.read(first, depth=1)
    return walk.urls


def _recent(urls: list[sitemap.SitemapURL], config: FeedConfig) -> list[sitemap.SitemapURL]:
    return recent_releases(urls, config, now=time.time(), since=None)


def _shape_of(listing_url: str, listing: page.Listing) -> str:
    """The path prefix most article links share (``/news/``, ``/en/media/``), as a regex; ""
    if none does. A language segment (``/en/``, ``/tc/``) does not scope anything on its own:
    the prefix runs to the first segment after it."""
    prefixes: Counter[str] = Counter()
    for link in listing.links:
        segments = [s for s in urlsplit(link.url).path.split("/") if s][:-1]  # folders only
        while segments and shapes.is_language_segment(segments[0]):
            segments = segments[1:] if len(segments) > 1 else []
        head = [s for s in urlsplit(link.url).path.split("/") if s]
        if segments:
            depth = head.index(segments[0]) + 1
            prefixes["/" + "/".join(head[:depth]) + "/"] += 1
    if not prefixes:
        return ""
    prefix, count = prefixes.most_common(1)[0]
    return re.escape(prefix) if count * 2 >= len(listing.links) else ""


def _listing(run: Run, response: Response) -> page.Listing | None:
    try:
        return read_listing(
            run,
            response.body,
            response.url,
            selector="",
            include="",
            exclude="",
            max_links=MAX_LINKS,
            charset=header_charset(response),
        )
    except SourceParseError:
        return None


def _page_title(response: Response) -> str:
    """The listing's own <title>, for naming its entry ("" when it has none)."""
    try:
        doc = lxml.html.document_fromstring(response.body, parser=lxml.html.HTMLParser(no_network=True))
    except (ValueError, lxml.etree.ParserError):
        return ""
    return " ".join((doc.findtext(".//title") or "").split())[:200]


def _is_html(response: Response) -> bool:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml") or b"<html" in response.body[:4096].lower()


def _feed_links(response: Response) -> list[str]:
    return feed_links(response.body, response.url)


FEED_TYPES = ("application/rss+xml", "application/atom+xml")


def feed_links(html: bytes, base_url: str) -> list[str]:
    """Feed addresses a page advertises with ``<link rel="alternate" type="...rss/atom+xml">``."""
    try:
        parser = lxml.html.HTMLParser(no_network=True, remove_comments=True)
        doc = lxml.html.document_fromstring(html, parser=parser)
    except (ValueError, lxml.etree.ParserError):
        return []
    base = next((b.get("href") for b in doc.iter("base") if b.get("href")), None)
    base_url = urljoin(base_url, base) if base else base_url
    links: list[str] = []
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            url = urljoin(base_url, href)
            if urlsplit(url).scheme in ("http", "https") and url not in links:
                links.append(url)
    return links


def _samples(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The first SAMPLES (title, url) pairs, for `feeds add` to print."""
    return tuple(islice(pairs, SAMPLES))
