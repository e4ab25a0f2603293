"""Newsroom listing pages: the article links of a page that has no feed. Bytes in, links out.

Publishers lay out a newsroom as a repeated block (card, table row, list item) of headline,
date and teaser, wrapped in site chrome. Five cheap passes find the links: this module runs
them and owns headlines and clustering; ``chrome.py`` judges elements, ``shapes.py`` URLs:

1. **Chrome out** (``chrome.py``). Navigation, page-level headers and footers, pagers, share
   bars and screen-reader-only text are not read; a link in a sidebar or widget is *side*
   (dropped in pass 4 unless the listing is there). When a ``<main>`` holds most headlines,
   those outside it are dropped.
2. **Same site** (``shapes.py``). Off-site (another registrable domain; for an IP, host and
   port), private-looking and non-http(s) headline links are refused with a reason, so a page
   whose links all go elsewhere explains itself. Feeds, calendars, media files: never articles.
3. **Headlines.** A URL is kept if an anchor to it reads like a headline: three words or more,
   a CJK character counting as half a word (Chinese has no spaces), dates not counted, and not
   a pager, "read more" or call to action ("Sign up", "Subscribe", 訂閱). Two words will do
   for a link of the listing's URL shape in the listing's own rows, or dated (pass 4). An
   anchor wrapping a whole card takes its heading or first headline-like block; an image or
   "Read more" anchor takes its card's unlinked heading; a title cut short with "..." takes
   the anchor's ``title`` attribute. All anchors to one URL make one link.
4. **Dominant URL shape.** URLs are grouped by path shape (``shapes.py``). The biggest group
   is the listing (a dated link, or one under the listing's own section, weighs more; a side
   link less), with any card of the same grid that links elsewhere (a PDF, another section),
   less side links and a second list of the same shape kept under a section of its own
   (/xwzx/tzgg/ notices beside /xwzx/xwfb/ news) or in a box titled like one ("Most read",
   熱門點閱, 通知公告). Event sidebars, tag pages, quick links and pagers differ in shape even
   when they read like news.
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

import codecs
import contextlib
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

from workers.errors import SourceParseError
from workers.sources import chrome, dates, shapes
from workers.urls import absolute_url

MAX_ANCHORS = 20_000  # anchors read from a page
MAX_URLS = 2_000  # candidate article URLs weighed (a real listing shows tens to hundreds)
MAX_REFUSED = 20
MAX_TITLE = 500
ITEM_CLIMB = 6  # a card's outer element is rarely more than a few levels above its link

_El: TypeAlias = etree._Element
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
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
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset|<\?xml[^>]+encoding", re.IGNORECASE)
_NOT_PAGE = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|rdf:RDF|urlset|sitemapindex)\b", re.S
)


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
    charset: str | None = None,
) -> Listing:
    """The article links of a listing page; raises SourceParseError for non-HTML or a bad selector.

    ``charset``: the one the HTTP answer declared, which takes precedence over the page's own
    declaration (as in browsers); a Big5 page declared only in its header is read as Big5."""
    root = _parse(html, base_url, charset)
    picked = selector is not None
    anchors = root.iter("a") if selector is None else _picked(root, selector, base_url)
    by_key, refused = _collect(anchors, root, base_url, picked, include, exclude)
    found = _titled(by_key, picked)
    _date(found, root)
    if not picked:
        found = _listing(found, base_url)
    links = tuple(Link(f.url, f.title, f.published) for f in found[:max_links])
    return Listing(links, int(root.xpath("count(//a[@href])")), tuple(refused))


def _picked(root: _El, selector: str, base_url: str) -> Iterable[_El]:
    """The anchors a user's CSS selector picks: the elements themselves or the anchors in them."""
    try:
        picked = CSSSelector(selector, translator="html")(root)
    except (SelectorError, ExpressionError, etree.XPathError) as exc:
        raise SourceParseError(base_url, f"invalid CSS selector {selector!r}: {exc}") from exc
    return dict.fromkeys(a for el in picked for a in ([el] if el.tag == "a" else el.iter("a")))


def _collect(
    chosen: Iterable[_El],
    root: _El,
    base_url: str,
    picked: bool,
    include: re.Pattern[str] | None,
    exclude: re.Pattern[str] | None,
) -> tuple[dict[str, list[_Anchor]], list[tuple[str, str]]]:
    """Passes 1 and 2: the anchors out of chrome and on the site, by canonical URL, and the
    headline links refused (with why)."""
    bases = (h for b in root.iter("base") if (h := (b.get("href") or "").strip()).startswith("http"))
    base = next(bases, base_url)
    own_site, self_key = shapes.site(urlsplit(base_url).netloc)[0], shapes.canonical(base_url)
    memo: dict[_El, chrome.State] = {}
    resolved: dict[str, tuple[str, str, str, bool]] = {}
    refused: list[tuple[str, str]] = []
    by_key: dict[str, list[_Anchor]] = {}
    for a in islice(chosen, MAX_ANCHORS):
        href = (a.get("href") or "").strip()
        in_chrome, side, main, _ = chrome.context(a, memo) if not picked else (False, False, False, False)
        if not href or href.startswith("#") or in_chrome:
            continue
        if not picked and chrome.rel_marks_chrome(a):
            continue  # topic chips and pagers say what they are
        text, heading = _anchor_text(a)
        if (hit := resolved.get(href)) is None:  # a card links one URL three times: resolve it once
            parts = urlsplit(absolute_url(href, base))
            url = urlunsplit((*parts[:4], ""))
            reason = shapes.refusal(parts.scheme.lower(), parts.netloc, own_site, picked)
            media = not picked and shapes.not_article(parts.path)
            hit = resolved[href] = (url, reason, "" if reason else shapes.canonical(url), media)
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
    return by_key, refused


def _titled(by_key: dict[str, list[_Anchor]], picked: bool) -> list[_Found]:
    """Pass 3: the URLs whose anchors (or card) give a headline, each with its card, in page order."""
    cards = _Cards(by_key)
    found = []
    for key, anchors in by_key.items():
        own = [x for x in anchors if not x.side]  # a release also in a "most read" box is the list's
        title, best, weak = (
            _title(own, key, cards) if 0 < len(own) < len(anchors) else ("", anchors[0], False)
        )
        if not title:
            title, best, weak = _title(anchors, key, cards)
        if title or picked:  # a picked link without a headline keeps its own text
            title = title or max((x.text for x in anchors), key=len)
            item, main = cards.item(best.el, key), any(x.main for x in anchors)
            shape, side = cards.shapes[key], best.side
            found.append(_Found(best.url, title[:MAX_TITLE], item, main, shape, side, weak))
    return found


def _date(found: list[_Found], root: _El) -> None:
    """Pass 5: each link's day from its card, in the date style of the whole page (dates.py)."""
    texts = [chrome.text(f.item)[:2000] for f in found]
    charset = root.getroottree().docinfo.encoding or ""
    style = dates.page_style(" ".join(texts), (root.get("lang") or "").lower(), charset)
    for f, text in zip(found, texts, strict=True):
        f.published = dates.date_in(f.item, text.replace(f.title, " ", 1), style) or dates.url_date(f.url)


def _parse(html: bytes, source: str, charset: str | None = None) -> _El:
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
    encoding = _codec(charset)
    if encoding is None and not utf16 and not _DECLARED_CHARSET.search(head):
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


def _codec(charset: str | None) -> str | None:
    """A charset name libxml2 can use, or None for an unknown or missing one."""
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip("'\"")).name
    except LookupError:
        return None


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
        return chrome.visible_text(inner), True
    text = chrome.visible_text(a) or " ".join((a.get("aria-label") or a.get("title") or "").split())
    leaves = (b for b in a.iter("div", "p", "span", "strong", "time") if not (len(b) or chrome.hidden(b)))
    blocks = [chrome.text(b) for b in leaves]
    if a.find(".//div") is not None or a.find(".//p") is not None or any(map(dates.DATE.search, blocks)):
        text = next((t for t in blocks if _headline(t)), text)  # a whole card in one anchor
    return text, in_heading


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


class _Cards:
    """Which article URLs the elements a few levels above article-like anchors hold, so that a
    link's card is found: the highest near ancestor holding no other article of the link's kind
    (a topic chip of another URL shape inside a card does not end the card; two links do)."""

    def __init__(self, by_key: dict[str, list[_Anchor]]) -> None:
        self.shapes = {key: shapes.shape(anchors[0].url) for key, anchors in by_key.items()}
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
                and _size(t := chrome.visible_text(heading)) >= need
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
    section, score = shapes.section(base_url, leaf=True), dict[str, float]()
    for f in (f for f in found if not f.weak):
        bonus = bool(f.published) + bool(section and shapes.section(f.url, leaf=False) == section)
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
    lists = {p: g for p, g in lists.items() if g is biggest or not chrome.box_titled(p)}
    mine = [f for g in lists.values() for f in g]
    for filed in (shapes.folder, shapes.prefix):  # the exact folder, else the section over dated folders
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
