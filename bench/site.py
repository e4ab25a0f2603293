"""A synthetic news site for the pipeline benchmark: four publishers on four loopback hosts.

    python bench/site.py --items 500 [--latency 0.1] [--release-rate 0] [--seed 0]

Each publisher lives on its own address (127.0.0.1 .. 127.0.0.4, one ThreadingHTTPServer
per address) and serves an RSS feed at ``/feed.xml`` plus its press-release pages. Pages
are rendered once, at start, from the four templates of the test site
(tests/resources/site/build_site.py: navigation, cookie banners, sidebars, comment
threads, teaser lists), with article bodies generated deterministically (``--seed``) from
the sentences of the test articles, and padded to 50-100 KB with the inline JSON/CSS and
footer link lists real CMS pages carry. Serving is a dict lookup and one ``write``: the
server is light, but it shares the machine's cores with the daemon, so the runner
measures its CPU time.

Items are interleaved over the hosts (item k lives on host k % 4). With
``--release-rate R`` > 0, item k is "released" (first appears in its feed) at
``t0 + k / R``; with 0 every item is in the feed from the start. Page requests can be
slowed by ``--latency`` seconds (feeds answer at once). ``GET /__stats`` on any host
returns request counts and the peak and mean (over the host's first to last page
request) number of page requests in flight per host.

On start the process prints one JSON line to stdout (hosts, feed URLs, t0, items) and
then serves until killed. ``build_pages`` is importable (the runner times extraction on
the very same pages).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_SRC = ROOT / "tests" / "resources" / "site"
HOSTS = ("uni", "sciencepark", "newswire", "corp")  # publisher templates, one per address
ADDRESSES = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")
BASE_MARK = "{{BASE}}"


@dataclass(frozen=True)
class Item:
    index: int  # global release order
    host: str
    path: str  # "/..." on its host
    title: str
    body: str  # the article text as a reader sees it (for recall checks)
    published: str  # YYYY-MM-DD


def _templates():  # imported lazily: build_site runs its own sys.path tweak
    sys.path.insert(0, str(SITE_SRC))
    sys_dont = sys.dont_write_bytecode
    try:
        import build_site  # type: ignore[import-not-found]
    finally:
        sys.dont_write_bytecode = sys_dont
    return build_site


def _sentences(articles: list[dict]) -> list[str]:
    out: list[str] = []
    for a in articles:
        for p in a["body"]:
            if p.startswith("## "):
                continue
            out.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", p) if len(s.split()) >= 6)
    return out


def _padding(rng: random.Random, words: list[str], size: int, base: str, host: str) -> tuple[str, str]:
    """Inline app state + CSS for the <head>, and a footer site map for the <body>, ~size bytes."""
    css = "".join(
        f".c{i}{{margin:{rng.randrange(40)}px;color:#{rng.randrange(16**6):06x}}}" for i in range(size // 200)
    )
    head_target, foot_target = size * 3 // 5 - len(css), size * 2 // 5
    state: list[dict] = []
    blob = ""
    while len(blob) < head_target - 1500:
        for _ in range(5):
            state.append(
                {
                    "id": rng.randrange(10**9),
                    "slug": "-".join(rng.choices(words, k=5)).lower(),
                    "headline": " ".join(rng.choices(words, k=9)),
                    "tags": rng.choices(words, k=3),
                    "views": rng.randrange(10**5),
                }
            )
        blob = json.dumps({"props": {"pageProps": {"related": state}}, "buildId": host})
    head = f'<style>{css}</style>\n<script id="__APP_STATE__" type="application/json">{blob}</script>\n'
    cols, foot = [], ""
    while len(foot) < foot_target - 1500:
        links = "".join(
            f'<li><a href="{base}/{"-".join(rng.choices(words, k=3)).lower()}">'
            f"{escape(' '.join(rng.choices(words, k=3)).title())}</a></li>"
            for _ in range(12)
        )
        cols.append(
            f'<div class="sitemap-col"><h4>{escape(rng.choice(words).title())}</h4><ul>{links}</ul></div>'
        )
        foot = '<div class="site-map footer-links" role="navigation">' + "".join(cols) + "</div>"
    return head, foot + "\n"


def build_pages(n: int, seed: int = 0) -> tuple[list[Item], dict[str, dict[str, bytes]]]:
    """``n`` items and, per host, path -> page bytes with ``{{BASE}}`` left in (substituted on serve)."""
    bs = _templates()
    rng = random.Random(seed)
    articles = bs.ARTICLES
    sentences = _sentences(articles)
    words = sorted({w for s in sentences for w in re.findall(r"[A-Za-z]{4,}", s)})
    by_site = {h: [a for a in articles if a["site"] == h] for h in HOSTS}
    items: list[Item] = []
    pages: dict[str, dict[str, bytes]] = {h: {} for h in HOSTS}
    for k in range(n):
        host = HOSTS[k % len(HOSTS)]
        tmpl = dict(by_site[host][(k // len(HOSTS)) % len(by_site[host])])
        body: list[str] = []
        for p in range(rng.randint(6, 12)):
            if p and p % 4 == 0:
                body.append("## " + " ".join(rng.sample(words, 4)).capitalize())
            body.append(" ".join(rng.sample(sentences, rng.randint(2, 4))))
        body.append(f"Media enquiries should quote reference {host.upper()}-{seed}-{k:05d}.")
        topic = " ".join(rng.sample(words, 5))
        day = 1 + k % 28
        stem = Path(tmpl["path"]).stem
        directory = str(Path(tmpl["path"]).parent)
        if stem == "index":  # corp/newsroom/2025/08/<slug>/index.html
            directory, stem = str(Path(directory).parent), Path(directory).name
            rel = f"{directory}/{stem}-{k:05d}/index.html"
        else:
            rel = f"{directory}/{stem}-{k:05d}.html"
        tmpl.update(
            path=rel,
            title=f"{tmpl['title']} ({topic.title()}) #{k}",
            body=body,
            date=f"2025-09-{day:02d}",
        )
        tmpl.pop("table", None)  # tables hang on a template-specific sentence
        i = k // len(HOSTS)
        if host == "uni":
            html, _ = bs.uni_page(tmpl)
        elif host == "sciencepark":
            html, _ = bs.hip_page(tmpl)
        elif host == "newswire":
            html, _ = bs.apn_page(tmpl, i)
        else:
            html, _ = bs.kds_page(tmpl, i)
        target = rng.randint(53_000, 99_000)  # padding lands within ~3 KB below
        missing = max(0, target - len(html.encode()))
        head, foot = _padding(rng, words, missing, BASE_MARK, host)
        html = html.replace("</head>", head + "</head>", 1).replace("</body>", foot + "</body>", 1)
        # template links point at "{{BASE}}/<site>/...": the host root is the site root here
        html = html.replace(f"{BASE_MARK}/{host}/", f"{BASE_MARK}/")
        path = "/" + rel.split("/", 1)[1]
        pages[host][path] = html.encode()
        items.append(Item(k, host, path, tmpl["title"], bs.expected_body(tmpl), tmpl["date"]))
    return items, pages


def render_feed(host: str, base: str, items: list[Item], released_at: dict[int, float]) -> bytes:
    rows = []
    for it in sorted(items, key=lambda i: -i.index):  # newest first, like real feeds
        rows.append(
            f"<item><title>{escape(it.title)}</title><link>{base}{it.path}</link>"
            f'<guid isPermaLink="false">{host}-{it.index}</guid>'
            f"<pubDate>{formatdate(released_at[it.index], usegmt=True)}</pubDate>"
            f"<description>{escape(it.body[:200])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{host} newsroom</title><link>{base}/</link><description>{host} press releases</description>\n"
        + "\n".join(rows)
        + "\n</channel></rss>\n"
    ).encode()


class SiteServer:
    """All hosts of the site, each a ThreadingHTTPServer in a daemon thread."""

    def __init__(
        self, items: list[Item], pages: dict[str, dict[str, bytes]], *, latency: float, release_rate: float
    ) -> None:
        self.items, self.latency, self.release_rate = items, latency, release_rate
        self.lock = threading.Lock()
        self.page_requests = 0
        self.feed_requests = 0
        self.repeats = 0
        self.inflight = {h: 0 for h in HOSTS}
        self.peak_inflight = {h: 0 for h in HOSTS}
        # page-seconds in flight, and first start / last end, per host: mean pages in flight
        self.busy = {h: 0.0 for h in HOSTS}
        self.span: dict[str, list[float]] = {}
        self.seen: set[str] = set()
        self.servers: dict[str, ThreadingHTTPServer] = {}
        self.bases: dict[str, str] = {}
        for host, address in zip(HOSTS, ADDRESSES, strict=True):
            server = ThreadingHTTPServer((address, 0), self._handler(host))
            server.daemon_threads = True
            server.request_queue_size = 128
            self.servers[host] = server
            self.bases[host] = f"http://{address}:{server.server_address[1]}"
        self.pages = {
            h: {p: body.replace(BASE_MARK.encode(), self.bases[h].encode()) for p, body in ps.items()}
            for h, ps in pages.items()
        }
        self.t0 = time.time()
        n = len(items)
        self.released_at = {
            it.index: self.t0 + (it.index / release_rate if release_rate > 0 else 0.0) for it in items
        }
        self._feed_cache: dict[tuple[str, int], bytes] = {}
        self.by_host = {h: [it for it in items if it.host == h] for h in HOSTS}
        self.n = n

    def released(self, host: str, now: float) -> list[Item]:
        return [it for it in self.by_host[host] if self.released_at[it.index] <= now]

    def feed(self, host: str) -> tuple[bytes, str]:
        visible = self.released(host, time.time())
        key = (host, len(visible))
        with self.lock:
            body = self._feed_cache.get(key)
            if body is None:
                body = render_feed(host, self.bases[host], visible, self.released_at)
                self._feed_cache[key] = body
        return body, f'"{host}-{len(visible)}"'

    def _handler(self, host: str) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _send(
                self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path == "/feed.xml":
                    body, etag = site.feed(host)
                    with site.lock:
                        site.feed_requests += 1
                    if self.headers.get("If-None-Match") == etag:
                        self._send(304, b"", "application/rss+xml", {"ETag": etag})
                    else:
                        self._send(200, body, "application/rss+xml; charset=utf-8", {"ETag": etag})
                    return
                if path == "/__stats":
                    with site.lock:
                        stats = {
                            "page_requests": site.page_requests,
                            "feed_requests": site.feed_requests,
                            "repeated_pages": site.repeats,
                            "peak_inflight": site.peak_inflight,
                            "mean_inflight": {
                                h: round(site.busy[h] / (end - start), 2)
                                for h, (start, end) in site.span.items()
                                if end > start
                            },
                        }
                    self._send(200, json.dumps(stats).encode(), "application/json")
                    return
                body = site.pages[host].get(path)
                if body is None:
                    self._send(404, b"not found", "text/plain")
                    return
                with site.lock:
                    site.page_requests += 1
                    key = host + path
                    site.repeats += key in site.seen
                    site.seen.add(key)
                    site.inflight[host] += 1
                    site.peak_inflight[host] = max(site.peak_inflight[host], site.inflight[host])
                    started = time.monotonic()
                    site.span.setdefault(host, [started, started])
                try:
                    if site.latency > 0:
                        time.sleep(site.latency)
                    self._send(200, body, "text/html; charset=utf-8")
                finally:
                    ended = time.monotonic()
                    with site.lock:
                        site.inflight[host] -= 1
                        site.busy[host] += ended - started
                        site.span[host][1] = max(site.span[host][1], ended)

        return Handler

    def start(self) -> SiteServer:
        for server in self.servers.values():
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()

    def describe(self) -> dict:
        return {
            "t0": self.t0,
            "release_rate": self.release_rate,
            "hosts": self.bases,
            "feeds": {h: f"{b}/feed.xml" for h, b in self.bases.items()},
            "items": [
                {
                    "index": it.index,
                    "url": self.bases[it.host] + it.path,
                    "released": self.released_at[it.index],
                }
                for it in self.items
            ],
        }


def loopback_aliases_work() -> bool:
    try:
        with socket.socket() as s:
            s.bind((ADDRESSES[-1], 0))
        return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each page answers")
    parser.add_argument(
        "--release-rate", type=float, default=0.0, help="items/s entering the feeds; 0: all at once"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    items, pages = build_pages(args.items, args.seed)
    site = SiteServer(items, pages, latency=args.latency, release_rate=args.release_rate)
    site.t0 = time.time()  # release clock starts when we are ready to serve
    site.released_at = {
        it.index: site.t0 + (it.index / args.release_rate if args.release_rate > 0 else 0.0) for it in items
    }
    site.start()
    sizes = [len(b) for ps in site.pages.values() for b in ps.values()]
    info = site.describe() | {
        "page_bytes": {"min": min(sizes), "max": max(sizes), "mean": sum(sizes) / len(sizes)}
    }
    print(json.dumps(info), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
