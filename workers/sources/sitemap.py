"""Sitemap sources: sitemap bytes in, article URLs (or child sitemaps) out. No network, no Redis.

Why sitemaps: most publishers pressroom exists for have no feed, but nearly all have a
sitemap, and a news sitemap is a feed in all but name. What makes them awkward is size and
hostility, so every step here is capped:

* gzip bodies (``sitemap.xml.gz``) are inflated in 1 MiB steps up to ``max_bytes``: a gzip
  bomb is refused after ``max_bytes`` of output, never expanded in full;
* any DOCTYPE or ENTITY declaration is refused before parsing (billion laughs, XXE); lxml
  then parses with entities, DTDs and the network all off anyway;
* the XML is fed to lxml in 64 KiB chunks and finished entries are dropped after each
  chunk, so memory stays flat whatever the file size; reading stops after ``max_urls``
  entries (``truncated``), and one entry of more than ``MAX_ENTRY_NODES`` elements is
  refused;
* namespaces are ignored (many sitemaps omit ``xmlns`` or use a wrong schema URL): only
  local names count. Image, video and hreflang extensions are skipped.

An HTML page (a soft 404), an RSS feed or garbage raises SourceParseError with the reason.
Broken XML is retried once in lxml's recover mode (same safe options), after escaping
every ``&`` that is not one of XML's five entities: unescaped query strings are the usual
breakage, and recover mode alone would silently cut ``&lang=en`` out of the URL. The
result says so in ``recovered``; one that yields no entry is refused.

Which URLs a poll should take is ``recent_urls``'s job (read its rule: a first poll never
takes a whole site); which child sitemaps to read is the poll's (``workers.polling.SitemapWalk``:
depth, loops, unchanged children), in ``newest_children``'s order.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import itertools
import logging
import re
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

from lxml import etree

from workers.errors import SourceParseError
from workers.text import clean_text

log = logging.getLogger(__name__)

MAX_CHILDREN = 50_000  # child sitemaps read from one index (the protocol's own limit)
MAX_ENTRY_NODES = 10_000  # elements in one <url>: Google allows 1,000 images, each a few elements
MAX_URL_CHARS = 4096  # the protocol says 2,048; longer ones are junk, not articles
MAX_ROBOTS_BYTES = 512 * 1024  # Google reads this much of a robots.txt
MAX_ROBOTS_SITEMAPS = 50
FIRST_POLL_LIMIT = 100  # URLs a first poll takes at most, newest first
FIRST_POLL_UNDATED = 10  # of those, when the sitemap dates nothing at all
SINCE_SLACK = 86400.0  # sitemaps are regenerated and cached late: look back a day past `since`
FUTURE_SLACK = 86400.0  # a lastmod further ahead than this is a broken generator, not a date
_CHUNK = 64 * 1024
_INFLATE_STEP = 2**20
_MAX_PROLOG = 64 * 1024
_TITLE_CHARS = 500

_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_PROLOG_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_HTML_DOCTYPE = re.compile(rb"<!DOCTYPE\s+html", re.IGNORECASE)
_ROOT_NAME = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_BARE_AMP = re.compile(rb"&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9A-Fa-f]+);)")  # no DTD: no other entity
_SPACE = re.compile(r"\s")
_PLAIN_HTTP_URL = re.compile(
    r"https?://(?:[^\s/?#@]*@)?[^\s/?#@:\[\]]+(?::\d{1,5})?(?:[/?#]\S*)?", re.IGNORECASE
)
_SHORT_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?!\d)")
_ROBOTS_SITEMAP = re.compile(r"^[ \t]*sitemap[ \t]*:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
_ENTRY_FIELDS = ("{*}loc", "{*}lastmod", "{*}news")
_NEWS_FIELDS = ("{*}publication_date", "{*}title")
_SAFE_PARSER = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


@dataclass(frozen=True)
class SitemapURL:
    loc: str  # absolute http(s) URL
    lastmod: float | None  # epoch seconds: the newer of <lastmod> and news:publication_date
    title: str  # news:title, else ""
    published: str  # ISO 8601 UTC from news:publication_date, else from <lastmod>, else ""


@dataclass(frozen=True)
class ChildSitemap:
    loc: str
    lastmod: float | None


@dataclass(frozen=True)
class Sitemap:
    kind: str  # "urlset" | "index" | "text"
    urls: tuple[SitemapURL, ...]  # empty for an index
    children: tuple[ChildSitemap, ...]  # empty for a urlset
    truncated: bool  # more entries than the cap: the rest were not read
    dropped: int = 0  # entries without a usable absolute http(s) <loc>, or repeated ones
    recovered: str = ""  # the XML error that recover mode read past ("" for clean XML)


def parse_sitemap(body: bytes, url: str, *, max_bytes: int, max_urls: int = 50_000) -> Sitemap:
    """Read an XML, news, gzip or text sitemap or a sitemap index; SourceParseError if it is none."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body, url, max_bytes)
    if len(body) > max_bytes:
        raise SourceParseError(url, f"sitemap exceeds the {max_bytes}-byte cap")
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SourceParseError(url, "UTF-16 sitemap (the protocol requires UTF-8)")
    body = body.removeprefix(b"\xef\xbb\xbf")
    start = body.lstrip()[:1]
    if not start:
        raise SourceParseError(url, "empty sitemap")
    if start != b"<":
        return _parse_text(body, url, max_urls)
    body = body.lstrip()  # a stray newline before <?xml (PHP templates) is an XML error
    kind = _root_kind(body, url)
    cap = max_urls if kind == "urlset" else MAX_CHILDREN
    try:
        return _parse_xml(body, url, kind, cap, recover=False)
    except etree.LxmlError as exc:
        try:
            sitemap = _parse_xml(_BARE_AMP.sub(b"&amp;", body), url, kind, cap, recover=True)
        except etree.LxmlError:
            sitemap = Sitemap(kind, (), (), False)
        if not sitemap.urls and not sitemap.children:
            raise SourceParseError(url, f"malformed XML: {exc}") from None
        log.warning("sitemap %s: malformed XML read in recover mode: %s", url, exc)
        return replace(sitemap, recovered=str(exc))


def _gunzip(body: bytes, url: str, max_bytes: int) -> bytes:
    """Inflate step by step, so a bomb costs at most max_bytes of memory before it is refused."""
    out = bytearray()
    inflater = zlib.decompressobj(31)
    data = body
    while True:
        try:
            piece = inflater.decompress(data, min(_INFLATE_STEP, max_bytes - len(out) + 1))
        except zlib.error as exc:
            raise SourceParseError(url, f"corrupt gzip sitemap: {exc}") from None
        out += piece
        if len(out) > max_bytes:
            raise SourceParseError(url, f"gzip sitemap inflates past the {max_bytes}-byte cap (gzip bomb?)")
        if inflater.eof:  # another gzip member may follow; trailing zeros or junk are ignored
            data = inflater.unused_data.lstrip(b"\0")
            if not data.startswith(b"\x1f\x8b"):
                return bytes(out)
            inflater = zlib.decompressobj(31)
            continue
        data = inflater.unconsumed_tail
        if not data and not piece:
            raise SourceParseError(url, "truncated gzip sitemap")


def _root_kind(body: bytes, url: str) -> str:
    """Name the document by its root element, refusing HTML, feeds and any DTD before parsing."""
    head = body[:_MAX_PROLOG]
    pos = 0
    while match := _PROLOG_SKIP.match(head, pos):
        pos = match.end()
    head = head[pos:].lstrip()
    if _HTML_DOCTYPE.match(head):
        raise SourceParseError(url, "an HTML page (a soft 404?), not a sitemap")
    if _DECLARATION.search(body):
        raise SourceParseError(
            url, "sitemap declares a DOCTYPE or entities (refused: possible XML bomb or XXE)"
        )
    root = _ROOT_NAME.match(head)
    name = root.group(1).decode("ascii").lower() if root else ""
    if name == "urlset":
        return "urlset"
    if name == "sitemapindex":
        return "index"
    if name == "html":
        raise SourceParseError(url, "an HTML page (a soft 404?), not a sitemap")
    if name in ("rss", "feed", "rdf"):
        raise SourceParseError(url, f"an RSS/Atom feed (<{name}>), not a sitemap: use type: feed")
    what = f"root element <{name}>" if name else "no root element"
    raise SourceParseError(url, f"{what}: not a sitemap (expected <urlset> or <sitemapindex>)")


def _parse_xml(body: bytes, url: str, kind: str, cap: int, *, recover: bool) -> Sitemap:
    entry_tag = "url" if kind == "urlset" else "sitemap"
    parser = etree.XMLPullParser(
        events=("start", "end"),
        tag=("{*}urlset", "{*}sitemapindex", "{*}url", "{*}sitemap"),
        recover=recover,
        **_SAFE_PARSER,
    )
    root: etree._Element | None = None
    urls: list[SitemapURL] = []
    children: list[ChildSitemap] = []
    seen: set[str] = set()
    read = dropped = 0
    for offset in range(0, len(body), _CHUNK):
        parser.feed(body[offset : offset + _CHUNK])
        for event, element in parser.read_events():
            if root is None:
                root = element  # the first start event: _root_kind made sure it is the root
            if event == "start" or element.getparent() is not root or _local(element) != entry_tag:
                continue
            if read >= cap:
                return Sitemap(kind, tuple(urls), tuple(children), True, dropped)
            read += 1
            fields = _fields(element)
            loc = _absolute(fields.get("loc", ""), url)
            if not loc or loc in seen:
                dropped += 1
                continue
            seen.add(loc)
            lastmod = _epoch(fields.get("lastmod"))
            if kind == "index":
                children.append(ChildSitemap(loc, lastmod))
                continue
            published = _epoch(fields.get("publication_date"))
            title = clean_text(fields.get("title", ""), _TITLE_CHARS)
            known = [stamp for stamp in (lastmod, published) if stamp is not None]
            newest = max(known) if known else None
            urls.append(SitemapURL(loc, newest, title, _iso(lastmod if published is None else published)))
        if root is not None and len(root):
            del root[:-1]  # finished entries were read above; keep memory flat
            if sum(1 for _ in itertools.islice(root[-1].iter(), MAX_ENTRY_NODES + 1)) > MAX_ENTRY_NODES:
                raise SourceParseError(
                    url, f"a sitemap entry holds over {MAX_ENTRY_NODES} elements (refused)"
                )
    parser.close()  # raises XMLSyntaxError for a truncated document (unless recovering)
    return Sitemap(kind, tuple(urls), tuple(children), False, dropped)


def _fields(entry: etree._Element) -> dict[str, str]:
    """loc, lastmod, and news:publication_date/title; the first of each wins, extensions are skipped."""
    found: dict[str, str] = {}
    for child in entry.iterchildren(*_ENTRY_FIELDS):  # lxml filters in C: no proxy per extension
        name = _local(child)
        if name == "news":
            for part in child.iterchildren(*_NEWS_FIELDS):
                found.setdefault(_local(part), part.text or "")
        else:
            found.setdefault(name, child.text or "")
    return found


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""  # comments and entities: no str tag


def _absolute(loc: str, base: str) -> str:
    """The absolute http(s) form of a <loc>, or "" for anything else (mailto:, javascript:, junk)."""
    loc = loc.strip()
    if not loc or len(loc) > MAX_URL_CHARS:
        return ""
    if _PLAIN_HTTP_URL.fullmatch(loc):  # nearly every <loc>: skip urljoin's cost (half the parse time)
        return loc
    try:
        absolute = urljoin(base, loc)
        parts = urlsplit(absolute)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a malformed IPv6 host, a port out of range
        return ""
    return absolute if ok and not _SPACE.search(absolute) else ""


def _parse_text(body: bytes, url: str, max_urls: int) -> Sitemap:
    """One absolute URL per line (the protocol's text format); mostly-prose bodies are refused."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceParseError(url, "neither XML nor UTF-8 text: not a sitemap") from None
    urls: list[SitemapURL] = []
    seen: set[str] = set()
    dropped = 0
    for line in text.splitlines():
        if not (line := line.strip()):
            continue
        if len(urls) >= max_urls:
            return Sitemap("text", tuple(urls), (), True, dropped)
        loc = line if len(line) <= MAX_URL_CHARS and _PLAIN_HTTP_URL.fullmatch(line) else ""
        if not loc or loc in seen:
            dropped += 1
            continue
        seen.add(loc)
        urls.append(SitemapURL(loc, None, "", ""))
    if not urls or dropped > len(urls):
        raise SourceParseError(
            url, f"text with {len(urls)} URL lines and {dropped} other lines: not a sitemap"
        )
    return Sitemap("text", tuple(urls), (), False, dropped)


def _epoch(text: str | None) -> float | None:
    """W3C datetime (YYYY, YYYY-MM-DD, ...Thh:mm[:ss[.s]]TZD), or RFC 822; no zone means UTC."""
    if not text or not (text := text.strip()):
        return None
    try:
        if not text[:4].isdigit():
            stamp = email.utils.parsedate_to_datetime(text)  # RFC 822, from broken generators
        elif short := _SHORT_DATE.fullmatch(text):  # W3C's coarse forms, which fromisoformat refuses
            year, month, day = short.groups()
            stamp = dt.datetime(int(year), int(month or 1), int(day or 1))
        else:
            stamp = dt.datetime.fromisoformat(text.upper())  # C code: the usual forms, and lowercase t/z
        if not 1970 <= stamp.year <= 2200:  # 0000-00-00 placeholders and typos, not dates
            return None
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)).timestamp()
    except (ValueError, TypeError, OverflowError):
        return None


@functools.lru_cache(maxsize=4096)
def _iso(epoch: float | None) -> str:
    """ISO 8601 UTC, as feed entries carry it; cached, as many sitemaps repeat their dates."""
    if epoch is None:
        return ""
    try:
        return "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*time.gmtime(epoch)[:6])
    except (OverflowError, OSError, ValueError):
        return ""


def sitemaps_from_robots(body: bytes, base_url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt: absolute http(s) URLs, first seen first, capped."""
    text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace").removeprefix("\ufeff")
    found: list[str] = []
    for match in _ROBOTS_SITEMAP.finditer(text):
        loc = _absolute(match.group(1), base_url)
        if loc and loc not in found:
            found.append(loc)
            if len(found) >= MAX_ROBOTS_SITEMAPS:
                break
    return found


def newest_children(children: Sequence[ChildSitemap], limit: int = 50) -> list[ChildSitemap]:
    """The ``limit`` child sitemaps most likely to hold new URLs: newest lastmod first, undated last."""
    ordered = sorted(children, key=lambda child: (child.lastmod is None, -(child.lastmod or 0.0)))
    return ordered[: max(limit, 0)]


def _same(url: str) -> str:
    """Enough normalisation to spot a loop: scheme and host case, fragment, trailing slash."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}?{parts.query}"


def recent_urls(
    urls: Sequence[SitemapURL],
    *,
    now: float,
    max_age: float,
    since: float | None,
    include: re.Pattern[str] | None,
    exclude: re.Pattern[str] | None,
    first_poll_limit: int = FIRST_POLL_LIMIT,
    first_poll_undated: int = FIRST_POLL_UNDATED,
) -> list[SitemapURL]:
    """The URLs a poll should consider new, newest first (the caller still drops seen ones).

    A URL must match ``include`` (searched in the URL) and not ``exclude``. Its date is its
    lastmod, but never more than a day after a date in its path (``/2024/05/01/``,
    ``/20240501-``): a redesign touches every page's lastmod, not its publication date. A
    lastmod more than a day ahead of ``now`` is a broken generator and counts as none.

    * Dated URLs are kept when modified within ``max_age`` and, on later polls, no earlier
      than a day (``SINCE_SLACK``) before ``since``: sitemaps are regenerated and cached late.
    * Undated URLs cannot be judged recent. On later polls (``since`` given) all are kept:
      the caller's seen set is what makes one new. On a first poll (``since`` None) none
      are, unless no URL that passed the filters has a date; then the first
      ``first_poll_undated`` in sitemap order.
    * A first poll returns at most ``first_poll_limit`` URLs, so even a sitemap whose every
      lastmod is "now" never yields a whole site.

    The caller must record every URL of a first poll as known, taken or not; otherwise the
    next poll would see the untaken undated ones as new.
    """
    dated: list[tuple[float, SitemapURL]] = []
    undated: list[SitemapURL] = []
    any_date = False
    for item in urls:
        if (include is not None and not include.search(item.loc)) or (
            exclude is not None and exclude.search(item.loc)
        ):
            continue
        when = item.lastmod if item.lastmod is not None and item.lastmod <= now + FUTURE_SLACK else None
        if (path_date := _url_date(item.loc)) is not None:
            when = path_date + 86400.0 if when is None else min(when, path_date + 86400.0)
        if when is None:
            undated.append(item)
            continue
        any_date = True
        if when >= now - max_age and (since is None or when >= since - SINCE_SLACK):
            dated.append((when, item))
    dated.sort(key=lambda pair: -pair[0])
    recent = [item for _, item in dated]
    if since is not None:
        return recent + undated
    return (recent + ([] if any_date else undated[: max(first_poll_undated, 0)]))[: max(first_poll_limit, 0)]


def _url_date(url: str) -> float | None:
    """Midnight UTC of a date in the URL's path, which news sites put there to stay unique."""
    path_start = url.find("/", url.find("//") + 2)
    match = _URL_DATE.search(url, path_start) if path_start > 0 else None
    if not match:
        return None
    try:
        year, month, day = map(int, match.groups())
        return dt.datetime(year, month, day, tzinfo=dt.UTC).timestamp()
    except ValueError:
        return None
