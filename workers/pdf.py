"""PDF releases: PDF bytes in, clean text and metadata out (pure, no network).

Some publishers post a release as a PDF only. :func:`extract_pdf` turns one into the same
:class:`~workers.extract.Article` an HTML page gives, or refuses it with
:class:`~workers.errors.ExtractError` naming what failed: not a PDF, broken or truncated,
encrypted with a password, more bytes than allowed, or no extractable text (an image-only
scan).

Library: pypdf (pure Python), against pypdfium2 (PDFium, C) on the same generated files
(bench/pdf_bench.py; figures in docs/benchmarks.md). PDFium is ~4x quicker (text of a
10-page release: ~5 ms of CPU against ~20 ms, both far under the 200 ms goal) and both read
Chinese exactly, but PDFium has no limit on decompression that its Python API exposes: a
4.7 MB file whose content stream inflates to 1 GB cost it 4.9 CPU seconds and 2.1 GB of
memory. pypdf stops every decoder at a configurable size and bounds the content-stream
parser and form nesting (the same file: 0.02 s, +16 MB), and being pure Python it can be
interrupted by a signal-based CPU timer, which a long C call cannot.

Caps, and where each comes from:

* bytes: ``max_bytes`` (the fetch's own size cap normally comes first);
* pages: at most ``max_pages`` pages are read and the rest of a longer PDF is ignored.
  The page tree is walked only as far as those pages (pypdf's ``reader.pages`` would parse
  every page object first: 0.9 s for 10,000 pages, against 0.19 s here, most of it
  reading the cross-reference table), at most MAX_PAGE_TREE_ENTRIES nodes deep or wide;
* text: reading stops once ``max_chars`` characters are in hand;
* each stream decodes to at most MAX_STREAM_BYTES, and the tokens parsed per content
  stream are bounded (MAX_PARSE_WORK). A page that breaks a cap is skipped and logged; its
  text is lost but the other pages are read. A decompression bomb therefore costs about
  MAX_STREAM_BYTES of memory and milliseconds, not gigabytes;
* CPU time: the caller's sandbox. The caps bound each page (a page of dense text
  operators up to MAX_PARSE_WORK costs ~1.5 s), so a file's worst case is about
  ``max_pages`` such pages: only a deadline around the call bounds that.

The limits are pypdf ``Configuration`` values applied with ``pypdf.apply_configuration``
for the duration of one call: a context variable, so nothing process-wide is changed and
other users of pypdf in the process keep their own settings.

Encryption: a PDF encrypted with an empty user password (only an owner password, which
restricts printing or copying) opens without a prompt in every viewer, and many
publishers ship releases that way, so it is read. One that needs a password to open is
refused. AES needs the ``cryptography`` package (pypdf's ``crypto`` extra).

Text: pypdf gives lines, not paragraphs. Lines are joined into paragraphs when a line fills
the page's usual width and does not end a sentence (a line-width heuristic, counting CJK
characters double, so it holds for Chinese); lines that are a page number, or that repeat
as the first or last line of most pages (running headers and footers), are dropped.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from typing import Any

import pypdf
from pypdf import PageObject
from pypdf.errors import DependencyError, LimitReachedError, PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from workers.errors import ExtractError
from workers.extract import MIN_TEXT_CHARS, Article, content_length
from workers.text import clean_text

logger = logging.getLogger(__name__)

MAX_STREAM_BYTES = 8 * 2**20  # decoded size of any one stream; text pages need ~5-50 KB
MAX_PARSE_WORK = 500_000  # tokens per content stream: ~2 MB of dense text operators, ~1.5 s CPU
MAX_PAGE_TREE_ENTRIES = 20_000  # nodes of the page tree visited to find the first pages
_MAX_TREE_DEPTH = 100
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")  # page attributes a tree node passes down
MAX_RECOVERY_BYTES = 200_000  # pypdf retries a corrupt Flate stream byte by byte in Python: ~1 s a MB

# pypdf Configuration fields; applied per call (see the module docstring).
PYPDF_LIMITS: dict[str, Any] = {
    "maximum_declared_stream_length": MAX_STREAM_BYTES,
    "zlib_maximum_output_length": MAX_STREAM_BYTES,
    "zlib_maximum_recovery_input_length": MAX_RECOVERY_BYTES,
    "lzw_maximum_output_length": MAX_STREAM_BYTES,
    "run_length_maximum_output_length": MAX_STREAM_BYTES,
    "brotli_maximum_output_length": MAX_STREAM_BYTES,
    "jbig2_maximum_output_length": MAX_STREAM_BYTES,
    "array_based_stream_maximum_output_length": MAX_STREAM_BYTES,
    "stream_decoding_work_maximum_length": 4 * MAX_STREAM_BYTES,
    "stream_parsing_work_maximum_count": MAX_PARSE_WORK,
    "page_tree_maximum_entries": MAX_PAGE_TREE_ENTRIES,
    "page_tree_maximum_page_entries": 50 * MAX_PAGE_TREE_ENTRIES,  # keys copied into pages
    "jbig2dec_binary": None,  # never start an outside program on outside bytes
}

# Titles that authoring tools write when the author gave none.
_JUNK_TITLE_RE = re.compile(
    r"^(?:microsoft (?:word|excel|powerpoint) - .*"
    r"|.*\.(?:docx?|rtf|odt|pdf|pptx?|xlsx?|indd|pages|txt|html?)"
    r"|\S*_\S*"  # one token with underscores: a file name ("PR_2026_03_final")
    r"|(?:untitled|document|doc|title|no title|presentation|powerpoint presentation|slide|print|pdf)[\s_-]*\d*"
    r")$",
    re.I,
)
_JUNK_AUTHOR = frozenset({"admin", "administrator", "user", "owner", "unknown", "author", "default"})
_PDF_DATE_RE = re.compile(r"^\s*(?:D:)?(\d{4})(\d{2})(\d{2})")
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
# A line of only a page number: "3", "- 3 -", "Page 3", "3 / 10", "Page 3 of 10", "第 3 頁".
_PAGE_NUMBER_RE = re.compile(
    r"^[\W_]*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?[\W_]*$|^第\s*\d{1,4}\s*[頁页](?:\s*[,，]?\s*共\s*\d{1,4}\s*[頁页])?$",  # noqa: RUF001
    re.I,
)
# Full-width punctuation below is deliberate (hence the RUF001 waivers): Chinese text uses it.
# A line ends a paragraph when it ends a sentence (optionally inside quotes or brackets); not
# at a colon or semicolon, which end wrapped lines mid-sentence ("the president said:").
_SENTENCE_END_RE = re.compile(r"[.!?。！？…][\"'”’」』)）\]]*$")  # noqa: RUF001
_LIST_ITEM_RE = re.compile(
    r"^(?:[•▪●◦‣■□○*–—-]|\(?(?:\d{1,2}|[a-zA-Z])[.)]\s|[（(][一二三四五六七八九十\d]+[)）])"  # noqa: RUF001
)
# Characters that take two columns (CJK ideographs, kana, Hangul, fullwidth forms).
_WIDE_RE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
_MAX_RUNNING_CHARS = 150  # running headers and footers are short; body text repeated is kept
_FULL_LINE = 0.75  # a line this share of the page's usual width may wrap into the next


def extract_pdf(
    data: bytes, url: str, *, max_pages: int = 50, max_chars: int = 200_000, max_bytes: int = 32 * 2**20
) -> Article:
    """Text and metadata of a PDF release; raises ExtractError when there is no usable text.

    Reads at most ``max_pages`` pages: a 10,000-page PDF is read for its first
    ``max_pages`` pages only, and the rest is ignored (logged). Reading stops once
    ``max_chars`` characters of text are in hand; the text is capped there. Title: the
    document's /Title unless it is an authoring tool's placeholder ("Microsoft Word -
    doc1.docx", "untitled"), else the first line of text. Author from /Author, published
    from /CreationDate (YYYY-MM-DD as written), lang from the catalog's /Lang,
    description from /Subject. Refuses: not a PDF, broken or truncated, more than
    ``max_bytes``, encrypted with a password, and fewer than MIN_TEXT_CHARS characters of
    text (image-only or scanned PDFs).
    """
    if len(data) > max_bytes:
        raise ExtractError(url, f"PDF too large ({len(data)} bytes > {max_bytes})")
    if b"%PDF-" not in data[:1024]:
        raise ExtractError(url, "not a PDF (no %PDF- header in its first 1024 bytes)")
    with pypdf.apply_configuration(**PYPDF_LIMITS):
        reader, first_pages = _open(data, url, max_pages)
        pages, skipped = _read_pages(first_pages, url, max_chars=max_chars)
        info = _info(reader)
        lang = _lang(reader)
    lines = _drop_running_lines(pages)
    text = clean_text("\n".join(p for page in lines for p in _paragraphs(page)), max_chars)
    if content_length(text) < MIN_TEXT_CHARS:  # a CJK character counts as several
        why = (
            f"; {len(skipped)} unreadable: {'; '.join(skipped[:3])}"
            if skipped
            else "; image-only or scanned PDF?"
        )
        raise ExtractError(url, f"no extractable text ({len(text)} chars from {len(pages)} pages read{why})")
    first_line = next((line for page in lines for line in page), "")
    title = _title(info.get("/Title", ""), text, first_line)
    subject = clean_text(info.get("/Subject", ""), 2_000)
    author = clean_text(info.get("/Author", ""), 300)
    return Article(
        title=title,
        text=text,
        author="" if author.lower() in _JUNK_AUTHOR else author,
        published=_pdf_date(info.get("/CreationDate", "")),
        lang=lang,
        sitename="",
        description="" if subject == title else subject,
    )


def _open(data: bytes, url: str, max_pages: int) -> tuple[pypdf.PdfReader, list[PageObject]]:
    """Parse the file's structure and open it (decrypting with the empty password when that
    works); its first max_pages pages."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError as exc:
                raise ExtractError(
                    url, f"encrypted PDF that this installation cannot decrypt ({exc})"
                ) from None
            if opened == pypdf.PasswordType.NOT_DECRYPTED:
                raise ExtractError(url, "encrypted PDF: a password is needed to open it")
        pages, declared = _first_pages(reader, max_pages)
    except ExtractError:
        raise
    except LimitReachedError as exc:
        raise ExtractError(url, f"PDF structure over a limit ({exc})") from None
    except Exception as exc:  # pypdf on hostile bytes raises many kinds: all mean "unreadable"
        truncated = "; truncated? no %EOF at its end" if b"%%EOF" not in data[-1024:] else ""
        raise ExtractError(url, f"broken PDF ({type(exc).__name__}: {str(exc)[:200]}{truncated})") from None
    if not pages:
        raise ExtractError(url, "PDF has no pages")
    if declared > max_pages:
        logger.info("PDF %s: %d pages, reading the first %d", url, declared, max_pages)
    return reader, pages


def _first_pages(reader: pypdf.PdfReader, limit: int) -> tuple[list[PageObject], int]:
    """The first ``limit`` pages in reading order, and the page count the file declares.

    pypdf's own ``reader.pages`` parses every page object of the file first (~85 µs each:
    0.83 s for 10,000 pages); this walk stops at ``limit``. Attributes a page inherits from
    the tree (resources, boxes, rotation) are copied onto it as pypdf does. Bounded by
    MAX_PAGE_TREE_ENTRIES nodes and _MAX_TREE_DEPTH levels, which also ends cycles.
    """
    reference = reader.root_object.get("/Pages")
    root = reference.get_object() if reference is not None else None
    if not isinstance(root, DictionaryObject):
        raise PdfReadError("the catalog has no /Pages dictionary")
    declared = root.get("/Count", 0)
    pages: list[PageObject] = []
    stack: list[tuple[Iterator[Any], dict[str, Any]]] = [(iter([reference]), {})]
    visited = 0
    while stack and len(pages) < limit:
        kids, inherited = stack[-1]
        kid = next(kids, None)
        if kid is None:
            stack.pop()
            continue
        node = kid.get_object()
        if not isinstance(node, DictionaryObject) or not node:
            continue  # a damaged entry: skipped, as pypdf does
        visited += 1
        if visited > MAX_PAGE_TREE_ENTRIES:
            raise LimitReachedError(f"more than {MAX_PAGE_TREE_ENTRIES} page tree entries")
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            if len(stack) >= _MAX_TREE_DEPTH:
                raise LimitReachedError(f"page tree deeper than {_MAX_TREE_DEPTH} levels")
            children = node.get("/Kids", ArrayObject()).get_object()
            if not isinstance(children, ArrayObject):
                raise PdfReadError(f"/Kids is a {type(children).__name__}, not an array")
            inherit = {**inherited, **{key: node[key] for key in _INHERITED if key in node}}
            stack.append((iter(children), inherit))
            continue
        page = PageObject(reader, kid if isinstance(kid, IndirectObject) else None)
        page.update(node)
        for key, value in inherited.items():
            if key not in page:
                page[NameObject(key)] = value
        pages.append(page)
    return pages, declared if isinstance(declared, int) else 0


def _read_pages(pages: list[PageObject], url: str, *, max_chars: int) -> tuple[list[list[str]], list[str]]:
    """Each page's non-empty lines, stopping at about max_chars characters; and why each
    unreadable page was skipped.

    A page pypdf cannot read (a cap reached, a broken object) is skipped and logged: the
    others still count.
    """
    lines: list[list[str]] = []
    skipped: list[str] = []
    total = 0
    for number, page in enumerate(pages):
        try:
            raw = page.extract_text()
        except Exception as exc:  # a cap (LimitReachedError) or a broken page: lose this page only
            skipped.append(f"page {number + 1}: {type(exc).__name__}: {str(exc)[:200]}")
            continue
        stripped = (line.strip() for line in raw.splitlines())
        lines.append([line for line in stripped if line])
        total += len(raw)
        if total > max_chars + 4_096:  # cleaning shrinks text a little; the rest would be cut anyway
            break
    if skipped:
        logger.warning("PDF %s: skipped %d pages: %s", url, len(skipped), "; ".join(skipped[:3]))
    return lines, skipped


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """The lines of each page without page numbers and running headers and footers.

    A line counts as running when it is short (_MAX_RUNNING_CHARS) and the first or last
    line of at least half of the pages, and of two or more, as letterheads and footers are.
    A one-page release keeps its letterhead (nothing tells it from a headline).
    """
    edges = Counter(
        line for page in pages if page for line in {page[0], page[-1]} if len(line) <= _MAX_RUNNING_CHARS
    )
    running = {line for line, n in edges.items() if n >= max(2, len(pages) / 2)}
    out = []
    for page in pages:
        out.append([line for line in page if line not in running and not _PAGE_NUMBER_RE.match(line)])
    return out


def _width(line: str) -> int:
    return len(line) + len(_WIDE_RE.findall(line))


def _paragraphs(lines: list[str]) -> list[str]:
    """Join the lines of one page into paragraphs: a full line that ends mid-sentence wraps."""
    if not lines:
        return []
    widths = sorted(_width(line) for line in lines)
    usual = widths[int(0.9 * (len(widths) - 1))]  # not the widest: a stray long line is not the measure
    paragraphs = [lines[0]]
    wraps = _width(lines[0]) >= _FULL_LINE * usual and not _SENTENCE_END_RE.search(lines[0])
    for line in lines[1:]:
        if wraps and not _LIST_ITEM_RE.match(line):
            paragraphs[-1] = _join(paragraphs[-1], line)
        else:
            paragraphs.append(line)
        wraps = _width(line) >= _FULL_LINE * usual and not _SENTENCE_END_RE.search(line)
    return paragraphs


def _join(head: str, tail: str) -> str:
    """Join a wrapped line: no space in CJK text, none after a hyphen that split a word."""
    if len(head) > 1 and head[-1] == "-" and head[-2].isalpha() and tail[0].islower():
        return head[:-1] + tail
    if _WIDE_RE.match(head[-1]) or _WIDE_RE.match(tail[0]):
        return head + tail
    return head + " " + tail


def _info(reader: pypdf.PdfReader) -> dict[str, str]:
    """The document information dictionary's text fields; {} when it is missing or broken."""
    try:
        meta = reader.metadata
        if meta is None:
            return {}
        return {key: value for key, value in meta.items() if isinstance(value, str)}
    except Exception:  # broken metadata never costs the text
        return {}


def _lang(reader: pypdf.PdfReader) -> str:
    try:
        value = reader.root_object.get("/Lang")
        lang = str(value.get_object()) if value is not None else ""
    except Exception:  # as for _info
        return ""
    return lang if len(lang) <= 35 and _LANG_RE.match(lang) else ""


def _title(declared: str, text: str, first_line: str) -> str:
    """The declared title unless it is a placeholder, else the text's first line: its first
    paragraph when that is headline-sized (a headline wrapped over two lines)."""
    title = clean_text(declared, 1_000)
    if title and any(ch.isalnum() for ch in title) and not _JUNK_TITLE_RE.match(title):
        return title
    first = text.split("\n", 1)[0]
    return clean_text(first if len(first) <= 200 else first_line, 300)


def _pdf_date(value: str) -> str:
    """YYYY-MM-DD from a PDF date ("D:20260304101500+08'00'"), as written; "" when unusable."""
    found = _PDF_DATE_RE.match(value)
    if not found:
        return ""
    try:
        day = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return ""
    return day.isoformat() if 1990 <= day.year <= date.today().year + 1 else ""


def extract_pdf_adapter(payload: bytes, params: dict[str, Any]) -> dict[str, Any]:
    """extract_pdf in a sandbox child (workers.budget): params ``url``; the Article as a dict."""
    return asdict(extract_pdf(payload, str(params.get("url", ""))))
