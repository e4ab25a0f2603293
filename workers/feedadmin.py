"""Feed management: probe, discover, add, import and list feeds in feeds.yaml.

Edits are round-trips through ruamel.yaml so the operator's comments and order survive,
and nothing is written unless the edited file passes the same validation as start-up
(:func:`workers.settings.load_settings`), checked on a temporary copy that then replaces
the file atomically: the running scheduler never sees a half-written or invalid list.
The network is reached only through the :class:`~workers.fetch.Fetcher` passed in.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from workers import discovery
from workers.discovery import feed_links
from workers.errors import (
    BlockedURL,
    ConfigError,
    FeedParseError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    PressroomError,
    ResponseTooLarge,
    RobotsDisallowed,
    SourceParseError,
    TooManyRedirects,
)
from workers.fetch import Fetcher
from workers.opml import Outline
from workers.settings import FEED_NAME_RE, FeedConfig, Settings, load_settings, parse_duration
from workers.sources.sandboxed import Run
from workers.urls import canonical_url

__all__ = ["FeedsFile", "NewFeed", "add_feed", "derive_name", "feed_links", "probe"]

NAME_MAX = 64
EMPTY_FILE = "feeds:\n"


# --- probing and discovery ------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """What fetching and parsing one feed gave; ``status`` is a short operator-facing word."""

    name: str
    url: str
    status: str  # ok, refused address, HTTP error, not a feed, timeout, too large, redirects, ...
    detail: str
    entries: int = 0  # entries of a feed; article links of a page or sitemap
    title: str = ""
    type: str = "feed"

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, object]:
        return {**self.__dict__, "ok": self.ok}


def _status_of(exc: Exception) -> str:
    # Order matters: the specific FetchError subclasses before the base class.
    for kind, word in (
        (BlockedURL, "refused address"),
        (HTTPStatusError, "HTTP error"),
        (FetchTimeout, "timeout"),
        (ResponseTooLarge, "too large"),
        (TooManyRedirects, "redirects"),
        (FeedParseError, "not a feed"),
        (SourceParseError, "no articles"),
        (RobotsDisallowed, "robots.txt"),
        (FetchError, "fetch error"),
    ):
        if isinstance(exc, kind):
            return word
    return "error"


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "reason", "") or exc)


def probe(fetcher: Fetcher, run: Run, config: FeedConfig, settings: Settings) -> Probe:
    """Fetch and read one source as a poll would, turning every expected failure into a Probe."""
    try:
        found = discovery.describe(fetcher, run, config, settings)
    except PressroomError as exc:
        return Probe(config.name, config.url, _status_of(exc), _reason(exc), type=config.type)
    what = "entries" if found.type == "feed" else "article links"
    return Probe(
        config.name, config.url, "ok", f"{found.links} {what}", found.links, found.title, type=config.type
    )


# --- names ------------------------------------------------------------------------------


def slug(text: str) -> str:
    """A feed-name-safe slug: ASCII lowercase, runs of other characters become '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:NAME_MAX].strip("-")


def derive_name(url: str, title: str, taken: Iterable[str]) -> str:
    """From the feed title, else the host (``www.`` dropped); made unique with -2, -3, ..."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    base = slug(title)[:40].strip("-") or slug(host.replace(".", "-")) or "feed"
    used = set(taken)
    name, n = base, 1
    while name in used or not FEED_NAME_RE.match(name):
        n += 1
        name = f"{base[: NAME_MAX - 1 - len(str(n))]}-{n}"
    return name


# --- editing feeds.yaml ----------------------------------------------------------------


@dataclass(frozen=True)
class NewFeed:
    name: str
    url: str
    interval: str | None = None
    type: str = "feed"
    include: str = ""


class FeedsFile:
    """A feeds file opened for a round-trip edit; :meth:`save` validates before replacing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.text = path.read_text(encoding="utf-8") if path.exists() else EMPTY_FILE
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read feeds file: {exc}", source=str(path)) from None
        self.yaml = YAML(typ="rt")
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096  # never re-wrap long lines or URLs
        offset = _dash_offset(self.text)
        self.yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
        try:
            root = self.yaml.load(self.text)
        except YAMLError as exc:
            raise ConfigError(f"invalid YAML: {exc}", source=str(path)) from None
        if root is None:
            root = CommentedMap()
        if not isinstance(root, CommentedMap):
            raise ConfigError("the file must be a mapping with a 'feeds' list", source=str(path))
        if root.get("feeds") is None:
            root["feeds"] = CommentedSeq()
        self.root = root
        self.feeds: CommentedSeq = root["feeds"]

    def names(self) -> set[str]:
        return {str(f.get("name")) for f in self.feeds if isinstance(f, CommentedMap)}

    def owner_of(self, url: str) -> tuple[str, int | None] | None:
        """The (name, line) of the listed feed with the same canonical URL, if any."""
        wanted = _canonical(url)
        for index, feed in enumerate(self.feeds):
            if isinstance(feed, CommentedMap) and _canonical(str(feed.get("url", ""))) == wanted:
                return str(feed.get("name")), self._line(index)
        return None

    def line_of(self, name: str) -> int | None:
        for index, feed in enumerate(self.feeds):
            if isinstance(feed, CommentedMap) and feed.get("name") == name:
                return self._line(index)
        return None

    def _line(self, index: int) -> int | None:
        """1-based line of a feed as loaded; None for one appended in this edit."""
        data = self.feeds.lc.data or {}
        return int(data[index][0]) + 1 if index in data else None

    def append(self, feed: NewFeed) -> None:
        item = CommentedMap()
        item["name"] = feed.name
        item["url"] = feed.url
        if feed.interval is not None:
            item["interval"] = feed.interval
        if feed.type != "feed":
            item["type"] = feed.type
        if feed.include:
            item["include"] = feed.include
        if self.feeds:
            _move_trailing_comment(self.feeds[-1], item)
        self.feeds.append(item)

    def render(self) -> str:
        out = io.StringIO()
        self.yaml.dump(self.root, out)
        return out.getvalue()

    def save(self) -> Settings:
        """Validate the edited file as start-up would, then atomically replace the original."""
        text = self.render()
        directory = self.path.parent if str(self.path.parent) else Path(".")
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            try:
                settings = load_settings(tmp)
            except ConfigError as exc:
                message = str(exc).removeprefix(
                    f"{exc.source}:{exc.line}: " if exc.line else f"{exc.source}: "
                )
                raise ConfigError(
                    f"edit refused, file left unchanged: {message}", source=str(self.path), line=exc.line
                ) from None
            if self.path.exists():
                shutil.copymode(self.path, tmp)
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
        return settings


def _dash_offset(text: str) -> int:
    """How far the file indents the dashes of its feed list (0 or 2 usually), to keep its style."""
    match = re.search(r"^feeds:[ \t]*\n(?:[ \t]*(?:#.*)?\n)*([ \t]*)- ", text, re.MULTILINE)
    return len(match.group(1)) if match else 2


def _move_trailing_comment(previous: object, item: CommentedMap) -> None:
    """ruamel attaches comment lines after the last feed (say, the header of the next
    section) to that feed; appending after it would put the new feed under that header."""
    if not isinstance(previous, CommentedMap) or not previous:
        return
    last_key = list(previous)[-1]
    slot = previous.ca.items.get(last_key)
    if not slot or len(slot) < 3 or slot[2] is None:
        return
    token = slot[2]
    cut = token.value.find("\n")
    if cut < 0 or not token.value[cut + 1 :]:
        return
    head, tail = token.value[: cut + 1], token.value[cut + 1 :]
    if head.strip():
        token.value = head
    else:
        slot[2] = None
    item.ca.items[list(item)[-1]] = [None, None, CommentToken("\n" + tail, CommentMark(0), None), None]


def _canonical(url: str) -> str:
    try:
        return canonical_url(url)
    except ValueError:
        return url.strip()


# --- operations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Added:
    name: str
    source: discovery.Source


def add_feed(
    path: Path,
    url: str,
    fetcher: Fetcher,
    run: Run,
    settings: Settings,
    *,
    name: str | None = None,
    interval: str | None = None,
    source_type: str | None = None,
) -> Added:
    """Find the source behind ``url`` (a feed, a page linking to one, a site's sitemap or a
    newsroom listing; ``source_type`` forces one), check it works, then append it to ``path``."""
    doc = FeedsFile(path)
    if name is not None and not FEED_NAME_RE.match(name):
        raise ConfigError(f"bad feed name {name!r}: use lowercase letters, digits, '.', '_' or '-'")
    if name is not None and name in doc.names():
        raise ConfigError(f"a feed named {name!r} already exists", source=str(path), line=doc.line_of(name))
    if interval is not None:
        try:
            parse_duration(interval)
        except ValueError as exc:
            raise ConfigError(f"bad value for --interval: {exc}") from None
    _refuse_listed(doc, url)
    found = discovery.choose(fetcher, run, url, settings, forced=source_type)
    if found.url != url:
        _refuse_listed(doc, found.url)
    chosen = name or derive_name(found.found_on or found.url, found.title, doc.names())
    doc.append(NewFeed(chosen, found.url, interval, found.type, found.include))
    doc.save()
    return Added(chosen, found)


def _refuse_listed(doc: FeedsFile, url: str) -> None:
    owner = doc.owner_of(url)
    if owner is not None:
        raise ConfigError(
            f"{url} is already listed as feed {owner[0]!r}", source=str(doc.path), line=owner[1]
        )


@dataclass(frozen=True)
class ImportReport:
    added: tuple[tuple[str, str], ...]  # (name, url)
    skipped: tuple[tuple[str, str], ...]  # (url, why)


def import_outlines(path: Path, outlines: Sequence[Outline], source: str) -> ImportReport:
    """Append every usable outline; duplicates and bad URLs are skipped and reported."""
    doc = FeedsFile(path)
    added: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    taken = doc.names()
    for outline in outlines:
        where = f"{source}:{outline.line}" if outline.line else source
        try:
            canonical_url(outline.url)
        except ValueError:
            skipped.append((outline.url, f"not an http(s) URL ({where})"))
            continue
        owner = doc.owner_of(outline.url)
        if owner is not None:
            skipped.append((outline.url, f"already listed as feed {owner[0]!r} ({where})"))
            continue
        name = derive_name(outline.url, outline.title, taken)
        taken.add(name)
        doc.append(NewFeed(name, outline.url))
        added.append((name, outline.url))
    if added:
        doc.save()
    return ImportReport(tuple(added), tuple(skipped))


def feed_rows(feeds: Iterable[FeedConfig]) -> list[dict[str, object]]:
    return [
        {"name": f.name, "type": f.type, "url": f.url, "interval": f.interval, "on_update": f.on_update}
        for f in feeds
    ]
