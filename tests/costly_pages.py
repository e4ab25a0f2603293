"""Pages that cost a parser minutes of CPU while staying under the page size cap (issue 18),
built here so the tests (tests/test_budget.py) and the benchmark (bench/costly_bench.py)
use the same bytes."""

from __future__ import annotations


def paragraphs(count: int) -> bytes:
    """An article of ``count`` tiny paragraphs (600,000: 4.8 MB)."""
    return (
        b"<html><head><title>t</title></head><body><article>"
        + b"<p>x</p>" * count
        + b"</article></body></html>"
    )


def links(count: int) -> bytes:
    """An article paragraph of ``count`` links (150,000: 5.0 MB)."""
    anchors = b"".join(b'<a href="/l/%06d">link</a> ' % i for i in range(count))
    return (
        b"<html><head><title>t</title></head><body><article><p>" + anchors + b"</p></article></body></html>"
    )


def table(rows: int, cells: int = 100) -> bytes:
    """A table of ``rows`` x ``cells`` (5,000 x 100: 5.0 MB)."""
    row = b"<tr>" + b"<td>1</td>" * cells + b"</tr>"
    return (
        b"<html><head><title>t</title></head><body><article><table>"
        + row * rows
        + b"</table></article></body></html>"
    )


def nested_divs(depth: int) -> bytes:
    """``depth`` nested <div> (100,000: 1.1 MB)."""
    return b"<html><body>" + b"<div>" * depth + b"x" + b"</div>" * depth + b"</body></html>"
