"""Fetcher against real servers on 127.0.0.1: statuses, redirects, caps, deadlines, SSRF guard.

Every test runs with the tripwire armed (see ``tests/fetch_servers.py``): a connect to
anything outside 127.0.0.0/8 or a DNS lookup of a name is blocked and fails the test.
"""

from __future__ import annotations

import email.utils
import gzip
import socket
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from ipaddress import ip_network
from pathlib import Path

import pytest

from tests.fetch_servers import (
    TRIPWIRE,
    ConnHandler,
    RawServer,
    Route,
    RouteServer,
    Tripwire,
    read_request_head,
    send,
)
from workers.errors import (
    BlockedURL,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    ResponseTooLarge,
    TooManyRedirects,
)
from workers.fetch import Fetcher, FetchPolicy, parse_retry_after

LOOPBACK = (ip_network("127.0.0.0/8"),)
MiB = 1024 * 1024


@pytest.fixture(autouse=True)
def tripwire() -> Iterator[Tripwire]:
    with TRIPWIRE.armed_for_test() as wire:
        yield wire
        assert wire.attempts == [], "a non-loopback connection or DNS lookup was attempted"


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchPolicy(allow_networks=LOOPBACK, total_timeout=10.0)) as f:
        yield f


def ok_route(body: bytes, headers: dict[str, str] | None = None) -> Route:
    return lambda h: send(h, 200, body, headers)


def redirect_route(location: str, status: int = 302) -> Route:
    return lambda h: send(h, status, b"moved", {"Location": location})


def http_response(head: str, body: bytes = b"") -> bytes:
    return head.replace("\n", "\r\n").encode() + b"\r\n\r\n" + body


# --- statuses and headers -----------------------------------------------------------------


def test_200_returns_body_headers_and_sends_user_agent() -> None:
    policy = FetchPolicy(user_agent="pressroom-test/9", allow_networks=LOOPBACK)
    routes = {"/feed": ok_route(b"<rss/>", {"Content-Type": "application/rss+xml", "ETag": '"v1"'})}
    with RouteServer(routes) as server, Fetcher(policy) as fetcher:
        response = fetcher.get(server.url("/feed"), max_bytes=1000, accept="application/rss+xml")
    assert (response.status, response.body, response.not_modified) == (200, b"<rss/>", False)
    assert response.url == server.url("/feed")
    assert response.headers["content-type"] == "application/rss+xml"
    assert response.headers["etag"] == '"v1"'
    sent = server.requests[0][1]
    assert sent["user-agent"] == "pressroom-test/9"
    assert sent["accept"] == "application/rss+xml"
    assert sent["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in sent and "cookie" not in sent


def test_conditional_get_304(fetcher: Fetcher) -> None:
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"

    def feed(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == '"abc"' and h.headers.get("If-Modified-Since") == stamp:
            send(h, 304, b"", {"ETag": '"abc"'})
        else:
            send(h, 200, b"full body", {"ETag": '"abc"'})

    with RouteServer({"/f": feed}) as server:
        fresh = fetcher.get(server.url("/f"), max_bytes=100)
        cached = fetcher.get(server.url("/f"), max_bytes=100, etag='"abc"', last_modified=stamp)
    assert (fresh.status, fresh.body) == (200, b"full body")
    assert (cached.status, cached.body, cached.not_modified) == (304, b"", True)
    assert cached.headers["etag"] == '"abc"'


@pytest.mark.parametrize(("status", "transient"), [(404, False), (410, False), (500, True), (503, True)])
def test_error_status(fetcher: Fetcher, status: int, transient: bool) -> None:
    with (
        RouteServer({"/x": lambda h: send(h, status, b"nope")}) as server,
        pytest.raises(HTTPStatusError) as info,
    ):
        fetcher.get(server.url("/x"), max_bytes=100)
    err = info.value
    assert (err.status, err.transient, err.retry_after) == (status, transient, None)
    assert err.url == server.url("/x") and server.url("/x") in str(err)


def test_404_for_missing_route(fetcher: Fetcher) -> None:
    with RouteServer({}) as server, pytest.raises(HTTPStatusError) as info:
        fetcher.get(server.url("/missing"), max_bytes=100)
    assert info.value.status == 404


def test_429_retry_after_seconds_and_date(fetcher: Fetcher) -> None:
    later = email.utils.formatdate(time.time() + 60, usegmt=True)
    routes = {
        "/s": lambda h: send(h, 429, b"", {"Retry-After": "120"}),
        "/d": lambda h: send(h, 429, b"", {"Retry-After": later}),
    }
    with RouteServer(routes) as server:
        with pytest.raises(HTTPStatusError) as seconds:
            fetcher.get(server.url("/s"), max_bytes=100)
        with pytest.raises(HTTPStatusError) as date:
            fetcher.get(server.url("/d"), max_bytes=100)
    assert seconds.value.transient and seconds.value.retry_after == 120.0
    assert date.value.retry_after is not None and 55 <= date.value.retry_after <= 61


def test_parse_retry_after() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("", now) is None
    assert parse_retry_after(" 30 ", now) == 30.0
    assert parse_retry_after("-5", now) is None
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(email.utils.formatdate(now + 90, usegmt=True), now) == 90.0
    assert parse_retry_after(email.utils.formatdate(now - 90, usegmt=True), now) == 0.0
    # 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 UTC; a date without zone is taken as GMT.
    assert parse_retry_after("Tue, 14 Nov 2023 22:14:20", now) == 60.0


# --- redirects ----------------------------------------------------------------------------


def test_redirect_chain_relative_and_absolute(fetcher: Fetcher) -> None:
    with RouteServer({}) as server:
        server.routes.update(
            {
                "/a": redirect_route("/b", 301),
                "/b": redirect_route("c", 307),
                "/c": redirect_route(server.url("/d"), 308),
                "/d": ok_route(b"final"),
            }
        )
        response = fetcher.get(server.url("/a"), max_bytes=100)
    assert (response.body, response.url) == (b"final", server.url("/d"))
    assert [path for path, _ in server.requests] == ["/a", "/b", "/c", "/d"]
    assert server.connections == 1  # small redirect bodies are drained, the connection is reused


def test_redirect_loop(fetcher: Fetcher) -> None:
    routes = {"/x": redirect_route("/y"), "/y": redirect_route("/x#again")}
    with RouteServer(routes) as server, pytest.raises(TooManyRedirects, match="loop") as info:
        fetcher.get(server.url("/x"), max_bytes=100)
    assert not info.value.transient
    assert len(server.requests) == 2


@pytest.mark.parametrize(("hops", "ok"), [(5, True), (6, False)])
def test_max_redirects(fetcher: Fetcher, hops: int, ok: bool) -> None:
    routes = {f"/r{i}": redirect_route(f"/r{i + 1}") for i in range(hops)}
    routes[f"/r{hops}"] = ok_route(b"end")
    with RouteServer(routes) as server:
        if ok:
            assert fetcher.get(server.url("/r0"), max_bytes=100).body == b"end"
        else:
            with pytest.raises(TooManyRedirects, match="more than 5 redirects"):
                fetcher.get(server.url("/r0"), max_bytes=100)
            assert len(server.requests) == 6


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)"])
def test_redirect_to_forbidden_scheme(fetcher: Fetcher, target: str) -> None:
    with RouteServer({"/go": redirect_route(target)}) as server, pytest.raises(BlockedURL, match="scheme"):
        fetcher.get(server.url("/go"), max_bytes=100)


@pytest.mark.parametrize(
    ("forbidden", "words"),
    [
        ("169.254.169.254", "cloud metadata"),
        ("10.0.0.1", "private address 10.0.0.1"),
        ("::ffff:127.0.0.2", "IPv4-mapped"),
    ],
)
def test_redirect_to_name_resolving_to_forbidden_address(
    forbidden: str, words: str, tripwire: Tripwire
) -> None:
    """Only 127.0.0.1 is allowed; the redirect target's name resolves somewhere forbidden."""
    names = {"internal.test": [forbidden]}
    policy = FetchPolicy(allow_networks=(ip_network("127.0.0.1/32"),))
    with (
        RawServer(host="127.0.0.2") as trap,
        RouteServer({}) as server,
        Fetcher(policy, resolver=lambda host, port: names.get(host, [host])) as fetcher,
    ):
        server.routes["/go"] = redirect_route(f"http://internal.test:{trap.port}/")
        with pytest.raises(BlockedURL, match=r"internal\.test") as info:
            fetcher.get(server.url("/go"), max_bytes=100)
    assert words in info.value.reason
    assert info.value.url == f"http://internal.test:{trap.port}/"  # the hop that was refused
    assert trap.connections == 0 and tripwire.attempts == []


def test_redirect_to_forbidden_loopback_alias_never_connects() -> None:
    """127.0.0.2 hosts a live listener; it stays untouched unless the policy allows it."""
    names = {"rebind.test": ["127.0.0.2"]}

    def resolver(host: str, port: int) -> list[str]:
        return names.get(host, [host])

    with RawServer(_answer_200, host="127.0.0.2") as trap, RouteServer({}) as server:
        server.routes["/go"] = redirect_route(f"http://rebind.test:{trap.port}/")
        narrow = FetchPolicy(allow_networks=(ip_network("127.0.0.1/32"),))
        with Fetcher(narrow, resolver=resolver) as fetcher, pytest.raises(BlockedURL, match="loopback"):
            fetcher.get(server.url("/go"), max_bytes=100)
        assert trap.connections == 0
        with Fetcher(FetchPolicy(allow_networks=LOOPBACK), resolver=resolver) as fetcher:
            assert fetcher.get(server.url("/go"), max_bytes=100).body == b"ok"  # positive control
        assert trap.connections == 1


# --- the address guard with real resolution -----------------------------------------------


def _answer_200(conn: socket.socket, stop: threading.Event) -> None:
    read_request_head(conn)
    conn.sendall(http_response("HTTP/1.1 200 OK\nContent-Length: 2\nConnection: close", b"ok"))


NUMERIC_FORMS = [
    "127.0.0.1",
    "2130706433",
    "0x7f.1",
    "0x7f000001",
    "127.1",
    "0177.0.0.1",
    "017700000001",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "0",
    "0.0.0.0",
    "[::]",
]


@pytest.mark.parametrize("host", NUMERIC_FORMS)
def test_numeric_loopback_forms_refused_before_connecting(host: str) -> None:
    with RawServer(_answer_200) as listener, Fetcher(FetchPolicy()) as fetcher, pytest.raises(BlockedURL):
        fetcher.get(f"http://{host}:{listener.port}/", max_bytes=100)
    assert listener.connections == 0


@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "0x7f.1", "127.1"])
def test_numeric_forms_reach_loopback_when_allowed(host: str) -> None:
    """Positive control: the same URLs do connect once 127.0.0.0/8 is allowed."""
    with RawServer(_answer_200) as listener, Fetcher(FetchPolicy(allow_networks=LOOPBACK)) as fetcher:
        assert fetcher.get(f"http://{host}:{listener.port}/", max_bytes=100).body == b"ok"
    assert listener.connections == 1


def test_any_forbidden_address_refuses_the_name() -> None:
    """A name with one good and one bad address (a rebinding pattern) is refused outright."""
    resolver = lambda host, port: ["127.0.0.1", "169.254.169.254"]  # noqa: E731
    with (
        RawServer(_answer_200) as listener,
        Fetcher(FetchPolicy(allow_networks=LOOPBACK), resolver=resolver) as fetcher,
        pytest.raises(BlockedURL, match="cloud metadata"),
    ):
        fetcher.get(f"http://mixed.test:{listener.port}/", max_bytes=100)
    assert listener.connections == 0


def test_resolver_garbage_is_refused() -> None:
    with (
        RawServer(_answer_200) as listener,
        Fetcher(FetchPolicy(allow_networks=LOOPBACK), resolver=lambda h, p: ["127.1"]) as fetcher,
        pytest.raises(BlockedURL, match="not an IP address"),
    ):
        fetcher.get(f"http://odd.test:{listener.port}/", max_bytes=100)
    assert listener.connections == 0


def test_name_connects_to_checked_ip_with_hostname_in_host_header() -> None:
    with (
        RouteServer({"/": ok_route(b"hi")}) as server,
        Fetcher(FetchPolicy(allow_networks=LOOPBACK), resolver=lambda h, p: ["127.0.0.1"]) as fetcher,
    ):
        response = fetcher.get(f"http://news.test:{server.port}/", max_bytes=100)
    assert response.body == b"hi"
    assert server.requests[0][1]["host"] == f"news.test:{server.port}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://user:pw@127.0.0.1:8080/a#frag", "http://127.0.0.1:8080/a"),
        ("http://127.0.0.1/a#", "http://127.0.0.1/a"),
        ("http://127.0.0.1/@home?to=a@b", "http://127.0.0.1/@home?to=a@b"),
        ("HTTP://Example.TEST/a b?q=é", "http://example.test/a%20b?q=%C3%A9"),
        ("HTTP://example.test:80/a", "http://example.test/a"),  # the default port goes
    ],
)
def test_checked_url_drops_only_credentials_and_fragment(raw: str, expected: str) -> None:
    from workers.fetch import _checked_url

    assert str(_checked_url(raw, None)) == expected


def test_credentials_are_not_sent_or_reported(fetcher: Fetcher) -> None:
    with RouteServer({"/x": lambda h: send(h, 500)}) as server, pytest.raises(HTTPStatusError) as info:
        fetcher.get(f"http://user:s3cret@127.0.0.1:{server.port}/x", max_bytes=100)
    assert "s3cret" not in str(info.value)
    assert "authorization" not in server.requests[0][1]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://127.0.0.1/",
        "data:text/plain,hi",
        "gopher://127.0.0.1/",
        "http:///nohost",
        "not a url",
    ],
)
def test_scheme_and_url_refused(fetcher: Fetcher, url: str) -> None:
    with pytest.raises(BlockedURL) as info:
        fetcher.get(url, max_bytes=100)
    assert not info.value.transient and url in str(info.value)


def test_dns_failure_is_transient() -> None:
    def failing(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with Fetcher(FetchPolicy(), resolver=failing) as fetcher, pytest.raises(FetchError) as info:
        fetcher.get("http://no-such-host.test/feed", max_bytes=100)
    assert type(info.value) is FetchError and info.value.transient
    assert "no-such-host.test" in str(info.value) and "Name or service not known" in str(info.value)


def test_slow_dns_hits_total_deadline() -> None:
    release = threading.Event()

    def slow(host: str, port: int) -> list[str]:
        release.wait(10)
        return ["127.0.0.1"]

    policy = FetchPolicy(allow_networks=LOOPBACK, total_timeout=0.5)
    try:
        with Fetcher(policy, resolver=slow) as fetcher, pytest.raises(FetchTimeout, match="resolving"):
            fetcher.get("http://slow-dns.test/", max_bytes=100)
    finally:
        release.set()


def test_connection_refused_is_transient(fetcher: Fetcher) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the fetch: nobody listens there
    with pytest.raises(FetchError, match="cannot connect") as info:
        fetcher.get(f"http://127.0.0.1:{port}/", max_bytes=100)
    assert type(info.value) is FetchError and info.value.transient


def test_tls_certificate_rejected_and_sni_is_the_hostname(tmp_path: Path) -> None:
    ssl = pytest.importorskip("ssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    try:
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-days",
                "1",
                "-subj",
                "/CN=feeds.test",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("openssl CLI not available")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    seen_sni: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: seen_sni.append(name)

    def tls_server(conn: socket.socket, stop: threading.Event) -> None:
        with context.wrap_socket(conn, server_side=True):
            pass

    with (
        RawServer(tls_server) as server,
        Fetcher(FetchPolicy(allow_networks=LOOPBACK), resolver=lambda h, p: ["127.0.0.1"]) as fetcher,
        pytest.raises(FetchError, match="certificate") as info,
    ):
        fetcher.get(f"https://feeds.test:{server.port}/", max_bytes=100)
    assert not info.value.transient
    assert seen_sni == ["feeds.test"]


# --- body caps and decoding ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate-zlib", "deflate-raw", "identity"])
def test_content_encodings_decoded(fetcher: Fetcher, encoding: str) -> None:
    plain = b"<html>" + b"news " * 20000 + b"</html>"
    if encoding in ("gzip", "x-gzip"):
        body, header = gzip.compress(plain), encoding
    elif encoding == "deflate-zlib":
        body, header = zlib.compress(plain), "deflate"
    elif encoding == "deflate-raw":
        raw = zlib.compressobj(wbits=-15)
        body, header = raw.compress(plain) + raw.flush(), "deflate"
    else:
        body, header = plain, "identity"
    with RouteServer({"/p": ok_route(body, {"Content-Encoding": header})}) as server:
        assert fetcher.get(server.url("/p"), max_bytes=len(plain)).body == plain


def test_multi_member_gzip_and_trailing_padding(fetcher: Fetcher) -> None:
    body = gzip.compress(b"first ") + gzip.compress(b"second") + b"\0\0junk"
    with RouteServer({"/p": ok_route(body, {"Content-Encoding": "gzip"})}) as server:
        assert fetcher.get(server.url("/p"), max_bytes=100).body == b"first second"


def test_gzip_members_split_across_chunks(fetcher: Fetcher) -> None:
    """Member boundaries at chunk edges and trailing garbage spread over several reads."""
    members = gzip.compress(b"a" * 3000) + gzip.compress(b"b" * 3000)

    def chunked(conn: socket.socket, stop: threading.Event) -> None:
        read_request_head(conn)
        conn.sendall(http_response("HTTP/1.1 200 OK\nContent-Encoding: gzip\nConnection: close"))
        first_end = len(gzip.compress(b"a" * 3000))
        for piece in (members[:first_end], members[first_end:], b"\0\0", b"trailing", b"junk"):
            conn.sendall(piece)
            stop.wait(0.02)  # separate TCP reads

    with RawServer(chunked) as server:
        assert fetcher.get(server.url("/"), max_bytes=6000).body == b"a" * 3000 + b"b" * 3000


def test_body_exactly_at_cap_ok_one_over_refused(fetcher: Fetcher) -> None:
    routes = {
        "/p": ok_route(b"x" * 1000),
        "/g": ok_route(gzip.compress(b"y" * 1001), {"Content-Encoding": "gzip"}),
    }
    with RouteServer(routes) as server:
        assert len(fetcher.get(server.url("/p"), max_bytes=1000).body) == 1000
        with pytest.raises(ResponseTooLarge):
            fetcher.get(server.url("/g"), max_bytes=1000)


@pytest.mark.parametrize(
    ("body", "encoding", "message"),
    [
        (b"\x1f\x8b\x08\x00garbage-not-gzip-at-all", "gzip", "corrupt"),
        (gzip.compress(b"z" * 5000)[:-8], "gzip", "truncated"),  # CRC and size trailer cut off
        (b"\x78", "deflate", "truncated"),
        (b"anything", "br", "unsupported content-encoding"),
        (b"anything", "gzip, gzip", "unsupported content-encoding"),
    ],
    ids=["corrupt-gzip", "truncated-gzip", "one-byte-deflate", "brotli", "stacked"],
)
def test_bad_encodings(fetcher: Fetcher, body: bytes, encoding: str, message: str) -> None:
    with (
        RouteServer({"/p": ok_route(body, {"Content-Encoding": encoding})}) as server,
        pytest.raises(FetchError, match=message),
    ):
        fetcher.get(server.url("/p"), max_bytes=10 * MiB)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """200 MiB of zeros as ~200 KiB of gzip, built in 1 MiB steps to keep memory flat."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MiB)
    parts = [packer.compress(block) for _ in range(200)]
    return b"".join(parts) + packer.flush()


def test_decompression_bomb_stopped_at_cap_with_small_memory(fetcher: Fetcher, gzip_bomb: bytes) -> None:
    assert len(gzip_bomb) < 300 * 1024
    headers = {"Content-Encoding": "gzip", "Content-Type": "text/html"}
    with RouteServer({"/bomb": ok_route(gzip_bomb, headers)}) as server:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLarge, match="decompressed"):
                fetcher.get(server.url("/bomb"), max_bytes=5 * MiB)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 30 * MiB, f"peak {peak / MiB:.1f} MiB"


def _endless_body(conn: socket.socket, stop: threading.Event) -> None:
    read_request_head(conn)
    conn.sendall(http_response("HTTP/1.1 200 OK\nContent-Type: text/html\nConnection: close"))
    chunk = b"a" * 65536
    for _ in range(4096):  # 256 MiB at most, in case the client never stops
        if stop.is_set():
            return
        conn.sendall(chunk)


def test_huge_body_without_content_length_stopped_at_cap(fetcher: Fetcher) -> None:
    with RawServer(_endless_body) as server, pytest.raises(ResponseTooLarge, match="cap"):
        fetcher.get(server.url("/"), max_bytes=MiB)


def test_content_length_over_cap_refused_before_body() -> None:
    """The server sends headers only, then stalls: reading the body would time out instead."""

    def claim_big(conn: socket.socket, stop: threading.Event) -> None:
        read_request_head(conn)
        conn.sendall(http_response(f"HTTP/1.1 200 OK\nContent-Length: {50 * MiB}"))
        stop.wait(5)

    policy = FetchPolicy(allow_networks=LOOPBACK, total_timeout=2.0)
    with (
        RawServer(claim_big) as server,
        Fetcher(policy) as fetcher,
        pytest.raises(ResponseTooLarge, match="Content-Length"),
    ):
        fetcher.get(server.url("/"), max_bytes=MiB)


# --- timeouts -----------------------------------------------------------------------------


def _dripper(head_first: bool) -> ConnHandler:
    def handler(conn: socket.socket, stop: threading.Event) -> None:
        read_request_head(conn)
        response = http_response("HTTP/1.1 200 OK\nContent-Length: 100000", b"d" * 100000)
        if head_first:
            head_end = response.index(b"\r\n\r\n") + 4
            conn.sendall(response[:head_end])
            response = response[head_end:]
        for byte in response:
            if stop.wait(0.2):
                return
            conn.sendall(bytes([byte]))

    return handler


@pytest.mark.parametrize("head_first", [False, True], ids=["drip-in-headers", "drip-in-body"])
def test_slow_drip_hits_total_deadline(head_first: bool) -> None:
    policy = FetchPolicy(allow_networks=LOOPBACK, read_timeout=1.0, total_timeout=1.5)
    with RawServer(_dripper(head_first)) as server, Fetcher(policy) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchTimeout, match="total deadline") as info:
            fetcher.get(server.url("/"), max_bytes=MiB)
        elapsed = time.monotonic() - started
    assert info.value.transient
    assert elapsed < 1.5 + 1.0  # generous slack: this checks the deadline holds, not speed


def test_read_timeout() -> None:
    def stall(conn: socket.socket, stop: threading.Event) -> None:
        read_request_head(conn)
        stop.wait(5)

    policy = FetchPolicy(allow_networks=LOOPBACK, read_timeout=0.3, total_timeout=5.0)
    with (
        RawServer(stall) as server,
        Fetcher(policy) as fetcher,
        pytest.raises(FetchTimeout, match="read timed out"),
    ):
        fetcher.get(server.url("/"), max_bytes=100)


def test_idle_connection_closed_by_server_is_not_reused(fetcher: Fetcher) -> None:
    """The server answers keep-alive style, then hangs up: the pool must notice and reconnect."""

    def once(conn: socket.socket, stop: threading.Event) -> None:
        read_request_head(conn)
        conn.sendall(http_response("HTTP/1.1 200 OK\nContent-Length: 2", b"ok"))

    with RawServer(once) as server:
        assert fetcher.get(server.url("/"), max_bytes=10).body == b"ok"
        time.sleep(0.1)  # let the close arrive
        assert fetcher.get(server.url("/"), max_bytes=10).body == b"ok"
    assert server.connections == 2


# --- concurrency --------------------------------------------------------------------------


def test_one_fetcher_many_threads(fetcher: Fetcher) -> None:
    routes = {f"/p{i}": ok_route(f"page {i}".encode() * 100) for i in range(8)}
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            for _ in range(5):
                results[i] = fetcher.get(server.url(f"/p{i}"), max_bytes=10_000).body
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    with RouteServer(routes) as server:
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert results == {i: f"page {i}".encode() * 100 for i in range(8)}
    assert len(server.requests) == 40
    assert server.connections <= 16  # keep-alive connections were reused across requests
