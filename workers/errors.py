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
    ├── SourceParseError       a listing page or sitemap cannot be read (source, reason)
    ├── ExtractError           an article page yielded no usable text (url, reason)
    │   └── PageRefused        a cheap check refused the page before extraction (too many elements)
    ├── BudgetExceeded         parsing outside bytes used up its CPU/memory budget and was stopped
    ├── SandboxError           the process parsing outside bytes failed otherwise (crash, killed)
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


class SourceParseError(PressroomError):
    """The fetched bytes of a listing page or sitemap are not a source pressroom can read."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"source {source!r}: {reason}")
        self.source = source
        self.reason = reason


class ExtractError(PressroomError):
    """No usable article text could be extracted from a page."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class PageRefused(ExtractError):
    """A cheap count (elements, links) refused the page before extraction; ``what`` names the
    count, a metric label (workers.costs)."""

    def __init__(self, url: str, what: str, reason: str) -> None:
        super().__init__(url, reason)
        self.what = what


class BudgetExceeded(PressroomError):
    """Parsing outside bytes was stopped: it used up its budget (``kind``: cpu, memory, wall).

    Final: the same bytes would cost as much again (workers.budget, docs/budget.md).
    """

    def __init__(self, where: str, what: str, seconds: float, *, kind: str = "cpu") -> None:
        limit = {
            "cpu": f"its CPU budget of {seconds:g} s (worker.page_cpu_budget)",
            "memory": "its memory budget",
            "wall": f"its time limit of {seconds:g} s without an answer",
        }.get(kind, kind)
        super().__init__(f"{where}: {what} used up {limit}; stopped")
        self.where = where
        self.what = what
        self.seconds = seconds
        self.kind = kind


class SandboxError(PressroomError):
    """The child process parsing outside bytes failed otherwise (workers.budget): a library
    raised an unexpected error (final), or the child was killed from outside or crashed
    (``transient``: the OOM killer or an operator may have chosen it, not the page)."""

    def __init__(self, where: str, reason: str, *, transient: bool = False) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason
        self.transient = transient


class ModelError(PressroomError):
    """The classifier artefact cannot be used; the message says what to run."""


class StreamError(PressroomError):
    """A Redis stream operation failed."""
