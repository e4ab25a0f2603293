"""Newsroom listing pages: the article links of a page that has no feed. Bytes in, links out.

Publishers lay out a newsroom as a repeated block (card, table row, list item) of headline,
date and teaser, wrapped in site chrome. The links are found in five cheap passes:

1. **Chrome out.** Nothing inside nav, aside, a page-level header or footer (as in the HTML
   spec, a header/footer inside article/section/main belongs to that content), a landmark role
   (navigation, banner, contentinfo, complementary, search), an element whose class/id names
   chrome (menu, pager, breadcrumb, share, tags ...; CMS post classes such as ``category-news``
   label content and are ignored), or ``rel=tag|category|next|prev``. Names CMSs also give to
   content (sidebar, widget, rail, and compounds: ``leftmenu``, ``left-side``, ``side-box``)
   only mark a link as *side*: it is dropped in pass 4 unless the listing itself is there.
   Hidden text (``sr-only``, ``visually-hidden``, ``aria-hidden``, ``hidden``) is not read.
   When a ``<main>`` holds most headlines, those outside it are dropped.
2. **Same site.** Same registrable domain (www. and subdomains are the same site); an IP host
   must match host and port. Off-site, private-looking and non-http(s) headline links are
   refused with a reason, so a page whose links all go elsewhere explains itself.
3. **Headlines.** A URL is kept if an anchor to it reads like a headline: three words or more,
   a CJK character counting as half a word (Chinese has no spaces), dates not counted, and not
   a pager, "read more" or call to action ("Sign up", "Subscribe", 訂閱). Two words will do
   for a link of the listing's URL shape in the listing's own rows, or dated (pass 4). An
   anchor wrapping a whole card takes its heading or first headline-like block; an image or
   "Read more" anchor takes its card's unlinked heading; a title cut short with "..." takes
   the anchor's ``title`` attribute. All anchors to one URL make one link.
   Links to feeds, calendars and media files (.xml, .ics, .jpg, ...) are never articles.
4. **Dominant URL shape.** URLs are grouped by path shape: depth, the first segment after a
   language code literally, the others as year/number/word/slug classes, plus query keys. The
   biggest group is the listing (a dated link, or one under the listing's own section, weighs
   more; a side link less), with any card of the same grid that links elsewhere (a PDF,
   another section), less side links and a second list of the same shape kept under a
   section of its own (/xwzx/tzgg/ notices beside /xwzx/xwfb/ news) or in a box titled like
   one ("Most read", 熱門點閱, 通知公告). Event sidebars, tag pages, quick links and pagers
   differ in shape even when they read like news.
5. **Date.** In the link's card (li, tr, article ...: the highest near ancestor holding no
   other article of the link's URL shape, so a topic chip does not split it), read as
   ``dates.py`` says: ``<time>``, a date in the text, a day and month in two elements, the
   element just before the card, else a date in the URL.

A CSS ``selector`` replaces passes 1, 3 and 4 (off-site links it picks are kept: the user
chose them; private-looking ones are not). ``include``/``exclude`` always apply. At most
``MAX_ANCHORS`` anchors are read and ``MAX_URLS`` URLs weighed: a hostile page costs a
fraction of a second, not minutes.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import TypeAlias
from urllib.parse import urlsplit, urlunsplit

from lxml import etree
from lxml.cssselect import CSSSelector, ExpressionError, SelectorError
from tld import get_fld

from workers.errors import SourceParseError
from workers.sources import dates
from workers.urls import absolute_url, canonical_url

MAX_ANCHORS = 20_000  # anchors read from a page
MAX_URLS = 2_000  # candidate article URLs weighed (a real listing shows tens to hundreds)
MAX_REFUSED = 20
MAX_TITLE = 500
ITEM_CLIMB = 6  # a card's outer element is rarely more than a few levels above its link


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


_El: TypeAlias = etree._Element
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CHROME_TAGS = _words("nav aside menu noscript template dialog select")
_SKIP_REL = _words("tag category next prev")
_SECTIONING = _words("article aside main nav section")
_CHROME_ROLES = _words("navigation banner contentinfo complementary search menu menubar")
_CHROME_WORDS = _words(
    """nav navbar navigation menu menubar submenu megamenu pager pagination paging pagenav breadcrumb
    breadcrumbs crumbs share sharing sharer social sns tags tagcloud categories chips filters cookie
    cookies consent skip toolbar newsletter subscribe offcanvas topbar utility"""
)
_SIDE_WORDS = _words("sidebar sidenav aside rail widget widgets")  # CMSs name content so too
_SIDE_HEADS = _words("menu nav side")  # leftmenu, topnav, sidebox; never "inside"
_SIDE_BEFORE = _words("left right top sub side main mega mobile foot head quick hot")
_SIDE_AFTER = _words("box list bar wrap col column area block panel title con item items links")
_SIDE_PARTS = (_SIDE_BEFORE | _SIDE_AFTER | _SIDE_HEADS) - {"side"}  # left-side, side-box, side-menu
_PAGE_WORDS = _words("header footer masthead banner colophon")  # chrome when page-level only
_PAGE_QUALIFIERS = _words("site page global main top bottom wrapper container region area outer inner l")
_MODIFIERS = _words("with has no one two three is show hide layout open active toggle enabled")
_CONTENT_CLASS = re.compile(r"^(category|tag|post|type|status|format|node)[-_]")  # CMS labels on posts
_CAMEL, _NON_WORD = re.compile(r"([a-z])([A-Z])"), re.compile(r"[^a-z0-9]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_WORD = re.compile(r"[^\W_]+(?:['\u2019.-][^\W_]+)*")
_NOT_HEADLINE = re.compile(
    r"^(?:(?:read|learn|view|see|show|load|find out|discover|continue)\b.*\b(?:more|all|reading)\b"
    r"|(?:more|all|older|newer|next|previous|prev|first|last|back)\b(?:\W+\w+){0,2}\W*$|(?:page\s*)?\d+$)"
    r"|^.{0,4}(?:更多|下一頁|上一頁|下一页|上一页|詳情|详情|全文|首頁|首页|末頁|尾页|返回).{0,4}$",
    re.IGNORECASE,
)
_CALL_TO_ACTION = re.compile(  # a newsletter box or a contact card, never a release
    r"^\W*(?:(?:sign[\s-]?up|subscribe|register|log[\s-]?in|contact us|get in touch|join our|follow us"
    r"|get (?:e-?mail|news) alerts|e-?mail alerts?|abonnieren|jetzt anmelden|s'abonner|s'inscrire"
    r"|abonnez-vous|inscrivez-vous|suscr[ií]bete|inscr[ií]bete|iscriviti)\b|訂閱|订阅|聯絡我們|联系我们|聯繫我們)",
    re.IGNORECASE,
)
_HIDDEN_CLASS = re.compile(  # text a screen reader hears but a reader does not see
    r"sr-only|visually-?hidden|screen-?reader|show-for-sr|element-invisible|a11y-hidden|sr-text",
    re.IGNORECASE,
)
_BOX_TITLE = re.compile(
    r"popular|most (?:read|viewed|shared)|trending|related|recommended|recent posts|hot news|meistgelesen"
    r"|熱門|热门|排行|推薦|推荐|相關|相关|通知公告|最新公告|인기|많이 본",
    re.IGNORECASE,
)
_NOT_ARTICLE = re.compile(  # feeds, calendars, media files: linked from listings, never releases
    r"(?:/feed|/rss|\.(?:xml|rss|atom|rdf|json|ics|vcf|css|js|jpe?g|png|gif|svg|webp|zip|mp3|mp4|mov))/?$",
    re.IGNORECASE,
)
_DATE_FOLDER = re.compile(r"/(?:19|20)\d\d(?:[-_]?\d\d){0,2}(?:/|$)")
_LANG_SEGMENT = re.compile(r"^(?:[a-z]{2}(?:[-_][a-z]{2,4})?|eng|chi|chs|cht|tc_chi|sc_chi)$")
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset|<\?xml[^>]+encoding", re.IGNORECASE)
_NOT_PAGE = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|rdf:RDF|urlset|sitemapindex)\b", re.S
)
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet")


@dataclass(frozen=True)
class Link:
    url: str  # absolute URL as found (fragment dropped)
    title: str  # headline text, whitespace-normalised, at most MAX_TITLE chars ("" if none)
    published: str  # "YYYY-MM-DD", the day written next to the link (no time-zone shift), else ""


@dataclass(frozen=True)
class Listing:
    links: tuple[Link, ...]  # article links in page order, one per canonical URL
    anchors: int  # <a href> on the page, for status and diagnostics
    refused: tuple[tuple[str, str], ...]  # (url, reason) of headline links dropped as off-site etc.


@dataclass
class _Anchor:
    el: _El
    url: str  # absolute, fragment dropped
    text: str
    heading: bool  # the text is (in) a heading
    main: bool  # inside <main>
    side: bool  # inside a block named like a sidebar or widget (pass 1)
    claims: bool  # may stand for an article (headline, image, "read more"), unlike a topic chip


@dataclass
class _Found:
    url: str
    title: str
    item: _El  # the link's card, row or list item
    main: bool
    shape: str
    side: bool
    weak: bool  # a two-word title: kept only beside the listing's own links or dated
    published: str = ""


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
    bases = (h for b in root.iter("base") if (h := (b.get("href") or "").strip()).startswith("http"))
    base = next(bases, base_url)
    chosen: Iterable[_El] = root.iter("a")
    if selector is not None:
        try:
            picked = CSSSelector(selector, translator="html")(root)
        except (SelectorError, ExpressionError, etree.XPathError) as exc:
            raise SourceParseError(base_url, f"invalid CSS selector {selector!r}: {exc}") from exc
        chosen = dict.fromkeys(a for el in picked for a in ([el] if el.tag == "a" else el.iter("a")))
    own_site, self_key = _site(urlsplit(base_url).netloc)[0], _canonical(base_url)
    memo: dict[_El, _State] = {}
    resolved: dict[str, tuple[str, str, str, bool]] = {}
    refused: list[tuple[str, str]] = []
    by_key: dict[str, list[_Anchor]] = {}
    for a in islice(chosen, MAX_ANCHORS):
        href = (a.get("href") or "").strip()
        chrome, side, main, _ = _context(a, memo) if selector is None else (False, False, False, False)
        if not href or href.startswith("#") or chrome:
            continue
        if selector is None and _SKIP_REL.intersection((a.get("rel") or "").lower().split()):
            continue  # topic chips and pagers say what they are
        text, heading = _anchor_text(a)
        if (hit := resolved.get(href)) is None:  # a card links one URL three times: resolve it once
            parts = urlsplit(absolute_url(href, base))
            url = urlunsplit((*parts[:4], ""))
            reason = _refusal(parts.scheme.lower(), parts.netloc, own_site, selector is not None)
            media = selector is None and bool(_NOT_ARTICLE.search(parts.path))
            hit = resolved[href] = (url, reason, "" if reason else _canonical(url), media)
        url, reason, key, media = hit
        if not key:
            if _headline(text) and len(refused) < MAX_REFUSED:
                refused.append((url, reason or "not a valid http(s) URL"))
        elif (
            key != self_key
            and not media
            and (include is None or include.search(url))
            and not (exclude and exclude.search(url))
        ):
            claims = not text or _headline(text) or bool(_NOT_HEADLINE.search(text))
            by_key.setdefault(key, []).append(_Anchor(a, url, text, heading, main, side, claims))
            if len(by_key) >= MAX_URLS:
                break  # the first MAX_URLS decide the listing: the rest of a huge page is not read
    cards = _Cards(by_key)
    found = []
    for key, anchors in by_key.items():
        own = [x for x in anchors if not x.side]  # a release also in a "most read" box is the list's
        title, best, weak = (
            _title(own, key, cards) if 0 < len(own) < len(anchors) else ("", anchors[0], False)
        )
        if not title:
            title, best, weak = _title(anchors, key, cards)
        if title or selector is not None:  # a picked link without a headline keeps its own text
            title = title or max((x.text for x in anchors), key=len)
            item, main = cards.item(best.el, key), any(x.main for x in anchors)
            shape, side = cards.shapes[key], best.side
            found.append(_Found(best.url, title[:MAX_TITLE], item, main, shape, side, weak))
    texts = [_text(f.item)[:2000] for f in found]
    charset = root.getroottree().docinfo.encoding or ""
    style = dates.page_style(" ".join(texts), (root.get("lang") or "").lower(), charset)
    for f, text in zip(found, texts, strict=True):
        f.published = dates.date_in(f.item, text.replace(f.title, " ", 1), style) or dates.url_date(f.url)
    if selector is None:
        found = _listing(found, base_url)
    links = tuple(Link(f.url, f.title, f.published) for f in found[:max_links])
    return Listing(links, int(root.xpath("count(//a[@href])")), tuple(refused))


def _parse(html: bytes, source: str) -> _El:
    """HTML bytes to a tree; undeclared UTF-8 is read as UTF-8 (libxml2 would assume Latin-1)."""
    head, utf16 = html[:4096].lstrip(b"\xef\xbb\xbf"), html.startswith((b"\xff\xfe", b"\xfe\xff"))
    reason = (
        "empty body" if not head.strip()
        else "a PDF, not an HTML page" if head.startswith(b"%PDF")
        else "binary data, not an HTML page" if b"\x00" in head and not utf16
        else f"an XML <{m[1].decode()}> document (a feed or sitemap), not an HTML page" if (m := _NOT_PAGE.match(head))
        else "no HTML markup" if not re.search(rb"<[a-z!?]", head, re.IGNORECASE)
        else ""
    )  # fmt: skip
    if reason:
        raise SourceParseError(source, reason)
    encoding = None
    if not utf16 and not _DECLARED_CHARSET.search(head):
        with contextlib.suppress(UnicodeDecodeError):  # else libxml2 guesses
            encoding = html.decode("utf-8") and "utf-8"
    # etree's HTMLParser is lxml.html's without the Python class lookup run for every element
    parser = etree.HTMLParser(huge_tree=False, encoding=encoding, remove_comments=True)
    try:
        root = etree.fromstring(html, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise SourceParseError(source, f"not an HTML page ({exc})") from exc
    if root is None or root.find("body") is None:
        raise SourceParseError(source, "not an HTML page (no body)")
    return root


_State: TypeAlias = tuple[bool, bool, bool, bool]  # in chrome, in a side block, in <main>, sectioned


def _context(el: _El, memo: dict[_El, _State]) -> _State:
    """(in chrome, in a side block, in <main>, in sectioning content) of an element; each
    ancestor judged once."""
    chain, node = [], el
    while node is not None and node not in memo:
        chain.append(node)
        node = node.getparent()
    state = memo[node] if node is not None else (False, False, False, False)
    for node in reversed(chain):
        chrome, side, main, sectioned = state
        tag = node.tag if isinstance(node.tag, str) else ""
        if not chrome and tag not in ("html", "body"):
            role = (node.get("role") or "").lower()
            named = _chrome_names(f"{node.get('class') or ''} {node.get('id') or ''}", sectioned)
            chrome = (
                tag in _CHROME_TAGS
                or role in _CHROME_ROLES
                or (tag in ("header", "footer") and not sectioned)
                or named == 2
            )
            side = side or named == 1
            main = main or tag == "main" or role == "main"
            sectioned = sectioned or tag in _SECTIONING or role == "main"
        state = memo[node] = (chrome, side, main, sectioned)
    return state


@lru_cache(maxsize=4096)
def _chrome_names(names: str, sectioned: bool) -> int:
    """2 for a chrome name (menu, pager), 1 for a side one (sidebar, widget, leftmenu), else 0."""
    found = 0
    for name in names.split():
        words = set(_NON_WORD.split(_CAMEL.sub(r"\1 \2", name).lower()))
        if _CONTENT_CLASS.match(name) or words & _MODIFIERS:  # category-news, has-sidebar
            continue
        if words & _CHROME_WORDS or (
            not sectioned and words & _PAGE_WORDS and words <= _PAGE_WORDS | _PAGE_QUALIFIERS | {""}
        ):
            return 2
        if words & _SIDE_WORDS or any(map(_side_word, words)) or ("side" in words and words & _SIDE_PARTS):
            found = 1
    return found


def _side_word(word: str) -> bool:
    """A compound naming a side block: left+menu, top+nav, side+box (but not in+side)."""
    for head in _SIDE_HEADS:
        if word.endswith(head) and word[: -len(head)] in _SIDE_BEFORE:
            return True
        if word.startswith(head) and word[len(head) :] in _SIDE_AFTER:
            return True
    return False


def _anchor_text(a: _El) -> tuple[str, bool]:
    """An anchor's label and whether it is a heading's: the heading it wraps, else its text."""
    parent = a.getparent()
    grand = parent.getparent() if parent is not None else None
    in_heading = any(p is not None and p.tag in _HEADINGS for p in (parent, grand))
    if not len(a):  # plain text, the common case
        text = " ".join((a.text or "").split())
        return text or " ".join((a.get("aria-label") or a.get("title") or "").split()), in_heading
    inner = next(a.iter(*_HEADINGS), None)
    if inner is not None:
        return _visible_text(inner), True
    text = _visible_text(a) or " ".join((a.get("aria-label") or a.get("title") or "").split())
    blocks = [_text(b) for b in a.iter("div", "p", "span", "strong", "time") if not (len(b) or _hidden(b))]
    if a.find(".//div") is not None or a.find(".//p") is not None or any(map(dates.DATE.search, blocks)):
        text = next((t for t in blocks if _headline(t)), text)  # a whole card in one anchor
    return text, in_heading


def _text(el: _El) -> str:
    return " ".join("".join(el.itertext()).split())


def _visible_text(el: _El) -> str:
    """An element's text less what only screen readers get (sr-only, aria-hidden, hidden)."""
    if not any(map(_hidden, el.iterdescendants())):
        return _text(el)
    parts: list[str] = []

    def walk(node: _El) -> None:
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str) and not _hidden(child):
                walk(child)
            parts.append(child.tail or "")

    walk(el)
    return " ".join("".join(parts).split())


def _hidden(el: _El) -> bool:
    return (
        el.get("hidden") is not None
        or el.get("aria-hidden") == "true"
        or bool(_HIDDEN_CLASS.search(el.get("class") or ""))
    )


def _headline(text: str) -> bool:
    return _size(text) >= 3


@lru_cache(maxsize=8192)
def _size(text: str) -> float:
    """How many words a headline-like text has (a CJK character is half), 0 for a pager,
    "read more" or call to action; dates are not counted."""
    if not text or _NOT_HEADLINE.search(text) or _CALL_TO_ACTION.search(text):
        return 0
    text = dates.DATE.sub(" ", text)
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    words = [w for w in _WORD.findall(_CJK.sub(" ", text) if cjk else text) if not w.isdigit()]
    return len(words) + cjk / 2


@lru_cache(maxsize=4096)
def _refusal(scheme: str, netloc: str, own_site: str, offsite_ok: bool) -> str:
    """Why a link may not be followed from this listing, or "" when it may."""
    if scheme not in ("http", "https"):
        return f"not http(s) ({scheme or 'no scheme'})"
    try:
        site, host, is_ip = _site(netloc)
    except ValueError:
        return "invalid host or port"
    if site == own_site:
        return ""
    if is_ip and not ipaddress.ip_address(host).is_global:
        return f"private address ({host})"
    if not is_ip and (host == "localhost" or "." not in host or host.endswith(_PRIVATE_SUFFIXES)):
        return f"private-looking host ({host})"
    return "" if offsite_ok else f"off-site ({host})"


@lru_cache(maxsize=4096)
def _site(netloc: str) -> tuple[str, str, bool]:
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
def _canonical(url: str) -> str:
    try:
        return canonical_url(url)
    except ValueError:
        return ""


class _Cards:
    """Which article URLs the elements a few levels above article-like anchors hold, so that a
    link's card is found: the highest near ancestor holding no other article of the link's kind
    (a topic chip of another URL shape inside a card does not end the card; two links do)."""

    def __init__(self, by_key: dict[str, list[_Anchor]]) -> None:
        self.shapes = {key: _shape(anchors[0].url) for key, anchors in by_key.items()}
        self.owners: dict[_El, set[str]] = {}
        for key, anchors in by_key.items():
            for anchor in (x for x in anchors if x.claims):  # a one-word chip is never an article
                node = anchor.el.getparent()
                for _ in range(ITEM_CLIMB + 1):
                    if node is None:
                        break
                    self.owners.setdefault(node, set()).add(key)
                    node = node.getparent()

    def item(self, el: _El, key: str) -> _El:
        for _ in range(ITEM_CLIMB):
            parent = el.getparent()
            if parent is None or parent.tag in ("body", "main", "html"):
                break
            others = self.owners.get(parent, set()) - {key}
            if len(others) > 1 or any(self.shapes[o] == self.shapes[key] for o in others):
                break
            el = parent
        return el


def _title(anchors: list[_Anchor], key: str, cards: _Cards) -> tuple[str, _Anchor, bool]:
    """The headline of one URL: a heading anchor, any headline anchor, or its card's heading;
    three words, else two (then the title is weak: pass 4 decides)."""
    for need in (3, 2):
        for wanted in (True, False):
            for anchor in anchors:
                if (anchor.heading or not wanted) and _size(anchor.text) >= need:
                    return _untruncated(anchor.text, anchors), anchor, need < 3
        for anchor in anchors:  # "Read more" or an image: the card's own unlinked heading names it
            heading = next(cards.item(anchor.el, key).iter(*_HEADINGS), None) if anchor.claims else None
            if (
                heading is not None
                and heading.find(".//a") is None
                and _size(t := _visible_text(heading)) >= need
            ):
                return t, anchor, need < 3
    return "", anchors[0], False


def _untruncated(title: str, anchors: list[_Anchor]) -> str:
    """A title cut short with "..." on the page, whole from an anchor's title attribute."""
    if title.endswith(("...", "\u2026")):
        stem = title.rstrip(".\u2026 ")
        for anchor in anchors:
            full = " ".join((anchor.el.get("title") or "").split())
            if len(full) > len(stem) and full.startswith(stem):
                return full
    return title


def _listing(found: list[_Found], base_url: str) -> list[_Found]:
    """The links of the listing itself: its dominant URL shape, plus other cards of its grid."""
    core = [f for f in found if not (f.side or f.weak)] or found
    if sum(f.main for f in core) * 2 >= len(core) > 0:  # <main> holds the listing, not just a hero
        found = [f for f in found if f.main]
    section, score = _section(base_url, leaf=True), dict[str, float]()
    for f in (f for f in found if not f.weak):
        bonus = bool(f.published) + bool(section and _section(f.url, leaf=False) == section)
        score[f.shape] = score.get(f.shape, 0) + (1 + bonus) * (0.25 if f.side else 1)
    dominant = max(score, key=lambda s: score[s], default="")  # ties: the first seen
    mine = [f for f in found if f.shape == dominant and not f.weak]
    if not all(f.side for f in mine):  # a "most read" box beside the list (a widget may BE the list)
        mine = [f for f in mine if not f.side]
    lists: dict[_El | None, list[_Found]] = {}
    for f in mine:
        lists.setdefault(f.item.getparent(), []).append(f)
    # Two lists of one shape, each under a section of its own (/info/1021/ news beside /info/1022/
    # notices): the other is another column of the site, not this listing (a hero stays).
    biggest = max(lists.values(), key=lambda g: len(g) + sum(bool(f.published) for f in g), default=[])
    lists = {p: g for p, g in lists.items() if g is biggest or not _box_titled(p)}
    mine = [f for g in lists.values() for f in g]
    for filed in (_folder, _prefix):  # the exact folder, else the section over dated folders
        if len(places := {filed(f.url) for f in biggest}) == 1:
            own = [g for g in lists.values() if len(g) < 2 or {filed(f.url) for f in g} & places]
            mine = [f for g in own for f in g]  # (page order is kept below: found is walked in order)
            break
    parents, rows_side = Counter(f.item.getparent() for f in mine), all(f.side for f in mine)
    rows = {p for p, n in parents.items() if p is not None and n >= 2}
    mine += [  # two-word titles: rows of the listing itself, of its shape (and section)
        f
        for f in found
        if f.weak and f.shape == dominant and f.item.getparent() in rows and (rows_side or not f.side)
    ]
    parents = Counter(f.item.getparent() for f in mine)
    grids = {p for p, n in parents.items() if p is not None and n >= 2}
    tags = {f.item.tag for f in mine}
    chosen, cards = {id(f) for f in mine}, {id(f.item) for f in mine}  # a chip shares its card
    return [
        f
        for f in found
        if id(f) in chosen
        or (
            f.item.getparent() in grids
            and f.item.tag in tags
            and id(f.item) not in cards
            and (f.published or not f.weak)
        )
    ]


def _shape(url: str) -> str:
    """A URL's path shape: depth, first segment (after a language code) literally, then classes."""
    parts = urlsplit(url)
    segs = [s.lower() for s in parts.path.split("/") if s]
    shape: list[str] = []
    for i, seg in enumerate(segs[:-1]):
        literal = all(s == "lang" for s in shape)
        shape.append(
            "lang" if i == 0 and _LANG_SEGMENT.match(seg)
            else "Y" if len(seg) == 4 and seg[:2] in ("19", "20") and seg.isdigit()
            else "N" if seg.isdigit()
            else seg if literal
            else "w" if seg.isalpha()
            else "s"
        )  # fmt: skip
    keys = sorted({p.split("=")[0] for p in parts.query.split("&") if p and not p.startswith("utm_")})
    return f"{len(segs)}/{'/'.join(shape)}?{'&'.join(keys)}"


def _box_titled(parent: _El | None) -> bool:
    """Whether a list sits in a box titled like a side box ("Most read", 熱門點閱, 通知公告)."""
    for _ in range(3):
        if parent is None:
            return False
        for el in (parent.getprevious(), *islice(parent, 2)):  # a box's title comes first
            text = "" if el is None or not isinstance(el.tag, str) else _text(el)
            if len(text) <= 30 and _BOX_TITLE.search(text):
                return True
        parent = parent.getparent()
    return False


def _folder(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[0]


@lru_cache(maxsize=4096)
def _prefix(url: str) -> str:
    """The section a URL is filed under: its folder up to a date (/xwzx/xwfb of /xwzx/xwfb/202511/x)."""
    folder = urlsplit(url).path.rsplit("/", 1)[0]
    m = _DATE_FOLDER.search(folder)
    return folder[: m.start()] if m else folder


def _section(url: str, *, leaf: bool) -> str:
    """The first named path segment ("news" in /en/news/2025/x), the last one counted or not."""
    segs = [s.lower() for s in urlsplit(url).path.split("/") if s]
    named = (
        s
        for i, s in enumerate(segs if leaf else segs[:-1])
        if not (s.isdigit() or (i == 0 and _LANG_SEGMENT.match(s)))
    )
    return next(named, "")
