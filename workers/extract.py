"""Article extraction: HTML bytes in, clean text and metadata out (pure, no network).

trafilatura does the work; this module fixes its settings in one place, turns "nothing
usable" into :class:`ExtractError`, and normalises the fields pressroom stores.

Settings and why (measured on tests/resources/site: 14 releases, 4 templates):

* ``include_comments=False``: reader comments are not part of a press release.
* ``include_tables=True``: ranking releases put their figures in tables.
* ``favor_precision=True``: the default mode leaked a sidebar event list (a div-based
  layout without <aside>); ``favor_recall`` leaked that plus teaser lists. Precision mode
  lost no body words on any test page (recall 1.00).
* Pruned before trafilatura sees the tree (``prune_boilerplate``): an issuer disclaimer
  under newswire releases leaked in every mode, and with ``fast`` the summaries of a "more
  news from ..." list inside the content column did too; both are dropped by common
  class/id names. Done in Python rather than as trafilatura's ``prune_xpath``: the same
  test as an XPath (lower-casing every element's class and id once per name) took about a
  quarter of the extraction time on the benchmark pages.
* ``deduplicate=False``: trafilatura's deduplication keeps a process-wide LRU cache of
  paragraphs it has seen; after a few releases from one publisher their shared "About X"
  paragraph (part of the release) disappeared (recall 0.85), so results would depend on
  what the worker processed before. It is also mutable state shared between threads.
* ``fast=True`` skips the fallback extractors (readability, jusText): about 1.5 ms (~18%)
  quicker per page here and equally clean on every test page; it has less to fall back on for odd markup.
* ``with_metadata=False``: trafilatura's full metadata pass also derives licence, categories,
  tags, the registered domain (a public-suffix lookup) and a date (htmldate), and scans
  the body for bylines; on the benchmark's 50-100 KB pages that was ~40% of its time per page,
  nearly all of it for fields pressroom discards. ``_metadata`` calls the cheap parts of the
  same library (meta tags, OpenGraph, JSON-LD, the title heuristics) for about 0.5 ms.
  A byline that only appears in the body (no meta tag, no JSON-LD) is not looked for.

Parsing and handing over the tree (measured on the benchmark pages, docs/benchmarks.md):

* ``_parse`` follows trafilatura's ``load_html`` (its charset guess and repairs, the same
  parser options) but gives lxml a class lookup done in C: lxml.html's own calls back into
  Python for every element Python touches, about 5% of the extraction time.
* Pages those repairs would leave as they are (UTF-8, no control characters; an XHTML
  doctype, which they delete, is cut off the bytes) are parsed from their bytes without
  the decode and the whole-text regex (``_as_served``): another 5% (the same tree; tests).
* ``drop_discarded_elements`` deletes, before trafilatura copies the tree, the scripts and
  styles its first cleaning step deletes anyway (they hold no elements, so nothing else
  changes). Fast path only: the full path's fallback extractors still see the page whole.
* None of the trafilatura steps borrowed here (its charset guess and repairs, its cheap
  metadata steps) are its documented API. If a release renames one, its public
  ``load_html`` and ``extract_metadata`` take over, and a warning says so, rather than
  every worker failing at import. The text is the same (every test and benchmark page; a
  test hides each step to check); the metadata then comes from trafilatura's whole pass,
  about 12 times slower: the same fields on those pages, but in general it also reads
  bylines in the body, derives a site name from the title or URL, drops a one-word author,
  and a date htmldate cannot parse costs the page all four fields (never its text).

The publication date comes from htmldate run on a copy of the page without sidebars,
comments and teaser lists (_DATE_NOISE_XPATH), because htmldate takes the first plausible
date in document order and event sidebars come first in many templates.

Thread safety: trafilatura and htmldate keep module-level caches (lru_cache, the dedup
LRU we do not use) and an lxml tree must not be shared between threads. Each call here
parses its own tree, and 8 threads x 560 calls gave results identical to sequential runs,
but the GIL means threads add no throughput: scale with processes (RQ workers do).
"""

from __future__ import annotations

import contextlib
import copy
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, Protocol

from htmldate import find_date
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, fromstring
from trafilatura import bare_extraction, extract_metadata, load_html

from workers.errors import ExtractError
from workers.text import clean_text

# Borrowed trafilatura steps (the module docstring says why, and what takes over without them).
try:
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title
    from trafilatura.utils import DOCTYPE_TAG, HAS_BROTLI, decode_file, repair_faulty_html
except ImportError as missing:
    HAS_INTERNALS = False
    logging.getLogger(__name__).warning(
        "this trafilatura release lacks a step pressroom borrows (%s): extracting with its public, slower calls",
        missing,
    )
else:
    HAS_INTERNALS = True

# Below this many characters of body text an "article" is a stub, a paywall teaser or a
# navigation page; downstream classification would be guesswork. Counted by ``content_length``:
# a Chinese, Japanese or Korean character counts WIDE_CHAR_WEIGHT times, since 200 of them
# say as much as about 600 Latin letters (a Chinese rendering of an English text has roughly
# a third of its characters), and a 150-character Chinese release is a whole release.
MIN_TEXT_CHARS = 200
WIDE_CHAR_WEIGHT = 3
_WIDE_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")

# Bytes that cannot start an HTML document (images, PDFs, archives): reject before parsing.
_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\x00\x00",
)
_MARKUP_RE = re.compile(
    rb"<\s*(?:!doctype|html|head|body|div|p|article|main|section|title|meta|span|table)\b", re.I
)

# Boilerplate that trafilatura's own class/id vocabulary misses, by the names CMSs commonly
# give it: issuer disclaimers under newswire releases and "more news from ..." teaser lists
# inside the content column (measured leaks; "related"/"teaser"/"comments" are handled by
# trafilatura already). Matched on lowercase class and id attributes only, never on text.
_PRUNE_TOKENS = ("disclaimer", "more-news", "morenews", "more-from", "most-read", "mostread", "recommended")
_PRUNE_RE = re.compile("|".join(re.escape(token) for token in _PRUNE_TOKENS))
_PRUNED_TAGS = ("div", "section", "aside", "ul", "ol", "p", "small")


def prune_boilerplate(tree: HtmlElement) -> None:
    """Remove (in place) the containers whose class or id names them as boilerplate; tails stay."""
    doomed = []
    for element in tree.iter(*_PRUNED_TAGS):
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if names != " " and _PRUNE_RE.search(names.lower().replace("_", "-")):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


# Elements trafilatura deletes in its first cleaning step whatever the settings, and that
# cannot hold other elements: deleting them here, before it copies the tree, makes its
# copies smaller (on the benchmark pages, inline scripts and styles are a third of the
# bytes) and changes nothing else. JSON-LD stays: trafilatura reads it before cleaning (to
# tell forum threads from articles). Containers it also deletes (nav, aside, footer,
# noscript, svg) stay for it: its own deletion loop leaves some nested ones and what
# follows them, a <figure> holding a table anywhere inside is kept as text, and an <h1>
# inside one counts before cleaning; deleting them first would change the article.
_ALWAYS_DISCARDED = ("script", "style")


def drop_discarded_elements(tree: HtmlElement) -> None:
    """Remove (in place) the scripts (but JSON-LD) and styles trafilatura would delete anyway; tails stay."""
    doomed = [
        element
        for element in tree.iter(*_ALWAYS_DISCARDED)
        if element.tag != "script" or (element.get("type") or "").strip().lower() != "application/ld+json"
    ]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


# Page regions whose dates belong to other things (event lists, comments, "latest news"): htmldate
# takes the first plausible date in document order, so a left-hand sidebar listing upcoming events
# would otherwise become the publication date. Token-prefix matches (" side" matches "side-box",
# "sidebar" but not "inside-article").
_DATE_NOISE_XPATH = (
    "//body//*[not(.//h1)]["  # a region holding the headline is the article (ASP.NET <form>, themes)
    "self::aside or self::nav or self::footer or self::form"
    " or contains(concat(' ', translate(@class, 'SIDEBAR', 'sidebar'), ' '), ' side')"
    " or contains(concat(' ', @id, ' '), ' side')"
    " or contains(@class, 'widget') or contains(@class, 'related') or contains(@class, 'comment')"
    " or contains(@id, 'comment') or contains(@class, 'teaser') or contains(@class, 'recent')"
    " or contains(@class, 'most-read') or contains(@class, 'more-news')]"
)


# The trafilatura settings (the module docstring says why each); the benchmark times exactly these.
TRAFILATURA_OPTIONS: Mapping[str, Any] = MappingProxyType(
    {
        "favor_precision": True,
        "include_comments": False,
        "include_tables": True,
        "include_images": False,
        "include_links": False,
        "deduplicate": False,
        "with_metadata": False,  # _metadata reads the fields pressroom keeps, at a fraction of the cost
    }
)


@dataclass(frozen=True)
class Article:
    """What pressroom keeps of a page: text for the classifier, metadata for consumers."""

    title: str
    text: str  # clean article text, paragraphs separated by "\n" (blank lines collapsed to one)
    author: str  # "" when unknown
    published: str  # ISO 8601 date (YYYY-MM-DD) or ""
    lang: str  # BCP 47-ish tag from the page ("en", "en-GB"); Chinese as zh-Hant/zh-Hans (chinese_lang); "" when unknown
    sitename: str
    description: str


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096].lstrip()
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return False
    return _MARKUP_RE.search(head) is not None


def _page_meta(tree: HtmlElement) -> tuple[str, str]:
    """The language and the author the page declares itself, from one pass over its <meta> tags.

    trafilatura only guesses the language with extra packages. The author is the first
    ``<meta name="author">`` with a content attribute (as ``//meta[@name='author']/@content``),
    to keep an organisation byline as the page spells it (``_author``).
    """
    content_language, og_locale = [], []
    author: str | None = None
    for meta in tree.getroottree().iter("meta"):  # the whole document, in order, as //meta
        if (meta.get("http-equiv") or "").lower() == "content-language":
            content_language.append(meta.get("content"))
        elif meta.get("property") == "og:locale":
            og_locale.append(meta.get("content"))
        if author is None and meta.get("name") == "author":
            author = meta.get("content")
    candidates = [
        tree.get("lang"),
        tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        *content_language,
        *og_locale,
    ]
    lang = ""
    for value in candidates:
        value = str(value or "").strip().replace("_", "-")
        if re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", value):
            lang = value
            break
    return lang, " ".join((author or "").split())


# A line break in the page source between two wide (Chinese, Japanese) characters or full-width
# punctuation marks: browsers drop it (CSS Text 3, segment break transformation), extractors
# turn it into a space ("雙方 將在"), which splits words that never had a space.
_WIDE = "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60"
_WIDE_LINE_BREAK = re.compile(f"(?<=[{_WIDE}])[ \\t]*\\n[ \\t\\n]*(?=[{_WIDE}])")
_WIDE_CHAR = re.compile(f"[{_WIDE}]")


def join_wide_line_breaks(tree: HtmlElement) -> None:
    """Remove (in place) source line breaks between two wide characters, as browsers render them.

    Only line breaks inside one text node are seen (a break just before an inline tag stays).
    """
    for element in tree.iter():
        text, tail = element.text, element.tail
        if text and "\n" in text and not text.isascii():
            element.text = _WIDE_LINE_BREAK.sub("", text)
        if tail and "\n" in tail and not tail.isascii():
            element.tail = _WIDE_LINE_BREAK.sub("", tail)


def content_length(text: str) -> int:
    """Characters of ``text``, a CJK character counting ``WIDE_CHAR_WEIGHT`` (see MIN_TEXT_CHARS)."""
    if text.isascii():
        return len(text)
    return len(text) + (WIDE_CHAR_WEIGHT - 1) * len(_WIDE_CHARS.findall(text))


# Declared Chinese tags that name the script, directly or by region (BCP 47: zh-Hant, zh-TW...).
_ZH_HANT_TAGS = frozenset({"hant", "tw", "hk", "mo"})
_ZH_HANS_TAGS = frozenset({"hans", "cn", "sg", "my"})


def chinese_lang(declared: str, text: str) -> str:
    """``zh-Hant`` or ``zh-Hans`` for a Chinese page, else ``declared`` unchanged.

    A page is Chinese when it declares ``zh`` (any subtags) or declares nothing and its text
    is mostly Chinese. The text decides the script when it can (characters only one script
    has); otherwise the declared script or region does (zh-HK, zh-TW -> Traditional; zh-CN,
    zh-SG -> Simplified); ``zh`` when neither tells. Pages often declare a site-wide tag, so
    the text is trusted first; a page whose text is not Chinese keeps its tag.
    """
    from classifiers.language import CHINESE, SIMPLIFIED, TRADITIONAL, UNDETERMINED, detect

    primary, _, rest = declared.lower().partition("-")
    if primary not in ("zh", ""):
        return declared
    found = detect("", text).code
    if found in (TRADITIONAL, SIMPLIFIED):
        return found
    if found not in (CHINESE, UNDETERMINED) or not declared:
        # Not Chinese text (an English page under a site-wide zh-HK): the page's tag as it is;
        # the classifier reports the text's language.
        return CHINESE if found == CHINESE else declared
    subtags = set(rest.split("-"))
    if subtags & _ZH_HANT_TAGS:
        return TRADITIONAL
    if subtags & _ZH_HANS_TAGS:
        return SIMPLIFIED
    return CHINESE


def _html_parser() -> etree.HTMLParser:
    """trafilatura's parser settings, with every element an ``HtmlElement`` chosen in C.

    lxml.html's own parser picks each element's class in a Python callback, run whenever
    Python first touches an element: about 2,600 calls per benchmark page, 5% of its
    extraction time. Elements of this parser are plain ``HtmlElement`` (no form-field
    subclasses, which neither trafilatura nor pressroom uses).
    """
    parser = etree.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
        )
    )
    return parser


# Shared, as trafilatura shares its own: lxml serialises concurrent use of one parser (safe,
# if slower), and a worker extracts on one thread only.
_PARSER = _html_parser()

# Bytes of the control characters trafilatura's repair deletes (its INVALID_XML_CHARS, which
# also names U+FFFE and U+FFFF); in UTF-8 these bytes stand for nothing else.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_FIRST_BYTES = (b"<", b" ", b"\t", b"\n", b"\r")
_FIRST_BYTES_BROTLI = (b"<",)
_LEADING_SPACE = re.compile(rb"[ \t\n\r]*")
# trafilatura's DOCTYPE_TAG for bytes: a doctype holding a slash (XHTML's), at the very start
_SLASHED_DOCTYPE = re.compile(
    DOCTYPE_TAG.pattern.encode("ascii") if HAS_INTERNALS else rb"(?!)", re.IGNORECASE
)


def _as_served(data: bytes) -> tuple[bytes, str] | None:
    """What trafilatura's decode and repair would hand libxml2, as bytes, and the page's opening.

    For the common page (UTF-8, no control characters, no self-closing <html/>, a line
    break after a doctype) its decode and repair change nothing but a doctype holding a
    slash, which they delete: then the bytes can be parsed as they are, less that doctype.
    On the benchmark pages the charset guess, the decode and the whole-text repair regex
    cost about as much as the parse (docs/benchmarks.md). Returns None at any doubt, and
    the page takes the general path. The opening is the first 50 characters, lower-case,
    as ``load_html`` judges them.
    """
    # trafilatura first tries to decompress the page: zlib and gzip cannot start with these
    # bytes, brotli (when installed: it has no magic number) can start with whitespace
    if data[:1] not in (_FIRST_BYTES_BROTLI if HAS_BROTLI else _FIRST_BYTES):
        return None
    if not data.isascii():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if "\ufffe" in text or "\uffff" in text:
            return None
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return None
    beginning = _text_head(data, 50).lower()
    if "doctype" in beginning:
        first_line, newline, _ = data.partition(b"\n")
        if not newline:
            return None  # the repair splits off the first line and joins it back with a "\n"
        doctype = _SLASHED_DOCTYPE.match(first_line)
        if doctype is not None:
            data = data[doctype.end() :]
    start = _LEADING_SPACE.match(data).end()  # type: ignore[union-attr]  # matches the empty string
    if data[start : start + 1] >= b"\x80":
        return None  # lxml.html's is-it-a-whole-page test skips Unicode spaces in a str, not in bytes
    if any("<html" in line and line.endswith("/>") for line in _text_head(data, 4096).splitlines()[:4]):
        return None
    return data, beginning


def _text_head(data: bytes, chars: int) -> str:
    """The first ``chars`` characters of valid UTF-8 ``data``, decoding only what that takes."""
    return data[: 4 * chars + 4].decode("utf-8", "ignore")[:chars]


def _parse(data: bytes | str, url: str) -> HtmlElement:
    if isinstance(data, bytes) and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        data = data.decode("utf-16", errors="replace")  # NUL-laden but legitimate: decode before sniffing
    if isinstance(data, bytes):
        if not data.strip():
            raise ExtractError(url, "empty document")
        if not _looks_like_html(data):
            raise ExtractError(url, "not an HTML document")
    elif not data.strip():
        raise ExtractError(url, "empty document")
    if not HAS_INTERNALS:
        return _parse_with_load_html(data, url)
    served = _as_served(data) if isinstance(data, bytes) else None
    tree: HtmlElement | None = None
    if served is not None:
        body, beginning = served
        with contextlib.suppress(etree.LxmlError, ValueError, TypeError):  # the general path tries again
            tree = fromstring(body, parser=_PARSER)
    if tree is None or len(tree) == 0:
        tree, beginning = _parse_like_load_html(data, url)
    if "html" not in beginning and len(tree) < 2:
        raise ExtractError(url, "not an HTML document")  # a fragment or plain text, not a page
    return tree


def _parse_like_load_html(data: bytes | str, url: str) -> tuple[HtmlElement, str]:
    """The tree and the page's opening (first 50 characters, lower-case), as trafilatura's
    load_html gets them: guess the charset (BOM, meta, statistics), mend what libxml2 trips
    over (control characters, slashed doctypes, <html/>), parse the text and, when that fails
    or yields nothing, its UTF-8 bytes (a str with an XML encoding declaration)."""
    text = decode_file(data)
    beginning = text[:50].lower()
    text = repair_faulty_html(text, beginning)
    tree: HtmlElement | None = None
    problem = "no elements"
    for as_bytes in (False, True):
        try:
            tree = fromstring(text.encode("utf-8", "surrogatepass") if as_bytes else text, parser=_PARSER)
        except (etree.LxmlError, ValueError, TypeError) as exc:
            problem = str(exc)
            continue
        if tree is not None and len(tree) > 0:
            break
    if tree is None:
        raise ExtractError(url, f"not an HTML document ({problem})")
    return tree, beginning


def _parse_with_load_html(data: bytes | str, url: str) -> HtmlElement:
    """The tree from trafilatura's public load_html (lxml.html's slower parser), which also
    refuses a fragment that does not say it is HTML, as ``_parse`` does."""
    try:
        tree = load_html(data)
    except (etree.LxmlError, ValueError, TypeError) as exc:
        raise ExtractError(url, f"not an HTML document ({exc})") from None
    if tree is None:
        raise ExtractError(url, "not an HTML document")
    return tree


def _author(found: str, declared: str) -> str:
    """trafilatura's author, but as the page spelt it when they are the same name.

    trafilatura splits "X and Y" into "X; Y" (two people), which mangles organisation
    bylines such as "Communications and Public Affairs Office".
    """

    def key(value: str) -> list[str]:
        return [w for w in re.findall(r"\w+", value.lower()) if w != "and"]

    if declared and found and key(found) == key(declared):
        return declared
    return found


class _Metadata(Protocol):
    """The fields pressroom reads from trafilatura's metadata ``Document``. Named by what is
    read, not imported: that class is not in trafilatura's documented API either, and a
    release that moved it would otherwise stop every worker at import."""

    title: str | None
    author: str | None
    sitename: str | None
    description: str | None


@dataclass
class _NoMetadata:
    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    description: str | None = None


def _metadata(tree: HtmlElement) -> _Metadata:
    """Title, author, site name and description from meta tags, OpenGraph and JSON-LD.

    The inexpensive steps of trafilatura's own metadata pass, in its order (the module
    docstring says why not the whole pass). Must run before extraction prunes the tree.
    """
    try:
        if not HAS_INTERNALS:  # the whole pass, on a copy: it must leave the tree as it is
            return extract_metadata(copy.deepcopy(tree))
        found = extract_meta_json(tree, examine_meta(tree))
        if not found.title:
            found.title = extract_title(tree)
    except (etree.LxmlError, ValueError, TypeError):  # odd markup: the text matters more than these fields
        return _NoMetadata()
    return found


def _published_date(tree: HtmlElement, *, fast: bool) -> str:
    """Publication date from the page minus sidebars, comments and teaser lists (see _DATE_NOISE_XPATH)."""
    pruned = copy.deepcopy(tree)
    for node in pruned.xpath(_DATE_NOISE_XPATH):
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)
    try:
        found = find_date(
            pruned,
            original_date=True,
            extensive_search=not fast,
            max_date=date.today().isoformat(),
        )
    except (ValueError, TypeError):  # htmldate raises on odd inputs rather than returning None
        return ""
    return found or ""


def extract_article(html: bytes | str, url: str, *, fast: bool = False, find_date: bool = True) -> Article:
    """Extract the main article text and metadata from one page.

    ``fast=True`` tries trafilatura's fast path first and falls back to the full one (with
    its readability and jusText fallbacks) only when the fast path finds no article, as on
    pages with hardly any markup. ``find_date=False`` skips the de-cluttered date pass
    (about a fifth of the time per page) for callers that already know the date.
    Raises ExtractError when the page is empty, not HTML, or has no article-sized text.
    """
    try:
        return _extract(html, url, fast=fast, find_date=find_date)
    except ExtractError:
        if not fast:
            raise
        return _extract(html, url, fast=False, find_date=find_date)


# Elements whose own text is looked at to tell a Chinese or Japanese page that declares no
# language and has a Latin title: enough to meet the body's first paragraphs, cheap on any page.
_WIDE_SAMPLE = 80


def _has_wide_text(tree: HtmlElement) -> bool:
    """Whether the title or the first text-bearing elements hold CJK characters."""
    seen = 0
    for element in tree.iter("title", "h1", "h2", "h3", "p", "li", "td", "div", "span", "a"):
        text = element.text
        if text and not text.isspace():
            if _WIDE_CHAR.search(text):
                return True
            seen += 1
            if seen >= _WIDE_SAMPLE:
                return False
    return False


def _extract(html: bytes | str, url: str, *, fast: bool, find_date: bool) -> Article:
    tree = _parse(html, url)
    lang, meta_author = _page_meta(tree)
    if lang[:2].lower() in ("zh", "ja") or _has_wide_text(tree):
        join_wide_line_breaks(tree)  # a Chinese or Japanese page (only those pay), title included
    # before trafilatura prunes the tree in place
    published = _published_date(tree, fast=fast) if find_date else ""
    meta = _metadata(tree)
    prune_boilerplate(tree)
    if fast:  # the full path's fallback extractors (readability, jusText) see the page as before
        drop_discarded_elements(tree)
    try:
        doc = bare_extraction(tree, url=url or None, fast=fast, **TRAFILATURA_OPTIONS)
    except (etree.LxmlError, ValueError, TypeError) as exc:  # malformed trees surface as these
        raise ExtractError(url, f"extraction failed: {exc}") from exc
    if doc is None:
        raise ExtractError(url, "no main content found")
    assert not isinstance(doc, dict), "a dict comes only with as_dict, which is not passed"
    text = clean_text(doc.text or "", 200_000)
    if content_length(text) < MIN_TEXT_CHARS:
        raise ExtractError(url, f"article text too short ({len(text)} chars)")
    return Article(
        title=clean_text(meta.title or "", 1_000),
        text=text,
        author=clean_text(_author(meta.author or "", meta_author), 300),
        published=published,
        lang=chinese_lang(lang, text),
        sitename=clean_text((meta.sitename or "").lstrip("@"), 300),
        description=clean_text(meta.description or "", 2_000),
    )
