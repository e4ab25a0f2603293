"""What a page may cost: the cheap counts that refuse it before parsing, and the log of costly parses.

The CPU budget (workers/budget.py) is the guarantee that no page holds up the others, but a
page that will only be stopped at its budget still spends all of it. Most costly pages are
costly by shape (docs/budget.md: 600,000 tiny paragraphs, 150,000 links, a table of 500,000
cells), and that shape shows in counts of their bytes that take milliseconds: such a page is
refused before any parsing, in the sandbox child, by :func:`extract_article_adapter`.

Whatever was costly, refused or stopped is logged in a capped stream
(:func:`record_cost`), so ``pressroom status`` can name the costliest pages of the last hour
(:func:`costliest`) and metrics can label the reason (:func:`refusal_reason`).
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from redis import Redis

from workers import constants as names
from workers.errors import BudgetExceeded, PageRefused, PressroomError
from workers.rediscodec import text

if TYPE_CHECKING:
    from workers.budget import Pending


def extract_article_adapter(payload: bytes, params: dict[str, Any]) -> dict[str, Any]:
    """workers.extract.extract_article on a page: params ``url``, ``find_date``; the Article as a dict."""
    from workers.extract import extract_article

    url = str(params.get("url", ""))
    refuse_costly_page(
        payload,
        url,
        max_tags=int(params.get("max_tags", MAX_TAGS)),
        max_links=int(params.get("max_links", MAX_LINKS)),
    )
    article = extract_article(payload, url, fast=True, find_date=bool(params.get("find_date", True)))
    return asdict(article)


# Cheap counts on a page's bytes, before any parsing (docs/budget.md has the measurements).
# An article page holds a few thousand elements and at most a few thousand links; lxml and
# trafilatura spend time that grows faster than the count on long runs of paragraphs,
# links or cells, so a page past these is refused in a millisecond instead of spending
# its whole budget. They count bytes ("<", and "<a" followed by a space or ">"), so any
# language, and any encoding that writes markup in ASCII, is counted alike.
MAX_TAGS = 300_000  # "<" in the page: start and end tags, about 150,000 elements
MAX_LINKS = 20_000
_LINK_OPENERS = (b"<a ", b"<a>", b"<a\n", b"<a\t", b"<a\r")


def refuse_costly_page(
    payload: bytes, url: str, *, max_tags: int = MAX_TAGS, max_links: int = MAX_LINKS
) -> None:
    """Raise PageRefused when the bytes hold more tags or links than an article page does
    (0 switches a count off). About 20 ms on a 5 MB page of tags, 80 us on an ordinary
    80 KB page (fewer tags than MAX_LINKS: its links are not counted), under 1% of its
    extraction."""
    tags = payload.count(b"<")
    if max_links and tags > max_links:  # fewer tags than the cap cannot hold more links
        lowered = payload.lower()
        links = sum(lowered.count(opener) for opener in _LINK_OPENERS)
        if links > max_links:  # the more telling reason first
            raise PageRefused(
                url, "too-many-links", f"{links:,} links, more than an article page has ({max_links:,})"
            )
    if max_tags and tags > max_tags:
        raise PageRefused(
            url, "too-many-tags", f"{tags:,} tags, more than an article page has ({max_tags:,})"
        )


# ---- the costliest pages of the last hour (pressroom status) -------------------------------

COSTLY_CPU = 1.0  # a parse that costs this many CPU seconds is logged (an ordinary page: ~10 ms)
COSTLY_WINDOW = 3600.0  # status shows the last hour
COSTLY_MAXLEN = 1000  # the log keeps about this many entries


def record_cost(redis: Redis, pending: Pending, *, feed: str = "", now: float | None = None) -> bool:
    """Log a parse that was costly, refused or stopped in pressroom:costly-pages; True if logged."""
    reason = refusal_reason(pending.error)
    cpu = pending.cost.cpu if pending.cost is not None else 0.0
    if cpu < COSTLY_CPU and not reason:
        return False
    fields = {
        "what": pending.what,
        "feed": feed,
        "parser": pending.name,
        "cpu": f"{cpu:.3f}",
        "outcome": reason or ("error" if pending.error is not None else "ok"),
        "at": f"{time.time() if now is None else now:.3f}",
    }
    redis.xadd(names.COSTLY_PAGES_KEY, fields, maxlen=COSTLY_MAXLEN, approximate=True)  # type: ignore[arg-type]
    return True


def costliest(redis: Redis, *, now: float | None = None, limit: int = 10) -> list[dict[str, Any]]:
    """The costliest parses logged in the last COSTLY_WINDOW seconds, costliest first."""
    since = int(((time.time() if now is None else now) - COSTLY_WINDOW) * 1000)
    rows: list[dict[str, Any]] = []
    found: Any = redis.xrevrange(names.COSTLY_PAGES_KEY, "+", f"{since}-0", count=COSTLY_MAXLEN)
    for _id, raw in found:
        entry = {text(k): text(v) for k, v in raw.items()}
        with contextlib.suppress(KeyError, ValueError):
            rows.append({**entry, "cpu": float(entry["cpu"]), "at": float(entry["at"])})
    rows.sort(key=lambda row: float(row["cpu"]), reverse=True)
    return rows[:limit]


def refusal_reason(error: PressroomError | None) -> str:
    """Why a parse was refused or stopped, as a metric label: too-many-tags, too-many-links,
    cpu-budget, memory-budget, wall-budget; "" for any other outcome."""
    if isinstance(error, BudgetExceeded):
        return f"{error.kind}-budget"
    if isinstance(error, PageRefused):
        return error.what
    return ""
