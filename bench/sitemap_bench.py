"""Sitemap parsing benchmark: a 50,000-URL sitemap (the protocol's maximum) in its usual shapes.

Run: python bench/sitemap_bench.py [--urls N] [--repeat R]
Prints the median and best CPU time (process time: steady on a shared machine) of ``parse_sitemap`` (and of ``recent_urls`` on its
result) over R runs, per shape: a pages sitemap with lastmod/changefreq/priority, the same
gzipped, and a Google News sitemap with titles. Also the refusal time of a 200 MB gzip bomb.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import statistics
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without relying on how it was installed

from workers.errors import SourceParseError  # noqa: E402
from workers.sources.sitemap import parse_sitemap, recent_urls  # noqa: E402

NOW = dt.datetime(2025, 6, 28, tzinfo=dt.UTC).timestamp()
CAP = 20 * 2**20


def pages(n: int) -> bytes:
    rows = [
        b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    for i in range(n):
        stamp = dt.datetime.fromtimestamp(NOW - i * 3600, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+08:00")
        rows.append(
            f"<url><loc>https://www.example.edu/news/{2025 - i // 8760}/release-{i}.html</loc>"
            f"<lastmod>{stamp}</lastmod><changefreq>monthly</changefreq><priority>0.5</priority></url>".encode()
        )
    rows.append(b"</urlset>")
    return b"\n".join(rows)


def news(n: int) -> bytes:
    rows = [
        b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
    ]
    for i in range(n):
        stamp = dt.datetime.fromtimestamp(NOW - i * 600, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            f"<url><loc>https://www.example.edu/media/{i}</loc><news:news><news:publication>"
            f"<news:name>Example University</news:name><news:language>en</news:language></news:publication>"
            f"<news:publication_date>{stamp}</news:publication_date>"
            f"<news:title>University signs agreement number {i} &amp; partners 大學</news:title>"
            f"</news:news></url>".encode()
        )
    rows.append(b"</urlset>")
    return b"\n".join(rows)


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        runs.append(time.process_time() - start)
    return statistics.median(runs), min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    shapes = {"pages": pages(args.urls), "pages.gz": gzip.compress(pages(args.urls)), "news": news(args.urls)}
    for name, body in shapes.items():
        result = parse_sitemap(body, "https://www.example.edu/sitemap.xml", max_bytes=CAP)
        assert len(result.urls) == args.urls, name
        parse = functools.partial(parse_sitemap, body, "https://www.example.edu/sitemap.xml", max_bytes=CAP)
        median, best = timed(parse, args.repeat)
        select = functools.partial(
            recent_urls, result.urls, now=NOW, max_age=30 * 86400, since=None, include=None, exclude=None
        )
        select_median, _ = timed(select, args.repeat)
        print(
            f"{name:9} {len(body) / 2**20:5.1f} MiB  parse median {median * 1000:6.0f} ms (best {best * 1000:.0f})"
            f"  recent_urls median {select_median * 1000:4.0f} ms  ({args.urls / median:,.0f} URLs/s)"
        )
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join(packer.compress(bytes(2**20)) for _ in range(200)) + packer.flush()

    def refuse() -> None:
        try:
            parse_sitemap(bomb, "https://www.example.edu/bomb.xml.gz", max_bytes=10 * 2**20)
        except SourceParseError:
            return
        raise AssertionError("the bomb was not refused")

    median, _ = timed(refuse, args.repeat)
    print(f"gzip bomb {len(bomb) / 1024:.0f} KiB -> 200 MiB, cap 10 MiB: refused in {median * 1000:.0f} ms")


if __name__ == "__main__":
    main()
