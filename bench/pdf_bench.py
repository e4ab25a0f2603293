"""Text from PDF releases: pypdf (what workers/pdf.py uses) against pypdfium2 (PDFium).

    .venv/bin/python bench/pdf_bench.py [--runs 20] [--big] [--json out.json]

Cases, all on PDFs generated here with the builders in tests/test_pdf.py:
* a 10-page release (fpdf2, ~7 KB): CPU milliseconds to text, median of --runs, for
  ``extract_pdf`` (everything: caps, cleaning, paragraphs, metadata), bare pypdf and pypdfium2;
* hostile files, each in a fresh child process so its peak memory is its own: a Flate
  bomb (a 1 MB file whose content stream inflates to 200 MB; 1 GB with --big) and a
  10,000-page file (10,000 distinct pages, 6 MB);
* Chinese text: a release set in WenQuanYi Micro Hei by fpdf2 when that font is installed
  (Debian: fonts-wqy-microhei), and a CID font with a ToUnicode map (no font file needed):
  is the extracted text, without whitespace, exactly what was written?

pypdfium2 is optional: without it, its rows say "not installed".
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without relying on how it was installed

import pypdf  # noqa: E402

from tests.test_pdf import (  # noqa: E402
    URL,
    bomb_pdf,
    cjk_pdf,
    pages_pdf,
    release_paragraphs,
    release_pdf,
)
from workers.errors import ExtractError  # noqa: E402
from workers.pdf import extract_pdf  # noqa: E402

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
ZH = (
    "香港科技大學今日宣布與本地創科企業簽署合作備忘錄，共同成立人工智能聯合實驗室，為期五年，"  # noqa: RUF001
    "涵蓋研究人員交流、學生實習及技術轉移等範疇。校長表示，這項合作將推動大灣區創新發展。"  # noqa: RUF001
)


def pypdf_text(data: bytes, max_pages: int = 50) -> str:
    """Bare pypdf, default limits: what a naive caller would do."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages[:max_pages])


def pdfium_text(data: bytes, max_pages: int = 50) -> str:
    import pypdfium2

    doc = pypdfium2.PdfDocument(data)
    try:
        out = []
        for number in range(min(len(doc), max_pages)):
            page = doc[number]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(out)
    finally:
        doc.close()


def extract_text(data: bytes, max_pages: int = 50) -> str:
    return extract_pdf(data, URL, max_pages=max_pages).text


LIBRARIES: dict[str, Callable[[bytes], str]] = {
    "workers.pdf.extract_pdf": extract_text,
    "pypdf": pypdf_text,
    "pypdfium2": pdfium_text,
}


def has_pdfium() -> bool:
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def cpu_ms(func: Callable[[bytes], str], data: bytes, runs: int) -> float:
    func(data)  # warm: imports, caches
    times = []
    for _ in range(runs):
        start = time.process_time()
        func(data)
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def release_case(runs: int) -> dict[str, object]:
    data = release_pdf(release_paragraphs(pages=10))
    row: dict[str, object] = {"bytes": len(data)}
    for name, func in LIBRARIES.items():
        if name == "pypdfium2" and not has_pdfium():
            row[name] = "not installed"
            continue
        row[name] = round(cpu_ms(func, data, runs), 2)
    return row


def hostile_child(library: str, case: str) -> None:
    """Run one hostile case in this (child) process and print a JSON line."""
    data = bomb_pdf(int(case.split(":")[1]) << 20) if case.startswith("bomb") else ten_thousand_pages()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    try:
        text = LIBRARIES[library](data)
        outcome = f"{len(text)} chars"
    except ExtractError as exc:
        outcome = f"refused: {exc.reason[:90]}"
    except Exception as exc:  # a library's own refusal
        outcome = f"{type(exc).__name__}: {str(exc)[:90]}"
    cpu = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"cpu_s": round(cpu, 3), "peak_rss_mb": peak // 1024, "rss_before_mb": before // 1024,
                      "outcome": outcome, "file_bytes": len(data)}))  # fmt: skip


def ten_thousand_pages() -> bytes:
    return pages_pdf(
        [[f"Page {n}: the council met and agreed the plan for item {n}."] * 5 for n in range(10_000)]
    )


def hostile_cases(big: bool) -> dict[str, dict[str, object]]:
    cases = ["bomb:200", "pages:10000"] + (["bomb:1024"] if big else [])
    table: dict[str, dict[str, object]] = {}
    for case in cases:
        table[case] = {}
        for library in LIBRARIES:
            if library == "pypdfium2" and not has_pdfium():
                table[case][library] = "not installed"
                continue
            result = subprocess.run(
                [sys.executable, __file__, "--child", library, case],
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            lines = result.stdout.strip().splitlines()
            table[case][library] = json.loads(lines[-1]) if lines else {"error": result.stderr[-300:]}
    return table


def chinese_case() -> dict[str, object]:
    files: dict[str, bytes] = {"cid-tounicode": cjk_pdf([ZH, ZH, ZH], title="科大與企業成立聯合實驗室")}
    if CJK_FONT.exists():
        from fpdf import FPDF

        pdf = FPDF()
        pdf.add_font("cjk", fname=str(CJK_FONT))
        pdf.set_font("cjk", size=12)
        pdf.add_page()
        for _ in range(3):
            pdf.multi_cell(0, 7, ZH)
            pdf.ln(3)
        files["fpdf2-wqy-microhei"] = bytes(pdf.output())
    else:
        files["fpdf2-wqy-microhei"] = b""  # reported as skipped
    expected = ZH * 3
    table: dict[str, object] = {}
    for name, data in files.items():
        if not data:
            table[name] = f"skipped: no CJK font at {CJK_FONT}"
            continue
        row = {}
        for library, func in LIBRARIES.items():
            if library == "pypdfium2" and not has_pdfium():
                row[library] = "not installed"
                continue
            text = func(data)
            squeezed = "".join(text.split())
            row[library] = {
                "exact": squeezed == expected,
                "spaces_inserted": text.count(" "),
                "paragraphs": len([line for line in text.splitlines() if line.strip()]),
            }
        table[name] = row
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--big", action="store_true", help="also a 1 GB bomb (PDFium needs ~2 GB of memory)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        hostile_child(*args.child)
        return
    report = {
        "versions": {"pypdf": pypdf.__version__, "pypdfium2": _pdfium_version()},
        "release_10_pages_cpu_ms": release_case(args.runs),
        "hostile": hostile_cases(args.big),
        "chinese": chinese_case(),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


def _pdfium_version() -> str:
    if not has_pdfium():
        return "not installed"
    import pypdfium2

    return str(pypdfium2.version.PYPDFIUM_INFO)


if __name__ == "__main__":
    main()
