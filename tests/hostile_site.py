"""A hostile web site on 127.0.0.1, loopback traps, and a network tripwire for subprocesses.

:class:`HostileSite` serves every kind of bad feed pressroom must survive (bombs, drips,
redirect tricks, entity attacks, forbidden links) next to a few good feeds, so one
feeds.yaml can mix them. :class:`Trap` is a listener that must never be reached: it
counts connections. :func:`run_guarded` runs the `pressroom` CLI with an audit hook that
blocks and records any connection outside 127.0.0.0/8 and any DNS lookup, so even a
broken guard cannot send a packet off the machine (used by tests/test_hostile.py and
bench/hostile_acceptance.py).
"""

from __future__ import annotations

import gzip
import ipaddress
import os
import socket
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.sites import loopback_server

FEEDS_DIR = Path(__file__).parent / "resources" / "feeds"
TRIPWIRE_ENV = "PRESSROOM_TEST_TRIPWIRE"
RSS = "application/rss+xml; charset=utf-8"

ARTICLE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<main><article><h1>{title}</h1><p class="date">Published 2 October 2025</p>
{paragraphs}
</article></main><footer>Copyright 2025 Harbour Releases Ltd. All rights reserved.</footer></body></html>"""

ARTICLES = {
    "/releases/shared.html": (
        "Harbour Robotics Signs Memorandum of Understanding with Kowloon Polytechnic",
        [
            "Harbour Robotics today signed a memorandum of understanding with Kowloon Polytechnic "
            "to set up a joint laboratory for warehouse automation and service robots.",
            "Under the agreement the two partners will share a testing floor of two thousand square "
            "metres, exchange researchers and co-supervise twenty engineering students each year.",
            "The memorandum runs for three years and covers joint grant applications, shared "
            "equipment and a programme of public demonstrations for local logistics companies.",
            "Both sides said the first projects would target picking robots that work safely next "
            "to people, and sensors that let older warehouses be automated without rebuilding them.",
        ],
    ),
    "/releases/conditional.html": (
        "Tidewater Foundation Opens Applications for its Coastal Research Fund",
        [
            "The Tidewater Foundation has opened applications for a new coastal research fund "
            "worth forty million dollars over five years.",
            "Grants of up to two million dollars will support teams studying mangrove restoration, "
            "storm surge forecasting and the recovery of fisheries along the southern coast.",
            "Universities, research institutes and registered charities may apply, and projects led "
            "by early-career researchers will receive a dedicated share of the funding.",
            "Applications close at the end of January, and the first awards will be announced in "
            "the spring after review by an independent panel of international scientists.",
        ],
    ),
}


def article_html(path: str) -> bytes:
    title, paragraphs = ARTICLES[path]
    return ARTICLE.format(title=title, paragraphs="\n".join(f"<p>{p}</p>" for p in paragraphs)).encode()


def rss(title: str, links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>item {i}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Thu, 02 Oct 2025 10:00:00 +0800</pubDate></item>"
        for i, link in enumerate(links)
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'
    return xml.encode()


class Trap:
    """A loopback listener that nothing may reach: it accepts, counts and closes."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        assert ipaddress.ip_address(host).is_loopback, "traps listen on loopback only"
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.host = host
        self._sock = socket.socket(family, socket.SOCK_STREAM)
        self._sock.bind((host, 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.port = int(self._sock.getsockname()[1])
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def start(self) -> Trap:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._sock.close()


class HostileSite:
    """Bad feeds and a few good ones; ``requests`` counts paths, ``headers`` keeps the last ones."""

    def __init__(self, trap: Trap, trap6: Trap | None = None, *, bomb_mib: int = 64) -> None:
        self.trap, self.trap6 = trap, trap6
        self.requests: Counter[str] = Counter()
        self.headers: dict[str, list[dict[str, str]]] = {}
        self._bomb = gzip.compress(b"\0" * (bomb_mib * 2**20), compresslevel=9)
        self._server, self._thread = loopback_server(self._serve)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._closing = threading.Event()

    def start(self) -> HostileSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def forbidden_links(self) -> list[str]:
        """Entry links that must never be fetched (with 127.0.0.0/8 allowed for the site)."""
        links = [
            "http://10.0.0.1/internal",
            "http://169.254.169.254/latest/meta-data/iam/",
            "http://192.168.1.1/admin",
            "http://[::ffff:10.0.0.1]/mapped",
            f"http://0.0.0.0:{self.trap.port}/unspecified",
            "javascript:alert(document.cookie)",
            "file:///etc/passwd",
        ]
        if self.trap6 is not None:
            links.append(f"http://[::1]:{self.trap6.port}/v6-loopback")
        return links

    # feed name -> (path on this site, reason fragment expected in `pressroom status`)
    def hostile_feeds(self) -> dict[str, tuple[str, str]]:
        feeds = {
            "h-private": ("http://10.0.0.1/feed.xml", "private address 10.0.0.1"),
            "h-metadata": ("http://169.254.169.254/latest/meta-data/", "link-local (cloud metadata)"),
            "h-mapped": ("http://[::ffff:169.254.169.254]/latest/meta-data/", "IPv4-mapped"),
            "h-unspecified": (f"http://0.0.0.0:{self.trap.port}/feed.xml", "unspecified"),
            "h-redirect-metadata": (self.url("redirect-metadata.xml"), "link-local (cloud metadata)"),
            "h-redirect-unspecified": (self.url("redirect-unspecified.xml"), "unspecified"),
            "h-redirect-loop": (self.url("loop-a.xml"), "redirect loop"),
            "h-bomb": (self.url("bomb.xml"), "exceeds"),
            "h-huge": (self.url("huge.xml"), "exceeds"),
            "h-drip": (self.url("drip.xml"), "deadline"),
            "h-500": (self.url("status500.xml"), "HTTP 500"),
            "h-404": (self.url("missing.xml"), "HTTP 404"),
            "h-html": (self.url("page.html"), "not an RSS or Atom feed"),
            "h-empty": (self.url("empty.xml"), "empty response body"),
            "h-malformed": (self.url("malformed.xml"), "feed"),
            "h-billion-laughs": (self.url("billion-laughs.xml"), "declares XML entities"),
            "h-xxe": (self.url("xxe.xml"), "declares XML entities"),
        }
        if self.trap6 is not None:
            feeds["h-v6-loopback"] = (f"http://[::1]:{self.trap6.port}/feed.xml", "loopback address ::1")
        return feeds

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?")[0]
        self.requests[path] += 1
        self.headers.setdefault(path, []).append({k.lower(): v for k, v in handler.headers.items()})
        simple: dict[str, tuple[int, str, bytes]] = {
            "/status500.xml": (500, "text/plain", b"internal error"),
            "/page.html": (
                200,
                "text/html",
                b"<html><body><h1>Welcome</h1><p>No feed here.</p></body></html>",
            ),
            "/empty.xml": (200, RSS, b""),
            "/bad-links.xml": (200, RSS, rss("links to nowhere good", self.forbidden_links())),
            "/dup-a.xml": (200, RSS, rss("mirror a", [self.url("releases/shared.html")])),
            "/dup-b.xml": (200, RSS, rss("mirror b", [self.url("releases/shared.html")])),
        }
        for name in ("malformed", "billion-laughs", "xxe"):
            simple[f"/{name}.xml"] = (200, RSS, (FEEDS_DIR / f"{name}.xml").read_bytes())
        for article in ARTICLES:
            simple[article] = (200, "text/html; charset=utf-8", article_html(article))
        redirects = {
            "/redirect-metadata.xml": "http://169.254.169.254/latest/meta-data/",
            "/redirect-unspecified.xml": f"http://0.0.0.0:{self.trap.port}/feed.xml",
            "/loop-a.xml": "/loop-b.xml",
            "/loop-b.xml": "/loop-a.xml",
        }
        if path in simple:
            status, content_type, body = simple[path]
            _reply(handler, status, body, {"Content-Type": content_type})
        elif path in redirects:
            _reply(handler, 302, b"", {"Location": redirects[path]})
        elif path == "/conditional.xml":
            if handler.headers.get("If-None-Match") == '"v1"':
                _reply(handler, 304, b"", {"ETag": '"v1"'})
            else:
                body = rss("conditional", [self.url("releases/conditional.html")])
                _reply(handler, 200, body, {"Content-Type": RSS, "ETag": '"v1"'})
        elif path == "/bomb.xml":
            headers = {"Content-Type": RSS, "Content-Encoding": "gzip"}
            _reply(handler, 200, self._bomb, headers)
        elif path == "/huge.xml":
            self._stream(handler, b"<!-- padding -->" * 4096, pause=0.0, limit=512 * 2**20)
        elif path == "/drip.xml":
            self._stream(handler, b"<", pause=0.3, limit=600)
        else:
            _reply(handler, 404, b"not found", {"Content-Type": "text/plain"})

    def _stream(self, handler: BaseHTTPRequestHandler, chunk: bytes, *, pause: float, limit: int) -> None:
        """No Content-Length: the body just keeps coming until the client hangs up."""
        handler.send_response(200)
        handler.send_header("Content-Type", RSS)
        handler.end_headers()
        handler.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>')
        sent = 0
        while sent < limit and not self._closing.is_set():
            handler.wfile.write(chunk)
            handler.wfile.flush()
            sent += len(chunk)
            if pause:
                time.sleep(pause)


def _reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if body:
        handler.wfile.write(body)


def ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


# --- tripwire for subprocesses ------------------------------------------------------------


def _tripwire(record: Path) -> Any:
    def hook(event: str, args: tuple[Any, ...]) -> None:
        what = None
        if event == "socket.connect":
            address = args[1]
            if isinstance(address, tuple):
                host = str(address[0]).split("%", 1)[0]
                try:
                    ip = ipaddress.ip_address(host)
                except ValueError:
                    ip = None
                # IPv4-mapped loopback (::ffff:127.x) is loopback too, as far as packets go
                mapped = getattr(ip, "ipv4_mapped", None)
                if ip is None or not (ip.is_loopback or (mapped is not None and mapped.is_loopback)):
                    what = f"connect {address!r}"
        elif event == "socket.getaddrinfo":
            host = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
            if not _numeric(host):
                what = f"getaddrinfo {host!r}"  # a name: a DNS query could leave the machine
        if what is not None:
            with record.open("a") as handle:
                handle.write(f"{os.getpid()} {what}\n")
            raise PermissionError(f"tripwire: {what} blocked")

    return hook


def _numeric(host: str) -> bool:
    """An address getaddrinfo parses itself (inet_aton forms like 2130706433 included): no DNS."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return True
    except ValueError:
        pass
    try:
        socket.inet_aton(host)
        return True
    except OSError:
        return False


def run_guarded() -> None:
    """`python -c 'from tests.hostile_site import run_guarded; run_guarded()' ARGS...` is
    `pressroom ARGS...` with the tripwire armed (forked workers inherit the hook)."""
    record = Path(os.environ[TRIPWIRE_ENV])
    record.touch()
    sys.addaudithook(_tripwire(record))
    from workers.cli import main

    main(args=sys.argv[1:], prog_name="pressroom")
