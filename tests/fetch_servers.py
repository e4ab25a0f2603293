"""Loopback-only HTTP servers and a network tripwire for the fetch tests.

Everything here binds 127.0.0.1. The tripwire is a ``sys.audit`` hook: while armed it
records (and blocks, by raising) any ``socket.connect`` to an address outside
127.0.0.0/8 and any ``getaddrinfo`` of a non-numeric name, so a broken guard cannot send
a packet anywhere, and tests can assert that nothing was even attempted.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import select
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_NUMERIC_HOST = re.compile(r"^[0-9a-fA-FxX.:]+$")


class Tripwire:
    """Records forbidden network attempts made while armed; see module docstring."""

    def __init__(self) -> None:
        self.armed = False
        self.attempts: list[str] = []
        sys.addaudithook(self._hook)  # cannot be removed; inert while not armed

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.armed:
            return
        if event == "socket.connect":
            address = args[1]
            if isinstance(address, tuple) and not _is_loopback(str(address[0])):
                self.attempts.append(f"connect {address!r}")
                raise PermissionError(f"tripwire: connect to {address!r} blocked")
        elif event == "socket.getaddrinfo":
            host = args[0]
            host = host.decode() if isinstance(host, bytes) else str(host)
            if not _NUMERIC_HOST.match(host):
                self.attempts.append(f"getaddrinfo {host!r}")
                raise PermissionError(f"tripwire: DNS lookup of {host!r} blocked")

    @contextlib.contextmanager
    def armed_for_test(self) -> Iterator[Tripwire]:
        self.attempts.clear()
        self.armed = True
        try:
            yield self
        finally:
            self.armed = False


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


TRIPWIRE = Tripwire()

Route = Callable[[BaseHTTPRequestHandler], None]


class RouteServer:
    """A threaded http.server on 127.0.0.1 answering from a dict of path -> handler function."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.connections = 0
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                server_self.connections += 1

            def do_GET(self) -> None:
                server_self.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server_self.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    send(self, 404, b"not found")
                else:
                    route(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05})

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> RouteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


def send(
    handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> None:
    """Write a complete response with Content-Length (keep-alive friendly)."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if body:
        handler.wfile.write(body)


ConnHandler = Callable[[socket.socket, threading.Event], None]


class RawServer:
    """A TCP listener on 127.0.0.1 running ``handler(conn, stop)`` per connection; counts them."""

    def __init__(self, handler: ConnHandler | None = None, host: str = "127.0.0.1") -> None:
        assert _is_loopback(host), "test servers listen on loopback only"
        self.host = host
        self._handler = handler or (lambda conn, stop: None)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind((host, 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept_loop)

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._listener], [], [], 0.05)
            if not ready:
                continue
            conn, _ = self._listener.accept()
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,))
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            self._handler(conn, self._stop)

    def __enter__(self) -> RawServer:
        self._accepter.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._accepter.join()
        self._listener.close()
        for thread in self._threads:
            thread.join()


def read_request_head(conn: socket.socket) -> bytes:
    """Read until the blank line ending the request headers (GET has no body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data
