"""Publishers without feeds, on the test site: newsroom listing pages and sitemaps.

The releases are the test site's own pages (tests/resources/site), served where such
publishers put them, next to pages that look like articles but are not releases (an
event in a sidebar, an "about" page in the sitemap, releases too old for a first poll),
so a test can tell "every release once" from "everything the site links to".

    /uni/news/                a card grid (images, dates), nav, category chips, an events
                              sidebar, a pager and a footer               -> 4 uni releases
    /corp/newsroom/           a table of dates and titles, each with a "Read more" link
                                                                          -> 3 corp releases
    /sitemap_index.xml        an index of a pages sitemap and a Google News sitemap
                                                                          -> 3 newswire + 4 science-park
                                                                             releases under /articles/
                              (and the section pages /articles/ and /articles/newswire/,
                              recently modified, which are listings, not releases)
    /wire/sitemap.xml.gz      a gzip sitemap repeating two of those releases (cross-source dedup)
"""

from __future__ import annotations

import gzip
import time
from dataclasses import dataclass

from tests.daemons import EXPECTED
from tests.sites import SITE_ROOT, Site

DAY = 86400.0


UNI = [p for p in EXPECTED if p.startswith("uni/")]
CORP = [p for p in EXPECTED if p.startswith("corp/")]
WIRE = [p for p in EXPECTED if p.startswith("newswire/")]
PARK = [p for p in EXPECTED if p.startswith("sciencepark/")]


def _alias(path: str) -> str:
    """Where the sitemap publisher serves a release: /articles/<site>/<file>."""
    site, _, rest = path.partition("/")
    return f"articles/{site}/{rest.rsplit('/', 1)[-1]}"


def _w3c(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))


@dataclass
class Newsroom:
    site: Site
    now: float

    @property
    def releases(self) -> dict[str, str]:
        """URL -> the test site page it serves, for every release a poll should deliver."""
        found = {self.site.url(p): p for p in UNI + CORP}
        found |= {self.site.url(_alias(p)): p for p in WIRE + PARK}
        return found

    @property
    def decoys(self) -> list[str]:
        """Pages that exist and read like articles but must never be delivered."""
        return [
            self.site.url("uni/events/2025/alumni-homecoming-gala.html"),
            self.site.url("articles/archive/old-release-1.html"),
            self.site.url("articles/archive/old-release-2.html"),
            self.site.url("about/our-story.html"),
            self.site.url("articles/"),  # section pages the sitemap lists beside their articles
            self.site.url("articles/newswire/"),
        ]


def serve_newsroom(site: Site, now: float | None = None) -> Newsroom:
    """Add the listing pages, sitemaps and aliases to ``site`` (dates relative to ``now``)."""
    now = time.time() if now is None else now
    for path in WIRE + PARK:
        site.add("/" + _alias(path), (SITE_ROOT / path).read_bytes())
    decoy_body = (SITE_ROOT / UNI[0]).read_bytes()  # a whole article page: leaks would be delivered
    for decoy in (
        "uni/events/2025/alumni-homecoming-gala.html",
        "about/our-story.html",
        "articles/",
        "articles/newswire/",
    ):
        site.add("/" + decoy, decoy_body)
    for n in (1, 2):
        site.add(f"/articles/archive/old-release-{n}.html", (SITE_ROOT / CORP[n]).read_bytes())
    site.add("/uni/news/", uni_listing(site))
    site.add("/corp/newsroom/", corp_listing(site))
    site.add("/sitemap_index.xml", sitemap_index(site, now), content_type="application/xml")
    site.add("/sitemaps/pages.xml", pages_sitemap(site, now), content_type="application/xml")
    site.add("/sitemaps/news.xml", news_sitemap(site, now), content_type="application/xml")
    wire = "".join(
        f"<url><loc>{site.url(_alias(p))}</loc><lastmod>{_w3c(now - DAY)}</lastmod></url>" for p in WIRE[:2]
    )
    site.add(
        "/wire/sitemap.xml.gz",
        gzip.compress(f'<?xml version="1.0"?><urlset xmlns="{NS}">{wire}</urlset>'.encode()),
        content_type="application/gzip",
    )
    return Newsroom(site, now)


NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def sitemap_index(site: Site, now: float) -> str:
    children = "".join(
        f"<sitemap><loc>{site.url(path)}</loc><lastmod>{_w3c(now - 3600)}</lastmod></sitemap>"
        for path in ("sitemaps/pages.xml", "sitemaps/news.xml")
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NS}">{children}</sitemapindex>'


def pages_sitemap(site: Site, now: float) -> str:
    rows = [(site.url(_alias(p)), now - (i + 1) * DAY) for i, p in enumerate(WIRE)]
    rows += [(site.url(f"articles/archive/old-release-{n}.html"), now - 400 * DAY) for n in (1, 2)]
    rows += [(site.url("about/our-story.html"), now - 2 * DAY), (site.url(""), now - DAY)]
    rows += [(site.url("articles/"), now - 3600), (site.url("articles/newswire/"), now - 3600)]
    urls = "".join(f"<url><loc>{loc}</loc><lastmod>{_w3c(when)}</lastmod></url>" for loc, when in rows)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">{urls}</urlset>'


def news_sitemap(site: Site, now: float, extra: tuple[str, ...] = ()) -> str:
    urls = "".join(
        f"<url><loc>{site.url(_alias(p))}</loc><news:news><news:publication>"
        f"<news:name>Harbour Innovation Park</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{_w3c(now - (i + 1) * 7200)}</news:publication_date>"
        f"<news:title>Release {i}</news:title></news:news></url>"
        for i, p in enumerate(PARK + list(extra))
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}" xmlns:news="{NEWS_NS}">{urls}</urlset>'
    )


_NAV = """<header class="site-header"><a class="logo" href="/uni/">Lion Rock University</a>
<nav class="main-nav" aria-label="Main"><ul>
<li><a href="/uni/about/">About LRU</a></li><li><a href="/uni/admissions/">Admissions</a></li>
<li><a href="/uni/research/">Research and Innovation</a></li><li><a href="/uni/news/">News and Media</a></li>
<li><a href="/uni/contact/">Contact us</a></li></ul></nav></header>"""

_FOOTER = """<footer class="site-footer"><div class="footer-links">
<a href="/uni/privacy-policy/">Privacy policy</a> <a href="/uni/copyright-notice/">Copyright notice</a>
<a href="/uni/sitemap/">Sitemap</a> <a href="https://social.example.com/lionrockuniversity">Follow us on social media</a>
</div><p>© 2025 Lion Rock University</p></footer>"""


def uni_listing(site: Site) -> str:
    titles = [EXPECTED[p]["title"] for p in UNI]
    dates = [EXPECTED[p]["date"] for p in UNI]
    cards = "".join(
        f"""<div class="col-md-4"><div class="card news-card">
  <a href="/{p}" class="card-img"><img src="/uni/img/{i}.jpg" alt=""></a>
  <div class="card-body"><span class="card-date">{_long_date(d)}</span>
  <h3 class="card-title"><a href="/{p}">{t}</a></h3>
  <p class="card-text">{EXPECTED[p]["body"][:140]}...</p></div></div></div>"""
        for i, (p, t, d) in enumerate(zip(UNI, titles, dates, strict=True))
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>News | Lion Rock University</title>
<link rel="stylesheet" href="/uni/css/site.css"></head><body>
<div class="cookie-banner">We use cookies. <a href="/uni/cookies/">Find out more about cookies</a></div>
{_NAV}
<div class="container"><div class="row">
<main class="col-md-9" id="main-content"><nav class="breadcrumb"><a href="/uni/">Home</a> / <span>News</span></nav>
<h1>News</h1>
<ul class="category-filter">
<li><a class="chip" href="/uni/news/category/research/">Research</a></li>
<li><a class="chip" href="/uni/news/category/awards-and-achievements/">Awards and achievements</a></li>
<li><a class="chip" href="/uni/news/category/partnerships/">Partnerships</a></li></ul>
<div class="row news-grid">{cards}</div>
<nav class="pagination"><a href="/uni/news/?page=2">Next page</a> <a href="/uni/news/?page=9">Last</a></nav>
</main>
<aside class="col-md-3 sidebar"><h2>Upcoming events</h2><ul class="event-list">
<li><a href="/uni/events/2025/alumni-homecoming-gala.html">Alumni Homecoming Gala at the Lion Rock campus</a>
<span class="event-date">28 November 2025</span></li>
<li><a href="/uni/events/2025/public-lecture-on-quantum-sensing.html">Public lecture on quantum sensing for cities</a>
<span class="event-date">3 December 2025</span></li></ul></aside>
</div></div>
{_FOOTER}</body></html>"""


def corp_listing(site: Site) -> str:
    rows = "".join(
        f"""<tr><td class="date">{EXPECTED[p]["date"]}</td>
<td class="title"><a href="/{p}">{EXPECTED[p]["title"]}</a></td>
<td><a class="more" href="/{p}">Read more</a></td></tr>"""
        for p in CORP
    )
    return f"""<!DOCTYPE html><html lang="en-HK"><head><meta charset="utf-8"><title>Newsroom - Kowloon Digital Systems</title></head>
<body><div id="top-bar"><a href="/corp/">Kowloon Digital Systems</a> | <a href="/corp/solutions/">Solutions</a> |
<a href="/corp/careers/">Careers</a> | <a href="/corp/investors/">Investor relations</a></div>
<div id="content"><h1>Press releases</h1>
<form class="filter"><select name="year"><option>2025</option></select></form>
<table class="press-table"><thead><tr><th>Date</th><th>Title</th><th></th></tr></thead><tbody>{rows}</tbody></table>
<p class="archive"><a href="/corp/newsroom/archive/">Press release archive</a></p></div>
<div id="footer"><a href="/corp/legal/">Legal notices</a> <a href="/corp/contact/">Contact</a></div></body></html>"""


def _long_date(iso: str) -> str:
    return time.strftime("%d %B %Y", time.strptime(iso, "%Y-%m-%d")).lstrip("0")


def url_of_release(site: Site, path: str) -> str:
    """The URL a poll should find for a test site release."""
    if path in WIRE + PARK:
        return site.url(_alias(path))
    return site.url(path)
