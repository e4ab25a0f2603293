"""Publishers without feeds, end to end: listing pages and sitemaps as sources.

`pressroom run --once` against a real Redis and a loopback site (tests/newsroom_site.py)
whose releases are found only through newsroom listing pages and sitemaps, next to
decoys (an events sidebar, an "about" page, releases too old for a first poll) that
must never reach the stream.
"""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from redis import Redis

from tests.daemons import FAST_RETRIES, environment, pressroom
from tests.newsroom_site import CORP, NS, PARK, UNI, Newsroom, news_sitemap, serve_newsroom
from tests.sites import SITE_ROOT, Site
from workers import constants as names
from workers import streams
from workers.cli import main
from workers.settings import load_settings


def items(redis: Redis) -> list[dict[str, str]]:
    return [e.fields for e in streams.iterate(redis, names.ITEMS_STREAM)]


def sources_file(directory: Path, site: Site, sources: list[dict[str, str]], extra: str = "") -> Path:
    lines = ["defaults:", "  interval: 1h", "feeds:"]
    for source in sources:
        lines.append(f"  - name: {source['name']}")
        lines += [f"    {key}: {json.dumps(value)}" for key, value in source.items() if key != "name"]
    lines += ["fetch:", "  allow_networks: [127.0.0.0/8]", "  total_timeout: 20s", *FAST_RETRIES.splitlines()]
    path = directory / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n" + extra)
    return path


def newsroom_sources(site: Site) -> list[dict[str, str]]:
    """Two listing pages (no selectors), two sitemaps scoped to /articles/, and a feed that
    repeats the corporate listing's releases (the same release through two sources)."""
    return [
        {"name": "uni-news", "url": site.url("uni/news/"), "type": "page"},
        {"name": "corp-newsroom", "url": site.url("corp/newsroom/"), "type": "page"},
        {"name": "corp-feed", "url": site.url("corp/feed.xml")},
        {
            "name": "site-sitemap",
            "url": site.url("sitemap_index.xml"),
            "type": "sitemap",
            "include": "/articles/",
        },
        {
            "name": "wire-sitemap",
            "url": site.url("wire/sitemap.xml.gz"),
            "type": "sitemap",
            "include": "/articles/",
        },
    ]


def check_releases(newsroom: Newsroom, delivered: list[dict[str, str]]) -> None:
    counts = Counter(e["url"] for e in delivered)
    assert all(n == 1 for n in counts.values()), {u: n for u, n in counts.items() if n > 1}
    assert set(counts) == set(newsroom.releases), (
        f"missing: {sorted(set(newsroom.releases) - set(counts))}, extra: {sorted(set(counts) - set(newsroom.releases))}"
    )
    assert not set(counts) & set(newsroom.decoys)


def test_listing_pages_and_sitemaps_deliver_every_release_once(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    newsroom = serve_newsroom(site)
    env = environment(tmp_path, redis_url)
    feeds = sources_file(tmp_path, site, newsroom_sources(site))
    result = pressroom("run", "--once", "--feeds", str(feeds), "--workers", "2", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    delivered = items(redis)
    check_releases(newsroom, delivered)
    for decoy in newsroom.decoys:  # never even fetched
        assert site.requests[decoy.split(site.base, 1)[1]] == 0, decoy
    by_url = {e["url"]: e for e in delivered}
    uni = by_url[site.url("uni/news/2025/lru-photonics-institute-mou.html")]
    assert uni["feed"] == "uni-news" and uni["label"] == "mou"
    assert uni["published"] == "2025-03-18"  # the date next to the link on the listing
    assert uni["title"].startswith("Lion Rock University and Pearl Delta Photonics")  # the page's own title
    corp_items = [e for e in delivered if "/corp/" in e["url"]]
    assert len(corp_items) == len(CORP)  # the feed and the listing found them: once each

    status = json.loads(pressroom("status", "--json", "--feeds", str(feeds), env=env).stdout)
    by_name = {f["name"]: f for f in status["feeds"]}
    assert {n: f["type"] for n, f in by_name.items()} == {
        "uni-news": "page",
        "corp-newsroom": "page",
        "corp-feed": "feed",
        "site-sitemap": "sitemap",
        "wire-sitemap": "sitemap",
    }
    assert by_name["uni-news"]["links"] == 4 and by_name["corp-newsroom"]["links"] == 3
    # matching /articles/ URLs whatever their age: 7 releases, 2 old ones and 2 section pages
    assert by_name["site-sitemap"]["links"] == 7 + 2 + 2
    assert all(f["errors"] == 0 for f in status["feeds"]), status["feeds"]
    text = pressroom("status", "--feeds", str(feeds), env=env).stdout
    assert "uni-news" in text and " page " in text and " sitemap " in text


def test_a_later_poll_takes_only_new_urls_and_reads_only_changed_sitemaps(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    newsroom = serve_newsroom(site)
    env = environment(tmp_path, redis_url)
    sources = [s for s in newsroom_sources(site) if s["name"] == "site-sitemap"]
    feeds = sources_file(tmp_path, site, sources)
    assert pressroom("run", "--once", "--feeds", str(feeds), "--workers", "1", env=env).returncode == 0
    first = len(items(redis))
    assert first == 7
    assert site.requests["/sitemaps/pages.xml"] == 1 and site.requests["/sitemaps/news.xml"] == 1

    # The news sitemap gains a release and a newer lastmod in the index; the pages sitemap does not change.
    later = time.time()
    site.add("/articles/extra/new-release.html", (SITE_ROOT / PARK[0]).read_bytes())
    site.add(
        "/sitemaps/news.xml",
        news_sitemap(site, later).replace(
            "</urlset>",
            f"<url><loc>{site.url('articles/extra/new-release.html')}</loc><lastmod>"
            f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(later))}</lastmod></url></urlset>",
        ),
        content_type="application/xml",
    )
    index = (
        f'<?xml version="1.0"?><sitemapindex xmlns="{NS}">'
        f"<sitemap><loc>{site.url('sitemaps/pages.xml')}</loc>"
        f"<lastmod>{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(newsroom.now - 3600))}</lastmod></sitemap>"
        f"<sitemap><loc>{site.url('sitemaps/news.xml')}</loc>"
        f"<lastmod>{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(later))}</lastmod></sitemap></sitemapindex>"
    )
    site.add("/sitemap_index.xml", index, content_type="application/xml")
    redis.zadd(names.SCHEDULE_KEY, {"site-sitemap": 0})  # due now
    assert pressroom("run", "--once", "--feeds", str(feeds), "--workers", "1", env=env).returncode == 0
    delivered = items(redis)
    assert len(delivered) == first + 1
    assert delivered[-1]["url"] == site.url("articles/extra/new-release.html")
    assert site.requests["/sitemaps/pages.xml"] == 1  # unchanged lastmod: not read again
    assert site.requests["/sitemaps/news.xml"] == 2


def test_a_listing_that_goes_quiet_is_a_source_error(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    serve_newsroom(site)
    env = environment(tmp_path, redis_url)
    feeds = sources_file(tmp_path, site, newsroom_sources(site)[:1])
    assert pressroom("run", "--once", "--feeds", str(feeds), "--workers", "1", env=env).returncode == 0
    assert len(items(redis)) == 4
    # A redesign: the page now loads its news with JavaScript; no article link is left.
    site.add(
        "/uni/news/",
        '<html><body><nav><a href="/uni/">Home</a> <a href="/uni/about/">About</a></nav>'
        '<div id="app" data-src="/api/news.json">Loading news...</div></body></html>',
    )
    redis.zadd(names.SCHEDULE_KEY, {"uni-news": 0})
    assert pressroom("run", "--once", "--feeds", str(feeds), "--workers", "1", env=env).returncode == 0
    status = json.loads(pressroom("status", "--json", "--feeds", str(feeds), env=env).stdout)
    uni = status["feeds"][0]
    assert uni["name"] == "uni-news" and uni["errors"] == 1 and uni["last_result"] == "error"
    assert "no article links" in uni["last_error"] and "showed 4 before" in uni["last_error"]
    assert len(items(redis)) == 4


def test_feeds_add_on_a_newsroom_page_without_a_feed_writes_a_working_entry(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    serve_newsroom(site)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\nfetch:\n  allow_networks: [127.0.0.0/8]\n  total_timeout: 5s\n")
    result = CliRunner().invoke(main, ["feeds", "add", site.url("uni/news/"), "--feeds", str(feeds)])
    assert result.exit_code == 0, result.output
    assert "type: page" in result.output and "4 article links now" in result.output
    assert "Lion Rock University and Pearl Delta Photonics" in result.output  # a sample title
    (source,) = load_settings(feeds).feeds
    assert source.type == "page" and source.url == site.url("uni/news/")

    env = environment(tmp_path, redis_url)
    result = pressroom("run", "--once", "--feeds", str(feeds), "--workers", "1", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert {e["url"] for e in items(redis)} == {site.url(p) for p in UNI}

    check = CliRunner().invoke(main, ["feeds", "check", "--feeds", str(feeds)])
    assert check.exit_code == 0, check.output
    assert " page " in check.output and "4 article links" in check.output


def test_feeds_add_prefers_the_sitemap_scoped_to_the_listing_and_type_forces(
    tmp_path: Path, site: Site
) -> None:
    serve_newsroom(site)
    # the site's robots.txt names its sitemap; the listing's links share /articles/
    site.add(
        "/robots.txt",
        f"User-agent: *\nAllow: /\nSitemap: {site.url('sitemap_index.xml')}\n",
        content_type="text/plain",
    )
    listing = "".join(
        f'<li><span class="date">2025-06-0{i + 1}</span> <a href="/articles/sciencepark/{p.rsplit("/", 1)[1]}">'
        f"Harbour Innovation Park release number {i + 1} for the press</a></li>"
        for i, p in enumerate(PARK)
    )
    site.add(
        "/press/",
        f"<html><body><nav><a href='/'>Home</a></nav><main><h1>Press</h1><ul>{listing}</ul></main></body></html>",
    )
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\nfetch:\n  allow_networks: [127.0.0.0/8]\n  total_timeout: 5s\n")
    result = CliRunner().invoke(main, ["feeds", "add", site.url("press/"), "--feeds", str(feeds)])
    assert result.exit_code == 0, result.output
    assert "type: sitemap" in result.output, result.output
    (source,) = load_settings(feeds).feeds
    assert source.type == "sitemap" and source.url == site.url("sitemap_index.xml")
    assert source.include == "/articles/"

    forced = CliRunner().invoke(
        main,
        ["feeds", "add", site.url("press/"), "--type", "page", "--name", "press-page", "--feeds", str(feeds)],
    )
    assert forced.exit_code == 0, forced.output
    assert load_settings(feeds).feeds[1].type == "page"


def test_hostile_sources_get_clear_errors_and_the_rest_flows(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    newsroom = serve_newsroom(site)
    now = time.time()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 3600))
    old = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 900 * 86400))
    # a listing page of 100,000 links (2.6 MB: under the page size cap)
    links = "".join(f"<a href=/f/{i}>Story {i}</a>" for i in range(100_000))
    site.add("/flood/news/", f"<html><body><main><ul>{links}</ul></main></body></html>")
    # a listing whose every article link points off-site or at private addresses
    offsite = "".join(
        f'<li><a href="{href}">A release that lives somewhere else entirely {i}</a></li>'
        for i, href in enumerate(
            [
                "http://10.0.0.1/news/a.html",
                "http://169.254.169.254/latest/meta-data/",
                "https://other.example.org/news/b.html",
            ]
        )
    )
    site.add("/offsite/news/", f"<html><body><main><h1>News</h1><ul>{offsite}</ul></main></body></html>")

    # a sitemap index that points at itself, and one nested three deep
    def index(*children: str) -> str:
        rows = "".join(
            f"<sitemap><loc>{site.url(c)}</loc><lastmod>{stamp}</lastmod></sitemap>" for c in children
        )
        return f'<?xml version="1.0"?><sitemapindex xmlns="{NS}">{rows}</sitemapindex>'

    site.add("/loop/sitemap.xml", index("loop/sitemap.xml"), content_type="application/xml")
    site.add("/deep/1.xml", index("deep/2.xml"), content_type="application/xml")
    site.add("/deep/2.xml", index("deep/3.xml"), content_type="application/xml")
    site.add(
        "/deep/3.xml",
        f'<?xml version="1.0"?><urlset xmlns="{NS}"><url><loc>{site.url("uni/news/2025/lru-global-index-ranking.html")}</loc></url></urlset>',
        content_type="application/xml",
    )
    # 50,000 URLs, all but three of them old: a first poll takes the three
    rows = [
        f"<url><loc>{site.url(f'big/articles/old-{i}.html')}</loc><lastmod>{old}</lastmod></url>"
        for i in range(49_997)
    ]
    fresh = [site.url(f"big/articles/fresh-{i}.html") for i in range(3)]
    rows += [f"<url><loc>{u}</loc><lastmod>{stamp}</lastmod></url>" for u in fresh]
    site.add(
        "/big/sitemap.xml",
        f'<?xml version="1.0"?><urlset xmlns="{NS}">{"".join(rows)}</urlset>',
        content_type="application/xml",
    )
    for i, url in enumerate(fresh):
        site.add(url.split(site.base, 1)[1], (SITE_ROOT / PARK[i]).read_bytes())
    # a gzip bomb served as a sitemap, and an entity attack
    site.add("/bomb/sitemap.xml.gz", gzip.compress(b"\0" * (64 << 20)), content_type="application/gzip")
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        f'<urlset xmlns="{NS}"><url><loc>{site.url("x")}&lol2;</loc></url></urlset>'
    )
    site.add("/laughs/sitemap.xml", laughs, content_type="application/xml")

    sources = [
        newsroom_sources(site)[0],
        {"name": "flood", "url": site.url("flood/news/"), "type": "page"},
        {"name": "offsite", "url": site.url("offsite/news/"), "type": "page"},
        {"name": "loop", "url": site.url("loop/sitemap.xml"), "type": "sitemap"},
        {"name": "deep", "url": site.url("deep/1.xml"), "type": "sitemap"},
        {"name": "big", "url": site.url("big/sitemap.xml"), "type": "sitemap", "include": "/articles/"},
        {"name": "bomb", "url": site.url("bomb/sitemap.xml.gz"), "type": "sitemap"},
        {"name": "laughs", "url": site.url("laughs/sitemap.xml"), "type": "sitemap"},
    ]
    env = environment(tmp_path, redis_url)
    feeds = sources_file(tmp_path, site, sources)
    result = pressroom("run", "--once", "--feeds", str(feeds), "--workers", "2", env=env, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    delivered = Counter(e["url"] for e in items(redis))
    assert all(n == 1 for n in delivered.values())
    assert set(delivered) == {site.url(p) for p in UNI} | set(fresh)
    assert not any("/big/articles/old-" in u for u in site.requests)
    status = {
        f["name"]: f
        for f in json.loads(pressroom("status", "--json", "--feeds", str(feeds), env=env).stdout)["feeds"]
    }
    expected_errors = {
        "flood": "the page has 100000 links, more than a newsroom listing holds",
        "offsite": "shows no article links",
        "loop": "points back at itself",
        "deep": "nested deeper than 2 levels",
        "bomb": "inflates past the 50000000-byte cap",
        "laughs": "entit",
    }
    for name, message in expected_errors.items():
        assert status[name]["errors"] == 1, (name, status[name])
        assert message in status[name]["last_error"], (name, status[name]["last_error"])
    assert status["offsite"]["last_error"]
    assert status["uni-news"]["errors"] == 0 and status["big"]["errors"] == 0
    assert status["big"]["links"] == 50_000
    assert newsroom.releases  # the good listing's releases were the ones delivered above


def test_a_source_that_costs_more_than_the_budget_is_stopped_and_the_rest_flows(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    """A feed, listing or sitemap is parsed in a sandbox child under worker.page_cpu_budget:
    a 4 MB feed of 60,000 entries costs feedparser about 5 s of CPU, five times the budget."""
    serve_newsroom(site)
    entries = "".join(
        f"<item><title>t{i}</title><link>{{{{BASE}}}}/x{i}</link></item>" for i in range(60_000)
    )
    site.add(
        "/costly/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>c</title>{entries}</channel></rss>',
    )
    sources = [newsroom_sources(site)[0], {"name": "costly", "url": site.url("costly/feed.xml")}]
    feeds = sources_file(tmp_path, site, sources)
    feeds.write_text(feeds.read_text().replace("worker:\n", "worker:\n  page_cpu_budget: 1s\n"))
    assert load_settings(feeds).page_cpu_budget == 1.0
    env = environment(tmp_path, redis_url)
    result = pressroom("run", "--once", "--feeds", str(feeds), "--workers", "2", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert {e["url"] for e in items(redis)} == {site.url(p) for p in UNI}
    status = {
        f["name"]: f
        for f in json.loads(pressroom("status", "--json", "--feeds", str(feeds), env=env).stdout)["feeds"]
    }
    assert status["costly"]["errors"] == 1
    assert "used up its CPU budget of 1 s (worker.page_cpu_budget)" in status["costly"]["last_error"]


def test_pdf_releases_are_read_from_any_source_and_bad_ones_dead_lettered(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    from tests.test_pdf import bomb_pdf, release_paragraphs, release_pdf, repeated_page_pdf, sentences

    paragraphs = release_paragraphs(3, seed=11)
    pdfs = {
        "release.pdf": release_pdf(
            paragraphs, title="Lion Rock University signs a memorandum with a port authority"
        ),
        "untyped.pdf": release_pdf(
            release_paragraphs(2, seed=12), title="A second release, served without its type"
        ),
        "locked.pdf": release_pdf(paragraphs, owner_password="owner", user_password="reader"),
        "bomb.pdf": bomb_pdf(64 << 20),
        "huge.pdf": repeated_page_pdf(10_000, sentences(12, 3)),
    }
    for name, data in pdfs.items():
        kind = "application/octet-stream" if name == "untyped.pdf" else "application/pdf"
        site.add(f"/pdf/{name}", data, content_type=kind)
    items_xml = "".join(f"<item><title>{n}</title><link>{{{{BASE}}}}/pdf/{n}</link></item>" for n in pdfs)
    site.add(
        "/pdf/feed.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>p</title>{items_xml}</channel></rss>',
    )
    # and a listing page whose releases are PDFs
    site.add(
        "/pdf/releases/",
        "<html><body><nav><a href='/'>Home</a></nav><main><h1>Press releases</h1><ul>"
        "<li><span>2025-11-03</span> <a href='/pdf/listed-1.pdf'>University opens a joint laboratory for materials</a></li>"
        "<li><span>2025-10-21</span> <a href='/pdf/listed-2.pdf'>Science park launches a fund for young companies</a></li>"
        "</ul></main></body></html>",
    )
    for n in (1, 2):
        site.add(
            f"/pdf/listed-{n}.pdf",
            release_pdf(release_paragraphs(2, seed=20 + n)),
            content_type="application/pdf",
        )
    sources = [
        {"name": "pdf-feed", "url": site.url("pdf/feed.xml")},
        {"name": "pdf-listing", "url": site.url("pdf/releases/"), "type": "page"},
    ]
    env = environment(tmp_path, redis_url)
    feeds = sources_file(tmp_path, site, sources)
    result = pressroom("run", "--once", "--feeds", str(feeds), "--workers", "2", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    by_url = {e["url"]: e for e in items(redis)}
    expected = {
        site.url(f"pdf/{n}")
        for n in ("release.pdf", "untyped.pdf", "huge.pdf", "listed-1.pdf", "listed-2.pdf")
    }
    assert set(by_url) == expected
    release = by_url[site.url("pdf/release.pdf")]
    assert release["title"] == "Lion Rock University signs a memorandum with a port authority"
    assert paragraphs[1][0][:60] in release["text"].replace("\n", " ")
    assert by_url[site.url("pdf/listed-2.pdf")]["published"] == "2025-10-21"  # the date on the listing
    dead = {e.fields["url"].rsplit("/", 1)[1]: e.fields for e in streams.iterate(redis, names.DEAD_STREAM)}
    assert set(dead) == {"locked.pdf", "bomb.pdf"}
    assert "password" in dead["locked.pdf"]["error"]
    assert (
        "no extractable text" in dead["bomb.pdf"]["error"]
        and "Limit reached while decompressing" in dead["bomb.pdf"]["error"]
    )
    assert all(d["attempts"] == "1" for d in dead.values())  # final: never retried


def test_a_sitemap_that_restamps_every_lastmod_yields_only_new_urls_after_the_first_poll(
    tmp_path: Path, site: Site, redis_url: str, redis: Redis
) -> None:
    """Many generators stamp every <lastmod> with the time they ran: the first poll takes at
    most 100 of those "recent" URLs, and later polls must not take the rest as new."""

    def stamped(count: int, when: float, extra: tuple[str, ...] = ()) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
        locs = [site.url(f"press/articles/r{i}.html") for i in range(count)] + list(extra)
        locs.append("https://another-site.example/press/articles/planted.html")  # not this site's
        rows = "".join(f"<url><loc>{loc}</loc><lastmod>{stamp}</lastmod></url>" for loc in locs)
        return f'<?xml version="1.0"?><urlset xmlns="{NS}">{rows}</urlset>'

    site.add("/press/sitemap.xml", stamped(150, time.time() - 60), content_type="application/xml")
    feeds = sources_file(
        tmp_path, site, [{"name": "stamped", "url": site.url("press/sitemap.xml"), "type": "sitemap"}]
    )
    env = environment(tmp_path, redis_url)
    assert pressroom("run", "--once", "--feeds", str(feeds), "--workers", "1", env=env).returncode == 0

    def status() -> dict[str, object]:
        report = json.loads(pressroom("status", "--json", "--feeds", str(feeds), env=env).stdout)
        return report["feeds"][0]

    first = status()
    assert first["items_seen"] == 100 and first["links"] == 150
    assert "another site's URL" in str(first["skipped"])
    # regenerated: every lastmod is "now" again, and one release is new
    site.add(
        "/press/sitemap.xml",
        stamped(150, time.time(), extra=(site.url("press/articles/brand-new.html"),)),
        content_type="application/xml",
    )
    redis.zadd(names.SCHEDULE_KEY, {"stamped": 0})
    assert pressroom("run", "--once", "--feeds", str(feeds), "--workers", "1", env=env).returncode == 0
    assert status()["items_seen"] == 101  # the new one only
    assert site.requests["/press/articles/brand-new.html"] == 1
    # the first poll took the first 100 (all equally recent), and no poll took the other 50
    assert site.requests["/press/articles/r0.html"] == 1 and site.requests["/press/articles/r149.html"] == 0
