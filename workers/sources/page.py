"""Newsroom listing pages: the article links of a page that has no feed. Bytes in, links out.

Publishers lay out a newsroom as a repeated block (card, table row, list item) of headline,
date and teaser, wrapped in site chrome. The links are found in five cheap passes:

1. **Chrome out.** Nothing inside nav, aside, a page-level header or footer (as in the HTML
   spec, a header/footer inside article/section/main belongs to that content), a landmark role
   (navigation, banner, contentinfo, complementary, search), or an element whose class/id
   names chrome (menu, sidebar, pager, breadcrumb, share, social, tags, widget ...). CMS post
   classes such as ``category-news`` or ``tag-ai`` are ignored: they label content, not chrome.
   ``rel=tag|category|next|prev`` anchors are chips and pagers. When the page marks a
   ``<main>``, headlines outside it are dropped. Each element is judged once (memoised).
2. **Same site.** Same registrable domain (www. and subdomains are the same site); IP hosts
   must match host and port. Off-site, private-looking and non-http(s) headline links are
   refused and reported, so a page whose links all go elsewhere explains itself.
3. **Headlines.** A URL is kept if one of its anchors reads like a headline: three words or
   more, where a CJK character counts as half a word (Chinese has no spaces), dates not
   counted, and not a pager or "read more" phrase. An anchor that wraps a card takes its
   heading's text; an image or "Read more" anchor takes the heading of its card. Several
   anchors to one URL (image, headline, read more) are one link titled by the headline.
4. **Dominant URL shape.** URLs are grouped by path shape: depth, the first segment after a
   language code literally, the others as year/number/date/word/slug classes, plus query keys.
   The group with the most links (dated links count double) is the listing; event sidebars,
   tag pages, quick links and pagers differ in shape even when their text reads like a headline.
5. **Date.** In the link's card, the highest ancestor holding no other content URL (li, tr,
   article ...): the first ``<time datetime>``, else the first date in its text (English
   orders, numeric with the page's ``lang`` deciding D/M vs M/D, ``2025年3月12日``, ROC years),
   else the block just before it (``<dt>``), else a date in the URL path.

A CSS ``selector`` replaces passes 1-4 (off-site links it selects are kept: the user chose
them; private-looking ones are not). ``include``/``exclude`` always apply. Work is capped:
at most ``MAX_ANCHORS`` anchors are looked at, so a hostile page costs milliseconds.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from itertools import islice
from typing import TypeAlias
from urllib.parse import SplitResult, urlsplit, urlunsplit

from lxml import etree
from lxml.cssselect import CSSSelector, ExpressionError, SelectorError
from tld import get_fld

from workers.errors import SourceParseError
from workers.urls import absolute_url, canonical_url

MAX_ANCHORS = 20_000
MAX_REFUSED = 20
MAX_TITLE = 500
ITEM_CLIMB = 6  # a card's outer element is rarely more than a few levels above its link


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CHROME_TAGS = frozenset({"nav", "aside", "menu", "noscript", "template", "dialog", "select"})
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"}
)
_CHROME_WORDS = _words(
    "nav navbar navigation menu menubar submenu megamenu sidebar pager pagination paging pagenav "
    "breadcrumb breadcrumbs crumbs share sharing sharer social sns tags tagcloud categories chips "
    "filters cookie cookies consent skip widget widgets toolbar newsletter subscribe offcanvas "
    "topbar utility"
)
_PAGE_WORDS = frozenset({"header", "footer", "masthead", "banner", "colophon"})  # chrome when page-level
_PAGE_QUALIFIERS = _words("site page global main top bottom wrapper container region area outer inner l")
_MODIFIERS = _words("with has no one two three is show hide layout open active toggle enabled")
_CONTENT_CLASS = re.compile(r"^(category|tag|post|type|status|format|node)[-_]")  # CMS labels on posts
_CAMEL = re.compile(r"([a-z])([A-Z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_WORD = re.compile(r"[^\W_]+(?:['\u2019.-][^\W_]+)*")
_NOT_HEADLINE = re.compile(
    r"^(?:(?:read|learn|view|see|show|load|find out|discover|continue)\b.*\b(?:more|all|reading)\b"
    r"|(?:more|all|older|newer|next|previous|prev|first|last|back)\b(?:\W+\w+){0,2}\W*$|(?:page\s*)?\d+$)"
    r"|^.{0,4}(?:更多|下一頁|上一頁|下一页|上一页|詳情|详情|全文|首頁|首页|末頁|尾页|返回).{0,4}$",
    re.IGNORECASE,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MON = r"(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"(?<!\d)(?P<y1>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m1>\d{{1,2}})\s*[-/.月]\s*(?P<d1>\d{{1,2}})(?!\d)"
    rf"|(?<!\d)(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+{_MON.replace('(', '(?P<b2>', 1)},?\s+(?P<y2>(?:19|20)\d\d)(?!\d)"
    rf"|\b{_MON.replace('(', '(?P<b3>', 1)}\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y3>(?:19|20)\d\d)(?!\d)"
    rf"|(?<!\d)(?P<a4>\d{{1,2}})[/.-](?P<c4>\d{{1,2}})[/.-](?P<y4>(?:19|20)\d\d)(?!\d)"
    rf"|(?<!\d)(?P<y5>\d{{2,3}})\s*年\s*(?P<m5>\d{{1,2}})\s*月\s*(?P<d5>\d{{1,2}})\s*日",
    re.IGNORECASE,
)
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?!\d)")
_ISO_STAMP = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
_LANG_SEGMENT = re.compile(r"^(?:[a-z]{2}(?:[-_][a-z]{2,4})?|eng|chi|chs|cht|tc_chi|sc_chi)$")
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset|<\?xml[^>]+encoding", re.IGNORECASE)
_NOT_PAGE = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|rdf:RDF|urlset|sitemapindex)\b", re.S
)
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet")


_El: TypeAlias = etree._Element


@dataclass(frozen=True)
class Link:
    url: str  # absolute URL as found (fragment dropped)
    title: str  # headline text, whitespace-normalised, at most MAX_TITLE chars ("" if none)
    published: str  # "YYYY-MM-DD" or a UTC timestamp found next to the link, else ""


@dataclass(frozen=True)
class Listing:
    links: tuple[Link, ...]  # article links in page order, one per canonical URL
    anchors: int  # <a href> on the page, for status and diagnostics
    refused: tuple[tuple[str, str], ...]  # (url, reason) of headline links dropped as off-site etc.


@dataclass
class _Anchor:
    el: _El
    url: str  # absolute, fragment dropped
    key: str  # canonical URL
    text: str
    heading: bool  # the text is (in) a heading
    main: bool
    claims: bool  # could stand for an article (headline, image or "read more"), unlike a chip


@dataclass
class _Found:
    link: Link
    shape: str
    item: _El
    main: bool


def find_links(
    html: bytes,
    base_url: str,
    *,
    selector: str | None = None,
    include: re.Pattern[str] | None = None,
    exclude: re.Pattern[str] | None = None,
    max_links: int = 500,
) -> Listing:
    """The article links of a listing page; raises SourceParseError for non-HTML or a bad selector."""
    root = _parse(html, base_url)
    base_el = next(root.iter("base"), None)
    base = base_url
    if base_el is not None and (base_el.get("href") or "").strip().lower().startswith(
        ("http://", "https://")
    ):
        base = str(base_el.get("href")).strip()
    own_site = _site(urlsplit(base_url))
    self_key = _canonical(base_url)
    memo: dict[_El, tuple[bool, bool, bool]] = {}
    if selector is not None:
        try:
            picked = CSSSelector(selector, translator="html")(root)
        except (SelectorError, ExpressionError, etree.XPathError) as exc:
            raise SourceParseError(base_url, f"invalid CSS selector {selector!r}: {exc}") from exc
        chosen: Iterable[_El] = _selected(picked)
    else:
        chosen = root.iter("a")
    refused: list[tuple[str, str]] = []
    by_key: dict[str, list[_Anchor]] = {}
    resolved: dict[str, tuple[str, str, str]] = {}
    for a in islice(chosen, MAX_ANCHORS):
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        chrome, main = False, False
        if selector is None:
            rel = set((a.get("rel") or "").lower().split())
            chrome, main, _ = _context(a, memo)
            if chrome or rel & {"tag", "category", "next", "prev", "previous"}:
                continue
        text, heading = _anchor_text(a)
        if (hit := resolved.get(href)) is None:  # cards link one URL three times: work it out once
            parts = urlsplit(absolute_url(href, base))
            url = urlunsplit((*parts[:4], ""))
            reason = _refusal(parts.scheme.lower(), parts.netloc, own_site, selector is not None)
            hit = resolved[href] = (url, reason, "" if reason else _canonical(url))
        url, reason, key = hit
        if not key:
            if _headline(text) and len(refused) < MAX_REFUSED:
                refused.append((url, reason or "not a valid http(s) URL"))
            continue
        if (
            key != self_key
            and (include is None or include.search(url))
            and not (exclude and exclude.search(url))
        ):
            claims = not text or _headline(text) or bool(_NOT_HEADLINE.search(text))
            by_key.setdefault(key, []).append(_Anchor(a, url, key, text, heading, main, claims))
    owners = _owners(by_key)
    lang = (root.get("lang") or "").lower()
    found: list[_Found] = []
    for anchors in by_key.values():
        title, best = _title(anchors, owners)
        if not title and selector is None:
            continue
        title = title or max((x.text for x in anchors), key=len)  # a chosen link without a headline
        item = _item(best.el, owners)
        published = _date_in(item, title, lang) or _url_date(best.url)
        link = Link(best.url, title[:MAX_TITLE], published)
        found.append(_Found(link, _shape(best.url), item, any(x.main for x in anchors)))
    if selector is None:
        found = _listing(found, base_url)
    links = tuple(f.link for f in found[:max_links])
    return Listing(links, int(root.xpath("count(//a[@href])")), tuple(refused))


def _listing(found: list[_Found], base_url: str) -> list[_Found]:
    """The headline links of the listing itself: its dominant URL shape, plus its siblings."""
    if any(f.main for f in found):
        found = [f for f in found if f.main]
    # A dated link counts double (releases carry dates, quick links do not), and so does a
    # link under the listing's own section (/news/ lists /news/..., not /events/...).
    section = _section(base_url, leaf=True)
    score: dict[str, int] = {}
    for f in found:
        bonus = bool(f.link.published) + bool(section and _section(f.link.url, leaf=False) == section)
        score[f.shape] = score.get(f.shape, 0) + 1 + bonus
    dominant = max(score, key=lambda s: score[s], default="")  # ties: first seen wins
    # A card or row in the same grid/table/list as the listing's own items is one of them,
    # even when its URL differs (a release served as PDF, a story filed in another section).
    parents: dict[_El, int] = {}
    for f in found:
        if f.shape == dominant and (parent := f.item.getparent()) is not None:
            parents[parent] = parents.get(parent, 0) + 1
    tags = {f.item.tag for f in found if f.shape == dominant}
    return [
        f
        for f in found
        if f.shape == dominant or (parents.get(f.item.getparent(), 0) >= 2 and f.item.tag in tags)
    ]


def _parse(html: bytes, source: str) -> _El:
    """HTML bytes to a tree; undeclared UTF-8 is read as UTF-8 (libxml2 would assume Latin-1)."""
    head = html[:4096].lstrip(b"\xef\xbb\xbf")
    reason = ""
    if not head.strip():
        reason = "empty body"
    elif head.startswith(b"%PDF"):
        reason = "a PDF, not an HTML page"
    elif b"\x00" in head and not html.startswith((b"\xff\xfe", b"\xfe\xff")):
        reason = "binary data, not an HTML page"
    elif m := _NOT_PAGE.match(head):
        reason = f"an XML <{m.group(1).decode()}> document (a feed or sitemap), not an HTML page"
    elif not re.search(rb"<(?:[a-z!?])", head, re.IGNORECASE):
        reason = "no HTML markup"
    if reason:
        raise SourceParseError(source, reason)
    encoding = None
    if not _DECLARED_CHARSET.search(html[:4096]) and not html.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            html.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            pass
    # etree's HTMLParser is lxml.html's without the Python class lookup run for every element
    parser = etree.HTMLParser(huge_tree=False, encoding=encoding, remove_comments=True)
    try:
        root = etree.fromstring(html, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise SourceParseError(source, f"not an HTML page ({exc})") from exc
    if root is None or root.find("body") is None:
        raise SourceParseError(source, "not an HTML page (no body)")
    return root


def _context(el: _El, memo: dict) -> tuple[bool, bool, bool]:
    """(in chrome, in <main>, in sectioning content) of an element; ancestors judged once."""
    chain = []
    node = el
    while node is not None and node not in memo:
        chain.append(node)
        node = node.getparent()
    state = memo[node] if node is not None else (False, False, False)
    for node in reversed(chain):
        chrome, main, sectioned = state
        tag = node.tag if isinstance(node.tag, str) else ""
        if not chrome and tag not in ("html", "body"):
            role = (node.get("role") or "").lower()
            chrome = (
                tag in _CHROME_TAGS
                or role in _CHROME_ROLES
                or (tag in ("header", "footer") and not sectioned)
                or _chrome_names(f"{node.get('class') or ''} {node.get('id') or ''}", sectioned)
            )
            main = main or tag == "main" or role == "main"
            sectioned = sectioned or tag in _SECTIONING or role == "main"
        state = memo[node] = (chrome, main, sectioned)
    return state


@lru_cache(maxsize=4096)
def _chrome_names(names: str, sectioned: bool) -> bool:
    for name in names.split():
        if _CONTENT_CLASS.match(name):
            continue
        words = set(_NON_WORD.split(_CAMEL.sub(r"\1 \2", name).lower()))
        if words & _MODIFIERS:
            continue
        if words & _CHROME_WORDS:
            return True
        if not sectioned and words & _PAGE_WORDS and words <= _PAGE_WORDS | _PAGE_QUALIFIERS | {""}:
            return True
    return False


def _anchor_text(a: _El) -> tuple[str, bool]:
    """An anchor's label: a wrapped heading's text, else its own text, else aria-label/title."""
    inner = next(a.iter(*_HEADINGS), None)
    if inner is not None:
        return _text(inner), True
    text = _text(a) or _norm(a.get("aria-label") or a.get("title") or "")
    if next(a.iter("div", "p"), None) is not None:  # a whole card in one anchor: title, date, teaser
        blocks = [_text(b) for b in a.iter("div", "p", "span", "strong") if not len(b)]
        text = next((t for t in blocks if _headline(t)), text)
    parent = a.getparent()
    near = [parent, parent.getparent() if parent is not None else None]
    return text, any(p is not None and p.tag in _HEADINGS for p in near)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _text(el: _El) -> str:
    return " ".join("".join(el.itertext()).split())


@lru_cache(maxsize=8192)
def _headline(text: str) -> bool:
    if not text or _NOT_HEADLINE.search(text):
        return False
    text = _DATE.sub(" ", text)
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    words = [w for w in _WORD.findall(_CJK.sub(" ", text) if cjk else text) if not w.isdigit()]
    return len(words) + cjk / 2 >= 3


@lru_cache(maxsize=4096)
def _refusal(scheme: str, netloc: str, own_site: str, offsite_ok: bool) -> str:
    """Why a link may not be followed from this listing, or "" when it may."""
    if scheme not in ("http", "https"):
        return f"not http(s) ({scheme or 'no scheme'})"
    parts = urlsplit(f"{scheme}://{netloc}/")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "no host"
    try:
        if _site(parts) == own_site:
            return ""
    except ValueError:
        return "invalid port"
    try:
        if not ipaddress.ip_address(host.strip("[]")).is_global:
            return f"private address ({host})"
    except ValueError:
        if host == "localhost" or "." not in host or host.endswith(_PRIVATE_SUFFIXES):
            return f"private-looking host ({host})"
    return "" if offsite_ok else f"off-site ({host})"


def _site(parts: SplitResult) -> str:
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return f"{host}:{parts.port or ''}"  # an IP has no registrable domain: match the origin
    except ValueError:
        return _registrable(host)


@lru_cache(maxsize=4096)
def _registrable(host: str) -> str:
    return str(get_fld(host, fix_protocol=True, fail_silently=True) or host.removeprefix("www."))


@lru_cache(maxsize=8192)
def _canonical(url: str) -> str:
    try:
        return canonical_url(url)
    except ValueError:
        return ""


def _selected(picked: list[_El]) -> Iterable[_El]:
    """Anchors a selector picks, or the anchors inside what it picks, once each, in page order."""
    seen: set[_El] = set()
    for el in picked:
        for a in [el] if el.tag == "a" else el.iter("a"):
            if a not in seen:
                seen.add(a)
                yield a


def _owners(by_key: dict[str, list[_Anchor]]) -> dict[_El, set[str]]:
    """For elements a few levels above article-like anchors: which of their URLs each one holds."""
    owners: dict[_El, set[str]] = {}
    for key, anchors in by_key.items():
        for anchor in anchors:
            if not anchor.claims:
                continue  # a topic chip inside a card does not make the card hold two articles
            node = anchor.el
            for _ in range(ITEM_CLIMB + 1):
                node = node.getparent()
                if node is None:
                    break
                owners.setdefault(node, set()).add(key)
    return owners


def _item(el: _El, owners: dict) -> _El:
    """The link's card/row/list item: the highest near ancestor that holds no other content URL."""
    node = el
    for _ in range(ITEM_CLIMB):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "main", "html") or len(owners.get(parent, ())) > 1:
            break
        node = parent
    return node


def _title(anchors: list[_Anchor], owners: dict) -> tuple[str, _Anchor]:
    """The headline of one URL: a heading anchor, any headline anchor, or its card's heading."""
    for wanted in (True, False):
        for anchor in anchors:
            if (anchor.heading or not wanted) and _headline(anchor.text):
                return anchor.text, anchor
    for anchor in anchors:  # "Read more" or an image: the card's own unlinked heading names it
        heading = next(_item(anchor.el, owners).iter(*_HEADINGS), None) if anchor.claims else None
        if heading is not None and heading.find(".//a") is None and _headline(t := _text(heading)):
            return t, anchor
    return "", anchors[0]


def _date_in(item: _El, title: str, lang: str) -> str:
    for el in item.iter("time", "meta"):
        if el.tag == "meta" and "date" not in (el.get("itemprop") or el.get("property") or "").lower():
            continue
        found = _iso(el.get("datetime") or el.get("content") or "") or _text_date(_text(el), lang)
        if found:
            return found
    text = _text(item)[:2000].replace(title, " ", 1)
    found = _text_date(text, lang)
    before = item.getprevious()
    if not found and before is not None and before.find(".//a") is None and before.tag != "a":
        found = _text_date(_text(before)[:80], lang)
    return found


def _iso(value: str) -> str:
    value = value.strip()
    try:
        if _ISO_STAMP.match(value):
            stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if stamp.tzinfo is not None:
                return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            return stamp.date().isoformat()
        return date.fromisoformat(value[:10]).isoformat() if len(value) >= 10 else ""
    except ValueError:
        return ""


def _text_date(text: str, lang: str) -> str:
    for m in _DATE.finditer(text):
        g = m.groupdict()
        if g["y1"]:
            y, mo, d = int(g["y1"]), int(g["m1"]), int(g["d1"])
        elif g["y2"] or g["y3"]:
            n = "2" if g["y2"] else "3"
            y, mo, d = int(g["y" + n]), _MONTHS.index(g["b" + n][:3].lower()) + 1, int(g["d" + n])
        elif g["y4"]:
            a, c, y = int(g["a4"]), int(g["c4"]), int(g["y4"])
            month_first = c > 12 or (a <= 12 and lang.startswith("en-us"))
            mo, d = (a, c) if month_first else (c, a)
        else:
            y, mo, d = int(g["y5"]) + 1911, int(g["m5"]), int(g["d5"])  # Republic of China era
        try:
            return date(y, mo, d).isoformat()
        except ValueError:
            continue
    return ""


def _url_date(url: str) -> str:
    m = _URL_DATE.search(urlsplit(url).path)
    return _text_date(f"{m[1]}-{m[2]}-{m[3]}", "") if m else ""


def _shape(url: str) -> str:
    """A URL's path shape: depth, first segment (after a language code) literally, then classes."""
    parts = urlsplit(url)
    segs = [s.lower() for s in parts.path.split("/") if s]
    shape = []
    literal = True
    for i, seg in enumerate(segs[:-1]):
        if i == 0 and _LANG_SEGMENT.match(seg):
            shape.append("lang")
        elif re.fullmatch(r"(?:19|20)\d\d", seg):
            shape.append("Y")
        elif seg.isdigit():
            shape.append("N")
        elif literal:
            shape.append(seg)
        else:
            shape.append("w" if seg.isalpha() else "s")
        literal = literal and shape[-1] == "lang"
    keys = sorted({p.split("=")[0] for p in parts.query.split("&") if p and not p.startswith("utm_")})
    return f"{len(segs)}/{'/'.join(shape)}?{'&'.join(keys)}"


def _section(url: str, *, leaf: bool) -> str:
    """The first named path segment ("news" in /en/news/2025/x), the leaf counted or not."""
    segs = [s.lower() for s in urlsplit(url).path.split("/") if s]
    for i, seg in enumerate(segs if leaf else segs[:-1]):
        if not (seg.isdigit() or (i == 0 and _LANG_SEGMENT.match(seg))):
            return seg
    return ""
