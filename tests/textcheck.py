"""Text comparison helpers shared by the extraction and end-to-end tests.

Word recall is computed on multisets of lowercase word tokens (``\\w+`` runs, so "HK$300"
gives "hk" and "300", and "co-investment" gives "co" and "investment"): a word that
appears three times in the expected body must appear three times in the extraction.
That is stricter than set recall, which would forgive dropping a paragraph whose words
all occur elsewhere. Order is ignored: extractors may lay tables out differently.
"""

from __future__ import annotations

import re
from collections import Counter

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")


def words(text: str) -> Counter[str]:
    """Multiset of lowercase word tokens."""
    return Counter(_WORD_RE.findall(text.lower()))


def word_recall(expected: str, actual: str) -> float:
    """Share of the expected words (with multiplicity) found in ``actual``; 1.0 for an empty expectation."""
    want = words(expected)
    total = sum(want.values())
    if total == 0:
        return 1.0
    got = words(actual)
    return sum(min(n, got[w]) for w, n in want.items()) / total


def _norm(text: str) -> str:
    # Typographic variants extractors produce (nbsp, curly quotes) must not hide a leak.
    text = text.replace("\u00a0", " ").replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return _SPACE_RE.sub(" ", text).strip().lower()


def leaked_boilerplate(snippets: list[str], actual: str) -> list[str]:
    """The snippets that occur in ``actual`` (case- and whitespace-insensitive)."""
    hay = _norm(actual)
    return [s for s in snippets if _norm(s) in hay]
