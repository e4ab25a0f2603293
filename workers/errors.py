"""One exception tree for pressroom; every error says what failed and where.

    PressroomError
    ├── ConfigError            feeds.yaml or environment is invalid (file, line, feed, key)
    ├── FetchError             an HTTP request failed (url, reason); ``transient`` drives retries
    │   ├── BlockedURL         scheme or address refused by the network policy
    │   ├── ResponseTooLarge   body exceeded its cap (measured after decompression)
    │   ├── FetchTimeout       connect/read timeout or the total deadline passed
    │   ├── HTTPStatusError    non-2xx/304 answer (status, Retry-After)
    │   ├── TooManyRedirects   redirect chain too long or looping
    │   ├── HostBusy           our own per-host limit had no free slot in time (transient)
    │   ├── RobotsDisallowed   robots.txt forbids the page
    │   └── RobotsUnavailable  robots.txt could not be had right now (transient)
    ├── FeedParseError         bytes are not a usable RSS/Atom feed (feed, reason)
    ├── ExtractError           an article page yielded no usable text (url, reason)
    ├── ModelError             classifier artefact missing, corrupt or incompatible (path, fix)
    └── StreamError            writing to or reading from Redis streams failed (key, reason)

``transient`` tells the retry logic whether trying again later can help: a timeout
or a 503 can, a 404 or a refused address cannot.
"""

from __future__ import annotations


class PressroomError(Exception):
    """Base of every error pressroom raises on purpose."""

    transient: bool = False


class ConfigError(PressroomError):
    """Configuration is invalid; the message names the file, line, feed and key."""

    def __init__(self, message: str, *, source: str = "", line: int | None = None) -> None:
        where = source + (f":{line}" if line is not None else "")
        super().__init__(f"{where}: {message}" if where else message)
        self.source = source
        self.line = line


class FetchError(PressroomError):
    """An HTTP fetch failed; ``url`` is the address that failed (possibly after redirects)."""

    def __init__(self, url: str, reason: str, *, transient: bool = False) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.transient = transient


class BlockedURL(FetchError):
    """Refused before any connection: bad scheme or a forbidden address."""


class ResponseTooLarge(FetchError):
    """The (decompressed) body grew past its cap."""


class FetchTimeout(FetchError):
    """A timeout or the total deadline expired."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason, transient=True)


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, url: str, status: int, *, retry_after: float | None = None) -> None:
        transient = status in (408, 425, 429) or status >= 500
        super().__init__(url, f"HTTP {status}", transient=transient)
        self.status = status
        self.retry_after = retry_after


class TooManyRedirects(FetchError):
    """The redirect chain was too long or looped."""


class HostBusy(FetchError):
    """No request slot for the host in time: ours to wait out, not the publisher's fault."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason, transient=True)


class RobotsDisallowed(FetchError):
    """robots.txt forbids fetching the page; final."""

    def __init__(self, url: str) -> None:
        super().__init__(url, "disallowed by robots.txt")


class RobotsUnavailable(FetchError):
    """robots.txt could not be had right now (5xx, timeout, ...); try the page later."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, f"robots.txt unavailable ({reason}); will retry", transient=True)


class FeedParseError(PressroomError):
    """The fetched bytes are not a feed pressroom can use."""

    def __init__(self, feed: str, reason: str) -> None:
        super().__init__(f"feed {feed!r}: {reason}")
        self.feed = feed
        self.reason = reason


class ExtractError(PressroomError):
    """No usable article text could be extracted from a page."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class ModelError(PressroomError):
    """The classifier artefact cannot be used; the message says what to run."""


class StreamError(PressroomError):
    """A Redis stream operation failed."""
