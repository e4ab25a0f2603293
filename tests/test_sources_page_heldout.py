"""Held-out listing pages for `find_links`, written without reading its code or its fixtures.

Each page in tests/resources/newsrooms_heldout/ imitates one real CMS or layout family
(WordPress, Drupal views, an AEM-like university template, a government list, Traditional
and Simplified Chinese sites, a newswire, a tabbed media centre, a Next.js card grid, an
ASP.NET list with query-string ids). expected.json says, for each page, the URL to parse it
as and the exact release links with their titles and dates; the notes there say which
decoys (sidebars, events rails, PDF publications, off-site coverage) must stay out.

These are a measurement of how the heuristics generalise, so a failure here is a finding,
not a reason to change the page or the expectation. `python -m tests.test_sources_page_heldout`
prints precision and recall per page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from workers.sources.page import Link, find_links

HERE = Path(__file__).parent / "resources" / "newsrooms_heldout"
EXPECTED: list[dict[str, Any]] = json.loads((HERE / "expected.json").read_text("utf-8"))["pages"]


def squash(text: str) -> str:
    """Whitespace-normalised text: titles are compared this way, nothing else is forgiven."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Outcome:
    """What find_links returned for one page, set against expected.json."""

    page: dict[str, Any]
    found: dict[str, Link]

    @property
    def expected(self) -> dict[str, dict[str, Any]]:
        return {release["url"]: release for release in self.page["releases"]}

    @property
    def missing(self) -> list[str]:
        return sorted(set(self.expected) - set(self.found))

    @property
    def extra(self) -> list[str]:
        return sorted(set(self.found) - set(self.expected))

    def wrong_titles(self) -> list[tuple[str, str, str]]:
        wrong = []
        for url, release in self.expected.items():
            if url not in self.found:
                continue
            got = squash(self.found[url].title)
            allowed = {squash(release["title"])}
            if "title_truncated_ok" in release:
                allowed.add(squash(release["title_truncated_ok"]))
            if got not in allowed:
                wrong.append((url, release["title"], got))
        return wrong

    def wrong_dates(self) -> list[tuple[str, str, str]]:
        wrong = []
        for url, release in self.expected.items():
            if url not in self.found or not release.get("published"):
                continue
            got = self.found[url].published or ""
            if got not in {release["published"], *release.get("published_also_ok", [])}:
                wrong.append((url, release["published"], got))
        return wrong


def run(page: dict[str, Any]) -> Outcome:
    listing = find_links((HERE / page["file"]).read_bytes(), page["base_url"])
    found: dict[str, Link] = {}
    for link in listing.links:
        found.setdefault(link.url, link)
    return Outcome(page, found)


PAGES = [pytest.param(page, id=page["file"].removesuffix(".html")) for page in EXPECTED]


def test_the_heldout_set_is_what_the_brief_asked_for() -> None:
    """At least eight layout families, Chinese in both scripts, a GBK page, 70+ releases."""
    assert len(EXPECTED) >= 8
    assert sum(len(page["releases"]) for page in EXPECTED) >= 70
    assert any(page.get("encoding") == "gbk" for page in EXPECTED)
    for page in EXPECTED:
        assert (HERE / page["file"]).is_file(), page["file"]
        raw = (HERE / page["file"]).read_bytes().decode(page.get("encoding", "utf-8"))
        for release in page["releases"]:
            assert release["url"].startswith(("http://", "https://")), release["url"]
            assert release["title"] in raw.replace("&amp;", "&"), release["title"]


@pytest.mark.parametrize("page", PAGES)
def test_exactly_the_release_links(page: dict[str, Any]) -> None:
    outcome = run(page)
    assert (outcome.missing, outcome.extra) == ([], [])


@pytest.mark.parametrize("page", PAGES)
def test_titles(page: dict[str, Any]) -> None:
    outcome = run(page)
    assert outcome.wrong_titles() == []


@pytest.mark.parametrize("page", PAGES)
def test_dates(page: dict[str, Any]) -> None:
    outcome = run(page)
    assert outcome.wrong_dates() == []


def report() -> str:
    """A table of precision and recall per page, then every miss, extra and wrong field."""
    rows = [
        "| page | expected | found | precision | recall | titles ok | dates ok | date part ok |",
        "|---|---|---|---|---|---|---|---|",
    ]
    details = []
    for page in EXPECTED:
        outcome = run(page)
        hits = len(outcome.expected) - len(outcome.missing)
        precision = hits / len(outcome.found) if outcome.found else 0.0
        recall = hits / len(outcome.expected)
        titles = hits - len(outcome.wrong_titles())
        dated = sum(1 for u, r in outcome.expected.items() if u in outcome.found and r.get("published"))
        dates = dated - len(outcome.wrong_dates())
        # The contract is YYYY-MM-DD; this column only separates a format slip from a wrong day.
        days = dated - sum(1 for _, want, got in outcome.wrong_dates() if got[:10] != want)
        rows.append(
            f"| {page['file']} | {len(outcome.expected)} | {len(outcome.found)} | {precision:.2f} | "
            f"{recall:.2f} | {titles}/{hits} | {dates}/{dated} | {days}/{dated} |"
        )
        for url in outcome.missing:
            details.append(f"{page['file']}: MISSING {url}")
        for url in outcome.extra:
            details.append(f"{page['file']}: EXTRA {url} ({outcome.found[url].title!r})")
        for url, want, got in outcome.wrong_titles():
            details.append(f"{page['file']}: TITLE {url}: want {want!r}, got {got!r}")
        for url, want, got in outcome.wrong_dates():
            details.append(f"{page['file']}: DATE {url}: want {want!r}, got {got!r}")
    return "\n".join([*rows, "", *details])


if __name__ == "__main__":
    print(report())
