"""Settings: one frozen dataclass built once at start-up from feeds.yaml and the environment.

Validation happens here, at load, so a bad file is refused before anything runs and
every message names the file, the line, the feed and the key. Values are converted to
plain Python types (seconds, bytes, networks) so nothing downstream parses strings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from workers.addresses import parse_networks
from workers.errors import ConfigError
from workers.fetch import FetchPolicy

FEED_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
ON_UPDATE_POLICIES = ("ignore", "emit")
SOURCE_TYPES = ("feed", "page", "sitemap")
SOURCE_INTERVAL = 1800.0  # page and sitemap sources: a listing costs more to read than a feed
SOURCE_MAX_AGE = 30 * 86400.0
SITEMAP_MAX_BYTES = 50 * 10**6  # the sitemap protocol's own limit per file, uncompressed
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 10**6, "mib": 2**20, "gb": 10**9, "gib": 2**30}
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: object) -> float:
    """`30s`, `5m`, `1h`, `1d` or plain seconds -> seconds. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration like 30s, 5m or 1h, got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION_RE.match(str(value))
        if not match:
            raise ValueError(f"expected a duration like 30s, 5m or 1h, got {value!r}")
        seconds = float(match.group(1)) * _DURATION_UNITS[match.group(2) or "s"]
    if seconds <= 0:
        raise ValueError(f"duration must be positive, got {value!r}")
    return seconds


def parse_size(value: object) -> int:
    """`5MiB`, `200KB` or plain bytes -> bytes. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"expected a size like 5MiB, got {value!r}")
    if isinstance(value, int):
        size = value
    else:
        match = _SIZE_RE.match(str(value))
        if not match:
            raise ValueError(f"expected a size like 512KiB or 5MiB, got {value!r}")
        size = int(float(match.group(1)) * _SIZE_UNITS[(match.group(2) or "b").lower()])
    if size <= 0:
        raise ValueError(f"size must be positive, got {value!r}")
    return size


@dataclass(frozen=True)
class FeedConfig:
    """One source to poll: an RSS/Atom feed, a newsroom listing page or a sitemap.

    Regexes and the selector are kept as text (the config travels to workers as JSON) and
    were compiled once at load, so a bad one is refused with its line.
    """

    name: str
    url: str
    interval: float  # seconds between polls when the feed is healthy
    on_update: str = "ignore"  # what to do when a seen entry changes: ignore | emit
    type: str = "feed"  # feed | page | sitemap (workers.sources)
    links: str = ""  # page sources: CSS selector for the article links; "" finds them automatically
    include: str = ""  # regex an article URL must match ("" matches all)
    exclude: str = ""  # regex that rejects an article URL ("" rejects none)
    max_age: float = SOURCE_MAX_AGE  # sitemap sources: only URLs modified within this long


@dataclass(frozen=True)
class Settings:
    feeds: tuple[FeedConfig, ...]
    source: Path | None = None  # the feeds file these settings came from
    fetch: FetchPolicy = field(default_factory=FetchPolicy)
    max_feed_bytes: int = 10 * 2**20
    max_page_bytes: int = 5 * 2**20
    per_host_concurrency: int = 2  # requests in flight to one host, across all workers
    per_host_delay: float = 0.0  # seconds between request starts to one host (0: no spacing)
    robots_txt: bool = True  # honour robots.txt for article pages
    min_interval: float = 300.0
    max_interval: float = 86400.0
    max_backoff: float = 86400.0
    batch_size: int = 16  # items per RQ job: amortises RQ's per-job cost (docs/benchmarks.md)
    page_concurrency: int = 8  # concurrent page fetches inside one job (per-host limits still apply)
    max_attempts: int = 4  # per item, for transient failures
    retry_delays: tuple[float, ...] = (10.0, 60.0, 300.0)
    job_timeout: float = 300.0
    page_cpu_budget: float = 10.0  # CPU seconds one page or feed may cost its parser (workers.budget)
    stream_maxlen: int = 1_000_000
    stream_max_age: float | None = None  # seconds; None keeps entries until maxlen trims them
    per_label_streams: bool = False
    model_path: Path | None = None  # None: the model shipped in models/
    redis_url: str | None = None  # None: start the embedded Redis
    data_dir: Path = field(default_factory=lambda: default_data_dir({}))

    @property
    def max_sitemap_bytes(self) -> int:
        """Sitemaps may be as large as the protocol allows (50 MB), or the feed cap if larger:
        the parser streams them in flat memory (workers.sources.sitemap)."""
        return max(self.max_feed_bytes, SITEMAP_MAX_BYTES)

    def feed(self, name: str) -> FeedConfig | None:
        return next((f for f in self.feeds if f.name == name), None)


def default_data_dir(environ: Mapping[str, str]) -> Path:
    if environ.get("PRESSROOM_DATA_DIR"):
        return Path(environ["PRESSROOM_DATA_DIR"]).expanduser()
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pressroom"


# Every key the file may hold, by section, so unknown keys are refused with a hint.
_TOP_KEYS = {"defaults", "feeds", "fetch", "schedule", "worker", "stream", "model"}
_SECTION_KEYS = {
    "defaults": {"interval", "on_update"},
    "fetch": {
        "user_agent",
        "allow_networks",
        "connect_timeout",
        "read_timeout",
        "total_timeout",
        "max_redirects",
        "max_feed_size",
        "max_page_size",
        "per_host_concurrency",
        "per_host_delay",
        "robots_txt",
    },
    "schedule": {"min_interval", "max_interval", "max_backoff"},
    "worker": {
        "batch_size",
        "page_concurrency",
        "max_attempts",
        "retry_delays",
        "job_timeout",
        "page_cpu_budget",
    },
    "stream": {"maxlen", "max_age", "per_label"},
    "model": {"path"},
}
_FEED_KEYS = {"name", "url", "interval", "on_update", "type", "links", "include", "exclude", "max_age"}


class _Loader:
    """Walks the parsed YAML keeping the file name so every error can say where."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, node: Any, key: Any, message: str) -> ConfigError:
        line = None
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0] + 1
        elif hasattr(node, "lc"):
            line = node.lc.line + 1
        return ConfigError(message, source=self.source, line=line)

    def mapping(self, node: Any, where: str, allowed: set[str], parent: Any, key: Any) -> CommentedMap:
        if node is None:
            return CommentedMap()
        if not isinstance(node, CommentedMap):
            raise self.error(parent, key, f"{where} must be a mapping")
        for name in node:
            if name not in allowed:
                choices = ", ".join(sorted(allowed))
                raise self.error(node, name, f"unknown key {name!r} in {where} (allowed: {choices})")
        return node

    def convert(self, node: CommentedMap, key: str, where: str, convert: Any) -> Any:
        try:
            return convert(node[key])
        except (ValueError, TypeError) as exc:
            raise self.error(node, key, f"{where}: bad value for {key!r}: {exc}") from None


def _positive_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"expected a whole number of at least 1, got {value!r}")
    return value


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _delay(value: object) -> float:
    """A duration that may be zero (``0`` switches the spacing off)."""
    match = _DURATION_RE.match(str(value))
    if not isinstance(value, bool) and match and float(match.group(1)) == 0:
        return 0.0
    return parse_duration(value)


def _http_url(value: object) -> str:
    from urllib.parse import urlsplit

    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http(s) URL, got {value!r}")
    return text


def _on_update(value: object) -> str:
    if value not in ON_UPDATE_POLICIES:
        raise ValueError(f"expected one of {', '.join(ON_UPDATE_POLICIES)}, got {value!r}")
    return str(value)


def _source_type(value: object) -> str:
    if value not in SOURCE_TYPES:
        raise ValueError(f"expected one of {', '.join(SOURCE_TYPES)}, got {value!r}")
    return str(value)


def _regex(value: object) -> str:
    text = _string(value)
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc}): {value!r}") from None
    return text


def _selector(value: object) -> str:
    from cssselect import ExpressionError, SelectorError
    from lxml.cssselect import CSSSelector

    text = _string(value)
    try:
        CSSSelector(text)
    except (SelectorError, ExpressionError) as exc:
        raise ValueError(f"not a valid CSS selector ({exc}): {value!r}") from None
    return text


def _string(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {value!r}")
    return value.strip()


def _networks(value: object) -> tuple[Any, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError("expected a list of CIDRs such as [127.0.0.0/8]")
    return parse_networks(str(v) for v in value)


def _durations(value: object) -> tuple[float, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError("expected a non-empty list of durations such as [10s, 1m, 5m]")
    return tuple(parse_duration(v) for v in value)


def parse_settings(text: str, source: str = "<string>", environ: Mapping[str, str] | None = None) -> Settings:
    """Parse and validate a feeds file's text; ``environ`` supplies REDIS_URL and data dir."""
    environ = os.environ if environ is None else environ
    try:
        root = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise ConfigError(f"invalid YAML: {problem}", source=source, line=line) from None
    except YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", source=source) from None
    if root is None:
        root = CommentedMap()
    load = _Loader(source)
    if not isinstance(root, CommentedMap):
        raise ConfigError("the file must be a mapping with a 'feeds' list", source=source)
    load.mapping(root, "the top level", _TOP_KEYS, None, None)
    sections = {
        name: load.mapping(root.get(name), name, _SECTION_KEYS[name], root, name) for name in _SECTION_KEYS
    }
    values: dict[str, Any] = {}

    defaults = sections["defaults"]
    default_interval = 900.0
    if "interval" in defaults:
        default_interval = load.convert(defaults, "interval", "defaults", parse_duration)
    default_on_update = "ignore"
    if "on_update" in defaults:
        default_on_update = load.convert(defaults, "on_update", "defaults", _on_update)

    fetch = sections["fetch"]
    policy: dict[str, Any] = {}
    for key, convert in (
        ("user_agent", _string),
        ("allow_networks", _networks),
        ("connect_timeout", parse_duration),
        ("read_timeout", parse_duration),
        ("total_timeout", parse_duration),
        ("max_redirects", _positive_int),
    ):
        if key in fetch:
            policy[key] = load.convert(fetch, key, "fetch", convert)
    values["fetch"] = FetchPolicy(**policy)
    for key, attr in (("max_feed_size", "max_feed_bytes"), ("max_page_size", "max_page_bytes")):
        if key in fetch:
            values[attr] = load.convert(fetch, key, "fetch", parse_size)
    for key, convert in (
        ("per_host_concurrency", _positive_int),
        ("per_host_delay", _delay),
        ("robots_txt", _boolean),
    ):
        if key in fetch:
            values[key] = load.convert(fetch, key, "fetch", convert)

    simple: dict[str, tuple[tuple[str, str, Any], ...]] = {
        "schedule": (
            ("min_interval", "min_interval", parse_duration),
            ("max_interval", "max_interval", parse_duration),
            ("max_backoff", "max_backoff", parse_duration),
        ),
        "worker": (
            ("batch_size", "batch_size", _positive_int),
            ("page_concurrency", "page_concurrency", _positive_int),
            ("max_attempts", "max_attempts", _positive_int),
            ("retry_delays", "retry_delays", _durations),
            ("job_timeout", "job_timeout", parse_duration),
            ("page_cpu_budget", "page_cpu_budget", parse_duration),
        ),
        "stream": (
            ("maxlen", "stream_maxlen", _positive_int),
            ("max_age", "stream_max_age", parse_duration),
            ("per_label", "per_label_streams", _boolean),
        ),
        "model": (("path", "model_path", lambda v: Path(_string(v)).expanduser()),),
    }
    for section, keys in simple.items():
        for key, attr, convert in keys:
            if key in sections[section]:
                values[attr] = load.convert(sections[section], key, section, convert)
    if values.get("min_interval", 300.0) > values.get("max_interval", 86400.0):
        raise load.error(sections["schedule"], "min_interval", "schedule: min_interval exceeds max_interval")

    values["feeds"] = _parse_feeds(load, root, default_interval, default_on_update)
    values["source"] = Path(source) if source != "<string>" else None
    values["redis_url"] = environ.get("REDIS_URL") or None
    values["data_dir"] = default_data_dir(environ)
    return Settings(**values)


def _parse_feeds(
    load: _Loader, root: CommentedMap, default_interval: float, default_on_update: str
) -> tuple[FeedConfig, ...]:
    feeds_node = root.get("feeds")
    if feeds_node is None:
        return ()
    if not isinstance(feeds_node, CommentedSeq):
        raise load.error(root, "feeds", "'feeds' must be a list of {name, url} entries")
    feeds: list[FeedConfig] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(feeds_node):
        where = f"feeds[{index}]"
        if not isinstance(node, CommentedMap):
            raise load.error(feeds_node, index, f"{where} must be a mapping with 'name' and 'url'")
        name_hint = node.get("name")
        if isinstance(name_hint, str):
            where = f"feed {name_hint!r}"
        load.mapping(node, where, _FEED_KEYS, feeds_node, index)
        for required in ("name", "url"):
            if required not in node:
                raise load.error(feeds_node, index, f"{where}: missing required key {required!r}")
        name = load.convert(node, "name", where, _string)
        if not FEED_NAME_RE.match(name):
            raise load.error(
                node, "name", f"{where}: 'name' must be lowercase letters, digits, '.', '_' or '-'"
            )
        if name in seen:
            raise load.error(
                node, "name", f"{where}: duplicate feed name (first defined at line {seen[name]})"
            )
        seen[name] = node.lc.key("name")[0] + 1
        url = load.convert(node, "url", where, _http_url)
        interval = default_interval
        if "interval" in node:
            interval = load.convert(node, "interval", where, parse_duration)
        on_update = default_on_update
        if "on_update" in node:
            on_update = load.convert(node, "on_update", where, _on_update)
        extra: dict[str, Any] = {}
        for key, convert in (
            ("type", _source_type),
            ("links", _selector),
            ("include", _regex),
            ("exclude", _regex),
            ("max_age", parse_duration),
        ):
            if key in node:
                extra[key] = load.convert(node, key, where, convert)
        kind = extra.get("type", "feed")
        if "links" in extra and kind != "page":
            raise load.error(node, "links", f"{where}: 'links' applies to type: page only")
        if "max_age" in extra and kind != "sitemap":
            raise load.error(node, "max_age", f"{where}: 'max_age' applies to type: sitemap only")
        if kind != "feed" and "interval" not in node:
            interval = SOURCE_INTERVAL
        feeds.append(FeedConfig(name=name, url=url, interval=interval, on_update=on_update, **extra))
    return tuple(feeds)


def load_settings(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate a feeds file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read feeds file: {exc.strerror}", source=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("feeds file is not valid UTF-8", source=str(path)) from None
    return parse_settings(text, str(path), environ)
