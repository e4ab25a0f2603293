# ruff: noqa: RUF001  (Chinese test text: full-width punctuation is the point)
"""workers.pdf on PDFs built here: releases (fpdf2), and hostile or odd files written by hand.

The builders are plain functions so the benchmark (bench/pdf_bench.py) and the test site
can make the same files.
"""

from __future__ import annotations

import logging
import random
import re
import tracemalloc
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from fpdf import FPDF
from fpdf.enums import EncryptionMethod
from PIL import Image

from workers.errors import ExtractError
from workers.extract import MIN_TEXT_CHARS
from workers.pdf import MAX_PAGE_TREE_ENTRIES, MAX_STREAM_BYTES, extract_pdf

URL = "http://127.0.0.1:8000/releases/r.pdf"
_WORDS = [
    "university",
    "partner",
    "memorandum",
    "understanding",
    "laboratory",
    "materials",
    "science",
    "funding",
    "years",
    "exchange",
    "staff",
    "students",
    "campus",
    "research",
    "council",
    "agreement",
    "innovation",
    "centre",
    "graduates",
    "industry",
    "award",
    "professor",
    "team",
    "data",
    "health",
    "climate",
    "energy",
    "city",
    "region",
    "programme",
    "scholarship",
]
HEADER = "Example University | Media Release"


def sentences(count: int, seed: int) -> list[str]:
    """Distinct sentences of 8-18 words, deterministic for a seed."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 18))]
        out.append(f"Item {seed}-{n}: " + " ".join(words) + ".")
    return out


def release_paragraphs(pages: int, per_page: int = 4, seed: int = 0) -> list[list[str]]:
    """Per page, paragraphs of 2-5 sentences (long enough to wrap over several lines)."""
    rng = random.Random(seed)
    out = []
    for page in range(pages):
        paras = []
        for n in range(per_page):
            paras.append(" ".join(sentences(rng.randint(2, 5), seed=seed * 10_000 + page * 100 + n)))
        out.append(paras)
    return out


class _Release(FPDF):
    """A release as publishers make them: a running header and "Page n of m" footer."""

    def header(self) -> None:
        self.set_font("Helvetica", size=9)
        self.cell(0, 8, HEADER)
        self.ln(12)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")


def release_pdf(
    paragraphs: Sequence[Sequence[str]],
    *,
    headline: str = "Joint laboratory for materials science opens",
    title: str | None = "University and partner open a joint laboratory",
    author: str = "Communications Office",
    created: datetime | None = datetime(2026, 3, 4, 10, 15, tzinfo=UTC),
    owner_password: str = "",
    user_password: str = "",
    method: EncryptionMethod = EncryptionMethod.RC4,
) -> bytes:
    """A release: a headline, then paragraphs, one list per page; metadata only when given."""
    pdf = _Release()
    if title is not None:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if created is not None:
        pdf.set_creation_date(created)
    if owner_password:
        pdf.set_encryption(owner_password, user_password or None, encryption_method=method)
    for number, page in enumerate(paragraphs):
        pdf.add_page()
        if number == 0 and headline:
            pdf.set_font("Helvetica", style="B", size=16)
            pdf.multi_cell(0, 9, headline)
            pdf.ln(4)
        pdf.set_font("Helvetica", size=11)
        for para in page:
            pdf.multi_cell(0, 6, para)
            pdf.ln(3)
    data = bytes(pdf.output())
    if created is None:  # fpdf2 always dates a file: blank the date out, keeping every offset
        data = re.sub(rb"/CreationDate \(D:[^)]*\)", lambda found: b" " * len(found[0]), data)
    return data


def raw_pdf(objects: Sequence[bytes], *, info: int | None = None) -> bytes:
    """A PDF from object bodies: ``objects[i]`` is object i + 1, object 1 the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size %d /Root 1 0 R%b >>" % (len(objects) + 1, b" /Info %d 0 R" % info if info else b"")
    out += b"trailer\n%b\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %b >>\nstream\n%b\nendstream" % (len(data), entries, data)


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"


def text_ops(lines: Sequence[str]) -> bytes:
    """A content stream that writes each line below the previous one (cp1252: the font's WinAnsiEncoding)."""
    body = b"".join(b"(%b) Tj T*\n" % re.sub(rb"([()\\])", rb"\\\1", line.encode("cp1252")) for line in lines)
    return b"BT /F1 11 Tf 14 TL 72 740 Td\n" + body + b"ET"


def pages_pdf(page_lines: Sequence[Sequence[str]]) -> bytes:
    """One page per list of lines, each page with its own content stream: cheap for 10,000 pages."""
    count = len(page_lines)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", HELVETICA]
    kids = []
    for lines in page_lines:
        page = len(objects) + 1
        objects += [PAGE % (page + 1), stream(text_ops(lines))]
        kids.append(b"%d 0 R" % page)
    objects[1] = b"<< /Type /Pages /Kids [%b] /Count %d >>" % (b" ".join(kids), count)
    return raw_pdf(objects)


def repeated_page_pdf(count: int, lines: Sequence[str]) -> bytes:
    """``count`` pages that are all one page object: a huge page count in a few bytes."""
    kids = b" ".join([b"4 0 R"] * count)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%b] /Count %d >>" % (kids, count),
            HELVETICA,
            PAGE % 5,
            stream(text_ops(lines)),
        ]
    )


def deflated_zeros(size: int, prefix: bytes = b"") -> bytes:
    """zlib data that inflates to ``prefix`` and then ``size`` bytes of ASCII zeros."""
    packer = zlib.compressobj(1)
    block = b"0" * (1 << 20)
    parts = [packer.compress(prefix)] + [packer.compress(block) for _ in range(size >> 20)]
    return b"".join(parts) + packer.flush()


def bomb_pdf(size: int, *, normal_first_page: Sequence[str] = ()) -> bytes:
    """A page whose Flate content stream inflates to ``size`` bytes (after one line of text);
    with ``normal_first_page``, an ordinary page comes first."""
    bomb = deflated_zeros(size, prefix=b"BT /F1 11 Tf 72 740 Td (Hidden behind the bomb) Tj ET\n")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        HELVETICA,
        PAGE % 5,
        stream(bomb, b"/Filter /FlateDecode"),
    ]
    kids = [b"4 0 R"]
    if normal_first_page:
        objects += [PAGE % 7, stream(text_ops(normal_first_page))]
        kids.insert(0, b"6 0 R")
    objects[1] = b"<< /Type /Pages /Kids [%b] /Count %d >>" % (b" ".join(kids), len(kids))
    return raw_pdf(objects)


def _utf16(text: str) -> bytes:
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def cjk_pdf(paragraphs: Sequence[str], *, title: str, lang: str = "zh-HK", per_line: int = 30) -> bytes:
    """Chinese paragraphs, wrapped every ``per_line`` characters as a layout program would.

    The font is a CID font named but not embedded, with a ToUnicode map (code = code point):
    text extraction needs no glyphs, so no CJK font file is needed to build or read it.
    """
    lines = [para[i : i + per_line] for para in paragraphs for i in range(0, len(para), per_line)]
    body = b"".join(b"<%b> Tj T*\n" % line.encode("utf-16-be").hex().encode() for line in lines)
    content = b"BT /F1 12 Tf 16 TL 72 760 Td\n" + body + b"ET"
    chars = sorted({ord(ch) for line in lines for ch in line})
    cmap = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Test-UCS def /CMapType 2 def"
    ]
    cmap.append(b"1 begincodespacerange <0000> <FFFF> endcodespacerange")
    for start in range(0, len(chars), 100):
        group = chars[start : start + 100]
        cmap.append(b"%d beginbfchar" % len(group))
        cmap += [b"<%04X> <%04X>" % (code, code) for code in group]
        cmap.append(b"endbfchar")
    cmap.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Lang (%b) >>" % lang.encode(),
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H"
            b" /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents 5 0 R >>",
            stream(content),
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000"
            b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R >>",
            stream(b"\n".join(cmap)),
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900]"
            b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
            b"<< /Title %b /Author %b /CreationDate (D:20251120093000+08'00') >>"
            % (_utf16(title), _utf16("傳訊及公共事務處")),
        ],
        info=9,
    )


def _lines(text: str) -> list[str]:
    return text.split("\n")


# --- ordinary releases ---------------------------------------------------------------------


def test_release_text_metadata_and_paragraphs() -> None:
    paragraphs = release_paragraphs(pages=4)
    article = extract_pdf(release_pdf(paragraphs), URL)

    assert article.title == "University and partner open a joint laboratory"
    assert article.author == "Communications Office"
    assert article.published == "2026-03-04"
    assert article.lang == ""
    lines = _lines(article.text)
    assert lines[0] == "Joint laboratory for materials science opens"
    # every sentence of every page is there, whole, on one line (lines were joined back)
    all_paras = [p for page in paragraphs for p in page]
    for para in all_paras:
        for sentence in re.findall(r"Item [^.]*\.", para):
            assert any(sentence in line for line in lines), sentence
    # paragraphs are rebuilt: most come back exactly; a line that happens to end a sentence
    # at the margin may split one at a sentence boundary (never inside a sentence)
    exact = sum(para in lines for para in all_paras)
    assert exact >= 0.8 * len(all_paras)
    assert len(lines) <= 1 + sum(len(re.findall(r"Item ", p)) for p in all_paras)
    # running header and page numbers are gone
    assert HEADER not in article.text
    assert not re.search(r"Page \d+ of \d+", article.text)


def test_title_from_first_line_without_metadata() -> None:
    data = release_pdf(release_paragraphs(pages=2, seed=1), title=None, author="", created=None)
    article = extract_pdf(data, URL)
    assert article.title == "Joint laboratory for materials science opens"
    assert (article.author, article.published, article.description) == ("", "", "")


@pytest.mark.parametrize(
    "junk",
    [
        "Microsoft Word - doc1.docx",
        "untitled",
        "Untitled-1",
        "press_release_final_v2.pdf",
        "PR_2026_03_final",
        "Document1",
        "--",
    ],
)
def test_placeholder_title_is_replaced_by_the_first_line(junk: str) -> None:
    data = release_pdf(
        release_paragraphs(pages=2, seed=2), title=junk, headline="Scholarship winners announced"
    )
    assert extract_pdf(data, URL).title == "Scholarship winners announced"


def test_long_first_paragraph_gives_its_first_line_as_title() -> None:
    paragraphs = release_paragraphs(pages=1, seed=3)
    article = extract_pdf(release_pdf(paragraphs * 2, title=None, headline=""), URL)
    assert article.text.startswith(article.title)
    assert 0 < len(article.title) < len(paragraphs[0][0])


def test_chinese_release() -> None:
    paragraphs = [
        "香港科技大學今日宣布與本地創科企業簽署合作備忘錄，共同成立人工智能聯合實驗室，為期五年，涵蓋研究人員交流、學生實習及技術轉移等範疇。",
        "校長表示，這項合作將推動大灣區創新發展，並為學生提供更多實踐機會。合作雙方將每年檢討進展，並向公眾公布研究成果。",
        "實驗室將設於清水灣校園，預計明年第一季啟用，首階段招聘二十名研究人員。",
        "查詢請聯絡傳訊及公共事務處，電話二三五八六三零六。此外，科大亦會於下月舉辦開放日，向中學生及家長介紹實驗室的研究方向及升學途徑。",
    ]
    article = extract_pdf(cjk_pdf(paragraphs, title="科大與企業成立聯合實驗室"), URL)
    assert article.title == "科大與企業成立聯合實驗室"
    assert article.author == "傳訊及公共事務處"
    assert article.published == "2025-11-20"
    assert article.lang == "zh-HK"
    assert _lines(article.text) == paragraphs  # wrapped lines joined with no spaces inserted


def test_wrapped_lines_hyphens_and_list_items() -> None:
    lines = [
        "The office said the new centre will bring together teams working on materials organi-",
        "sation and energy storage, and that it will open to visiting researchers next spring.",
        "Three programmes will start in the first year, each led by a professor from both sides",
        "• a doctoral training scheme",
        "• a summer school",
        "Enquiries: 2358 6306",
    ]
    article = extract_pdf(pages_pdf([lines]), URL)
    assert (
        _lines(article.text)
        == [
            lines[0][:-1] + lines[1],  # a word split by a hyphen is joined back
            lines[2],  # a full line without a full stop, but a list follows
            *lines[3:],
        ]
    )


def test_max_pages_reads_only_the_first_pages(caplog: pytest.LogCaptureFixture) -> None:
    paragraphs = release_paragraphs(pages=6, seed=4)
    with caplog.at_level(logging.INFO, logger="workers.pdf"):
        article = extract_pdf(release_pdf(paragraphs), URL, max_pages=3)
    assert all(paragraphs[page][0][:40] in article.text for page in range(3))
    assert not any(paragraphs[page][0][:40] in article.text for page in range(3, 6))
    assert "6 pages, reading the first 3" in caplog.text


def test_text_is_capped_at_max_chars() -> None:
    data = release_pdf(release_paragraphs(pages=8, seed=5))
    whole = extract_pdf(data, URL)
    capped = extract_pdf(data, URL, max_chars=1_500)
    assert len(whole.text) > 3_000
    assert len(capped.text) <= 1_500
    assert capped.text.endswith("…")
    assert whole.text.startswith(capped.text[:-1].rstrip())


# --- refusals --------------------------------------------------------------------------------


def test_password_protected_pdf_is_refused() -> None:
    data = release_pdf(release_paragraphs(pages=1), owner_password="owner", user_password="reader")
    with pytest.raises(ExtractError, match="encrypted PDF: a password is needed"):
        extract_pdf(data, URL)


@pytest.mark.parametrize("method", [EncryptionMethod.RC4, EncryptionMethod.AES_128, EncryptionMethod.AES_256])
def test_owner_password_only_pdf_is_read(method: EncryptionMethod) -> None:
    """An empty user password: any viewer opens it without asking, so pressroom reads it."""
    paragraphs = release_paragraphs(pages=1, seed=6)
    article = extract_pdf(release_pdf(paragraphs, owner_password="owner", method=method), URL)
    assert paragraphs[0][0] in _lines(article.text) or paragraphs[0][0][:60] in article.text
    assert article.title == "University and partner open a joint laboratory"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a PDF"),
        (b"<!doctype html><html><body><p>Not found</p></body></html>", "not a PDF"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 40, "broken PDF"),
        (
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
            "broken PDF|no pages",
        ),
    ],
)
def test_broken_bytes_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(ExtractError, match=reason) as caught:
        extract_pdf(data, URL)
    assert caught.value.url == URL


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_truncated_pdf_is_refused(fraction: float) -> None:
    data = release_pdf(release_paragraphs(pages=3, seed=7))
    with pytest.raises(ExtractError, match=r"broken PDF.*truncated"):
        extract_pdf(data[: int(len(data) * fraction)], URL)


def test_damaged_pdfs_raise_only_extract_error() -> None:
    """Bytes flipped or cut anywhere: a result or an ExtractError, never another exception."""
    data = release_pdf(release_paragraphs(pages=2, seed=8))
    rng = random.Random(8)
    outcomes = set()
    for _ in range(60):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            extract_pdf(bytes(damaged[: rng.randint(len(data) // 2, len(data))]), URL)
            outcomes.add("read")
        except ExtractError:
            outcomes.add("refused")
    assert "refused" in outcomes


def test_image_only_pdf_is_refused() -> None:
    pdf = FPDF()
    pdf.set_title("Scanned release")
    pdf.add_page()
    pdf.rect(20, 20, 170, 60, style="F")
    pdf.image(Image.new("RGB", (200, 120), (90, 90, 160)), x=20, y=100, w=120)
    with pytest.raises(ExtractError, match=r"no extractable text.*image-only"):
        extract_pdf(bytes(pdf.output()), URL)


def test_too_little_text_is_refused() -> None:
    data = pages_pdf([["Short notice."]])
    with pytest.raises(ExtractError, match=r"no extractable text \(13 chars") as caught:
        extract_pdf(data, URL)
    assert MIN_TEXT_CHARS > 13
    assert "image-only" in caught.value.reason


def test_more_bytes_than_allowed_are_refused() -> None:
    data = release_pdf(release_paragraphs(pages=1))
    with pytest.raises(ExtractError, match="PDF too large"):
        extract_pdf(data, URL, max_bytes=len(data) - 1)


# --- hostile files ---------------------------------------------------------------------------


def test_ten_thousand_pages_reads_only_max_pages() -> None:
    page_lines = [
        [f"Page {n} notes: the council met and agreed the plan for item {n}."] * 5 for n in range(10_000)
    ]
    data = pages_pdf(page_lines)
    article = extract_pdf(data, URL, max_pages=50)
    assert "item 49." in article.text
    assert "item 50." not in article.text
    assert len(_lines(article.text)) == 50 * 5


def test_page_tree_walk_is_capped() -> None:
    """Only the first pages are looked for, but empty branches before them count too."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%b 4 0 R] /Count 1 >>" % b" ".join([b"6 0 R"] * MAX_PAGE_TREE_ENTRIES),
        HELVETICA,
        PAGE % 5,
        stream(text_ops(sentences(6, seed=11))),
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ]
    with pytest.raises(ExtractError, match=f"over a limit .*more than {MAX_PAGE_TREE_ENTRIES}"):
        extract_pdf(raw_pdf(objects), URL)
    objects[1] = objects[1].replace(b"6 0 R", b"").replace(b"[", b"[6 0 R")
    assert len(_lines(extract_pdf(raw_pdf(objects), URL).text)) == 6  # the same file, one empty branch


def test_page_tree_cycle_is_refused() -> None:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]
    with pytest.raises(ExtractError, match=r"over a limit .*deeper than"):
        extract_pdf(raw_pdf(objects), URL)


def test_decompression_bomb_is_capped_in_memory() -> None:
    data = bomb_pdf(200 << 20)
    assert len(data) < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(ExtractError, match=r"no extractable text.*page 1: LimitReachedError") as caught:
            extract_pdf(data, URL)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "Hidden behind the bomb" not in str(caught.value)
    assert peak < 4 * MAX_STREAM_BYTES  # not the 200 MB the stream inflates to (pypdf's default cap: 75 MB)


def test_bomb_page_is_skipped_and_the_rest_is_read(caplog: pytest.LogCaptureFixture) -> None:
    normal = sentences(8, seed=9)
    with caplog.at_level(logging.WARNING, logger="workers.pdf"):
        article = extract_pdf(bomb_pdf(64 << 20, normal_first_page=normal), URL)
    assert _lines(article.text) == normal
    assert "skipped 1 pages: page 2: LimitReachedError" in caplog.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("D:20260304101500+08'00'", "2026-03-04"),
        ("20251231", "2025-12-31"),
        ("D:20261399000000Z", ""),
        ("D:1899", ""),
        ("yesterday", ""),
        ("", ""),
    ],
)
def test_creation_date(value: str, expected: str) -> None:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        HELVETICA,
        PAGE % 5,
        stream(text_ops(sentences(6, seed=10))),
        b"<< /CreationDate (%b) >>" % value.encode(),
    ]
    assert extract_pdf(raw_pdf(objects, info=6), URL).published == expected
