"""The source parsers as sandbox adapters: bytes and JSON params in, JSON out.

Every parser of outside bytes runs under a CPU budget in a child process
(``workers.budget``), which answers in JSON, never pickle. These adapters call the pure
parsers there, and the ``*_from_json`` functions rebuild their results in the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from workers.sources import page, rss, sitemap
from workers.sources.entry import Entry


def _pattern(text: object) -> re.Pattern[str] | None:
    return re.compile(str(text)) if text else None


def parse_feed_adapter(payload: bytes, params: dict[str, Any]) -> dict[str, Any]:
    """rss.parse_feed: params ``name`` and ``url``."""
    parsed = rss.parse_feed(payload, str(params["name"]), str(params["url"]))
    return {
        "title": parsed.title,
        "entries": [e.to_dict() for e in parsed.entries],
        "ttl": parsed.ttl,
        "rejected": [list(r) for r in parsed.rejected],
    }


def feed_from_json(data: dict[str, Any]) -> rss.ParsedFeed:
    return rss.ParsedFeed(
        title=str(data["title"]),
        entries=tuple(Entry.from_dict(e) for e in data["entries"]),
        ttl=None if data["ttl"] is None else float(data["ttl"]),
        rejected=tuple((str(a), str(b)) for a, b in data["rejected"]),
    )


def find_links_adapter(payload: bytes, params: dict[str, Any]) -> dict[str, Any]:
    """page.find_links: params ``url``, ``selector``, ``include``, ``exclude``, ``max_links``."""
    listing = page.find_links(
        payload,
        str(params["url"]),
        selector=params.get("selector") or None,
        include=_pattern(params.get("include")),
        exclude=_pattern(params.get("exclude")),
        max_links=int(params.get("max_links", 500)),
        charset=params.get("charset") or None,
    )
    return {
        "links": [[link.url, link.title, link.published] for link in listing.links],
        "anchors": listing.anchors,
        "refused": [list(r) for r in listing.refused],
    }


def listing_from_json(data: dict[str, Any]) -> page.Listing:
    return page.Listing(
        links=tuple(page.Link(str(u), str(t), str(p)) for u, t, p in data["links"]),
        anchors=int(data["anchors"]),
        refused=tuple((str(a), str(b)) for a, b in data["refused"]),
    )


def parse_sitemap_adapter(payload: bytes, params: dict[str, Any]) -> dict[str, Any]:
    """sitemap.parse_sitemap: params ``url``, ``max_bytes``, ``max_urls``."""
    parsed = sitemap.parse_sitemap(
        payload, str(params["url"]), max_bytes=int(params["max_bytes"]), max_urls=int(params["max_urls"])
    )
    return {
        "kind": parsed.kind,
        "urls": [[u.loc, u.lastmod, u.title, u.published] for u in parsed.urls],
        "children": [[c.loc, c.lastmod] for c in parsed.children],
        "truncated": parsed.truncated,
        "dropped": parsed.dropped,
        "recovered": parsed.recovered,
    }


def sitemap_from_json(data: dict[str, Any]) -> sitemap.Sitemap:
    return sitemap.Sitemap(
        kind=str(data["kind"]),
        urls=tuple(
            sitemap.SitemapURL(
                str(loc), None if lastmod is None else float(lastmod), str(title), str(published)
            )
            for loc, lastmod, title, published in data["urls"]
        ),
        children=tuple(
            sitemap.ChildSitemap(str(loc), None if lastmod is None else float(lastmod))
            for loc, lastmod in data["children"]
        ),
        truncated=bool(data["truncated"]),
        dropped=int(data["dropped"]),
        recovered=str(data["recovered"]),
    )


# ``workers.budget.Budget.run``, or :func:`in_process` where no sandbox is wanted (unit tests).
Run = Callable[..., dict[str, Any]]


def in_process(name: str, payload: bytes, params: dict[str, Any], *, what: str) -> dict[str, Any]:
    """Run an adapter here, without a budget: for tests of the parsers' plumbing only."""
    return _BY_NAME[name](payload, params)


def read_feed(run: Run, body: bytes, name: str, url: str) -> rss.ParsedFeed:
    return feed_from_json(run("parse_feed", body, {"name": name, "url": url}, what=url))


def read_listing(
    run: Run,
    body: bytes,
    url: str,
    *,
    selector: str,
    include: str,
    exclude: str,
    max_links: int,
    charset: str = "",
) -> page.Listing:
    params = {
        "url": url,
        "selector": selector,
        "include": include,
        "exclude": exclude,
        "max_links": max_links,
        "charset": charset,
    }
    return listing_from_json(run("find_links", body, params, what=url))


def read_sitemap(run: Run, body: bytes, url: str, *, max_bytes: int, max_urls: int) -> sitemap.Sitemap:
    params = {"url": url, "max_bytes": max_bytes, "max_urls": max_urls}
    return sitemap_from_json(run("parse_sitemap", body, params, what=url))


_BY_NAME = {
    "parse_feed": parse_feed_adapter,
    "find_links": find_links_adapter,
    "parse_sitemap": parse_sitemap_adapter,
}
