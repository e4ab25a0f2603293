"""The reading half of a poll, for each source type: fetch what the source needs, parse it
with the pure parser of ``workers.sources``, and hand back entries.

    feed      one conditional GET, parsed as RSS/Atom
    page      one conditional GET of the newsroom listing, read for its article links
    sitemap   the sitemap (conditional GET); an index is followed to its urlsets (at most
              two levels, at most MAX_CHILDREN changed children per poll, newest first), and
              each child is read again only when its ``lastmod`` or its validators changed

``workers.tasks.poll_feed`` decides what is new and schedules the next poll; this module
only reads. Listing pages and sitemaps are fetched as article pages are: robots.txt
first (when ``fetch.robots_txt`` is on), inside the host's request slots. Feeds are not
checked against robots.txt: a feed is published to be polled.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from redis.exceptions import RedisError

from workers import metrics, robots
from workers.context import WorkerContext
from workers.costs import record_cost
from workers.errors import FetchError, SourceParseError
from workers.fetch import Response
from workers.queues import SITEMAP_POLL_REQUESTS
from workers.settings import FeedConfig
from workers.sources import sandboxed, shapes, sitemap
from workers.sources.entry import Entry, link_entry
from workers.sources.page import Listing

log = logging.getLogger(__name__)

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
SITEMAP_ACCEPT = "application/xml, text/xml;q=0.9, text/plain;q=0.5, */*;q=0.3"
MAX_CHILDREN = 50  # child sitemaps read per poll (the cap); the rest wait for the next poll
MAX_DEPTH = 2  # an index may point at indexes, whose children must be urlsets
MAX_SITEMAP_URLS = 50_000  # per file, the sitemap protocol's own limit
MAX_LINKS = 500  # article links kept from one listing page
MAX_SKIPPED = 50  # skipped URLs and children kept per poll, for the log and status
MAX_LISTING_ANCHORS = 20_000  # a page with more links than this is no newsroom listing


@dataclass(frozen=True)
class Found:
    """What one poll read: the entries, and what the next poll needs to remember."""

    response: Response  # the source's own answer (its headers give the validators and hints)
    entries: tuple[Entry, ...] = ()
    title: str = ""
    ttl: float | None = None  # RSS <ttl>: a server hint for the next poll
    rejected: tuple[tuple[str, str], ...] = ()
    links: int | None = None  # article links the source shows now (page and sitemap sources)
    children: dict[str, str] = field(default_factory=dict)  # sitemap child -> its state (JSON)
    listed: tuple[str, ...] = ()  # sitemap: every matching URL read, as listed (state.known_urls)

    @property
    def not_modified(self) -> bool:
        return self.response.not_modified

    def state_fields(self, now: float) -> dict[str, Any]:
        """What the source's state keeps of this read: validators, counts and, for a sitemap,
        its children (read by the next poll; ``links`` tells a redesign from a quiet week)."""
        fields: dict[str, Any] = {
            "etag": self.response.headers.get("etag", ""),
            "last_modified": self.response.headers.get("last-modified", ""),
            "title": self.title,
            "entries": len(self.entries),
            "rejected": len(self.rejected),
            "skipped": f"{len(self.rejected)}, e.g. {self.rejected[0][0]}: {self.rejected[0][1]}"
            if self.rejected
            else "",
            "last_ok": now,
        }
        if self.links is not None:
            fields["links"] = self.links
        if self.children:
            fields["children"] = encode_children(self.children)
        return fields


def read_source(ctx: WorkerContext, config: FeedConfig, previous: dict[str, str], now: float) -> Found:
    """Read one source of any type; raises FetchError or a parse error naming the source."""
    reader = _READERS[config.type]
    return reader(ctx, config, previous, now)


def _get(
    ctx: WorkerContext,
    kind: str,
    url: str,
    *,
    max_bytes: int,
    accept: str,
    etag: str | None = None,
    last_modified: str | None = None,
    check_robots: bool = False,
) -> Response:
    if check_robots and ctx.settings.robots_txt:
        robots.check(
            ctx.redis,
            ctx.fetcher,
            ctx.limiter,
            url,
            user_agent=ctx.settings.fetch.user_agent,
            memo=ctx.robots_memo,
        )
    with ctx.limiter.slot(url):
        return metrics.timed_fetch(
            kind,
            ctx.fetcher.get,
            url,
            max_bytes=max_bytes,
            etag=etag,
            last_modified=last_modified,
            accept=accept,
        )


def _sandbox(ctx: WorkerContext, config: FeedConfig) -> sandboxed.Run:
    """Parse in the worker's sandbox children, within the CPU budget; costly parses are logged."""

    def run(name: str, payload: bytes, params: dict[str, Any], *, what: str) -> dict[str, Any]:
        pending = ctx.budget.submit(name, payload, params, what=what)
        try:
            return pending.result()
        finally:
            try:
                record_cost(ctx.redis, pending, feed=config.name)
            except RedisError as exc:  # the log is a convenience: the parse's own outcome counts
                log.warning("could not log the cost of parsing %s: %s", what, exc)

    return run


def _revalidate(
    ctx: WorkerContext, kind: str, config: FeedConfig, previous: dict[str, str], max_bytes: int, accept: str
) -> Response:
    """The source's conditional GET, with the validators its last answer gave (robots.txt first
    for a listing page: a feed is published to be polled)."""
    return _get(
        ctx,
        kind,
        config.url,
        max_bytes=max_bytes,
        accept=accept,
        etag=previous.get("etag") or None,
        last_modified=previous.get("last_modified") or None,
        check_robots=kind != "feed",
    )


def read_listing(run: sandboxed.Run, response: Response, config: FeedConfig) -> Listing:
    """A configured listing page's article links (its selector and patterns, the answer's charset)."""
    return sandboxed.read_listing(
        run,
        response.body,
        response.url,
        selector=config.links,
        include=config.include,
        exclude=config.exclude,
        max_links=MAX_LINKS,
        charset=header_charset(response),
    )


def _read_feed(ctx: WorkerContext, config: FeedConfig, previous: dict[str, str], now: float) -> Found:
    response = _revalidate(ctx, "feed", config, previous, ctx.settings.max_feed_bytes, FEED_ACCEPT)
    if response.not_modified:
        return Found(response)
    parsed = sandboxed.read_feed(_sandbox(ctx, config), response.body, config.name, response.url)
    kept = _filtered(parsed.entries, config)
    return Found(response, kept, parsed.title, parsed.ttl, parsed.rejected)


def _read_page(ctx: WorkerContext, config: FeedConfig, previous: dict[str, str], now: float) -> Found:
    response = _revalidate(ctx, "listing", config, previous, ctx.settings.max_page_bytes, PAGE_ACCEPT)
    if response.not_modified:
        return Found(response)
    listing = read_listing(_sandbox(ctx, config), response, config)
    if listing.anchors > MAX_LISTING_ANCHORS:
        raise SourceParseError(
            config.name,
            f"the page has {listing.anchors} links, more than a newsroom listing holds "
            f"(at most {MAX_LISTING_ANCHORS}): refused",
        )
    shown_before = int(previous.get("links") or 0)
    if not listing.links:
        how = f"it showed {shown_before} before" if shown_before else "none found on a first read"
        hint = (
            "a redesign? set 'links:' to a CSS selector" if shown_before else "set 'links:' to a CSS selector"
        )
        raise SourceParseError(
            config.name,
            f"the listing page shows no article links ({how}, {listing.anchors} links in all): {hint}",
        )
    entries, rejected = _entries(
        config.name, ((link.url, link.title, link.published) for link in listing.links)
    )
    return Found(response, entries, links=len(listing.links), rejected=(*listing.refused, *rejected))


def _read_sitemap(ctx: WorkerContext, config: FeedConfig, previous: dict[str, str], now: float) -> Found:
    def get(url: str, etag: str | None, last_modified: str | None) -> Response:
        return _get(
            ctx,
            "sitemap",
            url,
            max_bytes=ctx.settings.max_sitemap_bytes,
            accept=SITEMAP_ACCEPT,
            etag=etag,
            last_modified=last_modified,
            check_robots=True,
        )

    response = get(config.url, previous.get("etag") or None, previous.get("last_modified") or None)
    if response.not_modified:
        return Found(response)
    since = float(previous["last_ok"]) if previous.get("last_ok") else None
    known = decode_children(previous.get("children"))
    seconds = ctx.settings.fetch.total_timeout * (SITEMAP_POLL_REQUESTS - 2)  # within the job's timeout
    walk = SitemapWalk(get, _sandbox(ctx, config), config, known, ctx.settings.max_sitemap_bytes, seconds)
    walk.read(response, depth=1)
    if not walk.urls and not walk.matching and walk.rejected:
        raise SourceParseError(
            config.name, "no sitemap could be read: " + "; ".join(why for _, why in walk.rejected[:3])
        )
    if walk.matching == 0 and int(previous.get("links") or 0) > 0:
        raise SourceParseError(
            config.name,
            f"the sitemap lists no matching URLs now (it listed {previous['links']} before): moved or emptied?",
        )
    recent = recent_releases(walk.urls, config, now=now, since=since)
    # A lastmod is when a page last changed, not when it was published: only a news sitemap's
    # publication date (it comes with its news:title) is taken; else the article's own date.
    entries, rejected = _entries(
        config.name, ((u.loc, u.title, u.published if u.title else "") for u in recent)
    )
    return Found(
        response,
        entries,
        links=walk.matching,
        children=walk.children,
        rejected=(*walk.rejected, *rejected),
        listed=walk.listed(),
    )


GetChild = Callable[[str, str | None, str | None], Response]  # (url, etag, last_modified) -> answer


class SitemapWalk:
    """One poll's walk down a sitemap index: which children to read, and what they held.

    ``known`` is what the last poll recorded of each child (its ``lastmod``, validators and
    how many matching URLs it held): a child whose ``lastmod`` is unchanged is not fetched,
    one that is gets a conditional GET, so a large site costs a handful of requests a poll.
    """

    def __init__(
        self,
        get: GetChild,
        run: sandboxed.Run,
        config: FeedConfig,
        known: dict[str, dict[str, Any]],
        max_bytes: int,
        seconds: float = float("inf"),
    ) -> None:
        self.get, self.run, self.config, self.known, self.max_bytes = get, run, config, known, max_bytes
        self.deadline = time.monotonic() + seconds  # children left unread then wait for the next poll
        self.site = shapes.site(urlsplit(config.url).netloc)[0]
        self.urls: list[sitemap.SitemapURL] = []
        self.children: dict[str, str] = {}  # child loc -> its state as JSON (written after the poll)
        self.rejected: list[tuple[str, str]] = []
        self.matching = 0  # URLs that pass include/exclude, whatever their age
        self.visited: set[str] = set()
        self.budget = MAX_CHILDREN
        self.include = _pattern(config.include)
        self.exclude = _pattern(config.exclude)

    def _own(self, loc: str) -> bool:
        """The sitemap protocol lists a site's own pages only: another site's are refused."""
        if shapes.site(urlsplit(loc).netloc)[0] == self.site:
            return True
        if len(self.rejected) < MAX_SKIPPED:
            self.rejected.append((loc[:200], "another site's URL in this site's sitemap: not read"))
        return False

    def listed(self) -> tuple[str, ...]:
        """The matching URLs read, as listed: a later poll takes only URLs not among the ones
        listed before, whatever their lastmod says (generators restamp them). Kept as written
        (an entry's ``link``), not canonicalised: a walk may read millions."""
        return tuple(u.loc for u in self.urls if _wanted(u.loc, self.include, self.exclude))

    def read(self, response: Response, depth: int) -> None:
        self.visited.add(response.url)
        parsed = sandboxed.read_sitemap(
            self.run, response.body, response.url, max_bytes=self.max_bytes, max_urls=MAX_SITEMAP_URLS
        )
        if parsed.truncated:
            self.rejected.append((response.url, f"more than {MAX_SITEMAP_URLS} URLs: the rest were not read"))
        if parsed.kind != "index":
            own = [u for u in parsed.urls if self._own(u.loc)]
            self.urls.extend(own)
            self.matching += sum(1 for u in own if _wanted(u.loc, self.include, self.exclude))
            return
        if depth >= MAX_DEPTH:
            self.rejected.append(
                (response.url, f"a sitemap index nested deeper than {MAX_DEPTH} levels: not read")
            )
            return
        ordered = sitemap.newest_children(parsed.children, limit=len(parsed.children))
        # undated children come last; later in an index is usually newer (monthly, numbered)
        undated = [c for c in ordered if c.lastmod is None]
        for child in [c for c in ordered if c.lastmod is not None] + undated[::-1]:
            if not self._own(child.loc):
                continue
            if child.loc in self.visited:
                self.rejected.append(
                    (child.loc, "a sitemap index that points back at itself: not read again")
                )
                continue
            self._read_child(child, depth)

    def _read_child(self, child: sitemap.ChildSitemap, depth: int) -> None:
        before = self.known.get(child.loc, {})
        unchanged_lastmod = child.lastmod is not None and before.get("lastmod") == child.lastmod
        if unchanged_lastmod and before.get("matching") is not None:
            self.children[child.loc] = json.dumps(before)  # nothing new there: keep its state
            self.matching += int(before["matching"])
            return
        if self.budget <= 0 or time.monotonic() > self.deadline:  # next poll: its state is not advanced
            if before:
                self.children[child.loc] = json.dumps(before)
                self.matching += int(before.get("matching") or 0)
            return
        self.budget -= 1
        self.visited.add(child.loc)
        try:
            response = self.get(child.loc, before.get("etag") or None, before.get("last_modified") or None)
        except FetchError as exc:
            if before:  # transient or not, the child is tried again at the next poll
                self.children[child.loc] = json.dumps(before)
                self.matching += int(before.get("matching") or 0)
            self.rejected.append((child.loc, str(exc)))
            return
        if response.not_modified and before.get("matching") is not None:
            self.children[child.loc] = json.dumps({**before, "lastmod": child.lastmod})
            self.matching += int(before["matching"])
            return
        matching_before, urls_before = self.matching, len(self.urls)
        try:
            self.read(response, depth + 1)
        except SourceParseError as exc:
            self.rejected.append((child.loc, exc.reason))
            return
        self.children[child.loc] = json.dumps(
            {
                "lastmod": child.lastmod,
                "etag": response.headers.get("etag", ""),
                "last_modified": response.headers.get("last-modified", ""),
                "matching": self.matching - matching_before,
                "urls": len(self.urls) - urls_before,
            }
        )


def decode_children(raw: str | None) -> dict[str, dict[str, Any]]:
    if not raw:
        return {}
    try:
        stored = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(stored, dict):
        return {}
    decoded: dict[str, dict[str, Any]] = {}
    for loc, value in stored.items():
        try:
            state = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            continue
        if isinstance(state, dict):
            decoded[str(loc)] = state
    return decoded


def encode_children(children: dict[str, str]) -> str:
    """The children's states as one feed-state field (bounded: at most a few hundred children)."""
    return json.dumps(children, sort_keys=True)


def recent_releases(
    urls: list[sitemap.SitemapURL], config: FeedConfig, *, now: float, since: float | None
) -> list[sitemap.SitemapURL]:
    """The URLs of a sitemap walk a poll may take: recent (``sitemap.recent_urls``'s rule) and
    not a section page (``hub_urls``)."""
    hubs = hub_urls(u.loc for u in urls)
    recent = sitemap.recent_urls(
        urls,
        now=now,
        max_age=config.max_age,
        since=since,
        include=_pattern(config.include),
        exclude=_pattern(config.exclude),
    )
    return [u for u in recent if u.loc not in hubs]


def header_charset(response: Response) -> str:
    """The charset the HTTP answer declares ("" if none): it overrides the page's own."""
    for part in response.headers.get("content-type", "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("'\"")
    return ""


def hub_urls(locs: Iterable[str]) -> set[str]:
    """The URLs of a sitemap that are folders of two or more of its other URLs.

    Sitemaps list a site's section pages beside its articles (``/news/`` beside
    ``/news/2025/some-release``), and the section page matches any include pattern its
    articles match; it is a listing, not a release. An article is rarely the folder of
    two other pages, so a URL that is one is left out.
    """
    children: Counter[str] = Counter()
    by_folder: dict[str, str] = {}
    for loc in locs:
        parts = urlsplit(loc)
        path = parts.path or "/"
        folder = path if path.endswith("/") else path + "/"
        by_folder.setdefault(f"{parts.netloc.lower()}{folder}", loc)
        ancestors = path.rstrip("/").split("/")[:-1]
        for depth in range(1, len(ancestors) + 1):
            children[f"{parts.netloc.lower()}{'/'.join(ancestors[:depth])}/"] += 1
    return {loc for key, loc in by_folder.items() if children[key] >= 2}


def _pattern(text: str) -> re.Pattern[str] | None:
    return re.compile(text) if text else None


def _wanted(url: str, include: re.Pattern[str] | None, exclude: re.Pattern[str] | None) -> bool:
    return (include is None or include.search(url) is not None) and (
        exclude is None or exclude.search(url) is None
    )


def _filtered(entries: tuple[Entry, ...], config: FeedConfig) -> tuple[Entry, ...]:
    """include/exclude apply to feed entries too (on the link as published)."""
    include, exclude = _pattern(config.include), _pattern(config.exclude)
    if include is None and exclude is None:
        return entries
    return tuple(e for e in entries if _wanted(e.link, include, exclude))


def _entries(
    source_name: str, links: Iterable[tuple[str, str, str]]
) -> tuple[tuple[Entry, ...], tuple[tuple[str, str], ...]]:
    """Entries for (url, title, published) links, each URL once; unusable links are reported."""
    kept: dict[str, Entry] = {}
    rejected: list[tuple[str, str]] = []
    for url, title, published in links:
        try:
            entry = link_entry(source_name, url, title, published)
        except ValueError as exc:
            rejected.append((url[:200], str(exc)))
            continue
        kept.setdefault(entry.id, entry)
    return tuple(kept.values()), tuple(rejected)


_READERS: dict[str, Callable[[WorkerContext, FeedConfig, dict[str, str], float], Found]] = {
    "feed": _read_feed,
    "page": _read_page,
    "sitemap": _read_sitemap,
}
