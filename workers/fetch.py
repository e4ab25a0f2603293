"""HTTP GET for feeds and article pages: the only place pressroom touches the network.

Safety properties (see ``workers/netguard.py`` for the socket layer):

* only http/https; every hop (initial URL and each redirect) is resolved, checked against
  :mod:`workers.addresses` and connected to exactly the checked address;
* redirects are followed here, not by httpx, so hops are counted, loops detected and the
  scheme of each Location re-checked;
* the body is capped while streaming and after decompression (gzip/deflate are inflated
  here in bounded steps, so a small bomb cannot allocate its expanded size);
* one total deadline covers the whole request, redirects and body included.

A :class:`Fetcher` is thread-safe: one ``httpx.Client`` (one connection pool) serves all
threads of a job.
"""

from __future__ import annotations

import email.utils
import logging
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC
from ipaddress import IPv4Network, IPv6Network
from types import TracebackType

import httpx

from workers.errors import BlockedURL, FetchError, HTTPStatusError, ResponseTooLarge, TooManyRedirects
from workers.netguard import GuardedBackend, GuardedTransport, Resolver, request_scope

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
INFLATE_STEP = 256 * 1024  # max bytes produced per zlib call: bounds memory per step
COMPRESSED_SLACK = 64 * 1024  # compressed data may be a little larger than its plain form
DRAIN_LIMIT = 64 * 1024  # redirect/error bodies up to this size are read to keep the connection


@dataclass(frozen=True)
class FetchPolicy:
    """Network policy for one Fetcher; ``allow_networks`` re-opens ranges refused by default."""

    user_agent: str = "pressroom/0.1 (+https://github.com/pressroom)"
    allow_networks: tuple[IPv4Network | IPv6Network, ...] = ()
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # whole request incl. redirects and body
    max_redirects: int = 5


@dataclass(frozen=True)
class Response:
    """A successful (2xx) or not-modified (304) answer."""

    url: str  # final URL after redirects
    status: int  # 200..299 or 304
    headers: Mapping[str, str] = field(repr=False)  # lower-case names
    body: bytes = field(repr=False)  # decoded (decompressed); b"" for 304

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class Fetcher:
    """Thread-safe HTTP fetcher enforcing :class:`FetchPolicy`; use as a context manager."""

    def __init__(self, policy: FetchPolicy, *, resolver: Resolver | None = None) -> None:
        self.policy = policy
        # The transport is used directly, without httpx.Client: the client would add cookies,
        # environment proxies and its own redirect handling (which raises on odd Locations).
        self._transport = GuardedTransport(
            GuardedBackend(policy.allow_networks, resolver), httpx.create_ssl_context(trust_env=False)
        )
        self._headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    def get(
        self,
        url: str,
        *,
        max_bytes: int,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
    ) -> Response:
        """GET ``url`` following up to ``max_redirects`` redirects; raises FetchError subclasses."""
        policy = self.policy
        deadline = time.monotonic() + policy.total_timeout
        headers = {**self._headers, "Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = _checked_url(url, None)
        seen = {_loop_key(current)}
        for _hop in range(policy.max_redirects + 1):
            location = self._hop(current, headers, deadline, max_bytes)
            if isinstance(location, Response):
                return location
            nxt = _checked_url(location, current)
            if _loop_key(nxt) in seen:
                raise TooManyRedirects(url, f"redirect loop: {current} -> {nxt}")
            seen.add(_loop_key(nxt))
            logger.debug("redirect %s -> %s", current, nxt)
            current = nxt
        raise TooManyRedirects(url, f"more than {policy.max_redirects} redirects (last: {current})")

    def _hop(
        self, url: httpx.URL, headers: dict[str, str], deadline: float, max_bytes: int
    ) -> Response | str:
        """One request: a final Response, or the raw Location to follow next."""
        policy = self.policy
        where = str(url)
        with request_scope(where, deadline, policy.total_timeout):
            timeout = httpx.Timeout(
                connect=policy.connect_timeout,
                read=policy.read_timeout,
                write=policy.read_timeout,
                pool=max(deadline - time.monotonic(), 0.001),
            )
            request = httpx.Request("GET", url, headers=headers, extensions={"timeout": timeout.as_dict()})
            response = self._transport.handle_request(request)
            try:
                status = response.status_code
                if status in REDIRECT_STATUSES and "location" in response.headers:
                    _drain(response)
                    return response.headers["location"]
                if status == 304:
                    return Response(where, 304, _lower(response.headers), b"")
                if 200 <= status < 300:
                    body = _read_body(response, where, max_bytes)
                    return Response(where, status, _lower(response.headers), body)
                _drain(response)
                retry_after = parse_retry_after(response.headers.get("retry-after"), time.time())
                raise HTTPStatusError(where, status, retry_after=retry_after)
            finally:
                response.close()


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), never negative."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive result means "-0000"
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _checked_url(raw: str, base: httpx.URL | None) -> httpx.URL:
    """Parse (and resolve against ``base``) a URL; refuse anything but http(s) with a host."""
    what = raw if base is None else f"{raw} (redirect from {base})"
    try:
        url = httpx.URL(raw) if base is None else base.join(raw)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise BlockedURL(what, f"invalid URL: {exc}") from None
    if url.scheme not in ("http", "https"):
        raise BlockedURL(what, f"scheme {url.scheme!r} is not allowed")
    if not url.host:
        raise BlockedURL(what, "URL has no host")
    # Credentials are not supported; dropping them keeps passwords out of errors and logs.
    # (The copy also drops a default port httpx kept because the scheme was not lower-case.)
    return url.copy_with(userinfo=b"", fragment=None)


def _loop_key(url: httpx.URL) -> str:
    return str(url)


def _lower(headers: httpx.Headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _drain(response: httpx.Response) -> None:
    """Read a small unwanted body so the connection can be reused; big ones are just closed."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) <= DRAIN_LIMIT:
        for _ in response.iter_raw():
            pass


def _read_body(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    """Stream the raw body, inflating it ourselves, and stop as soon as a cap is passed."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        inflater: _Inflater | None = None
        raw_cap = max_bytes
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater(url, encoding)
        raw_cap = max_bytes + COMPRESSED_SLACK
    else:
        raise FetchError(url, f"unsupported content-encoding {encoding!r}")
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > raw_cap:
        raise ResponseTooLarge(url, f"Content-Length {declared} exceeds the {max_bytes}-byte cap")
    body = bytearray()
    raw_total = 0
    for chunk in response.iter_raw():
        raw_total += len(chunk)
        if raw_total > raw_cap:
            raise ResponseTooLarge(url, f"body exceeds the {max_bytes}-byte cap")
        if inflater is None:
            body += chunk
        else:
            inflater.feed(chunk, body, max_bytes)
    if inflater is not None:
        inflater.finish()
    return bytes(body)


class _Inflater:
    """Bounded gzip/deflate decoder: never produces more than the cap (+ one step)."""

    def __init__(self, url: str, encoding: str) -> None:
        self._url = url
        self._gzip = encoding != "deflate"
        self._pending = b""  # deflate: wait for 2 bytes to tell zlib-wrapped from raw
        self._obj: zlib._Decompress | None = zlib.decompressobj(31) if self._gzip else None
        self._seen_data = False

    def feed(self, data: bytes, out: bytearray, cap: int) -> None:
        if self._obj is None:
            self._pending += data
            if len(self._pending) < 2:
                return
            data, self._pending = self._pending, b""
            zlib_header = data[0] & 0x0F == 8 and int.from_bytes(data[:2], "big") % 31 == 0
            self._obj = zlib.decompressobj(15 if zlib_header else -15)  # servers send both kinds
        self._seen_data = True
        while data:
            if self._obj.eof:  # a member ended: another gzip member may follow, else ignore the rest
                data = data.lstrip(b"\0")
                if not (self._gzip and data.startswith(b"\x1f\x8b")):
                    return  # trailing garbage after the stream is ignored, as browsers do
                self._obj = zlib.decompressobj(31)
            try:
                piece = self._obj.decompress(data, min(INFLATE_STEP, cap - len(out) + 1))
            except zlib.error as exc:
                raise FetchError(self._url, f"corrupt compressed body: {exc}") from None
            out += piece
            if len(out) > cap:
                raise ResponseTooLarge(self._url, f"decompressed body exceeds the {cap}-byte cap")
            data = self._obj.unused_data if self._obj.eof else self._obj.unconsumed_tail

    def finish(self) -> None:
        if self._pending or (self._seen_data and self._obj is not None and not self._obj.eof):
            raise FetchError(self._url, "truncated compressed body", transient=True)
