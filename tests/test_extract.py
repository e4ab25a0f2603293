"""workers.extract against the static test site: full article text, no boilerplate, metadata.

The pages under tests/resources/site are the same ones the end-to-end test serves; their
expected bodies and boilerplate snippets live in expected.json (see build_site.py).
Recall is measured on multisets of lowercase word tokens (tests/textcheck.py).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import lxml.html
import pytest
from trafilatura import bare_extraction, load_html

from tests.textcheck import leaked_boilerplate, word_recall
from workers.errors import ExtractError
from workers.extract import (
    TRAFILATURA_OPTIONS,
    Article,
    drop_discarded_elements,
    extract_article,
    prune_boilerplate,
)
from workers.text import DROPPED_CHARS, clean_text

SITE = Path(__file__).parent / "resources" / "site"
BASE = "http://127.0.0.1:8000"
EXPECTED: dict[str, dict] = json.loads((SITE / "expected.json").read_text(encoding="utf-8"))
PAGES = sorted(EXPECTED)
MIN_RECALL = 0.90


def page_bytes(path: str) -> bytes:
    return (SITE / path).read_bytes().replace(b"{{BASE}}", BASE.encode())


@pytest.fixture(scope="module", params=[False, True], ids=["full", "fast"])
def extracted(request: pytest.FixtureRequest) -> dict[str, Article]:
    """Every page extracted once per mode; both modes must meet the same bar."""
    return {p: extract_article(page_bytes(p), f"{BASE}/{p}", fast=request.param) for p in PAGES}


def test_site_has_enough_variety() -> None:
    feeds = {e["feed"] for e in EXPECTED.values()}
    assert len(feeds) >= 4
    assert 12 <= len(PAGES) <= 16
    for feed in feeds:
        assert (SITE / feed / "feed.xml").is_file()


@pytest.mark.parametrize("path", PAGES)
def test_body_recall(extracted: dict[str, Article], path: str) -> None:
    recall = word_recall(EXPECTED[path]["body"], extracted[path].text)
    assert recall >= MIN_RECALL, f"{path}: recall {recall:.3f}"


@pytest.mark.parametrize("path", PAGES)
def test_no_boilerplate(extracted: dict[str, Article], path: str) -> None:
    assert leaked_boilerplate(EXPECTED[path]["boilerplate"], extracted[path].text) == []


@pytest.mark.parametrize("path", PAGES)
def test_metadata(extracted: dict[str, Article], path: str) -> None:
    want = EXPECTED[path]
    got = extracted[path]
    assert got.title == want["title"]
    # every page shows its date somewhere (meta, JSON-LD, <time> or visible text); sidebars
    # on the same page list other, later dates that must not win
    assert got.published[:10] == want["date"]
    assert got.lang == want["lang"]
    # includes "Communications and Public Affairs Office", which trafilatura alone turns into "X; Y"
    assert got.author == want["author"]


def test_text_is_clean_plain_text(extracted: dict[str, Article]) -> None:
    for path, article in extracted.items():
        assert "<" not in article.text or not re.search(r"</?[a-z]+[ >]", article.text), path
        assert "\n\n\n" not in article.text, path
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", article.text), path


def test_fixed_settings_do_not_depend_on_history() -> None:
    """Two releases sharing an "About X" paragraph both keep it (no cross-document dedup)."""
    about = "Harbour Innovation Park is a statutory body"
    pages = [p for p in PAGES if about in EXPECTED[p]["body"]]
    assert len(pages) >= 2
    for _ in range(3):
        for p in pages:
            assert about in extract_article(page_bytes(p), f"{BASE}/{p}").text


def test_str_input_matches_bytes() -> None:
    path = PAGES[0]
    from_bytes = extract_article(page_bytes(path), f"{BASE}/{path}")
    from_str = extract_article(page_bytes(path).decode("utf-8"), f"{BASE}/{path}")
    assert from_str == from_bytes


def test_str_with_xml_declaration_is_parsed() -> None:
    """lxml refuses a str that declares an encoding; its UTF-8 bytes are parsed instead."""
    paragraph = "The port authority opened a second cruise terminal on the southern shore this week. " * 4
    html = (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f"<title>Terminal opens</title></head><body><article><h1>Terminal opens</h1><p>{paragraph}</p>"
        f"<p>Caf\u00e9 owners welcomed it. {paragraph}</p></article></body></html>"
    )
    article = extract_article(html, "http://example.test/terminal")
    assert "southern shore" in article.text
    assert "Caf\u00e9 owners" in article.text
    assert article.title == "Terminal opens"


def _trafilatura_text(html: bytes | str, url: str, *, drop: bool) -> str | None:
    """trafilatura's text for a page prepared as _extract prepares it, with or without the early drop."""
    tree = load_html(html)
    prune_boilerplate(tree)
    if drop:
        drop_discarded_elements(tree)
    doc = bare_extraction(tree, url=url, fast=True, **TRAFILATURA_OPTIONS)
    return None if doc is None else str(doc.text)


@pytest.mark.parametrize("path", PAGES)
def test_dropping_what_trafilatura_discards_changes_nothing(path: str) -> None:
    """The early drop only saves trafilatura work: its text is the same with or without it."""
    kept = _trafilatura_text(page_bytes(path), f"{BASE}/{path}", drop=False)
    assert kept is not None
    assert _trafilatura_text(page_bytes(path), f"{BASE}/{path}", drop=True) == kept


def test_drop_removes_scripts_and_styles_only() -> None:
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(
        "<html><head><script>var a=1;</script><script type='application/ld+json'>{}</script>"
        "<style>p{}</style></head><body><nav>Menu</nav>after nav<p>Kept<script>x()</script> tail</p>"
        "<aside>Side</aside><footer>Foot</footer>end</body></html>"
    )
    drop_discarded_elements(tree)
    assert [s.get("type") for s in tree.iter("script")] == ["application/ld+json"]
    assert not list(tree.iter("style"))
    assert tree.body.text_content() == "Menuafter navKept tailSideFootend"


_PARAGRAPH = "The harbour authority opened a second ferry pier on the eastern waterfront this week. " * 3
# Pages where trafilatura's cleaning depends on containers it deletes itself: nested navs its
# deletion loop only partly removes, a figure whose table sits in a <noscript>, an <h1>
# inside an <aside> of an infinite-scroll container. The early drop must not change them.
_TRICKY_PAGES = {
    "nested-nav": f"<html><body><article><h1>Pier</h1><div><nav><nav>Inner</nav>x</nav><p>{_PARAGRAPH}</p>"
    "<nav><p>See also the report on the western pier and its new ferry timetable.</p></nav></div>"
    f"<p>{_PARAGRAPH}</p></article></body></html>",
    "figure-table-in-noscript": f"<html><body><article><h1>Pier</h1><p>{_PARAGRAPH}</p><figure>"
    "<noscript><table><tr><td>1</td></tr></table></noscript><p>Figure text about the pier.</p></figure>"
    f"<p>{_PARAGRAPH}</p></article></body></html>",
    "scroll-h1-in-aside": "<html><body><div class='infinite-scroll'><aside><h1>Pier</h1></aside>"
    f"<p>{_PARAGRAPH}</p><p>{_PARAGRAPH}</p></div></body></html>",
}


@pytest.mark.parametrize("name", sorted(_TRICKY_PAGES))
def test_drop_changes_nothing_where_trafilatura_cleaning_is_order_sensitive(name: str) -> None:
    url = "http://example.test/pier"
    page = _TRICKY_PAGES[name]
    assert _trafilatura_text(page, url, drop=True) == _trafilatura_text(page, url, drop=False)


@pytest.mark.parametrize("path", PAGES)
def test_parse_builds_the_tree_trafilatura_would(path: str) -> None:
    """_parse only swaps lxml.html's Python class lookup for a C one: the tree is the same."""
    from lxml import etree

    from workers.extract import _parse

    for data in (page_bytes(path), page_bytes(path).decode("utf-8")):
        assert etree.tostring(_parse(data, "http://example.test/")) == etree.tostring(load_html(data))


_BODY = (
    "<body><p>Caf\u00e9 owners \u201cwelcomed\u201d the new pier. "
    + "More text here. " * 20
    + "</p></body></html>"
)
_XHTML = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/x.dtd">'
# (page, whether it can be parsed as served): trafilatura's decode and repair change nothing
# on the first kind but a slashed doctype, and something on the second (or might: a BOM).
_SERVED_PAGES = {
    "plain": ("<!DOCTYPE html>\n<html><head><title>Pier</title></head>" + _BODY, True),
    "xhtml-doctype": (_XHTML + "\n<html>" + _BODY, True),
    "xhtml-doctype-crlf": (_XHTML + "\r\n<html>\r\n" + _BODY, True),
    "doctype-over-two-lines": (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"\n "x.dtd">\n<html>' + _BODY,
        True,
    ),
    "meta-charset-latin1": ('\n  <html><head><meta charset="iso-8859-1"></head>' + _BODY, True),
    "xml-declaration": ('<?xml version="1.0" encoding="iso-8859-1"?>\n<html>' + _BODY, True),
    "xhtml-doctype-one-line": (_XHTML + "<html>" + _BODY, False),
    "self-closing-html": ("<!DOCTYPE html>\n<html lang='en'/>\n" + _BODY, False),
    "control-characters": ("<html><head><title>Pier\x0b\x0c</title></head>" + _BODY, False),
    "noncharacter": ("<html><head><title>Pier\ufffe</title></head>" + _BODY, False),
    "byte-order-mark": ("\ufeff<!DOCTYPE html>\n<html>" + _BODY, False),
    # the repair joins the first line back with a "\n" even when it had none
    "doctype-without-line-break": (
        "<!doctype html><title>Pier</title><p>Caf\u00e9 owners</p><p>The pier</p>",
        False,
    ),
    # lxml.html's whole-page test skips Unicode spaces before <html> in a str, not in bytes
    "ideographic-space-before-html": ("\n\u3000<html>" + _BODY, False),
    "no-break-space-before-doctype": (
        " \u00a0<!DOCTYPE html>\n<html><head><title>Pier</title></head>" + _BODY,
        False,
    ),
    "no-break-space-after-xhtml-doctype": (_XHTML + "\u00a0<html>\n" + _BODY, False),
}


@pytest.mark.parametrize("name", sorted(_SERVED_PAGES))
def test_pages_parsed_as_served_give_trafilatura_s_tree(name: str) -> None:
    """_parse skips trafilatura's decode and repair only where they would change nothing."""
    from lxml import etree

    from workers.extract import _as_served, _parse

    page, as_served = _SERVED_PAGES[name]
    data = page.encode("utf-8")
    assert (_as_served(data) is not None) is as_served
    assert etree.tostring(_parse(data, "http://example.test/")) == etree.tostring(load_html(data))


def test_pages_not_in_utf8_take_the_general_path() -> None:
    from lxml import etree

    from workers.extract import _as_served, _parse

    data = ("<html><head><meta charset='windows-1252'></head>" + _BODY).encode("cp1252")
    assert _as_served(data) is None
    tree = _parse(data, "http://example.test/")
    assert etree.tostring(tree) == etree.tostring(load_html(data))
    assert "Caf\u00e9 owners" in tree.text_content()


# ---------------------------------------------------------------------------- failures


@pytest.mark.parametrize("data", [b"", b"   \n\t ", ""], ids=["empty", "whitespace", "empty-str"])
def test_empty_raises(data: bytes | str) -> None:
    with pytest.raises(ExtractError) as info:
        extract_article(data, "http://example.test/a")
    assert info.value.url == "http://example.test/a"
    assert "empty" in info.value.reason


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        bytes(range(256)) * 40,
        b"PK\x03\x04" + b"\x00" * 200,
    ],
    ids=["png", "pdf", "random-binary", "zip"],
)
def test_binary_raises(data: bytes) -> None:
    with pytest.raises(ExtractError, match="not an HTML document"):
        extract_article(data, "http://example.test/blob")


def test_navigation_only_page_raises() -> None:
    """A real template with its article removed: menus, sidebar, footer, cookie banner only."""
    for path in (PAGES[0], next(p for p in PAGES if p.startswith("corp/"))):
        html = page_bytes(path).decode("utf-8")
        stripped = re.sub(r"<article\b.*?</article>", "", html, flags=re.S)
        stripped = re.sub(r'<div id="comments".*?</form>\s*</div>\s*</div>', "", stripped, flags=re.S)
        assert stripped != html
        with pytest.raises(ExtractError) as info:
            extract_article(stripped, f"{BASE}/{path}")
        assert info.value.url == f"{BASE}/{path}"


def test_utf16_page_is_decoded() -> None:
    path = PAGES[0]
    data = re.sub(r'charset="utf-8"', 'charset="utf-16"', page_bytes(path).decode("utf-8"), flags=re.I)
    assert 'charset="utf-16"' in data
    article = extract_article(data.encode("utf-16"), f"{BASE}/{path}")
    assert word_recall(EXPECTED[path]["body"], article.text) >= MIN_RECALL


def test_too_short_raises() -> None:
    html = (
        "<html><head><title>Short</title></head><body><article><p>Just one line.</p></article></body></html>"
    )
    with pytest.raises(ExtractError, match="too short"):
        extract_article(html, "http://example.test/short")


def test_minimal_valid_page() -> None:
    paragraph = "The harbour authority approved a new ferry pier on the eastern waterfront today. " * 4
    html = (
        "<html lang='zh-HK'><head><meta charset='utf-8'><title>Ferry pier approved</title></head><body>"
        f"<article><h1>Ferry pier approved</h1><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
    )
    article = extract_article(html.encode(), "http://example.test/pier")
    assert article.title == "Ferry pier approved"
    assert "eastern waterfront" in article.text
    assert article.lang == "zh-HK"
    assert article.author == ""


@pytest.mark.parametrize(
    ("head", "html_attr", "expected"),
    [
        ("<meta property='og:locale' content='en_GB'>", "", "en-GB"),
        (
            "<meta property='og:locale' content='fr_FR'><meta http-equiv='Content-Language' content='de'>",
            "",
            "de",
        ),
        ("<meta http-equiv='CONTENT-LANGUAGE' content='zh-HK'>", "", "zh-HK"),
        (
            "<meta http-equiv='content-language' content='not a tag!'><meta property='og:locale' content='it'>",
            "",
            "it",
        ),
        ("<meta property='og:locale' content='en_GB'>", " lang='ja'", "ja"),
        ("<meta name='description' content='x'>", "", ""),
    ],
)
def test_page_language(head: str, html_attr: str, expected: str) -> None:
    """The <html lang> first, then Content-Language, then og:locale; malformed values skipped."""
    paragraph = "The museum extended its opening hours for the winter exhibition season this year. " * 4
    html = (
        f"<html{html_attr}><head><title>Hours</title>{head}</head><body><article><h1>Hours</h1>"
        f"<p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
    )
    assert extract_article(html, "http://example.test/hours").lang == expected


@pytest.mark.parametrize(
    "head",
    [
        "",
        "<meta name='author' content='  Office of\n Communications '>",
        "<meta name='author'><meta name='author' content='Second'>",  # no content: the next one
        "<meta name='author' content=''><meta name='author' content='Second'>",  # empty counts
        "<meta name='Author' content='Wrong case'><meta name='author' content='Right'>",
        "<meta property='author' content='Not a name'>",
    ],
)
def test_page_meta_author_is_the_first_author_meta_with_content(head: str) -> None:
    """One pass over the <meta> tags finds what //meta[@name='author']/@content finds."""
    from workers.extract import _PARSER, _page_meta

    tree = lxml.html.fromstring(
        f"<html><head>{head}</head><body><p>x</p><meta name='author' content='In body'></body></html>",
        parser=_PARSER,
    )
    expected = " ".join(tree.xpath("string(//meta[@name='author']/@content)").split())
    assert _page_meta(tree)[1] == expected


# ---------------------------------------------------------------------------- clean_text


def test_clean_text_strips_tags_entities_and_controls() -> None:
    raw = "<p>Hello&nbsp;<b>world</b></p>\x00\x07\x1b <script>alert(1)</script>&lt;i&gt;x&lt;/i&gt;\u200b!"
    assert clean_text(raw, 1000) == "Hello world\nx!"  # </p> ends a line, <i> is inline


def test_clean_text_keeps_newlines_and_tabs_normalises_spaces() -> None:
    raw = "  first   line \r\nsecond\tcolumn\r\n\n\n\n\nthird \u00a0 line  "
    assert clean_text(raw, 1000) == "first line\nsecond\tcolumn\n\nthird line"


def test_clean_text_drops_exactly_controls_surrogates_private_use_and_invisibles() -> None:
    """Every code point, against the Unicode categories the cleaner means to drop."""
    invisible = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
    every = "".join(chr(c) for c in range(0x110000) if chr(c) not in "\r<>&")
    keep = "".join(
        ch
        for ch in every
        if ch in "\n\t" or (unicodedata.category(ch) not in ("Cc", "Cs", "Co") and ch not in invisible)
    )
    assert DROPPED_CHARS.sub("", every) == keep


def test_clean_text_whitespace_matches_the_line_by_line_rule() -> None:
    """The whole-text regexes against the plain rule, on random mixes of whitespace and text:
    per line, every run of horizontal whitespace becomes one space and the ends are trimmed."""
    import random

    from workers import text as text_module

    def by_line(value: str) -> str:
        return "\n".join(re.sub(r"[^\S\n\t]+", " ", line).strip(" ") for line in value.split("\n"))

    def whole(value: str) -> str:
        spaced = text_module._H_SPACE_RE.sub(" ", value)
        return text_module._SPACE_AROUND_NL_RE.sub("\n", spaced).strip(" ")

    pieces = ["a", "bc", " ", "  ", "\n", "\t", "\x0b", "\x0c", "\x85", "\xa0", "\u2003", "\u3000", " \n "]
    rng = random.Random(7)
    for _ in range(20_000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        assert whole(value) == by_line(value), repr(value)


def test_clean_text_tidies_whitespace_as_the_plain_rule() -> None:
    """clean_text skips the passes that have nothing to do; on random mixes of text and
    whitespace it still gives the plain rule: line ends normalised, dropped characters gone,
    per line every run of horizontal whitespace one space and the ends trimmed, at most one
    blank line in a row."""
    import random

    def plain(value: str) -> str:
        value = DROPPED_CHARS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        lines = "\n".join(re.sub(r"[^\S\n\t]+", " ", line).strip(" ") for line in value.split("\n"))
        return re.sub(r"\n{3,}", "\n\n", lines).strip()

    pieces = [
        "a",
        "bc",
        "\u00e9",
        " ",
        "  ",
        "\n",
        "\n\n\n",
        "\t",
        "\r",
        "\x0b",
        "\x85",
        "\xa0",
        "\u2003",
        "\u200b",
        " \n ",
    ]
    rng = random.Random(11)
    for _ in range(20_000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        assert clean_text(value, 1000) == plain(value), repr(value)


def test_clean_text_keeps_comparisons() -> None:
    assert clean_text("a < b and c > d", 100) == "a < b and c > d"


def test_clean_text_caps_length() -> None:
    out = clean_text("word " * 100, 23)
    assert len(out) <= 23
    assert out.endswith("…")
    assert out.startswith("word word")
    assert clean_text("anything", 0) == ""
    assert clean_text("short", 5) == "short"
    unbroken = clean_text("x" * 50, 10)
    assert len(unbroken) == 10


def test_date_from_article_not_from_event_sidebar() -> None:
    """htmldate alone takes the first date in the page: here an event in a left-hand sidebar."""
    paragraph = "The trade council reported that exports of electronic parts rose for a fifth month. " * 4
    html = (
        "<html><head><title>Exports rise</title></head><body>"
        "<div class='side-box'><h3>Upcoming events</h3><span class='date'>04 Dec 2025</span> Mixer</div>"
        "<div class='sidebar-layout'><h1>Exports rise</h1><div class='date'>11 February 2025</div>"
        f"<p>{paragraph}</p><p>{paragraph}</p></div></body></html>"
    )
    assert extract_article(html, "http://example.test/exports").published == "2025-02-11"


def test_date_pass_can_be_skipped_when_the_feed_gives_one() -> None:
    """Skipping the date pass changes only ``published``, never the text or other metadata."""
    path = next(iter(PAGES))
    full = extract_article(page_bytes(path), f"{BASE}/{path}", fast=True)
    quick = extract_article(page_bytes(path), f"{BASE}/{path}", fast=True, find_date=False)
    assert (quick.title, quick.text, quick.author, quick.lang) == (
        full.title,
        full.text,
        full.author,
        full.lang,
    )


def test_fast_path_falls_back_on_bare_markup() -> None:
    """A page with no article container: the fast path finds nothing, the full one does."""
    html = "<html><body>" + "<p>A recovered release about a signed memorandum of understanding.</p>" * 20
    html += "</body></html>"
    article = extract_article(html, "http://example.test/bare", fast=True)
    assert "memorandum of understanding" in article.text


def test_with_brotli_installed_only_pages_opening_with_a_tag_are_parsed_as_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """trafilatura tries brotli on every page when it is installed, and brotli has no magic number."""
    from workers import extract

    page = ("<!DOCTYPE html>\n<html>" + _BODY).encode("utf-8")
    monkeypatch.setattr(extract, "HAS_BROTLI", True)
    assert extract._as_served(page) is not None
    assert extract._as_served(b" \n" + page) is None
    monkeypatch.setattr(extract, "HAS_BROTLI", False)
    assert extract._as_served(b" \n" + page) is not None


# Run in a fresh interpreter with one of the trafilatura names extract.py could depend on hidden
# from importers, as a release that renamed it would; prints whether the borrowed steps were found,
# every page's article (fast and full, with the date pass) and the errors for pages that are not articles.
_NOT_ARTICLES = (b"<p>just a fragment, no page</p>", b"<html></html>", b"<html><body><p>x</p></body></html>")
_WITHOUT_INTERNALS = (
    f"BAD = {_NOT_ARTICLES!r}\n"
    + """
import dataclasses, importlib, json, sys, types
module, name = sys.argv[1].rsplit(".", 1)
# importers now see the module without the name; trafilatura's own functions keep theirs
real = importlib.import_module(module)
renamed = types.ModuleType(module)
renamed.__dict__.update({key: value for key, value in vars(real).items() if key != name})
sys.modules[module] = renamed
from workers import extract
from workers.errors import ExtractError
base, site = sys.argv[2], sys.argv[3]
out = {"borrowed steps found": extract.HAS_INTERNALS}
for path in sys.argv[4:]:
    data = open(f"{site}/{path}", "rb").read().replace(b"{{BASE}}", base.encode())
    url = f"{base}/{path}"
    out[path] = [dataclasses.asdict(extract.extract_article(data, url, fast=fast)) for fast in (True, False)]
for bad in BAD:
    try:
        extract.extract_article(bad, "u")
    except ExtractError as exc:
        out[bad.decode()] = str(exc)
print(json.dumps(out))
"""
)


@pytest.mark.parametrize(
    ("hidden", "borrowed"),
    [
        ("trafilatura.utils.decode_file", True),
        ("trafilatura.metadata.extract_meta_json", True),
        ("trafilatura.settings.Document", False),  # the type of its results: read, never imported
    ],
)
def test_a_trafilatura_release_without_the_borrowed_steps_still_extracts(hidden: str, borrowed: bool) -> None:
    """extract.py borrows trafilatura steps that are not its documented API; without them
    its public calls must take over (the same articles on these pages: the metadata pass
    that takes over differs only on pages unlike these, see extract.py), not fail every
    worker at import. Names it only reads (the result type) are not imported at all."""
    import dataclasses
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_INTERNALS, hidden, BASE, str(SITE), *PAGES],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    fallback = json.loads(result.stdout)
    assert fallback["borrowed steps found"] is not borrowed
    assert ("lacks a step pressroom borrows" in result.stderr) is borrowed
    for page in PAGES:
        url = f"{BASE}/{page}"
        assert fallback[page] == [
            dataclasses.asdict(extract_article(page_bytes(page), url, fast=f)) for f in (True, False)
        ], page
    for bad in _NOT_ARTICLES:
        with pytest.raises(ExtractError) as raised:
            extract_article(bad, "u")
        assert fallback[bad.decode()] == str(raised.value)
