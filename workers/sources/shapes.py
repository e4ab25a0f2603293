"""Link URLs on a listing page: whether one may be followed, and how its path is filed.

A newsroom files releases under one URL pattern (/news/2025/03/slug, /info/1021/5678.htm) and
its menus, tag pages and pagers under others, so a URL's shape is the cheapest strong sign of
which links are the listing. From the URL alone this module decides:

- **Site**: the registrable domain (www. and subdomains alike); an IP must match host and port.
- **Refusal**: not http(s), an invalid host, a private or private-looking host (a public page
  must not steer the fetcher inside), or off-site unless a user's selector picked it; as a
  reason, so a page whose links all go elsewhere explains itself.
- **Not an article**: feeds, calendars and media files (.xml, .ics, .jpg ...).
- **Shape**: depth, the first segment after a language code literally, the others as
  year/number/word/slug classes, plus query keys (``utm_`` ones track, they do not file).
- **Folder**, **prefix** (folder up to a date) and **section** (first named segment): they
  tell two lists of one shape apart (/xwzx/tzgg/ notices beside /xwzx/xwfb/ news).
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import urlsplit

from tld import get_fld

from workers.urls import canonical_url

_NOT_ARTICLE = re.compile(  # feeds, calendars, media files: linked from listings, never releases
    r"(?:/feed|/rss|\.(?:xml|rss|atom|rdf|json|ics|vcf|css|js|jpe?g|png|gif|svg|webp|zip|mp3|mp4|mov))/?$",
    re.IGNORECASE,
)
_DATE_FOLDER = re.compile(r"/(?:19|20)\d\d(?:[-_]?\d\d){0,2}(?:/|$)")
_LANG_SEGMENT = re.compile(r"^(?:[a-z]{2}(?:[-_][a-z]{2,4})?|eng|chi|chs|cht|tc_chi|sc_chi)$")
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet")


@lru_cache(maxsize=4096)
def is_language_segment(segment: str) -> bool:
    """A path segment that names a language edition (``en``, ``zh-hk``, ``tc``, ``chi``)."""
    return _LANG_SEGMENT.match(segment.lower()) is not None


def refusal(scheme: str, netloc: str, own_site: str, offsite_ok: bool) -> str:
    """Why a link may not be followed from this listing, or "" when it may."""
    if scheme not in ("http", "https"):
        return f"not http(s) ({scheme or 'no scheme'})"
    try:
        domain, host, is_ip = site(netloc)
    except ValueError:
        return "invalid host or port"
    if domain == own_site:
        return ""
    if is_ip and not ipaddress.ip_address(host).is_global:
        return f"private address ({host})"
    if not is_ip and (host == "localhost" or "." not in host or host.endswith(_PRIVATE_SUFFIXES)):
        return f"private-looking host ({host})"
    return "" if offsite_ok else f"off-site ({host})"


@lru_cache(maxsize=4096)
def site(netloc: str) -> tuple[str, str, bool]:
    """(site, host, is an IP): a registrable domain, or for an IP (no domain) its host and port."""
    parts = urlsplit(f"//{netloc}")
    host = (parts.hostname or "").rstrip(".")
    try:
        ipaddress.ip_address(host)
        return f"{host}:{parts.port or ''}", host, True
    except ValueError:
        return (
            str(get_fld(host, fix_protocol=True, fail_silently=True) or host.removeprefix("www.")),
            host,
            False,
        )


@lru_cache(maxsize=8192)
def canonical(url: str) -> str:
    """The key one article is counted under (workers.urls.canonical_url), "" for a bad URL."""
    try:
        return canonical_url(url)
    except ValueError:
        return ""


def not_article(path: str) -> bool:
    """Whether a URL path names a feed, calendar or media file rather than a page."""
    return bool(_NOT_ARTICLE.search(path))


def shape(url: str) -> str:
    """A URL's path shape: depth, first segment (after a language code) literally, then classes."""
    parts = urlsplit(url)
    segs = [s.lower() for s in parts.path.split("/") if s]
    classes: list[str] = []
    for i, seg in enumerate(segs[:-1]):
        literal = all(s == "lang" for s in classes)
        classes.append(
            "lang" if i == 0 and _LANG_SEGMENT.match(seg)
            else "Y" if len(seg) == 4 and seg[:2] in ("19", "20") and seg.isdigit()
            else "N" if seg.isdigit()
            else seg if literal
            else "w" if seg.isalpha()
            else "s"
        )  # fmt: skip
    keys = sorted({p.split("=")[0] for p in parts.query.split("&") if p and not p.startswith("utm_")})
    return f"{len(segs)}/{'/'.join(classes)}?{'&'.join(keys)}"


def folder(url: str) -> str:
    """The folder a URL's page sits in (/news/2025 of /news/2025/x)."""
    return urlsplit(url).path.rsplit("/", 1)[0]


@lru_cache(maxsize=4096)
def prefix(url: str) -> str:
    """The section a URL is filed under: its folder up to a date (/xwzx/xwfb of /xwzx/xwfb/202511/x)."""
    path = folder(url)
    m = _DATE_FOLDER.search(path)
    return path[: m.start()] if m else path


def section(url: str, *, leaf: bool) -> str:
    """The first named path segment ("news" in /en/news/2025/x), the last one counted or not."""
    segs = [s.lower() for s in urlsplit(url).path.split("/") if s]
    named = (
        s
        for i, s in enumerate(segs if leaf else segs[:-1])
        if not (s.isdigit() or (i == 0 and _LANG_SEGMENT.match(s)))
    )
    return next(named, "")
