"""Render the static test site (four publishers, their feeds and expected.json).

The HTML files are committed; this script only exists so the markup and expected.json
stay in step when an article or template changes. Run from the repo root:

    /tmp/venv/bin/python tests/resources/site/build_site.py

Organisations and people are fictional. ``{{BASE}}`` is left literally in every file; the
test server substitutes ``http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from html import escape
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep the committed site directory free of __pycache__
sys.path.insert(0, str(ROOT))
from articles import ARTICLES  # noqa: E402

BASE = "{{BASE}}"


def e(text: str) -> str:
    return escape(text, quote=True)


def long_date(d: str) -> str:
    return datetime.strptime(d, "%Y-%m-%d").strftime("%-d %B %Y")


def paragraphs_html(paras: list[str], *, h: str = "h2", table: list[list[str]] | None = None) -> str:
    out = []
    for p in paras:
        if p.startswith("## "):
            out.append(f"<{h}>{e(p[3:])}</{h}>")
        else:
            out.append(f"<p>{e(p)}</p>")
        if table and p.endswith("selected indicators:"):
            out.append(table_html(table))
    return "\n".join(out)


def table_html(rows: list[list[str]]) -> str:
    head = "".join(f'<th scope="col">{e(c)}</th>' for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>\n" for r in rows[1:])
    return (
        f'<div class="table-responsive"><table class="table table-striped">\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}</tbody></table></div>"
    )


def expected_body(a: dict) -> str:
    """The body as a reader sees it: paragraphs and subheadings, table rows as lines."""
    out = []
    for p in a["body"]:
        out.append(p[3:] if p.startswith("## ") else p)
        if a.get("table") and p.endswith("selected indicators:"):
            out.append("\n".join("\t".join(r) for r in a["table"]))
    return "\n\n".join(out)


ICON_PATHS = {
    "facebook": "M22 12a10 10 0 1 0-11.6 9.9v-7H7.9V12h2.5V9.8c0-2.5 1.5-3.9 3.8-3.9 1.1 0 2.2.2 2.2.2v2.5h-1.3"
    "c-1.2 0-1.6.8-1.6 1.6V12h2.8l-.4 2.9h-2.3v7A10 10 0 0 0 22 12z",
    "x": "M18.2 2.3h3.4l-7.4 8.4 8.7 11.5h-6.8l-5.3-7-6.1 7H1.3l7.9-9L.9 2.3h7l4.8 6.3 5.5-6.3zm-1.2 17.9h1.9"
    "L7.1 4.2H5.1l11.9 16z",
    "linkedin": "M20.4 20.5h-3.6v-5.6c0-1.3 0-3-1.8-3s-2.1 1.4-2.1 2.9v5.7H9.3V9h3.4v1.6h.1c.5-.9 1.6-1.8 3.4-1.8"
    " 3.6 0 4.3 2.4 4.3 5.5v6.2zM5.3 7.4a2.1 2.1 0 1 1 0-4.2 2.1 2.1 0 0 1 0 4.2zM7.1 20.5H3.6V9h3.5v11.5z",
    "whatsapp": "M17.5 14.4c-.3-.1-1.8-.9-2-1s-.5-.1-.7.1-.8 1-.9 1.2-.3.2-.6.1a8.2 8.2 0 0 1-4-3.5c-.3-.5.3-.5.9-1.6"
    ".1-.2 0-.4 0-.5l-.9-2.2c-.2-.6-.5-.5-.7-.5h-.6a1.1 1.1 0 0 0-.8.4 3.4 3.4 0 0 0-1 2.5 5.9 5.9 0 0 0 1.2 3.1"
    " 13.5 13.5 0 0 0 5.2 4.6c1.9.8 2.7.9 3.6.7a3.1 3.1 0 0 0 2-1.4 2.5 2.5 0 0 0 .2-1.4c-.1-.1-.3-.2-.6-.3z",
    "email": "M2 4h20v16H2V4zm10 7.2L3.6 6h16.8L12 11.2zM4 18h16V8l-8 5-8-5v10z",
    "weibo": "M10.1 17.9c-3.3.3-6.2-1.2-6.4-3.4-.2-2.2 2.3-4.3 5.6-4.6 3.3-.3 6.2 1.2 6.4 3.4.2 2.2-2.3 4.3-5.6 4.6z"
    "m6.7-7.3c-.3-.1-.5-.2-.3-.6.4-1 .5-1.9 0-2.5-.9-1.2-3.4-1.1-6.3.1 0 0-.9.4-.7-.3.4-1.4.4-2.6-.3-3.3"
    "-1.6-1.6-5.8.1-9.4 3.6C-2.2 10.3-3 12.8-3 14.9c0 4.1 5.2 6.6 10.4 6.6 6.8 0 11.3-4 11.3-7.1 0-1.9-1.6-2.9-3-3.3z",
    "print": "M6 9V2h12v7M6 18H4a2 2 0 0 1-2-2v-5a2 2 0 0 1 2-2h16a2 2 0 0 1 2 2v5a2 2 0 0 1-2 2h-2M6 14h12v8H6z",
}


def icon(name: str) -> str:
    return (
        f'<svg class="icon icon-{name}" width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" '
        f'focusable="false"><path fill="currentColor" d="{ICON_PATHS[name]}"/></svg>'
    )


def share_links(url: str, title: str, names: list[str], cls: str) -> str:
    items = []
    for n in names:
        href = {
            "facebook": f"https://www.facebook.com/sharer/sharer.php?u={url}",
            "x": f"https://x.com/intent/post?url={url}&amp;text={e(title)}",
            "linkedin": f"https://www.linkedin.com/sharing/share-offsite/?url={url}",
            "whatsapp": f"https://api.whatsapp.com/send?text={e(title)}%20{url}",
            "email": f"mailto:?subject={e(title)}&amp;body={url}",
            "weibo": f"https://service.weibo.com/share/share.php?url={url}",
            "print": "javascript:window.print()",
        }[n]
        items.append(
            f'<li class="{cls}__item {cls}__item--{n}"><a href="{href}" rel="noopener" target="_blank" '
            f'title="Share on {n.title()}">{icon(n)}<span class="visually-hidden">{n.title()}</span></a></li>'
        )
    return "\n".join(items)


def menu(sections: dict[str, list[str]], prefix: str, *, cls: str = "menu") -> str:
    out = [f'<ul class="{cls}">']
    for i, (head, links) in enumerate(sections.items()):
        slug = re.sub(r"[^a-z0-9]+", "-", head.lower()).strip("-")
        out.append(
            f'<li class="{cls}__item has-children" id="{cls}-item-{i}"><a href="{prefix}/{slug}/" '
            f'aria-haspopup="true">{e(head)}</a>'
        )
        out.append(f'<ul class="{cls}__sub">')
        for link in links:
            lslug = re.sub(r"[^a-z0-9]+", "-", link.lower()).strip("-")
            out.append(f'<li><a href="{prefix}/{slug}/{lslug}/">{e(link)}</a></li>')
        out.append("</ul></li>")
    out.append("</ul>")
    return "\n".join(out)


def others(a: dict, n: int = 4) -> list[dict]:
    same = [o for o in ARTICLES if o["site"] == a["site"] and o["path"] != a["path"]]
    return same[:n]


def href(a: dict) -> str:
    return f"{BASE}/{a['path']}"


# ====================================================================== uni: Lion Rock University
UNI_MENU = {
    "About LRU": [
        "President's Welcome",
        "Vision and Mission",
        "University Council",
        "Senior Management",
        "Facts and Figures",
        "Strategic Plan 2030",
        "History",
        "Campus Map",
        "Sustainability",
    ],
    "Academics": [
        "School of Engineering",
        "School of Science",
        "School of Business and Management",
        "School of Humanities and Social Science",
        "School of Medicine",
        "Academy of Interdisciplinary Studies",
        "Academic Calendar",
        "Centre for Education Innovation",
    ],
    "Research": [
        "Research Clusters",
        "Research Institutes and Centres",
        "Knowledge Transfer",
        "Research Office",
        "Patents and Licensing",
        "Research Data Repository",
        "Ethics and Integrity",
    ],
    "Admissions": [
        "Undergraduate",
        "Taught Postgraduate",
        "Research Postgraduate",
        "Exchange and Visiting Students",
        "Scholarships and Financial Aid",
        "Information Days",
        "Non-local Applicants",
    ],
    "Campus Life": [
        "Student Housing",
        "Sports Facilities",
        "Student Societies",
        "Health Services",
        "Counselling",
        "Dining on Campus",
        "Arts and Culture",
    ],
    "News and Events": [
        "Press Releases",
        "Research Highlights",
        "Campus Stories",
        "Events Calendar",
        "Media Contacts",
        "Publications",
        "Photo Gallery",
        "Video Channel",
    ],
    "Alumni and Giving": [
        "Alumni Association",
        "Reunions",
        "Alumni Benefits",
        "Make a Gift",
        "Endowed Professorships",
        "Annual Report on Giving",
    ],
}

UNI_BP = {
    "cookie": "This website uses cookies to give you the best possible experience and to analyse traffic",
    "cookie2": "You can change your cookie settings at any time on our privacy page",
    "megafeature": "Discover how our researchers are building a greener, healthier Hong Kong",
    "mostread": "Most Read This Month",
    "mostread1": "Students Build Solar Boat for International Regatta",
    "mostread2": "Alumni Homecoming Weekend Welcomes 3,000 Graduates Back to Campus",
    "events1": "Public Lecture: Rethinking Coastal Cities in a Warming World",
    "newsletter": "Get the latest stories from Lion Rock University delivered to your inbox",
    "footer_addr": "Lion Rock University, 1 Hill Crest Road, Kowloon Tong, Hong Kong",
    "copyright": "Copyright © 2025 Lion Rock University. All rights reserved.",
    "footer_links": "Privacy Policy Statement",
    "skip": "Skip to main content",
}

UNI_CSS = """
:root{--lru-red:#a6192e;--lru-ink:#1d1d1f;--lru-grey:#f4f4f6;--gap:1.25rem}
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font-family:"Source Sans 3",Arial,sans-serif;color:var(--lru-ink);line-height:1.6}
.skip-link{position:absolute;left:-9999px}.skip-link:focus{left:1rem;top:1rem;z-index:1000}
.utility-bar{background:#222;color:#fff;font-size:.8125rem}.utility-bar a{color:#fff;text-decoration:none}
.site-header{display:flex;align-items:center;justify-content:space-between;padding:1rem 2rem;border-bottom:4px solid var(--lru-red)}
.megamenu{display:flex;list-style:none;margin:0;padding:0}.megamenu__item{position:relative}
.megamenu__sub{display:none;position:absolute;top:100%;left:0;min-width:18rem;background:#fff;box-shadow:0 8px 24px rgba(0,0,0,.12)}
.megamenu__item:hover>.megamenu__sub,.megamenu__item:focus-within>.megamenu__sub{display:block}
.breadcrumb{font-size:.875rem;padding:.75rem 2rem;background:var(--lru-grey)}
.breadcrumb ol{list-style:none;display:flex;gap:.5rem;margin:0;padding:0}
.container{max-width:1200px;margin:0 auto;padding:0 var(--gap)}.row{display:flex;gap:2rem}
.col-8{flex:0 0 66%}.col-4{flex:0 0 30%}
.news-detail h1{font-size:2.25rem;line-height:1.2;margin:.5rem 0 1rem}
.news-meta{color:#666;font-size:.9375rem}.news-body p{margin:0 0 1.1rem}
.share-bar ul{display:flex;gap:.5rem;list-style:none;padding:0}
.sidebar .widget{background:var(--lru-grey);padding:1rem;margin-bottom:1.5rem}
.tag-cloud a{display:inline-block;margin:.2rem;padding:.15rem .6rem;border-radius:1rem;background:#fff}
.newsletter-signup{background:var(--lru-red);color:#fff;padding:2rem}
.site-footer{background:#111;color:#ccc;padding:2rem}.site-footer a{color:#eee}
.cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#fff;box-shadow:0 -4px 16px rgba(0,0,0,.15);padding:1rem 2rem;z-index:2000}
.visually-hidden{position:absolute!important;clip:rect(1px,1px,1px,1px);overflow:hidden;height:1px;width:1px}
@media (max-width:900px){.row{flex-direction:column}.col-8,.col-4{flex:1 1 auto}.megamenu{display:none}}
"""


def uni_page(a: dict) -> tuple[str, list[str]]:
    url = href(a)
    iso = f"{a['date']}T{a['time']}"
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a["title"],
        "datePublished": iso,
        "dateModified": iso,
        "inLanguage": "en",
        "author": {"@type": "Organization" if "Office" in a["author"] else "Person", "name": a["author"]},
        "publisher": {
            "@type": "CollegeOrUniversity",
            "name": "Lion Rock University",
            "logo": {"@type": "ImageObject", "url": f"{BASE}/uni/assets/img/lru-logo.png"},
        },
        "mainEntityOfPage": url,
        "description": a["description"],
        "image": [f"{BASE}/uni/assets/img/news/{Path(a['path']).stem}-hero.jpg"],
    }
    latest = "\n".join(
        f'<li class="news-list__item"><a href="{href(o)}">{e(o["title"])}</a>'
        f'<time datetime="{o["date"]}">{long_date(o["date"])}</time></li>'
        for o in others(a)
    )
    tags = [
        "Research",
        "Engineering",
        "Partnerships",
        "Rankings",
        "Medicine",
        "Energy",
        "Innovation",
        "Greater Bay Area",
        "Students",
        "Alumni",
        "Sustainability",
        "Data Science",
        "Awards",
        "Community",
    ]
    tag_html = "\n".join(
        f'<a href="{BASE}/uni/news/tag/{t.lower().replace(" ", "-")}/" class="tag tag--{i % 4}">{e(t)}</a>'
        for i, t in enumerate(tags)
    )
    prev_next = others(a, 2)
    html = f"""<!DOCTYPE html>
<html lang="en" class="no-js" dir="ltr">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(a["title"])} | LRU Newsroom</title>
<meta name="description" content="{e(a["description"])}">
<meta name="author" content="{e(a["author"])}">
<meta property="og:site_name" content="Lion Rock University">
<meta property="og:type" content="article">
<meta property="og:title" content="{e(a["title"])}">
<meta property="og:description" content="{e(a["description"])}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{BASE}/uni/assets/img/news/{Path(a["path"]).stem}-hero.jpg">
<meta property="og:locale" content="en_HK">
<meta property="article:published_time" content="{iso}">
<meta property="article:section" content="Press Releases">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:site" content="@LionRockUni">
<link rel="canonical" href="{url}">
<link rel="alternate" hreflang="zh-HK" href="{BASE}/uni/tc/news/2025/{Path(a["path"]).name}">
<link rel="alternate" type="application/rss+xml" title="LRU Press Releases" href="{BASE}/uni/feed.xml">
<link rel="icon" href="/uni/assets/img/favicon.ico">
<link rel="preload" href="/uni/assets/fonts/source-sans-3.woff2" as="font" type="font/woff2" crossorigin>
<link rel="stylesheet" href="/uni/assets/css/main.4f2a9c.css">
<style>{UNI_CSS}</style>
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False, indent=1)}</script>
<script>
  document.documentElement.className = document.documentElement.className.replace('no-js', 'js');
  window.dataLayer = window.dataLayer || [];
  function gtag(){{dataLayer.push(arguments);}}
  gtag('consent', 'default', {{'analytics_storage': 'denied', 'ad_storage': 'denied'}});
  gtag('js', new Date()); gtag('config', 'G-LRU0000000', {{'anonymize_ip': true}});
</script>
</head>
<body class="page-template-news news-detail-page lang-en">
<a class="skip-link" href="#main">{UNI_BP["skip"]}</a>
<div class="utility-bar">
  <div class="container utility-bar__inner">
    <ul class="utility-links">
      <li><a href="{BASE}/uni/students/">Current Students</a></li>
      <li><a href="{BASE}/uni/staff/">Faculty and Staff</a></li>
      <li><a href="{BASE}/uni/alumni/">Alumni</a></li>
      <li><a href="{BASE}/uni/giving/">Give to LRU</a></li>
      <li><a href="https://library.lru.example/">Library</a></li>
      <li><a href="{BASE}/uni/jobs/">Jobs at LRU</a></li>
      <li><a href="{BASE}/uni/directory/">Staff Directory</a></li>
    </ul>
    <ul class="lang-switch"><li><a href="{BASE}/uni/tc/" lang="zh-HK">繁</a></li><li><a href="{BASE}/uni/sc/" lang="zh-CN">简</a></li></ul>
    <form class="site-search" role="search" action="{BASE}/uni/search/" method="get">
      <label for="q" class="visually-hidden">Search LRU</label>
      <input id="q" name="q" type="search" placeholder="Search news, people and pages">
      <button type="submit">Search</button>
    </form>
  </div>
</div>
<header class="site-header" role="banner">
  <a class="site-logo" href="{BASE}/uni/" title="Lion Rock University home">
    <svg width="48" height="48" viewBox="0 0 48 48" aria-hidden="true"><path fill="#a6192e" d="M24 2 4 14v20l20 12 20-12V14L24 2zm0 6 14 8.4v15.2L24 40l-14-8.4V16.4L24 8z"/></svg>
    <span class="site-logo__text">Lion Rock University</span>
  </a>
  <nav class="main-nav" aria-label="Main navigation">
    {menu(UNI_MENU, BASE + "/uni", cls="megamenu")}
    <div class="megamenu__feature">
      <img src="{BASE}/uni/assets/img/feature-green.jpg" alt="" width="280" height="160" loading="lazy">
      <p>{UNI_BP["megafeature"]}. <a href="{BASE}/uni/research/green/">Explore LRU research</a></p>
    </div>
  </nav>
  <button class="nav-toggle" aria-expanded="false" aria-controls="mobile-nav">Menu</button>
</header>
<nav class="breadcrumb" aria-label="Breadcrumb">
  <ol itemscope itemtype="https://schema.org/BreadcrumbList">
    <li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a itemprop="item" href="{BASE}/uni/"><span itemprop="name">Home</span></a><meta itemprop="position" content="1"></li>
    <li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a itemprop="item" href="{BASE}/uni/news/"><span itemprop="name">News and Events</span></a><meta itemprop="position" content="2"></li>
    <li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a itemprop="item" href="{BASE}/uni/news/press-releases/"><span itemprop="name">Press Releases</span></a><meta itemprop="position" content="3"></li>
    <li aria-current="page">{e(a["title"])}</li>
  </ol>
</nav>
<main id="main" class="container" role="main">
  <div class="row">
    <article class="news-detail col-8" itemscope itemtype="https://schema.org/NewsArticle">
      <header class="news-detail__header">
        <p class="news-category"><a href="{BASE}/uni/news/press-releases/">Press Releases</a></p>
        <h1 itemprop="headline">{e(a["title"])}</h1>
        <p class="news-meta"><time datetime="{iso}" itemprop="datePublished">{long_date(a["date"])}</time>
          <span class="news-meta__sep" aria-hidden="true">|</span>
          <span class="byline" itemprop="author">{e(a["author"])}</span></p>
      </header>
      <div class="share-bar" aria-label="Share this page">
        <span class="share-bar__label">Share this story</span>
        <ul class="share-bar__list">
{share_links(url, a["title"], ["facebook", "x", "linkedin", "whatsapp", "weibo", "email"], "share-bar")}
        </ul>
      </div>
      <figure class="news-hero">
        <img src="{BASE}/uni/assets/img/news/{Path(a["path"]).stem}-hero.jpg" alt="" width="960" height="540">
      </figure>
      <div class="news-body" itemprop="articleBody">
{paragraphs_html(a["body"], table=a.get("table"))}
      </div>
      <div class="news-tags">
        <span>Tags:</span> <a href="{BASE}/uni/news/tag/research/">Research</a>, <a href="{BASE}/uni/news/tag/press-releases/">Press releases</a>
      </div>
      <nav class="prev-next" aria-label="More press releases">
        <a class="prev" href="{href(prev_next[0])}"><span>Previous</span> {e(prev_next[0]["title"])}</a>
        <a class="next" href="{href(prev_next[1])}"><span>Next</span> {e(prev_next[1]["title"])}</a>
      </nav>
    </article>
    <aside class="sidebar col-4" role="complementary">
      <section class="widget widget--latest">
        <h2 class="widget__title">Latest Press Releases</h2>
        <ul class="news-list">
{latest}
        </ul>
        <a class="widget__more" href="{BASE}/uni/news/press-releases/">All press releases</a>
      </section>
      <section class="widget widget--most-read">
        <h2 class="widget__title">{UNI_BP["mostread"]}</h2>
        <ol>
          <li><a href="{BASE}/uni/news/2025/solar-boat.html">{UNI_BP["mostread1"]}</a></li>
          <li><a href="{BASE}/uni/news/2025/homecoming.html">{UNI_BP["mostread2"]}</a></li>
          <li><a href="{BASE}/uni/news/2025/library-24h.html">Library Extends Opening Hours During Examination Period</a></li>
          <li><a href="{BASE}/uni/news/2025/robotics-cup.html">LRU Team Takes Silver at Regional Robotics Cup</a></li>
        </ol>
      </section>
      <section class="widget widget--events">
        <h2 class="widget__title">Upcoming Events</h2>
        <ul>
          <li><time datetime="2025-12-03">3 Dec</time> <a href="{BASE}/uni/events/coastal-cities/">{UNI_BP["events1"]}</a></li>
          <li><time datetime="2025-12-10">10 Dec</time> <a href="{BASE}/uni/events/info-day/">Postgraduate Information Day (Online)</a></li>
          <li><time datetime="2026-01-15">15 Jan</time> <a href="{BASE}/uni/events/concert/">New Year Concert by the University Orchestra</a></li>
        </ul>
      </section>
      <section class="widget widget--tags">
        <h2 class="widget__title">Browse by Topic</h2>
        <div class="tag-cloud">
{tag_html}
        </div>
      </section>
    </aside>
  </div>
</main>
<section class="newsletter-signup" aria-labelledby="nl-title">
  <div class="container">
    <h2 id="nl-title">Stay in touch</h2>
    <p>{UNI_BP["newsletter"]}, once a fortnight.</p>
    <form action="{BASE}/uni/newsletter/subscribe" method="post">
      <label for="nl-email">Email address</label>
      <input id="nl-email" type="email" name="email" required placeholder="you@example.com">
      <button type="submit">Subscribe</button>
    </form>
  </div>
</section>
<footer class="site-footer" role="contentinfo">
  <div class="container site-footer__grid">
    <div class="site-footer__col">
      <h2>Contact</h2>
      <address>{UNI_BP["footer_addr"]}<br>Tel: +852 3900 0000<br>Email: <a href="mailto:cpao@lru.example">cpao@lru.example</a></address>
    </div>
    <div class="site-footer__col">
      <h2>Quick Links</h2>
      <ul><li><a href="{BASE}/uni/about/">About LRU</a></li><li><a href="{BASE}/uni/admissions/">Admissions</a></li><li><a href="{BASE}/uni/jobs/">Jobs</a></li><li><a href="{BASE}/uni/map/">Campus Map</a></li><li><a href="{BASE}/uni/emergency/">Emergency Information</a></li></ul>
    </div>
    <div class="site-footer__col">
      <h2>Follow Us</h2>
      <ul class="social"><li><a href="https://facebook.example/lru">{icon("facebook")} Facebook</a></li><li><a href="https://x.example/lru">{icon("x")} X</a></li><li><a href="https://linkedin.example/lru">{icon("linkedin")} LinkedIn</a></li><li><a href="https://weibo.example/lru">{icon("weibo")} Weibo</a></li></ul>
    </div>
  </div>
  <div class="container site-footer__legal">
    <p>{UNI_BP["copyright"]}</p>
    <ul><li><a href="{BASE}/uni/privacy/">{UNI_BP["footer_links"]}</a></li><li><a href="{BASE}/uni/disclaimer/">Disclaimer</a></li><li><a href="{BASE}/uni/accessibility/">Web Accessibility</a></li><li><a href="{BASE}/uni/sitemap/">Sitemap</a></li></ul>
  </div>
</footer>
<div id="cookie-consent" class="cookie-banner" role="dialog" aria-live="polite" aria-label="Cookie consent">
  <p>{UNI_BP["cookie"]}. {UNI_BP["cookie2"]}. <a href="{BASE}/uni/privacy/#cookies">Learn more</a></p>
  <div class="cookie-banner__actions"><button type="button" class="btn btn--primary" data-consent="all">Accept all cookies</button><button type="button" class="btn" data-consent="necessary">Necessary cookies only</button></div>
</div>
<script src="/uni/assets/js/vendor.8a1b2c.js" defer></script>
<script src="/uni/assets/js/main.4f2a9c.js" defer></script>
</body>
</html>
"""
    bp = [
        UNI_BP[k]
        for k in (
            "cookie",
            "cookie2",
            "megafeature",
            "mostread1",
            "mostread2",
            "events1",
            "newsletter",
            "footer_addr",
            "copyright",
        )
    ]
    bp.append(others(a)[0]["title"])
    return html, bp


# ====================================================================== sciencepark: Harbour Innovation Park
HIP_MENU = {
    "About Us": [
        "Our Mission",
        "Board of Directors",
        "Management Team",
        "Annual Reports",
        "Corporate Governance",
        "Careers",
        "Tender Notices",
    ],
    "Programmes": [
        "Incubation Programme",
        "Acceleration Programme",
        "Deep Tech Co-Investment Fund",
        "Global Acceleration",
        "Technology Talent Scheme",
        "Corporate Innovation Programme",
    ],
    "Facilities": [
        "Office Space",
        "Wet Laboratories",
        "Pilot Production Lines",
        "Data Centre",
        "Conference Venues",
        "Prototyping Workshop",
        "Park Amenities",
    ],
    "Clusters": [
        "Health Technology",
        "Fintech",
        "Robotics and AI",
        "Green Technology",
        "Smart City",
        "Advanced Manufacturing",
        "Materials and Precision Engineering",
    ],
    "Community": [
        "Park Companies Directory",
        "Success Stories",
        "Mentor Network",
        "Investor Network",
        "Events Calendar",
        "Community Newsletter",
    ],
    "Media Centre": [
        "Press Releases",
        "Media Kit",
        "Publications",
        "Photo Gallery",
        "Videos",
        "Media Enquiries",
    ],
}

HIP_BP = {
    "cookie": "By continuing to browse this site, you agree to our use of cookies",
    "cookie_more": "Read our Personal Information Collection Statement",
    "hotline": "Enquiry hotline: +852 2600 1234 (Monday to Friday, 9am to 6pm)",
    "side_events": "Upcoming at the Park",
    "side_event1": "Robotics Founders Breakfast with Corporate Buyers",
    "side_event2": "Workshop: Preparing Your Due Diligence Data Room",
    "subscribe": "Subscribe to HIP Community Newsletter for programme updates",
    "footer_addr": "Innovation Centre, 8 Harbour Science Avenue, Pak Shek Kok, New Territories",
    "copyright": "© 2025 Harbour Innovation Park Corporation. All Rights Reserved.",
    "download": "Download high-resolution photos (ZIP, 12 MB)",
    "back": "Back to Press Releases list",
}


def hip_body(a: dict) -> str:
    """Split the body into several section divs with figures between them, as the park's CMS does."""
    paras = a["body"]
    caps = a.get("captions", [])
    n_chunks = len(caps) + 1
    size = max(1, -(-len(paras) // n_chunks))
    out = []
    stem = Path(a["path"]).stem
    for i in range(n_chunks):
        chunk = paras[i * size : (i + 1) * size]
        if chunk:
            out.append(
                f'<div class="pr-section pr-section--{i}" data-block="text">\n'
                f"{paragraphs_html(chunk, h='h3')}\n</div>"
            )
        if i < len(caps):
            out.append(
                f'<div class="pr-photo" data-block="image">\n<figure class="pr-figure">\n'
                f'<a href="{BASE}/sciencepark/media/photos/{stem}-{i + 1}.jpg" class="lightbox">'
                f'<img src="{BASE}/sciencepark/media/photos/{stem}-{i + 1}-thumb.jpg" alt="{e(caps[i])}" '
                f'width="720" height="480" loading="lazy"></a>\n'
                f"<figcaption>{e(caps[i])}</figcaption>\n</figure>\n</div>"
            )
    return "\n".join(out)


def hip_page(a: dict) -> tuple[str, list[str]]:
    url = href(a)
    # old CMS: div-based layout, no <html lang>, no OpenGraph, date only as visible text
    active = ' class="active"'
    side_menu = "\n".join(
        f'<li{active if x == "Press Releases" else ""}><a href="{BASE}/sciencepark/media/'
        f'{x.lower().replace(" ", "-")}/">{e(x)}</a></li>'
        for x in HIP_MENU["Media Centre"]
    )
    recent = "\n".join(
        f'<li><span class="date">{long_date(o["date"])}</span><a href="{href(o)}">{e(o["title"])}</a></li>'
        for o in others(a)
    )
    nav_items = []
    for head, links in HIP_MENU.items():
        slug = head.lower().replace(" ", "-")
        sub = "".join(
            f'<li><a href="{BASE}/sciencepark/{slug}/{x.lower().replace(" ", "-")}/">{e(x)}</a></li>'
            for x in links
        )
        nav_items.append(
            f'<li class="dropdown"><a href="{BASE}/sciencepark/{slug}/" class="dropdown-toggle">'
            f'{e(head)}</a><ul class="dropdown-menu">{sub}</ul></li>'
        )
    nav = "\n".join(nav_items)
    html = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>Harbour Innovation Park - Press Releases - {e(a["title"])}</title>
<meta name="keywords" content="Harbour Innovation Park, HIP, press release, technology, start-up, Hong Kong" />
<link href="/sciencepark/css/bootstrap.min.css" rel="stylesheet" type="text/css" />
<link href="/sciencepark/css/style.css?v=20240917" rel="stylesheet" type="text/css" />
<link href="/sciencepark/css/print.css" rel="stylesheet" type="text/css" media="print" />
<script type="text/javascript" src="/sciencepark/js/jquery-3.7.1.min.js"></script>
<script type="text/javascript" src="/sciencepark/js/bootstrap.bundle.min.js"></script>
<script type="text/javascript">
var _paq = window._paq = window._paq || [];
_paq.push(['trackPageView']); _paq.push(['enableLinkTracking']);
(function() {{ var u = "https://analytics.hip.example/"; _paq.push(['setTrackerUrl', u + 'matomo.php']);
_paq.push(['setSiteId', '3']); var d = document, g = d.createElement('script'), s = d.getElementsByTagName('script')[0];
g.async = true; g.src = u + 'matomo.js'; s.parentNode.insertBefore(g, s); }})();
</script>
</head>
<body class="inner-page media-centre">
<div id="cookieNotice" class="cookie-notice alert alert-dark fixed-top">
  <div class="container">
    <span class="cookie-text">{HIP_BP["cookie"]}. <a href="{BASE}/sciencepark/pics/">{HIP_BP["cookie_more"]}</a>.</span>
    <a href="javascript:void(0)" class="btn btn-sm btn-light" onclick="acceptCookie()">I Agree</a>
  </div>
</div>
<div id="wrapper">
  <div id="topbar" class="hidden-xs">
    <div class="container">
      <div class="topbar-left">{HIP_BP["hotline"]}</div>
      <div class="topbar-right">
        <a href="{BASE}/sciencepark/tc/">繁體</a> | <a href="{BASE}/sciencepark/sc/">简体</a> |
        <a href="#" onclick="fontSize(1)">A+</a> <a href="#" onclick="fontSize(0)">A</a> <a href="#" onclick="fontSize(-1)">A-</a> |
        <a href="{BASE}/sciencepark/sitemap/">Sitemap</a> | <a href="{BASE}/sciencepark/contact/">Contact Us</a>
      </div>
    </div>
  </div>
  <div id="header">
    <div class="container">
      <div class="logo"><a href="{BASE}/sciencepark/"><img src="/sciencepark/images/hip-logo.svg" alt="Harbour Innovation Park" width="220" height="60" /></a></div>
      <div id="navigation" class="navbar navbar-expand-lg">
        <ul class="navbar-nav">
{nav}
        </ul>
      </div>
      <div class="header-search"><form action="{BASE}/sciencepark/search/" method="get"><input type="text" name="keyword" placeholder="Keywords" /><input type="submit" value="Go" /></form></div>
    </div>
  </div>
  <div class="inner-banner" style="background-image:url(/sciencepark/images/banner-media.jpg)">
    <div class="container"><div class="inner-banner-title">Media Centre</div></div>
  </div>
  <div class="container">
    <div class="breadcrumbs"><a href="{BASE}/sciencepark/">Home</a> &gt; <a href="{BASE}/sciencepark/media-centre/">Media Centre</a> &gt; <a href="{BASE}/sciencepark/media/press-releases/">Press Releases</a> &gt; <span>{e(a["title"])}</span></div>
    <div class="row main-content">
      <div class="col-md-3 col-sm-12 left-col">
        <div class="side-menu">
          <div class="side-menu-title">Media Centre</div>
          <ul>
{side_menu}
          </ul>
        </div>
        <div class="side-box side-events">
          <div class="side-box-title">{HIP_BP["side_events"]}</div>
          <ul>
            <li><span class="date">04 Dec 2025</span><a href="{BASE}/sciencepark/events/robotics-breakfast/">{HIP_BP["side_event1"]}</a></li>
            <li><span class="date">11 Dec 2025</span><a href="{BASE}/sciencepark/events/data-room/">{HIP_BP["side_event2"]}</a></li>
            <li><span class="date">18 Dec 2025</span><a href="{BASE}/sciencepark/events/open-lab/">Open Lab Day for Secondary Schools</a></li>
          </ul>
        </div>
      </div>
      <div class="col-md-9 col-sm-12 right-col">
        <div class="pr-detail">
          <div class="pr-date">{long_date(a["date"])}</div>
          <h1 class="pr-title">{e(a["title"])}</h1>
          <div class="pr-tools">
            <a href="javascript:window.print()" class="print">{icon("print")} Print</a>
            <a href="mailto:?subject={e(a["title"])}&amp;body={url}" class="mail">{icon("email")} Email</a>
            <a href="https://www.facebook.com/sharer/sharer.php?u={url}" class="fb">{icon("facebook")}</a>
            <a href="https://www.linkedin.com/sharing/share-offsite/?url={url}" class="li">{icon("linkedin")}</a>
          </div>
          <div class="pr-content">
{hip_body(a)}
          </div>
          <div class="pr-attachments">
            <a href="{BASE}/sciencepark/media/photos/{Path(a["path"]).stem}.zip" class="btn btn-outline-primary">{HIP_BP["download"]}</a>
          </div>
          <div class="pr-recent">
            <div class="pr-recent-title">Recent Press Releases</div>
            <ul>
{recent}
            </ul>
          </div>
          <div class="back-to-list"><a href="{BASE}/sciencepark/media/press-releases/">{HIP_BP["back"]}</a></div>
        </div>
      </div>
    </div>
  </div>
  <div id="subscribe-bar">
    <div class="container">
      <div class="subscribe-text">{HIP_BP["subscribe"]}</div>
      <form action="{BASE}/sciencepark/subscribe/" method="post"><input type="text" name="email" placeholder="Your email" /><input type="submit" value="Subscribe" /></form>
    </div>
  </div>
  <div id="footer">
    <div class="container">
      <div class="row">
        <div class="col-md-4 footer-contact">
          <div class="footer-title">Harbour Innovation Park</div>
          <p>{HIP_BP["footer_addr"]}</p>
          <p>Tel: +852 2600 1234 &nbsp; Fax: +852 2600 1235</p>
        </div>
        <div class="col-md-4 footer-links">
          <ul>
            <li><a href="{BASE}/sciencepark/privacy/">Privacy Policy</a></li>
            <li><a href="{BASE}/sciencepark/disclaimer/">Important Notices</a></li>
            <li><a href="{BASE}/sciencepark/accessibility/">Accessibility</a></li>
            <li><a href="{BASE}/sciencepark/careers/">Join Us</a></li>
            <li><a href="{BASE}/sciencepark/tenders/">Procurement</a></li>
          </ul>
        </div>
        <div class="col-md-4 footer-social">
          <a href="https://facebook.example/hip">{icon("facebook")}</a>
          <a href="https://linkedin.example/hip">{icon("linkedin")}</a>
          <a href="https://x.example/hip">{icon("x")}</a>
        </div>
      </div>
      <div class="copyright">{HIP_BP["copyright"]}</div>
    </div>
  </div>
</div>
<script type="text/javascript">
function acceptCookie(){{ document.cookie = "hip_cookie_ok=1; max-age=31536000; path=/"; document.getElementById('cookieNotice').style.display = 'none'; }}
function fontSize(d){{ var b = document.body; b.className = b.className.replace(/ fs-\\S+/, '') + ' fs-' + d; }}
</script>
</body>
</html>
"""
    bp = [
        HIP_BP[k]
        for k in (
            "cookie",
            "cookie_more",
            "hotline",
            "side_event1",
            "side_event2",
            "subscribe",
            "footer_addr",
            "copyright",
            "download",
            "back",
        )
    ]
    bp.append(others(a)[0]["title"])
    return html, bp


# ====================================================================== newswire: AsiaPac NewsWire
APN_TEASERS = [
    (
        "Regional Bank Launches Green Mortgage Product for Energy-Efficient Homes",
        "The product offers a rate discount for buyers of homes certified under recognised green building schemes.",
    ),
    (
        "Cold-Chain Operator Opens Automated Warehouse Near Airport Logistics Hub",
        "The facility can hold 40,000 pallets and uses autonomous forklifts around the clock.",
    ),
    (
        "Consumer Electronics Brand Reports Record Third-Quarter Shipments in Southeast Asia",
        "Growth was driven by mid-range smartphones and wearable devices sold through online channels.",
    ),
    (
        "Insurance Start-Up Partners with Clinics to Offer Instant Outpatient Claims",
        "Policyholders will no longer need to pay upfront and claim reimbursement later.",
    ),
    (
        "Hotel Group Commits to Eliminating Single-Use Plastics Across 60 Properties",
        "The group will replace bottled water with filtered water stations by the end of next year.",
    ),
    (
        "Semiconductor Equipment Maker Expands Service Centre to Support Regional Fabs",
        "The expansion adds clean-room training facilities for field engineers.",
    ),
]

APN_INDUSTRIES = [
    "Aerospace and Defence",
    "Agriculture",
    "Airlines and Aviation",
    "Apparel and Fashion",
    "Artificial Intelligence",
    "Automotive",
    "Banking and Financial Services",
    "Biotechnology",
    "Blockchain",
    "Chemicals",
    "Construction",
    "Consumer Electronics",
    "Cosmetics and Personal Care",
    "Education",
    "Electric Vehicles",
    "Energy and Utilities",
    "Entertainment",
    "Environment",
    "Food and Beverages",
    "Gaming",
    "Government",
    "Healthcare and Hospitals",
    "Hotels and Resorts",
    "Insurance",
    "Internet Technology",
    "Logistics and Shipping",
    "Luxury Goods",
    "Manufacturing",
    "Medical Devices",
    "Mining and Metals",
    "Non-profit Organisations",
    "Pharmaceuticals",
    "Property and Real Estate",
    "Retail",
    "Semiconductors",
    "Sports",
    "Telecommunications",
    "Travel and Tourism",
    "Venture Capital",
    "Wine and Spirits",
]

APN_BP = {
    "cookie": "We and our partners use cookies to personalise content and measure audience engagement",
    "cookie_btn": "Manage preferences",
    "nav_cta": "Send a release to journalists across Asia Pacific",
    "more_news": "More news from",
    "related": "Related stories",
    "journalists": "Journalists: sign up for free customised news alerts",
    "footer_addr": "AsiaPac NewsWire Ltd, 23/F, Harbour Commerce Tower, Wan Chai, Hong Kong",
    "copyright": "Copyright © 2025 AsiaPac NewsWire Ltd. All rights reserved.",
    "disclaimer": "The issuer is solely responsible for the content of this announcement",
    "trending": "Trending in Business and Finance",
}

APN_MENU = {
    "News": [
        "All News Releases",
        "Business and Finance",
        "Technology",
        "Health",
        "Energy and Environment",
        "Travel and Tourism",
        "Consumer Products",
        "Policy and Public Interest",
        "Multimedia Gallery",
    ],
    "Products": [
        "Distribution",
        "Targeted Newslines",
        "Multimedia Releases",
        "Media Monitoring",
        "Investor Relations",
        "Translation Services",
    ],
    "For Journalists": ["Register for Alerts", "Media Database", "Embargoed Releases", "Journalist FAQ"],
    "Resources": ["Press Release Templates", "Writing Guide", "Webinars", "Case Studies", "Blog"],
    "Company": ["About AsiaPac NewsWire", "Offices", "Careers", "Editorial Guidelines", "Contact Sales"],
}


def apn_page(a: dict, idx: int) -> tuple[str, list[str]]:
    url = href(a)
    iso = f"{a['date']}T{a['time']}"
    t1 = [APN_TEASERS[(idx * 2 + k) % len(APN_TEASERS)] for k in range(3)]
    t2 = [APN_TEASERS[(idx * 2 + 3 + k) % len(APN_TEASERS)] for k in range(2)]
    more = "\n".join(
        f'<li class="card card--teaser"><a href="{BASE}/newswire/news-releases/t{idx}{k}.html"><h4>{e(t)}</h4></a>'
        f'<p class="card__summary">{e(s)}</p><span class="card__date">{long_date(a["date"])}</span></li>'
        for k, (t, s) in enumerate(t1)
    )
    rel_items = [o for o in ARTICLES if o["site"] == "newswire" and o["path"] != a["path"]][:1]
    related = "\n".join(
        f'<div class="related-card"><a href="{href(o)}"><img src="{BASE}/newswire/img/thumb-{k}.jpg" alt="" width="160" '
        f'height="90"><span class="related-card__title">{e(o["title"])}</span></a></div>'
        for k, o in enumerate(rel_items)
    )
    related += "\n" + "\n".join(
        f'<div class="related-card"><a href="{BASE}/newswire/news-releases/r{idx}{k}.html"><span class="related-card__title">'
        f"{e(t)}</span></a><p>{e(s)}</p></div>"
        for k, (t, s) in enumerate(t2)
    )
    nav = menu(APN_MENU, BASE + "/newswire", cls="nav-menu")
    industries = "\n".join(
        f'<li><a href="{BASE}/newswire/news/{re.sub(r"[^a-z]+", "-", x.lower())}/">{e(x)}</a></li>'
        for x in APN_INDUSTRIES
    )
    og_desc = (
        (
            f'<meta property="og:description" content="{e(a["description"])}">\n'
            f'<meta name="description" content="{e(a["description"])}">'
        )
        if a["description"]
        else ""
    )
    html = f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
<title>{e(a["title"])}</title>
{og_desc}
<meta property="og:title" content="{e(a["title"])}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="AsiaPac NewsWire">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{iso}">
<meta name="author" content="{e(a["author"])}">
<link rel="canonical" href="{url}">
<link rel="stylesheet" href="https://cdn.apnwire.example/css/app.min.css?v=7.3.1">
<script async src="https://cdn.apnwire.example/js/ads.js"></script>
<script>var APN = {{releaseId: "{Path(a["path"]).stem.rsplit("-", 1)[1]}", section: "news-releases", lang: "en"}};</script>
</head>
<body class="release-page">
<div class="consent-overlay" id="onetrust-consent-sdk">
  <div id="onetrust-banner-sdk" class="otFlat" role="alertdialog" aria-describedby="onetrust-policy-text">
    <div id="onetrust-policy-text">{APN_BP["cookie"]}. By clicking "Accept All", you consent to our use of cookies.</div>
    <div class="ot-btn-group"><button id="onetrust-accept-btn-handler">Accept All</button><button id="onetrust-pc-btn-handler">{APN_BP["cookie_btn"]}</button></div>
  </div>
</div>
<header class="apn-header">
  <div class="apn-header__top container-fluid">
    <a href="{BASE}/newswire/" class="apn-logo"><img src="{BASE}/newswire/img/apn-logo.svg" alt="AsiaPac NewsWire" width="180" height="40"></a>
    <div class="apn-header__cta"><a href="{BASE}/newswire/products/distribution/" class="btn btn-primary">{APN_BP["nav_cta"]}</a></div>
    <div class="apn-header__account"><a href="{BASE}/newswire/login/">Log in</a> <a href="{BASE}/newswire/signup/">Sign up</a></div>
  </div>
  <nav class="apn-nav" role="navigation">
{nav}
  </nav>
</header>
<div class="ad-leaderboard" data-ad-slot="release-top"><ins class="adsbygoogle" style="display:block" data-ad-client="ca-pub-000" data-ad-slot="111"></ins></div>
<div class="container release-container">
  <div class="row">
    <div class="col-lg-8 col-12 release-column">
      <div class="release-header">
        <h1>{e(a["title"])}</h1>
        <p class="release-source">News provided by <a href="{BASE}/newswire/news/{a["author"].lower().replace(" ", "-")}/">{e(a["author"])}</a></p>
        <p class="release-date"><time datetime="{iso}">{datetime.strptime(a["date"], "%Y-%m-%d").strftime("%d %b, %Y")}, {a["time"][:5]} HKT</time></p>
        <div class="social-share">
          <ul class="social-share__list">
{share_links(url, a["title"], ["facebook", "x", "linkedin", "email"], "social-share")}
          </ul>
        </div>
      </div>
      <section class="release-body">
{paragraphs_html(a["body"])}
      </section>
      <p class="release-disclaimer"><small>{APN_BP["disclaimer"]}.</small></p>
      <section class="more-news-from-issuer">
        <h3>{APN_BP["more_news"]} {e(a["author"])}</h3>
        <ul class="card-list">
{more}
        </ul>
        <a href="{BASE}/newswire/news/" class="view-all">View all news releases</a>
      </section>
      <section class="related-stories">
        <h3>{APN_BP["related"]}</h3>
{related}
      </section>
    </div>
    <div class="col-lg-4 col-12 release-sidebar">
      <div class="sidebar-box journalists-box">
        <h3>{APN_BP["journalists"]}</h3>
        <a href="{BASE}/newswire/journalists/register/" class="btn btn-outline">Register</a>
      </div>
      <div class="sidebar-box trending">
        <h3>{APN_BP["trending"]}</h3>
        <ol>
          <li><a href="{BASE}/newswire/news-releases/x1.html">Payments Group Completes Acquisition of Regional Remittance Network</a></li>
          <li><a href="{BASE}/newswire/news-releases/x2.html">Property Developer Unveils Waterfront Mixed-Use Project in Kowloon East</a></li>
          <li><a href="{BASE}/newswire/news-releases/x3.html">Airline Adds Four Weekly Flights to Secondary Cities in Japan</a></li>
        </ol>
      </div>
      <div class="ad-rectangle" data-ad-slot="release-side"><ins class="adsbygoogle" style="display:inline-block;width:300px;height:250px" data-ad-client="ca-pub-000" data-ad-slot="222"></ins></div>
    </div>
  </div>
</div>
<footer class="apn-footer">
  <div class="container apn-footer__browse">
    <h4>Browse news releases by industry</h4>
    <ul class="industry-list">
{industries}
    </ul>
  </div>
  <div class="container">
    <div class="apn-footer__cols">
      <div><h4>Contact</h4><p>{APN_BP["footer_addr"]}</p><p>+852 2100 8800</p></div>
      <div><h4>Products</h4><ul><li><a href="{BASE}/newswire/products/distribution/">Distribution</a></li><li><a href="{BASE}/newswire/products/monitoring/">Monitoring</a></li><li><a href="{BASE}/newswire/products/ir/">Investor Relations</a></li></ul></div>
      <div><h4>Legal</h4><ul><li><a href="{BASE}/newswire/terms/">Terms of Use</a></li><li><a href="{BASE}/newswire/privacy/">Privacy Notice</a></li><li><a href="{BASE}/newswire/cookies/">Cookie Settings</a></li></ul></div>
    </div>
    <p class="apn-footer__copy">{APN_BP["copyright"]}</p>
  </div>
</footer>
<script src="https://cdn.apnwire.example/js/app.min.js?v=7.3.1" defer></script>
</body>
</html>
"""
    bp = [
        APN_BP["cookie"],
        APN_BP["nav_cta"],
        APN_BP["journalists"],
        APN_BP["footer_addr"],
        APN_BP["copyright"],
        APN_BP["disclaimer"],
        APN_BP["trending"],
        t1[0][0],
        t1[1][1],
        t2[0][0],
        t2[1][1],
    ]
    return html, bp


# ====================================================================== corp: Kowloon Data Systems (WordPress)
KDS_COMMENTS = [
    (
        "Samuel Cheng",
        "Great to see this kind of collaboration happening locally. Will the governance framework "
        "be published before the pilot starts?",
    ),
    (
        "Kowloon Data Systems",
        "Thanks Samuel, we expect to share a draft for public comment within the next quarter.",
    ),
    (
        "Mei Ling",
        "Really looking forward to trying this out in our own team, keep up the great work everyone!",
    ),
    ("Arjun P.", "Could you share whether the workshops will be recorded for those of us outside Hong Kong?"),
    ("Tommy Wu", "As a former intern at KDS I can say the engineering culture there is second to none."),
]

KDS_BP = {
    "cookie": "We use cookies on our website to give you the most relevant experience by remembering your preferences",
    "cookie_btn": "Cookie Settings",
    "announce": "KDS is hiring data engineers in Hong Kong and Singapore",
    "recent": "Recent Posts",
    "archives": "Archives",
    "newsletter": "Sign up for the KDS monthly briefing on data infrastructure",
    "footer_addr": "Kowloon Data Systems Limited, 18/F, Tower 2, Kowloon Bay Business Park",
    "copyright": "© 2025 Kowloon Data Systems Limited",
    "leave_reply": "Your email address will not be published. Required fields are marked",
    "related_head": "Related",
    "share": "Share this:",
}


def kds_page(a: dict, idx: int) -> tuple[str, list[str]]:
    url = href(a)
    iso = f"{a['date']}T{a['time']}"
    comments = [KDS_COMMENTS[(idx + k) % len(KDS_COMMENTS)] for k in range(3)]
    comment_html = []
    for k, (who, text) in enumerate(comments):
        cid = 400 + idx * 10 + k
        comment_html.append(f"""<li id="comment-{cid}" class="comment {"even" if k % 2 else "odd"} thread-{"even" if k % 2 else "odd"} depth-1">
  <article id="div-comment-{cid}" class="comment-body">
    <footer class="comment-meta">
      <div class="comment-author vcard"><img alt="" src="https://secure.gravatar.example/avatar/{cid}?s=64&amp;d=mm" class="avatar avatar-64 photo" height="64" width="64" loading="lazy"><b class="fn">{e(who)}</b> <span class="says">says:</span></div>
      <div class="comment-metadata"><a href="{url}#comment-{cid}"><time datetime="{a["date"]}T1{k}:2{k}:00+08:00">{long_date(a["date"])} at 1{k}:2{k} pm</time></a></div>
    </footer>
    <div class="comment-content"><p>{e(text)}</p></div>
    <div class="reply"><a rel="nofollow" class="comment-reply-link" href="{url}?replytocom={cid}#respond" data-commentid="{cid}" aria-label="Reply to {e(who)}">Reply</a></div>
  </article>
</li>""")
    rel = [o for o in ARTICLES if o["site"] == "corp" and o["path"] != a["path"]]
    related = "\n".join(
        f'<div class="jp-relatedposts-post jp-relatedposts-post{k}" data-post-id="{900 + k}" data-post-format="false">'
        f'<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{href(o)}" title="{e(o["title"])}">'
        f'{e(o["title"])}</a></h4><p class="jp-relatedposts-post-date">{long_date(o["date"])}</p>'
        f'<p class="jp-relatedposts-post-context">In &quot;Newsroom&quot;</p></div>'
        for k, o in enumerate(rel)
    )
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Article",
                "@id": f"{url}#article",
                "headline": a["title"],
                "datePublished": iso,
                "dateModified": iso,
                "author": {"name": a["author"], "@id": f"{BASE}/corp/#/schema/person/{idx}"},
                "publisher": {"@id": f"{BASE}/corp/#organization"},
                "inLanguage": "en-US",
                "articleSection": ["Newsroom"],
            },
            {
                "@type": "Organization",
                "@id": f"{BASE}/corp/#organization",
                "name": "Kowloon Data Systems",
                "url": f"{BASE}/corp/",
            },
            {"@type": "Person", "@id": f"{BASE}/corp/#/schema/person/{idx}", "name": a["author"]},
        ],
    }
    widgets_recent = "\n".join(f'<li><a href="{href(o)}">{e(o["title"])}</a></li>' for o in rel)
    cats = ["Newsroom", "Engineering Blog", "Customer Stories", "Events", "Careers", "Open Source"]
    cat_html = "\n".join(
        f'<li class="cat-item cat-item-{i + 2}"><a href="{BASE}/corp/category/'
        f'{c.lower().replace(" ", "-")}/">{e(c)}</a> ({(i * 7) % 23 + 3})</li>'
        for i, c in enumerate(cats)
    )
    months = [
        "November 2025",
        "October 2025",
        "September 2025",
        "August 2025",
        "July 2025",
        "June 2025",
        "May 2025",
        "April 2025",
        "March 2025",
    ]
    arch = "\n".join(
        f'<li><a href="{BASE}/corp/{datetime.strptime(m, "%B %Y").strftime("%Y/%m")}/">{m}</a></li>'
        for m in months
    )
    tags = [
        "healthcare",
        "federated analytics",
        "privacy",
        "open source",
        "NLP",
        "Cantonese",
        "events",
        "cloud",
        "partnerships",
        "grants",
        "hospitals",
        "data governance",
    ]
    tag_html = " ".join(
        f'<a href="{BASE}/corp/tag/{t.replace(" ", "-")}/" class="tag-cloud-link tag-link-{i}" '
        f'style="font-size: {8 + (i * 5) % 14}pt;" aria-label="{e(t)}">{e(t)}</a>'
        for i, t in enumerate(tags)
    )
    menu_items = {
        "Products": ["Federated Analytics", "Data Lakehouse", "Managed Cloud", "Security Services"],
        "Industries": ["Healthcare", "Banking", "Public Sector", "Education"],
        "Customers": ["Case Studies", "Testimonials"],
        "Company": ["About", "Leadership", "Careers", "Newsroom", "Contact"],
    }
    nav = menu(menu_items, BASE + "/corp", cls="menu")
    html = f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="profile" href="https://gmpg.org/xfn/11">
<title>{e(a["title"])} &#8211; Kowloon Data Systems</title>
<meta name="robots" content="index, follow, max-image-preview:large">
<link rel="canonical" href="{url}">
<meta property="og:locale" content="en_US">
<meta property="og:type" content="article">
<meta property="og:title" content="{e(a["title"])}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="Kowloon Data Systems">
<meta property="article:published_time" content="{iso}">
<meta name="author" content="{e(a["author"])}">
<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(ld, ensure_ascii=False)}</script>
<link rel="alternate" type="application/rss+xml" title="Kowloon Data Systems &raquo; Feed" href="{BASE}/corp/feed.xml">
<link rel="stylesheet" id="wp-block-library-css" href="{BASE}/corp/wp-includes/css/dist/block-library/style.min.css?ver=6.6.2" media="all">
<link rel="stylesheet" id="kds-theme-css" href="{BASE}/corp/wp-content/themes/kds/style.css?ver=2.4.0" media="all">
<link rel="stylesheet" id="jetpack-related-posts-css" href="{BASE}/corp/wp-content/plugins/jetpack/modules/related-posts/related-posts.css?ver=20240116" media="all">
<style id="wp-emoji-styles-inline-css">img.wp-smiley, img.emoji {{ display: inline !important; border: none !important; height: 1em !important; width: 1em !important; margin: 0 0.07em !important; vertical-align: -0.1em !important; }}</style>
<script src="{BASE}/corp/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
</head>
<body class="post-template-default single single-post postid-{1200 + idx} single-format-standard wp-embed-responsive">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Skip to content</a>
<div class="announcement-bar"><p>{KDS_BP["announce"]} &ndash; <a href="{BASE}/corp/careers/">see open roles</a></p></div>
<header id="masthead" class="site-header">
  <div class="site-branding">
    <p class="site-title"><a href="{BASE}/corp/" rel="home">Kowloon Data Systems</a></p>
    <p class="site-description">Data infrastructure for the institutions Asia depends on</p>
  </div>
  <nav id="site-navigation" class="main-navigation">
    <button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">Menu</button>
{nav}
  </nav>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area">
<main id="main" class="site-main">
<article id="post-{1200 + idx}" class="post-{1200 + idx} post type-post status-publish format-standard hentry category-newsroom">
  <header class="entry-header">
    <h1 class="entry-title">{e(a["title"])}</h1>
    <div class="entry-meta">
      <span class="posted-on">Posted on <a href="{url}" rel="bookmark"><time class="entry-date published updated" datetime="{iso}">{long_date(a["date"])}</time></a></span>
      <span class="byline"> by <span class="author vcard"><a class="url fn n" href="{BASE}/corp/author/{a["author"].lower().replace(" ", "-")}/">{e(a["author"])}</a></span></span>
    </div>
  </header>
  <div class="entry-content">
{paragraphs_html(a["body"])}
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing"><h3 class="sd-title">{KDS_BP["share"]}</h3><div class="sd-content"><ul>
{share_links(url, a["title"], ["x", "facebook", "linkedin", "email"], "share")}
</ul></div></div></div>
<div id="jp-relatedposts" class="jp-relatedposts" style="display: block;">
<h3 class="jp-relatedposts-headline"><em>{KDS_BP["related_head"]}</em></h3>
<div class="jp-relatedposts-items jp-relatedposts-items-minimal">
{related}
</div>
</div>
  </div>
  <footer class="entry-footer"><span class="cat-links">Posted in <a href="{BASE}/corp/category/newsroom/" rel="category tag">Newsroom</a></span><span class="tags-links">Tagged <a href="{BASE}/corp/tag/partnerships/" rel="tag">partnerships</a>, <a href="{BASE}/corp/tag/healthcare/" rel="tag">healthcare</a></span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts">
  <h2 class="screen-reader-text">Post navigation</h2>
  <div class="nav-links"><div class="nav-previous"><a href="{href(rel[0])}" rel="prev"><span class="meta-nav">Previous post</span> {e(rel[0]["title"])}</a></div></div>
</nav>
<div id="comments" class="comments-area">
  <h2 class="comments-title">{len(comments)} thoughts on &ldquo;<span>{e(a["title"])}</span>&rdquo;</h2>
  <ol class="comment-list">
{chr(10).join(comment_html)}
  </ol>
  <div id="respond" class="comment-respond">
    <h3 id="reply-title" class="comment-reply-title">Leave a Reply <small><a rel="nofollow" id="cancel-comment-reply-link" href="{url}#respond" style="display:none;">Cancel reply</a></small></h3>
    <form action="{BASE}/corp/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate>
      <p class="comment-notes"><span id="email-notes">{KDS_BP["leave_reply"]}</span> <span class="required">*</span></p>
      <p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>
      <p class="comment-form-author"><label for="author">Name <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required></p>
      <p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" autocomplete="email" required></p>
      <p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"> <input type="hidden" name="comment_post_ID" value="{1200 + idx}" id="comment_post_ID"></p>
    </form>
  </div>
</div>
</main>
</div>
<aside id="secondary" class="widget-area">
  <section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{BASE}/corp/"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s"></label><input type="submit" class="search-submit" value="Search"></form></section>
  <section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">{KDS_BP["recent"]}</h2><ul>
{widgets_recent}
  </ul></section>
  <section id="archives-2" class="widget widget_archive"><h2 class="widget-title">{KDS_BP["archives"]}</h2><ul>
{arch}
  </ul></section>
  <section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>
{cat_html}
  </ul></section>
  <section id="tag_cloud-2" class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2><div class="tagcloud">{tag_html}</div></section>
  <section id="block-7" class="widget widget_block"><div class="newsletter-box"><p>{KDS_BP["newsletter"]}.</p><form action="{BASE}/corp/newsletter/" method="post"><input type="email" name="EMAIL" placeholder="Work email"><button type="submit">Subscribe</button></form></div></section>
</aside>
</div>
<footer id="colophon" class="site-footer">
  <div class="footer-widgets"><p>{KDS_BP["footer_addr"]}, Hong Kong</p><p><a href="{BASE}/corp/privacy/">Privacy</a> &middot; <a href="{BASE}/corp/terms/">Terms</a> &middot; <a href="{BASE}/corp/security/">Responsible Disclosure</a></p></div>
  <div class="site-info">{KDS_BP["copyright"]} &middot; Proudly powered by WordPress</div>
</footer>
</div>
<div id="cookie-law-info-bar" data-nosnippet="true" class="cli-bar-container cli-style-v2">
  <div class="cli-bar-message">{KDS_BP["cookie"]} and repeat visits. By clicking &ldquo;Accept&rdquo;, you consent to the use of ALL the cookies.</div>
  <div class="cli-bar-btn_container"><a role="button" class="cli_settings_button">{KDS_BP["cookie_btn"]}</a><a role="button" id="cookie_action_close_header" class="cli_action_button">Accept</a></div>
</div>
<script src="{BASE}/corp/wp-content/themes/kds/js/navigation.js?ver=2.4.0" id="kds-navigation-js"></script>
<script src="{BASE}/corp/wp-includes/js/comment-reply.min.js?ver=6.6.2" id="comment-reply-js" async data-wp-strategy="async"></script>
</body>
</html>
"""
    bp = [
        KDS_BP["cookie"],
        KDS_BP["announce"],
        KDS_BP["newsletter"],
        KDS_BP["footer_addr"],
        KDS_BP["leave_reply"],
    ]
    bp += [text for _, text in comments]
    bp.append(rel[-1]["title"])
    return html, bp


# ====================================================================== feeds
def rss_date(a: dict) -> str:
    t = a["time"] or "10:00:00+08:00"
    return datetime.fromisoformat(f"{a['date']}T{t}").strftime("%a, %d %b %Y %H:%M:%S %z")


def uni_feed(items: list[dict]) -> str:
    entries = "\n".join(
        f"""    <item>
      <title>{e(a["title"])}</title>
      <link>{href(a)}</link>
      <guid isPermaLink="true">{href(a)}</guid>
      <pubDate>{rss_date(a)}</pubDate>
      <description>{e(a["description"])}</description>
      <category>Press Releases</category>
    </item>"""
        for a in reversed(items)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Lion Rock University - Press Releases</title>
    <link>{BASE}/uni/news/press-releases/</link>
    <atom:link href="{BASE}/uni/feed.xml" rel="self" type="application/rss+xml"/>
    <description>Press releases from the Communications and Public Affairs Office of Lion Rock University</description>
    <language>en</language>
    <ttl>30</ttl>
    <lastBuildDate>{rss_date(items[-1])}</lastBuildDate>
{entries}
  </channel>
</rss>
"""


def hip_feed(items: list[dict]) -> str:
    entries = "\n".join(
        f"""  <entry>
    <title type="text">{e(a["title"])}</title>
    <link rel="alternate" type="text/html" href="{href(a)}"/>
    <id>tag:hip.example,{a["date"]}:press-release/{Path(a["path"]).stem}</id>
    <published>{a["date"]}T10:00:00+08:00</published>
    <updated>{a["date"]}T10:00:00+08:00</updated>
    <summary type="text">{e(a["body"][0][:200])}...</summary>
  </entry>"""
        for a in reversed(items)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Harbour Innovation Park Press Releases</title>
  <subtitle>News from Harbour Innovation Park</subtitle>
  <link rel="self" type="application/atom+xml" href="{BASE}/sciencepark/feed.xml"/>
  <link rel="alternate" type="text/html" href="{BASE}/sciencepark/media/press-releases/"/>
  <id>tag:hip.example,2017:press-releases</id>
  <updated>{items[-1]["date"]}T10:00:00+08:00</updated>
  <author><name>HIP Corporate Communications</name></author>
{entries}
</feed>
"""


def apn_feed(items: list[dict]) -> str:
    entries = "\n".join(
        f"""    <item>
      <title>{e(a["title"])}</title>
      <link>{href(a)}</link>
      <guid isPermaLink="false">APN-{Path(a["path"]).stem.rsplit("-", 1)[1]}</guid>
      <pubDate>{rss_date(a)}</pubDate>
      <dc:creator>{e(a["author"])}</dc:creator>
      <description>{e(a["description"] or a["body"][0][:180])}</description>
    </item>"""
        for a in reversed(items)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>AsiaPac NewsWire: Hong Kong News Releases</title>
    <link>{BASE}/newswire/news/</link>
    <description>Latest news releases distributed by AsiaPac NewsWire</description>
    <language>en-gb</language>
    <ttl>15</ttl>
{entries}
  </channel>
</rss>
"""


def kds_feed(items: list[dict]) -> str:
    # WordPress-style but with the guid stripped by a feed plugin: the link is the only id.
    entries = "\n".join(
        f"""	<item>
		<title>{e(a["title"])}</title>
		<link>{href(a)}</link>
		<dc:creator><![CDATA[{a["author"]}]]></dc:creator>
		<pubDate>{rss_date(a)}</pubDate>
		<category><![CDATA[Newsroom]]></category>
		<description><![CDATA[{a["body"][0][:160]} [&#8230;]]]></description>
		<comments>{href(a)}#comments</comments>
		<slash:comments>3</slash:comments>
	</item>"""
        for a in reversed(items)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
>
<channel>
	<title>Newsroom &#8211; Kowloon Data Systems</title>
	<atom:link href="{BASE}/corp/feed.xml" rel="self" type="application/rss+xml" />
	<link>{BASE}/corp/newsroom/</link>
	<description>Data infrastructure for the institutions Asia depends on</description>
	<lastBuildDate>{rss_date(items[-1])}</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<ttl>60</ttl>
{entries}
</channel>
</rss>
"""


FEEDS = {"uni": uni_feed, "sciencepark": hip_feed, "newswire": apn_feed, "corp": kds_feed}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def main() -> None:
    expected: dict[str, dict] = {}
    counters: dict[str, int] = {}
    for a in ARTICLES:
        i = counters.get(a["site"], 0)
        counters[a["site"]] = i + 1
        if a["site"] == "uni":
            html, bp = uni_page(a)
        elif a["site"] == "sciencepark":
            html, bp = hip_page(a)
        elif a["site"] == "newswire":
            html, bp = apn_page(a, i)
        else:
            html, bp = kds_page(a, i)
        body = expected_body(a)
        # Every snippet must be visible on the page and absent from the body, or the test proves nothing.
        visible = norm(lxml.html.fromstring(html.encode()).text_content())
        for s in bp:
            assert norm(s) in visible, (a["path"], s)
            assert norm(s) not in norm(body), (a["path"], s)
            assert len(s.split()) >= 4, s
        assert 5 <= len(bp) <= 12, (a["path"], len(bp))
        words = len(body.split())
        assert 150 <= words <= 800, (a["path"], words)
        out = ROOT / a["path"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
        size = len(html.encode())
        assert 15_000 <= size <= 70_000, (a["path"], size)
        entry = {
            "feed": a["site"],
            "title": a["title"],
            "body": body,
            "boilerplate": bp,
            "label": a["label"],
            "date": a["date"],
            "author": a["author"],
            "lang": {"uni": "en", "newswire": "en-GB", "corp": "en-US", "sciencepark": ""}[a["site"]],
        }
        expected[a["path"]] = entry
        print(f"{a['path']}: {size} bytes, {words} words, {len(bp)} snippets")
    for site, fn in FEEDS.items():
        items = [a for a in ARTICLES if a["site"] == site]
        (ROOT / site / "feed.xml").write_text(fn(items), encoding="utf-8")
    (ROOT / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
