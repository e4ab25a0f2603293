"""Link discovery benchmark: find_links on a ~200 KB newsroom listing page (issue 17: <= 20 ms).

Run: python bench/links_bench.py [--cards N] [--repeat N]
The page is generated deterministically: a mega-menu header, a cookie banner, inline
scripts and JSON-LD, N cards (image link, topic chip, headline, teaser, <time>, read more),
a pager, a sidebar of events and a link-heavy footer, as a large university newsroom has.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without relying on how it was installed

from workers.sources.page import find_links  # noqa: E402

TEXT = """university research team award funding partnership students campus health climate data
innovation professor laboratory grant community ranking global energy city design"""
WORDS = TEXT.split()


def headline(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 11))).capitalize()


def build_page(cards: int) -> bytes:
    rng = random.Random(17)
    menu = "".join(
        f'<li class="menu-item"><a href="/section-{i}/">Section {i}</a><ul class="sub-menu">'
        + "".join(f'<li><a href="/section-{i}/page-{j}">{headline(rng)}</a></li>' for j in range(12))
        + "</ul></li>"
        for i in range(12)
    )
    script = "<script>" + "var config = " + repr({f"k{i}": "x" * 40 for i in range(300)}) + ";</script>"
    body = []
    for i in range(cards):
        slug = f"2025/{1 + i % 12:02d}/{headline(rng).lower().replace(' ', '-')}-{i}"
        day = 1 + i % 28
        body.append(
            f'<div class="col"><article class="card">'
            f'<a href="/news/{slug}"><img src="/media/{i}.jpg" alt="photo {i}"></a>'
            f'<div class="card-body"><a class="badge" href="/news/topic/{rng.choice(WORDS)}">{rng.choice(WORDS)}</a>'
            f'<h3 class="card-title"><a href="/news/{slug}">{headline(rng)}</a></h3>'
            f'<p class="card-text">{headline(rng)}. {headline(rng)}.</p>'
            f'<time datetime="2025-{1 + i % 12:02d}-{day:02d}">{day} March 2025</time>'
            f' <a href="/news/{slug}" class="more">Read more</a></div></article></div>'
        )
    events = "".join(
        f'<li><a href="/events/2025/event-{i}">{headline(rng)}</a> <span>{1 + i} April 2025</span></li>'
        for i in range(20)
    )
    footer = "".join(f'<li><a href="/footer/link-{i}">{headline(rng)}</a></li>' for i in range(150))
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>News</title>'
        f"{script * 3}</head><body>"
        '<div class="cookie-banner">We use cookies. <a href="/privacy">Learn more about cookies</a></div>'
        f'<header class="site-header"><nav><ul class="menu">{menu}</ul></nav></header>'
        '<div class="layout"><main><h1>News</h1><div class="grid">'
        + "".join(body)
        + '</div><ul class="pagination"><li><a href="/news/?page=2">Next page</a></li></ul></main>'
        f'<aside class="sidebar"><h2>Upcoming events</h2><ul>{events}</ul></aside></div>'
        f'<footer class="site-footer"><ul>{footer}</ul></footer>{script}</body></html>'
    )
    return html.encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    page = build_page(args.cards)
    listing = find_links(page, "https://www.example.edu/news/")  # warm-up: regexes, suffix list
    assert len(listing.links) == args.cards, len(listing.links)
    wall, cpu = [], []  # CPU time too: on a shared machine wall time includes other people's work
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        find_links(page, "https://www.example.edu/news/")
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(
        f"page {len(page) / 1024:.0f} KB, {listing.anchors} anchors, {len(listing.links)} links found; "
        f"find_links wall median {statistics.median(wall):.1f} ms (p90 {sorted(wall)[int(len(wall) * 0.9)]:.1f}, "
        f"min {min(wall):.1f}), CPU median {statistics.median(cpu):.1f} ms (n={args.repeat})"
    )


if __name__ == "__main__":
    main()
