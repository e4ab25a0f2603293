"""A real HTTP server on 127.0.0.1 for pipeline tests.

It serves ``tests/resources/site`` (replacing ``{{BASE}}`` with its own origin), plus
routes a test adds, and logs every request so tests can assert what was fetched.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE_ROOT = Path(__file__).parent / "resources" / "site"
CONTENT_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


def loopback_server(
    serve: Callable[[BaseHTTPRequestHandler], None],
) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """A threaded HTTP server on 127.0.0.1 (any free port) whose GETs are answered by
    ``serve``, and the thread to run it. A client that hangs up mid-answer (a killed
    worker, a size cap) is normal here, not an error to print."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                serve(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    return server, threading.Thread(target=server.serve_forever, daemon=True)


@dataclass
class Route:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class Site:
    def __init__(self, root: Path = SITE_ROOT, *, latency: float = 0.0) -> None:
        self.root = root
        self.latency = latency  # seconds before each page answers (not feeds)
        self.routes: dict[str, Route] = {}
        self.requests: Counter[str] = Counter()
        self.request_headers: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()
        self._server, self._thread = loopback_server(self._serve)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Site:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add(self, path: str, body: bytes | str, status: int = 200, content_type: str = "text/html") -> None:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(
            data.replace(b"{{BASE}}", self.base.encode()), status, {"Content-Type": content_type}
        )

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def _lookup(self, path: str) -> Route | None:
        if path in self.routes:
            return self.routes[path]
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_file() or self.root.resolve() not in target.parents:
            return None
        body = target.read_bytes().replace(b"{{BASE}}", self.base.encode())
        content_type = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        return Route(body, 200, {"Content-Type": content_type})

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?")[0]
        with self._lock:
            self.requests[path] += 1
            self.request_headers[path] = {k.lower(): v for k, v in handler.headers.items()}
        route = self._lookup(path)
        if self.latency and not path.endswith((".xml", ".atom")):
            time.sleep(self.latency)
        if route is None:
            route = Route(b"not found", 404, {"Content-Type": "text/plain"})
        handler.send_response(route.status)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(route.body)))
        handler.end_headers()
        handler.wfile.write(route.body)
