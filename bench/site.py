"""A synthetic news site for the pipeline benchmark: four publishers on four loopback hosts.

    python bench/site.py --items 500 [--latency 0.1] [--release-rate 0] [--seed 0]

Each publisher lives on its own address (127.0.0.1 .. 127.0.0.4, HTTP/1.1 keep-alive, one
asyncio loop for all four) and serves an RSS feed at ``/feed.xml`` plus its press-release
pages. Pages are rendered once, at start, from the four templates of the test site
(tests/resources/site/build_site.py: navigation, cookie banners, sidebars, comment
threads, teaser lists), with article bodies generated deterministically (``--seed``) from
the sentences of the test articles, and padded to 50-100 KB with the inline JSON/CSS and
footer link lists real CMS pages carry. Serving is a dict lookup and one ``write``: the
server is light (about 0.2 ms of CPU per page), but it shares the machine's cores with the
daemon, so the runner measures its CPU time.

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
import asyncio
import functools
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
from http import HTTPStatus
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
    """All hosts of the site, served by one asyncio event loop in a daemon thread.

    Every handler runs on that thread, so the counters need no lock.

    Why not ``http.server``: its thread per connection and its e-mail-module header parser
    cost about 0.3 ms of CPU per page, taken from the cores the daemon is measured on. The
    publishers stand in for machines elsewhere, so the stand-in should cost as little as it
    can: here a request is a header split and one write of a prepared page.
    """

    def __init__(
        self, items: list[Item], pages: dict[str, dict[str, bytes]], *, latency: float, release_rate: float
    ) -> None:
        self.items, self.latency, self.release_rate = items, latency, release_rate
        self.page_requests = 0
        self.feed_requests = 0
        self.repeats = 0
        self.inflight = {h: 0 for h in HOSTS}
        self.peak_inflight = {h: 0 for h in HOSTS}
        # page-seconds in flight, and first start / last end, per host: mean pages in flight
        self.busy = {h: 0.0 for h in HOSTS}
        self.span: dict[str, list[float]] = {}
        self.seen: set[str] = set()
        self.loop = asyncio.new_event_loop()
        self.servers: dict[str, asyncio.AbstractServer] = {}
        self.bases: dict[str, str] = {}
        for host, address in zip(HOSTS, ADDRESSES, strict=True):
            server = self.loop.run_until_complete(
                asyncio.start_server(functools.partial(self._serve, host), address, 0, backlog=128)
            )
            self.servers[host] = server
            self.bases[host] = f"http://{address}:{server.sockets[0].getsockname()[1]}"
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
        self._thread: threading.Thread | None = None
        self._open: set[asyncio.StreamWriter] = set()  # connections being served, closed on stop

    def released(self, host: str, now: float) -> list[Item]:
        return [it for it in self.by_host[host] if self.released_at[it.index] <= now]

    def feed(self, host: str) -> tuple[bytes, str]:
        visible = self.released(host, time.time())
        key = (host, len(visible))
        body = self._feed_cache.get(key)
        if body is None:
            body = render_feed(host, self.bases[host], visible, self.released_at)
            self._feed_cache[key] = body
        return body, f'"{host}-{len(visible)}"'

    def stats(self) -> dict:
        return {
            "page_requests": self.page_requests,
            "feed_requests": self.feed_requests,
            "repeated_pages": self.repeats,
            "peak_inflight": dict(self.peak_inflight),
            "mean_inflight": {
                h: round(self.busy[h] / (end - start), 2)
                for h, (start, end) in self.span.items()
                if end > start
            },
        }

    async def _serve(self, host: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One connection: requests answered in order, kept open as long as HTTP/1.1 and the client allow."""
        self._open.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *lines = head.decode("latin-1").lstrip("\r\n").split("\r\n")
                parts = request_line.split(" ")
                headers = {}
                for line in lines:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                if (
                    len(parts) != 3
                    or headers.get("content-length", "0") != "0"
                    or "transfer-encoding" in headers
                ):
                    await self._send(writer, 400, b"bad request", "text/plain", close=True)
                    return
                tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
                keep = "close" not in tokens and (parts[2] == "HTTP/1.1" or "keep-alive" in tokens)
                if parts[0] != "GET":  # no body either: a HEAD client would not read one
                    await self._send(writer, 405, b"", "text/plain", {"Allow": "GET"}, close=True)
                    return
                await self._answer(host, parts[1].split("?", 1)[0], headers, writer, close=not keep)
                if not keep:
                    return
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass  # the client went away or sent more header than a benchmark client would
        finally:
            self._open.discard(writer)
            writer.close()

    async def _answer(
        self, host: str, path: str, headers: dict[str, str], writer: asyncio.StreamWriter, *, close: bool
    ) -> None:
        if path == "/feed.xml":
            body, etag = self.feed(host)
            self.feed_requests += 1
            if headers.get("if-none-match") == etag:
                await self._send(writer, 304, b"", "application/rss+xml", {"ETag": etag}, close=close)
            else:
                await self._send(
                    writer, 200, body, "application/rss+xml; charset=utf-8", {"ETag": etag}, close=close
                )
            return
        if path == "/__stats":
            await self._send(writer, 200, json.dumps(self.stats()).encode(), "application/json", close=close)
            return
        body = self.pages[host].get(path)
        if body is None:
            await self._send(writer, 404, b"not found", "text/plain", close=close)
            return
        self.page_requests += 1
        key = host + path
        self.repeats += key in self.seen
        self.seen.add(key)
        self.inflight[host] += 1
        self.peak_inflight[host] = max(self.peak_inflight[host], self.inflight[host])
        started = time.monotonic()
        self.span.setdefault(host, [started, started])
        try:
            if self.latency > 0:
                await asyncio.sleep(self.latency)
            await self._send(writer, 200, body, "text/html; charset=utf-8", close=close)
        finally:
            ended = time.monotonic()
            self.inflight[host] -= 1
            self.busy[host] += ended - started
            self.span[host][1] = max(self.span[host][1], ended)

    @staticmethod
    async def _send(
        writer: asyncio.StreamWriter,
        status: int,
        body: bytes,
        ctype: str,
        extra: dict[str, str] | None = None,
        *,
        close: bool = False,
    ) -> None:
        fields = {"Content-Type": ctype, "Content-Length": str(len(body)), **(extra or {})}
        if close:
            fields["Connection"] = "close"
        head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in fields.items()
        )
        writer.write(head.encode("latin-1") + b"\r\n")
        if body:
            writer.write(body)
        await writer.drain()

    def start(self) -> SiteServer:
        self._thread = threading.Thread(target=self.loop.run_forever, name="site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        async def close_all() -> None:
            for server in self.servers.values():
                server.close()
            for writer in list(self._open):  # idle keep-alive clients see the connection end
                writer.close()
            await asyncio.sleep(0.1)  # their handlers read the end of stream and finish
            for server in self.servers.values():
                await server.wait_closed()

        if self._thread is not None:
            asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(timeout=10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)
            self.loop.close()

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
