"""Sitemap sources: every format read, hostile bodies refused, first polls kept small."""

from __future__ import annotations

import datetime as dt
import gzip
import random
import re
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest

from workers.errors import SourceParseError
from workers.sources.sitemap import (
    MAX_ENTRY_NODES,
    ChildSitemap,
    SitemapURL,
    newest_children,
    parse_sitemap,
    recent_urls,
    sitemaps_from_robots,
)

SITEMAPS = Path(__file__).parent / "resources" / "sitemaps"
BASE = "https://www.example.edu/sitemap.xml"
CAP = 10 * 2**20
DAY = 86400.0
HK = dt.timezone(dt.timedelta(hours=8))


def load(name: str) -> bytes:
    return (SITEMAPS / name).read_bytes()


def epoch(year: int, month: int, day: int, *clock: int, tz: dt.tzinfo = dt.UTC) -> float:
    hour, minute, second, micro = (*clock, 0, 0, 0, 0)[:4]
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz).timestamp()


def generated(
    count: int, *, newest: float = 1_748_736_000.0, step: float = 3600.0, dated: bool = True
) -> bytes:
    """A urlset of `count` releases, the i-th modified i*step seconds before `newest`."""
    parts = [
        b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    ]
    for i in range(count):
        lastmod = dt.datetime.fromtimestamp(newest - i * step, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        dated_part = f"<lastmod>{lastmod}</lastmod>" if dated else ""
        parts.append(
            f"<url><loc>https://www.example.org/articles/{i}.html</loc>{dated_part}"
            "<changefreq>monthly</changefreq><priority>0.5</priority></url>\n".encode()
        )
    parts.append(b"</urlset>\n")
    return b"".join(parts)


# --- formats ---------------------------------------------------------------------------


def test_sitemap_index_children() -> None:
    sitemap = parse_sitemap(load("index.xml"), BASE, max_bytes=CAP)
    assert sitemap.kind == "index"
    assert sitemap.urls == ()
    assert [child.loc for child in sitemap.children] == [
        "https://www.example.edu/sitemap-pages.xml",
        "https://www.example.edu/sitemap-news.xml",  # whitespace around the <loc> stripped
        "https://www.example.edu/sitemap-archive.xml.gz",  # relative: resolved against the index
        "https://www.example.edu/sitemap.xml",
    ]
    assert [child.lastmod for child in sitemap.children] == [
        epoch(2025, 3, 1),
        epoch(2025, 6, 27, 10, 30, tz=HK),
        None,
        epoch(2025, 6, 1),
    ]
    assert sitemap.dropped == 2  # the ftp: child and the one without a <loc>
    assert not sitemap.truncated


def test_urlset_lastmod_formats_and_extensions() -> None:
    sitemap = parse_sitemap(load("urlset.xml"), BASE, max_bytes=CAP)
    assert sitemap.kind == "urlset"
    by_loc = {item.loc: item for item in sitemap.urls}
    assert list(by_loc) == [
        "https://www.example.edu/news/2025/06/mou-signed.html",
        "https://www.example.edu/news/2025/06/fund.html",
        "https://www.example.edu/news/2025/ranking.html",
        "https://www.example.edu/news/2025/event.html",
        "https://www.example.edu/about/",
        "https://www.example.edu/contact/",
        "https://www.example.edu/visit/",
        "https://www.example.edu/library/",
        "https://www.example.edu/news/2025/relative.html",
    ]  # no image, video or hreflang URL; the repeated fund.html only once
    expected = {
        "news/2025/06/mou-signed.html": epoch(2025, 6, 26, 9, 15, 30, tz=HK),
        "news/2025/06/fund.html": epoch(2025, 6, 27),
        "news/2025/ranking.html": epoch(2025, 6, 27, 10, 30, 0, 123457),  # nanoseconds: read to µs
        "news/2025/event.html": epoch(2025, 6, 27, 10, 30),
        "about/": epoch(2025, 1, 1),
        "contact/": epoch(2025, 2, 1),
        "visit/": epoch(2025, 6, 27, 14, 30),
        "library/": None,  # "not a date"
        "news/2025/relative.html": None,
    }
    for path, lastmod in expected.items():
        item = by_loc["https://www.example.edu/" + path]
        assert item.lastmod == (pytest.approx(lastmod) if lastmod is not None else None), path
        assert item.title == ""
    assert by_loc["https://www.example.edu/news/2025/06/mou-signed.html"].published == "2025-06-26T01:15:30Z"
    assert by_loc["https://www.example.edu/visit/"].published == "2025-06-27T14:30:00Z"
    assert by_loc["https://www.example.edu/library/"].published == ""
    # mailto:, javascript:, a blank <loc>, a <url> without <loc> and a repeated URL
    assert sitemap.dropped == 5


def test_google_news_sitemap() -> None:
    sitemap = parse_sitemap(load("news.xml"), "https://www.example.edu/sitemap-news.xml", max_bytes=CAP)
    fund, mou, event = sitemap.urls
    assert fund.title == "University wins HK$50 million research fund & partners"  # markup stripped
    assert fund.published == "2025-06-27T02:30:00Z"
    assert fund.lastmod == epoch(2025, 6, 27, 10, 30, tz=HK)  # publication date alone
    assert mou.title == "大學與研究院簽署合作備忘錄"  # CDATA, Chinese
    assert mou.published == "2025-06-26T00:00:00Z"  # the publication date, not the later lastmod
    assert mou.lastmod == epoch(2025, 6, 28, 8)  # the newer of the two
    assert event.lastmod == epoch(2025, 6, 25, 12)  # publication date newer than lastmod
    assert event.title == ""


@pytest.mark.parametrize("name", ["no-namespace.xml", "wrong-namespace.xml"])
def test_namespaces_do_not_matter(name: str) -> None:
    sitemap = parse_sitemap(load(name), "https://www.example.org/sitemap.xml", max_bytes=CAP)
    assert [(item.loc, item.lastmod) for item in sitemap.urls] == [
        ("https://www.example.org/articles/one", epoch(2025, 6, 1)),
        ("https://www.example.org/articles/two", None),
    ]


def test_text_sitemap() -> None:
    sitemap = parse_sitemap(load("text.txt"), "https://www.example.org/sitemap.txt", max_bytes=CAP)
    assert sitemap.kind == "text"
    assert [item.loc for item in sitemap.urls] == [
        "https://www.example.org/articles/one",  # after a BOM, with CRLF
        "https://www.example.org/articles/two",
        "https://www.example.org/articles/three",
    ]
    assert all(item.lastmod is None and item.published == "" for item in sitemap.urls)
    assert sitemap.dropped == 3  # the repeat, the prose line, the relative path


@pytest.mark.parametrize(
    "body",
    [
        b"Not Found\nThe page you asked for does not exist.\nhttps://www.example.org/\n",
        b'{"error": "not found"}',
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe",
    ],
    ids=["prose", "json", "binary"],
)
def test_text_that_is_not_a_sitemap(body: bytes) -> None:
    with pytest.raises(SourceParseError, match="not a sitemap"):
        parse_sitemap(body, "https://www.example.org/sitemap.txt", max_bytes=CAP)


def test_gzip_sitemap_is_inflated() -> None:
    plain = parse_sitemap(load("urlset.xml"), BASE, max_bytes=CAP)
    zipped = parse_sitemap(gzip.compress(load("urlset.xml")), BASE + ".gz", max_bytes=CAP)
    assert zipped.urls == plain.urls
    two_members = gzip.compress(load("urlset.xml")[:300]) + gzip.compress(load("urlset.xml")[300:])
    assert parse_sitemap(two_members, BASE, max_bytes=CAP).urls == plain.urls


def test_broken_gzip_is_refused() -> None:
    whole = gzip.compress(load("urlset.xml"))
    with pytest.raises(SourceParseError, match="truncated gzip"):
        parse_sitemap(whole[: len(whole) // 2], BASE, max_bytes=CAP)
    with pytest.raises(SourceParseError, match="corrupt gzip"):
        parse_sitemap(whole[:10] + b"\xff" * 50, BASE, max_bytes=CAP)


def test_gzip_bomb_is_refused_without_inflating_it() -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(2**20)
    bomb = b"".join(packer.compress(zeros) for _ in range(200)) + packer.flush()  # 200 MB of zeros
    assert len(bomb) < 1_000_000
    cap = 2**20
    tracemalloc.start()
    try:
        with pytest.raises(SourceParseError, match="inflates past the 1048576-byte cap"):
            parse_sitemap(bomb, BASE, max_bytes=cap)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5 * cap  # the cap plus a step, never the expanded 200 MB


def test_plain_body_over_the_cap_is_refused() -> None:
    with pytest.raises(SourceParseError, match="exceeds the 1000-byte cap"):
        parse_sitemap(load("urlset.xml"), BASE, max_bytes=1000)


# --- hostile and wrong bodies ----------------------------------------------------------


@pytest.mark.parametrize("name", ["billion-laughs.xml", "xxe.xml", "xxe-parameter.xml"])
def test_entity_and_dtd_attacks_are_refused(name: str) -> None:
    with pytest.raises(SourceParseError, match="DOCTYPE or entities") as caught:
        parse_sitemap(load(name), BASE, max_bytes=CAP)
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd
    zipped = gzip.compress(load(name))  # the same inside gzip
    with pytest.raises(SourceParseError, match="DOCTYPE or entities"):
        parse_sitemap(zipped, BASE, max_bytes=CAP)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("soft-404.html", "HTML page"),
        ("xhtml-404.xml", "HTML page"),
        ("feed.xml", "RSS/Atom feed"),
    ],
)
def test_wrong_documents_are_refused_with_the_reason(name: str, reason: str) -> None:
    with pytest.raises(SourceParseError, match=reason) as caught:
        parse_sitemap(load(name), BASE, max_bytes=CAP)
    assert caught.value.source == BASE


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty sitemap"),
        (b"  \n\t ", "empty sitemap"),
        (b"<<<<>>>> not xml", "no root element"),
        (b"<?xml version='1.0'?><catalog><book/></catalog>", r"root element <catalog>"),
        (b"\xff\xfe<\x00u\x00r\x00l\x00", "UTF-16"),
        (b"<urlset><url><loc>https://www.example.org/a</lo", "malformed XML"),
    ],
)
def test_garbage_is_refused(body: bytes, reason: str) -> None:
    with pytest.raises(SourceParseError, match=reason):
        parse_sitemap(body, BASE, max_bytes=CAP)


def test_bare_ampersands_are_repaired_not_cut_out() -> None:
    sitemap = parse_sitemap(load("broken-amp.xml"), BASE, max_bytes=CAP)
    assert [item.loc for item in sitemap.urls] == [
        "https://www.example.org/articles/view?id=1&lang=en",
        "https://www.example.org/articles/view?id=2&lang=en",
        "https://www.example.org/articles/three",
    ]
    assert sitemap.recovered  # the caller can log that the file was broken
    assert parse_sitemap(load("urlset.xml"), BASE, max_bytes=CAP).recovered == ""


def test_an_oversized_entry_is_refused() -> None:
    body = (
        b"<urlset><url><loc>https://www.example.org/a</loc>"
        + b"<x/>" * (MAX_ENTRY_NODES * 2)
        + b"</url></urlset>"
    )
    with pytest.raises(SourceParseError, match="elements"):
        parse_sitemap(body, BASE, max_bytes=CAP)


def test_junk_between_entries_is_skipped() -> None:
    junk = b"<x/>" * 300_000  # dropped chunk by chunk: no entry is too big, nothing piles up
    body = b"<urlset>" + junk + b"<url><loc>https://www.example.org/a</loc></url>" + junk + b"</urlset>"
    sitemap = parse_sitemap(body, BASE, max_bytes=CAP)
    assert [item.loc for item in sitemap.urls] == ["https://www.example.org/a"]


# --- size ------------------------------------------------------------------------------


def test_fifty_thousand_urls_are_all_read() -> None:
    sitemap = parse_sitemap(generated(50_000, newest=epoch(2025, 6, 1)), BASE, max_bytes=CAP)
    assert len(sitemap.urls) == 50_000
    assert not sitemap.truncated
    assert sitemap.urls[-1] == SitemapURL(
        "https://www.example.org/articles/49999.html",
        epoch(2025, 6, 1) - 49_999 * 3600,
        "",
        dt.datetime.fromtimestamp(epoch(2025, 6, 1) - 49_999 * 3600, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def test_more_than_max_urls_is_truncated() -> None:
    sitemap = parse_sitemap(generated(60_000), BASE, max_bytes=20 * 2**20)
    assert len(sitemap.urls) == 50_000
    assert sitemap.truncated
    assert sitemap.urls[-1].loc == "https://www.example.org/articles/49999.html"
    small = parse_sitemap(load("urlset.xml"), BASE, max_bytes=CAP, max_urls=3)
    assert [item.loc.rsplit("/", 1)[1] for item in small.urls] == [
        "mou-signed.html",
        "fund.html",
        "ranking.html",
    ]
    assert small.truncated
    exact = parse_sitemap(generated(3), BASE, max_bytes=CAP, max_urls=3)
    assert len(exact.urls) == 3 and not exact.truncated


def test_text_sitemap_is_truncated_too() -> None:
    body = "".join(f"https://www.example.org/articles/{i}\n" for i in range(20)).encode()
    sitemap = parse_sitemap(body, BASE, max_bytes=CAP, max_urls=5)
    assert len(sitemap.urls) == 5 and sitemap.truncated


# --- robots.txt and indexes ------------------------------------------------------------


def test_sitemaps_from_robots() -> None:
    assert sitemaps_from_robots(load("robots.txt"), "https://www.example.edu/robots.txt") == [
        "https://www.example.edu/sitemap.xml",
        "https://www.example.edu/sitemap-news.xml",  # relative, lower case, no space
        "https://cdn.example.edu/sitemaps/pages.xml.gz",  # indented, trailing comment
    ]


def test_sitemaps_from_robots_is_capped() -> None:
    body = "".join(f"Sitemap: https://www.example.edu/s{i}.xml\n" for i in range(500)).encode()
    found = sitemaps_from_robots(body, "https://www.example.edu/robots.txt")
    assert found[:2] == ["https://www.example.edu/s0.xml", "https://www.example.edu/s1.xml"]
    assert len(found) == 50
    assert sitemaps_from_robots(b"User-agent: *\nDisallow:\n", "https://www.example.edu/robots.txt") == []


def test_newest_children_order() -> None:
    children = [
        ChildSitemap("https://x.org/undated-1.xml", None),
        ChildSitemap("https://x.org/old.xml", 100.0),
        ChildSitemap("https://x.org/new-a.xml", 300.0),
        ChildSitemap("https://x.org/undated-2.xml", None),
        ChildSitemap("https://x.org/new-b.xml", 300.0),
        ChildSitemap("https://x.org/mid.xml", 200.0),
    ]
    assert [child.loc.rsplit("/", 1)[1] for child in newest_children(children)] == [
        "new-a.xml",
        "new-b.xml",  # ties keep their order
        "mid.xml",
        "old.xml",
        "undated-1.xml",
        "undated-2.xml",
    ]
    assert [child.loc for child in newest_children(children, limit=2)] == [
        "https://x.org/new-a.xml",
        "https://x.org/new-b.xml",
    ]
    many = [ChildSitemap(f"https://x.org/{i}.xml", float(i)) for i in range(200)]
    assert [child.lastmod for child in newest_children(many)] == [float(i) for i in range(199, 149, -1)]


# --- which URLs a poll takes -----------------------------------------------------------

NOW = epoch(2025, 6, 28, 12)


def urls_of(body: bytes) -> tuple[SitemapURL, ...]:
    return parse_sitemap(body, BASE, max_bytes=20 * 2**20).urls


def test_first_poll_of_a_big_site_takes_only_recent_urls() -> None:
    urls = urls_of(generated(50_000, newest=NOW - 600))  # one release an hour for 5.7 years
    taken = recent_urls(urls, now=NOW, max_age=30 * DAY, since=None, include=None, exclude=None)
    assert len(taken) == 100  # the first-poll limit: newest first
    assert [item.loc for item in taken[:2]] == [
        "https://www.example.org/articles/0.html",
        "https://www.example.org/articles/1.html",
    ]
    everything_recent = recent_urls(
        urls, now=NOW, max_age=30 * DAY, since=None, include=None, exclude=None, first_poll_limit=10**6
    )
    assert len(everything_recent) == 720  # 600 s + i hours <= 30 days: i = 0..719
    assert all(NOW - item.lastmod <= 30 * DAY for item in everything_recent if item.lastmod)


def test_later_poll_takes_what_changed_since_the_last_one() -> None:
    urls = urls_of(generated(5_000, newest=NOW - 600))
    taken = recent_urls(urls, now=NOW, max_age=30 * DAY, since=NOW - 2 * DAY, include=None, exclude=None)
    assert len(taken) == 72  # within 3 days (2 since the last poll, a day of slack): i = 0..71
    stamps = [item.lastmod or 0.0 for item in taken]
    assert stamps == sorted(stamps, reverse=True) and min(stamps) >= NOW - 3 * DAY


def test_first_poll_of_an_all_generator_stamped_sitemap_is_capped() -> None:
    urls = urls_of(generated(50_000, newest=NOW - 60, step=0.0))  # every lastmod "now"
    taken = recent_urls(urls, now=NOW, max_age=30 * DAY, since=None, include=None, exclude=None)
    assert len(taken) == 100


def test_undated_urls() -> None:
    undated = urls_of(generated(50_000, dated=False))
    first = recent_urls(undated, now=NOW, max_age=30 * DAY, since=None, include=None, exclude=None)
    assert [item.loc for item in first] == [f"https://www.example.org/articles/{i}.html" for i in range(10)]
    later = recent_urls(undated, now=NOW, max_age=30 * DAY, since=NOW - DAY, include=None, exclude=None)
    assert len(later) == 50_000  # the caller's seen set decides what is new
    mixed = [*undated[:5], SitemapURL("https://www.example.org/articles/new.html", NOW - DAY, "", "")]
    assert [
        item.loc
        for item in recent_urls(mixed, now=NOW, max_age=30 * DAY, since=None, include=None, exclude=None)
    ] == [
        "https://www.example.org/articles/new.html"
    ]  # a sitemap that dates its releases: the undated ones are its static pages


def test_include_exclude_and_bad_dates() -> None:
    urls = [
        SitemapURL("https://x.org/media-releases/a.html", NOW - DAY, "", ""),
        SitemapURL("https://x.org/media-releases/tag/a/", NOW - DAY, "", ""),
        SitemapURL("https://x.org/about/", NOW - DAY, "", ""),
        SitemapURL("https://x.org/media-releases/future.html", NOW + 365 * DAY, "", ""),  # broken clock
        SitemapURL("https://x.org/media-releases/2019/05/01/old.html", NOW - DAY, "", ""),  # redesign touch
        SitemapURL("https://x.org/media-releases/20250627-undated.html", None, "", ""),  # date in the path
        SitemapURL("https://x.org/media-releases/old.html", NOW - 31 * DAY, "", ""),
    ]
    taken = recent_urls(
        urls,
        now=NOW,
        max_age=30 * DAY,
        since=None,
        include=re.compile("/media-releases/"),
        exclude=re.compile("/tag/"),
    )
    assert [item.loc.rsplit("/", 1)[1] for item in taken] == ["20250627-undated.html", "a.html"]


def test_mangled_sitemaps_give_a_result_or_a_clear_error() -> None:
    """Truncated, bit-flipped and half-gzipped copies of every fixture: never another exception."""
    rng = random.Random(17)
    outcomes = {"read": 0, "refused": 0}
    for path in sorted(SITEMAPS.iterdir()):
        data = path.read_bytes()
        for _ in range(60):
            body = bytearray(data)
            how = rng.randrange(4)
            if how == 0:
                body = body[: rng.randrange(len(body) + 1)]
            elif how == 1:
                for _ in range(rng.randrange(1, 6)):
                    body[rng.randrange(len(body))] = rng.randrange(256)
            elif how == 2:
                at = rng.randrange(len(body))
                body[at:at] = bytes(rng.choice(b"<>&/!?\"'=") for _ in range(rng.randrange(1, 5)))
            else:
                body = bytearray(gzip.compress(bytes(body))[: rng.randrange(10, 400)])
            try:
                sitemap = parse_sitemap(bytes(body), BASE, max_bytes=CAP)
            except SourceParseError as exc:
                assert exc.reason and exc.source == BASE
                outcomes["refused"] += 1
                continue
            assert all(item.loc.startswith(("http://", "https://")) for item in sitemap.urls)
            outcomes["read"] += 1
    assert outcomes["read"] > 0 and outcomes["refused"] > 0


@pytest.mark.parametrize(
    ("lastmod", "expected"),
    [
        ("2025", epoch(2025, 1, 1)),
        ("2025-06", epoch(2025, 6, 1)),
        ("2025-6-7", epoch(2025, 6, 7)),
        ("2025-06-27", epoch(2025, 6, 27)),
        ("2025-06-27T10:30+08:00", epoch(2025, 6, 27, 2, 30)),
        ("2025-06-27T10:30:15Z", epoch(2025, 6, 27, 10, 30, 15)),
        ("2025-06-27t10:30:15z", epoch(2025, 6, 27, 10, 30, 15)),
        ("2025-06-27T10:30:15.5-05:00", epoch(2025, 6, 27, 15, 30, 15, 500000)),
        ("2025-06-27T10:30:15+0800", epoch(2025, 6, 27, 2, 30, 15)),
        ("2025-06-27 10:30:15", epoch(2025, 6, 27, 10, 30, 15)),  # no zone: UTC
        ("  2025-06-27T10:30:15Z\n", epoch(2025, 6, 27, 10, 30, 15)),
        ("Fri, 27 Jun 2025 10:30:15 +0800", epoch(2025, 6, 27, 2, 30, 15)),  # RFC 822
        ("0000-00-00", None),
        ("0001-01-01T00:00:00Z", None),
        ("2025-13-01", None),
        ("2025-02-30", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_lastmod_formats(lastmod: str, expected: float | None) -> None:
    body = f"<urlset><url><loc>https://x.org/a</loc><lastmod>{lastmod}</lastmod></url></urlset>".encode()
    (item,) = parse_sitemap(body, BASE, max_bytes=CAP).urls
    assert item.lastmod == (pytest.approx(expected) if expected is not None else None)
    if expected is not None:
        assert item.published == dt.datetime.fromtimestamp(int(expected), dt.UTC).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )


def test_memory_stays_flat_on_a_junk_flood() -> None:
    """10 MB of tiny elements would take ~300 MB as a tree; read chunk by chunk it takes none."""
    script = (
        "import resource\n"
        "from workers.sources.sitemap import parse_sitemap\n"
        "body = b'<urlset>' + b'<x/>' * 2_500_000 + b'<url><loc>https://a.org/x</loc></url></urlset>'\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "sitemap = parse_sitemap(body, 'https://a.org/s.xml', max_bytes=len(body))\n"
        "assert [item.loc for item in sitemap.urls] == ['https://a.org/x']\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout) < 50 * 1024  # KiB of peak RSS growth
