"""The date next to a link on a listing page: the calendar day as the page writes it.

A listing shows a release's day in one of a few ways, tried in this order for a card:

1. ``<time datetime>`` (or a date ``<meta>``): the attribute's own date part, never moved to
   another time zone (2025-11-03T09:15+11:00 was published on 3 November where it was written).
2. A date in the card's text: ``2025-03-12``, ``12 March 2025``, ``March 12, 2025``,
   ``12/03/2025`` (D/M or M/D as the page's unambiguous dates say, else its ``lang``),
   ``2025年3月12日``, and on Taiwanese pages Republic of China years (``114年3月12日``,
   ``114-03-12``, ``114/03/12``: year + 1911).
3. A day and a month written in separate elements, as Chinese university templates do
   (``<span>03</span><p>2025-11</p>``, or ``<span>2025</span><span>11-03</span>``).
4. The element just before the card (``<dt>``, a day heading over a list), else a date in the URL.

All of it is regular expressions over text already capped by the caller, so it is cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import islice, pairwise
from urllib.parse import urlsplit

from lxml import etree

MAX_LEAVES = 60  # elements of a card looked at for a split date

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MON = r"(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(?:19|20)\d\d"
DATE = re.compile(  # any date a listing writes, Gregorian; used by page.py to keep dates out of titles
    rf"(?<!\d)(?P<y1>{_YEAR})\s*[-/.年]\s*(?P<m1>\d{{1,2}})\s*[-/.月]\s*(?P<d1>\d{{1,2}})(?!\d)"
    rf"|(?<!\d)(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?[\s.-]+{_MON.replace('(', '(?P<b2>', 1)}[\s,.-]+(?P<y2>{_YEAR})(?!\d)"
    rf"|\b{_MON.replace('(', '(?P<b3>', 1)}\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y3>{_YEAR})(?!\d)"
    rf"|(?<!\d)(?P<a4>\d{{1,2}})[/.-](?P<c4>\d{{1,2}})[/.-](?P<y4>{_YEAR})(?!\d)"
    rf"|(?<!\d)(?P<y5>\d{{2,3}})\s*年\s*(?P<m5>\d{{1,2}})\s*月\s*(?P<d5>\d{{1,2}})\s*日",
    re.IGNORECASE,
)
# 114-11-04, 114/11/04, 114.11.04: ROC years 80-139 (1991-2050), only read on Taiwanese pages
_ROC_DATE = re.compile(r"(?<![\d.:/-])(1[0-3]\d|[89]\d)([-/.])(\d{1,2})\2(\d{1,2})(?![\d.:/-])")
_NUMERIC_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})[/.-](\d{{1,2}})[/.-]{_YEAR}(?!\d)")
_URL_DATE = re.compile(rf"(?<!\d)({_YEAR})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?!\d)")
_ISO = re.compile(r"\s*(\d{4})-(\d\d)-(\d\d)(?!\d)")  # 2025-03-10, 2025-03-10T09:30+08:00
_DAY = re.compile(r"(\d{1,2})\s*日?")
_YEAR_MONTH = re.compile(rf"({_YEAR})\s*[-/.年]\s*(\d{{1,2}})\s*月?")
_YEAR_ONLY = re.compile(rf"({_YEAR})\s*年?")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass(frozen=True)
class Style:
    """How a page writes its dates: whether 03/04/2025 is March 4, whether 114-03-04 is an ROC date."""

    month_first: bool = False
    roc: bool = False


def page_style(text: str, lang: str, charset: str = "") -> Style:
    """The page's date style from its cards' text, its ``lang`` and its declared charset.

    D/M against M/D: the page's unambiguous dates (13/03 or 03/13) vote, else en-US means M/D.
    ROC years: a zh-TW page, or a Big5 one (Taiwan's legacy encoding) not marked Hong Kong or
    Macau that says 民國 or writes only ROC-shaped dates (Hong Kong's Big5 pages are Gregorian).
    """
    pairs = [(int(a) > 12, int(c) > 12) for a, c in _NUMERIC_DATE.findall(text)]
    votes = [month_first for day_first, month_first in pairs if day_first != month_first]
    month_first = sum(votes) * 2 > len(votes) if votes else lang.startswith("en-us")
    region = lang.rsplit("-", 1)[-1]
    roc = region == "tw" or (
        "big5" in charset.lower()
        and region not in ("hk", "mo")
        and ("民國" in text or (len(_ROC_DATE.findall(text)) >= 2 and not DATE.search(text)))
    )
    return Style(month_first, roc)


def date_in(item: etree._Element, text: str, style: Style) -> str:
    """A <time> or date meta in the card, else a date in its text or split over two of its
    elements, else one just before it; "" when none."""
    for el in item.iter("time", "meta"):
        dated = el.tag == "time" or "date" in (el.get("itemprop") or el.get("property") or "").lower()
        value = el.get("datetime") or el.get("content") or ""
        if dated and (found := _iso(value) or text_date(_text(el), style)):
            return found
    if found := text_date(text, style) or _split_date(item):
        return found
    for node in (item, item.getparent()):  # <dt>date</dt><dd>link</dd>, <h3>date</h3><ul>...</ul>
        before = None if node is None else node.getprevious()
        if before is not None and before.tag != "a" and before.find(".//a") is None:
            found = found or text_date(_text(before)[:80], style)
    return found


def text_date(text: str, style: Style = Style()) -> str:
    """The first valid date written in a text, as YYYY-MM-DD, or ""."""
    found, at = "", len(text)
    for m in DATE.finditer(text):
        if m["y1"]:
            y, mo, d = int(m["y1"]), int(m["m1"]), int(m["d1"])
        elif m["y2"] or m["y3"]:
            n = "2" if m["y2"] else "3"
            y, mo, d = int(m["y" + n]), _MONTHS.index(m["b" + n][:3].lower()) + 1, int(m["d" + n])
        elif m["y4"]:
            a, c, y = int(m["a4"]), int(m["c4"]), int(m["y4"])
            mo, d = (a, c) if c > 12 or (a <= 12 and style.month_first) else (c, a)
        else:
            y, mo, d = int(m["y5"]) + 1911, int(m["m5"]), int(m["d5"])  # Republic of China era
        if found := _valid(y, mo, d):
            at = m.start()
            break
    if style.roc:  # the earlier of the two kinds wins, as a reader would see it
        for r in _ROC_DATE.finditer(text, 0, at):
            if roc := _valid(int(r[1]) + 1911, int(r[3]), int(r[4])):
                return roc
    return found


def url_date(url: str) -> str:
    """A date written in a URL's path (/2025/03/12/, /20250312-x), or ""."""
    m = _URL_DATE.search(urlsplit(url).path)
    return _valid(int(m[1]), int(m[2]), int(m[3])) if m else ""


def _iso(value: str) -> str:
    """The date part of an ISO 8601 date or timestamp, as written (no time-zone shift)."""
    m = _ISO.match(value)
    return _valid(int(m[1]), int(m[2]), int(m[3])) if m else ""


def _split_date(item: etree._Element) -> str:
    """A day and a year-month (or a year and a month-day) in two neighbouring leaf elements."""
    leaves = [
        text
        for el in islice(item.iter(), MAX_LEAVES)
        if isinstance(el.tag, str) and not len(el) and el.tag != "a" and (text := (el.text or "").strip())
    ]
    for first, second in pairwise(leaves):
        for day, rest in ((first, second), (second, first)):
            ym, d = _YEAR_MONTH.fullmatch(rest), _DAY.fullmatch(day)
            y, md = _YEAR_ONLY.fullmatch(rest), _MONTH_DAY.fullmatch(day)
            found = (
                _valid(int(ym[1]), int(ym[2]), int(d[1])) if ym and d
                else _valid(int(y[1]), int(md[1]), int(md[2])) if y and md
                else ""
            )  # fmt: skip
            if found:
                return found
    return ""


def _valid(y: int, mo: int, d: int) -> str:
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return ""


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())
