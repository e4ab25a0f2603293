"""Site chrome on a listing page: which elements are not the listing, and what a reader sees.

Menus, pagers, share bars, footers and sidebars hold links that read like headlines too, and
markup is all that tells them apart: an element is judged by tag, ``role`` and class/id words
(``leftMenu``, ``left-menu``, ``left_menu`` alike), each ancestor once per page.

- **Chrome**, never read: nav, aside, a page-level header or footer (one inside article,
  section or main is content, as in the HTML spec), a landmark role (navigation, banner,
  contentinfo, complementary, search), a class/id naming chrome (menu, pager, breadcrumb,
  share, tags ...; CMS post labels such as ``category-news`` are content), ``rel=tag|next``.
- **Side**, weighed less, as a CMS may put the listing itself there: sidebar, widget, rail and
  compounds (``leftmenu``, ``left-side``, ``side-box``), or a box titled "Most read", 熱門點閱.
- **Hidden**: ``sr-only``, ``visually-hidden``, ``aria-hidden``, ``hidden`` text is for screen
  readers, so it never makes a title.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from typing import TypeAlias

from lxml import etree

_El: TypeAlias = etree._Element
State: TypeAlias = tuple[bool, bool, bool, bool]  # in chrome, in a side block, in <main>, sectioned


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


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
_HIDDEN_CLASS = re.compile(  # text a screen reader hears but a reader does not see
    r"sr-only|visually-?hidden|screen-?reader|show-for-sr|element-invisible|a11y-hidden|sr-text",
    re.IGNORECASE,
)
_BOX_TITLE = re.compile(
    r"popular|most (?:read|viewed|shared)|trending|related|recommended|recent posts|hot news|meistgelesen"
    r"|熱門|热门|排行|推薦|推荐|相關|相关|通知公告|最新公告|인기|많이 본",
    re.IGNORECASE,
)


def context(el: _El, memo: dict[_El, State]) -> State:
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


def rel_marks_chrome(a: _El) -> bool:
    """Whether an anchor says it is a topic chip or a pager (``rel=tag|category|next|prev``)."""
    return bool(_SKIP_REL.intersection((a.get("rel") or "").lower().split()))


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


def box_titled(parent: _El | None) -> bool:
    """Whether a list sits in a box titled like a side box ("Most read", 熱門點閱, 通知公告)."""
    for _ in range(3):
        if parent is None:
            return False
        for el in (parent.getprevious(), *islice(parent, 2)):  # a box's title comes first
            title = "" if el is None or not isinstance(el.tag, str) else text(el)
            if len(title) <= 30 and _BOX_TITLE.search(title):
                return True
        parent = parent.getparent()
    return False


def text(el: _El) -> str:
    """An element's text, whitespace-normalised."""
    return " ".join("".join(el.itertext()).split())


def visible_text(el: _El) -> str:
    """An element's text less what only screen readers get (sr-only, aria-hidden, hidden)."""
    if not any(map(hidden, el.iterdescendants())):
        return text(el)
    parts: list[str] = []

    def walk(node: _El) -> None:
        parts.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str) and not hidden(child):
                walk(child)
            parts.append(child.tail or "")

    walk(el)
    return " ".join("".join(parts).split())


def hidden(el: _El) -> bool:
    """Whether an element is for screen readers only (or not shown at all)."""
    return (
        el.get("hidden") is not None
        or el.get("aria-hidden") == "true"
        or bool(_HIDDEN_CLASS.search(el.get("class") or ""))
    )
