"""The socket layer under httpx: resolve, check, connect to the checked address, with a deadline.

Checking a hostname and then letting the HTTP library resolve it again is a TOCTOU hole
(DNS rebinding). Here the httpcore network backend itself resolves the host, refuses the
whole name if any address is forbidden, and connects to the exact address it checked;
TLS SNI and the Host header still carry the hostname because httpcore passes them on.

Every socket operation also honours a per-request total deadline, so a server that drips
one byte per second (even inside the headers) cannot hold a worker thread past it.
The deadline and the URL for error messages live in a context variable set by
:class:`workers.fetch.Fetcher` for the duration of one request; httpcore performs all
I/O of a sync request in the calling thread, so each thread sees its own request.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any

import httpcore
import httpx
from httpcore import NetworkBackend, NetworkStream

from workers.addresses import check_address
from workers.errors import BlockedURL, FetchError, FetchTimeout

logger = logging.getLogger(__name__)

Resolver = Callable[[str, int], list[str]]
MAX_ADDRESSES = 8  # try at most this many resolved addresses per connection


@dataclass(frozen=True)
class RequestScope:
    """What the socket layer needs to know about the request it is serving."""

    url: str
    deadline: float  # time.monotonic() value
    total_timeout: float

    def budget(self, timeout: float | None, what: str) -> float:
        """Seconds allowed for the next socket operation; raises once the deadline passed."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise FetchTimeout(self.url, f"total deadline of {self.total_timeout:g}s passed ({what})")
        return remaining if timeout is None else min(timeout, remaining)

    def timed_out(self, timeout: float | None, what: str) -> FetchTimeout:
        if self.deadline - time.monotonic() <= 0.001:
            return FetchTimeout(self.url, f"total deadline of {self.total_timeout:g}s passed ({what})")
        after = f" after {timeout:g}s" if timeout else ""
        return FetchTimeout(self.url, f"{what} timed out{after}")


_scope: ContextVar[RequestScope | None] = ContextVar("pressroom_fetch_scope", default=None)


@contextlib.contextmanager
def request_scope(url: str, deadline: float, total_timeout: float) -> Iterator[None]:
    """Bind the deadline and URL of the current request to this thread's socket calls."""
    token = _scope.set(RequestScope(url, deadline, total_timeout))
    try:
        yield
    finally:
        _scope.reset(token)


def _current() -> RequestScope:
    scope = _scope.get()
    # Outside a Fetcher request (not expected) fall back to plain timeouts, no deadline.
    return scope if scope is not None else RequestScope("<unknown url>", float("inf"), float("inf"))


def default_resolver(host: str, port: int) -> list[str]:
    """Resolve with the system resolver (getaddrinfo), keeping order and dropping duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedStream(NetworkStream):
    """A socket whose every read/write is bounded by min(httpcore timeout, deadline)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        scope = _current()
        budget = scope.budget(timeout, "reading")
        try:
            self._sock.settimeout(budget)
            return self._sock.recv(max_bytes)
        except TimeoutError:
            raise scope.timed_out(timeout, "read") from None
        except OSError as exc:
            raise FetchError(scope.url, f"connection error while reading: {exc}", transient=True) from None

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        scope = _current()
        if not buffer:
            return
        try:
            self._sock.settimeout(scope.budget(timeout, "writing"))
            self._sock.sendall(buffer)
        except TimeoutError:
            raise scope.timed_out(timeout, "write") from None
        except OSError as exc:
            raise FetchError(scope.url, f"connection error while writing: {exc}", transient=True) from None

    def close(self) -> None:
        self._sock.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> NetworkStream:
        scope = _current()
        try:
            self._sock.settimeout(scope.budget(timeout, "TLS handshake"))
            tls = ssl_context.wrap_socket(self._sock, server_hostname=server_hostname)
        except TimeoutError:
            self.close()
            raise scope.timed_out(timeout, "TLS handshake") from None
        except ssl.SSLCertVerificationError as exc:
            self.close()
            raise FetchError(scope.url, f"TLS certificate rejected: {exc.verify_message}") from None
        except (ssl.SSLError, OSError) as exc:
            self.close()
            raise FetchError(scope.url, f"TLS handshake failed: {exc}", transient=True) from None
        except BaseException:
            self.close()
            raise
        return GuardedStream(tls)

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object" and isinstance(self._sock, ssl.SSLSocket):
            return self._sock  # offers selected_alpn_protocol(), all httpcore asks of it
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "socket":
            return self._sock
        if info == "is_readable":  # idle pooled connection the server already closed?
            fd = self._sock.fileno()
            if fd == -1:
                return True
            if hasattr(select, "poll"):  # select() cannot watch descriptors >= 1024
                poller = select.poll()
                poller.register(fd, select.POLLIN)
                return bool(poller.poll(0))
            return bool(select.select([fd], [], [], 0)[0])
        return None


class GuardedBackend(NetworkBackend):
    """httpcore backend that only ever connects to addresses :func:`check_address` allowed."""

    def __init__(self, allow: Sequence[IPv4Network | IPv6Network], resolver: Resolver | None = None) -> None:
        self._allow = tuple(allow)
        self._resolver = resolver or default_resolver

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> NetworkStream:
        scope = _current()
        addresses = self._resolve(scope, host, port, timeout)
        error: FetchError | None = None
        for addr in addresses[:MAX_ADDRESSES]:
            try:
                return GuardedStream(self._connect(scope, addr, port, timeout, socket_options))
            except FetchError as exc:
                logger.debug("connect to %s (%s) port %s failed: %s", host, addr, port, exc.reason)
                error = exc
        assert error is not None  # _resolve never returns an empty list
        raise error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> NetworkStream:
        raise BlockedURL(_current().url, "unix sockets are not allowed")

    def _resolve(self, scope: RequestScope, host: str, port: int, timeout: float | None) -> list[str]:
        """Resolve ``host`` and refuse it if ANY address is forbidden (a rebinding name may rotate)."""
        try:
            raw = self._lookup(scope, host, port, timeout)
        except (OSError, UnicodeError) as exc:
            raise FetchError(scope.url, f"cannot resolve {host!r}: {exc}", transient=True) from None
        if not raw:
            raise FetchError(scope.url, f"{host!r} resolved to no address", transient=True)
        checked: list[str] = []
        for item in raw:
            reason = check_address(item, self._allow)
            if reason is not None:
                logger.info("refused %s: %r resolves to %s", scope.url, host, reason)
                raise BlockedURL(scope.url, f"{host!r} resolves to {reason}")
            checked.append(str(ip_address(item.strip())))  # canonical form of what was checked
        return checked

    def _lookup(self, scope: RequestScope, host: str, port: int, timeout: float | None) -> list[str]:
        """Run the (blocking, uninterruptible) resolver in a helper thread so the deadline holds."""
        budget = scope.budget(timeout, "resolving")
        outcome: list[list[str] | BaseException] = []

        def run() -> None:
            try:
                outcome.append(self._resolver(host, port))
            except BaseException as exc:  # handed to the waiting thread
                outcome.append(exc)

        worker = threading.Thread(target=run, name=f"pressroom-resolve-{host}", daemon=True)
        worker.start()
        worker.join(budget)
        if not outcome:  # the helper finishes on its own; its answer is discarded
            raise scope.timed_out(timeout, f"resolving {host!r}")
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    @staticmethod
    def _connect(
        scope: RequestScope, addr: str, port: int, timeout: float | None, options: Iterable[Any] | None
    ) -> socket.socket:
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in options or ():
                sock.setsockopt(*option)
            sock.settimeout(scope.budget(timeout, "connecting"))
            sock.connect((addr, port))
        except TimeoutError:
            sock.close()
            raise scope.timed_out(timeout, f"connect to {addr} port {port}") from None
        except OSError as exc:
            sock.close()
            reason = f"cannot connect to {addr} port {port}: {exc}"
            raise FetchError(scope.url, reason, transient=True) from None
        except BaseException:
            sock.close()
            raise
        return sock


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes], url: str) -> None:
        self._stream = stream
        self._url = url

    def __iter__(self) -> Iterator[bytes]:
        with _map_httpcore_errors(self._url):
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


@contextlib.contextmanager
def _map_httpcore_errors(url: str) -> Iterator[None]:
    """httpcore's own errors (protocol violations, pool timeout) as FetchError subclasses."""
    try:
        yield
    except httpcore.TimeoutException as exc:
        raise FetchTimeout(url, f"timed out: {exc or type(exc).__name__}") from None
    except httpcore.UnsupportedProtocol as exc:
        raise BlockedURL(url, str(exc)) from None
    except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
        raise FetchError(url, f"{type(exc).__name__}: {exc}", transient=True) from None


class GuardedTransport(httpx.BaseTransport):
    """httpx transport over an httpcore pool that uses :class:`GuardedBackend` (HTTP/1.1 only)."""

    def __init__(
        self, backend: GuardedBackend, ssl_context: ssl.SSLContext, max_connections: int = 64
    ) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            max_keepalive_connections=max_connections // 2,
            keepalive_expiry=10.0,
            network_backend=backend,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        url = str(request.url)
        with _map_httpcore_errors(url):
            core_response = self._pool.handle_request(core_request)
        assert isinstance(core_response.stream, Iterable)
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_ResponseStream(core_response.stream, url),
            extensions=core_response.extensions,
        )

    def close(self) -> None:
        self._pool.close()
