"""Quality gate: the shipped model on the hand-written dev sets (never trained on).

English: ``dev.jsonl`` and ``dev2.jsonl`` below, and the blind set. Chinese: one set per
script, ``dev_zh_hant.jsonl`` and ``dev_zh_hans.jsonl`` (58 releases each, written by us;
see docs/classifier.md for what they were used for), each with its own floors.

``dev.jsonl`` (116 short releases) and ``dev2.jsonl`` (89 long newswire-style releases
covering the error patterns seen on a blind set). Both were consulted while developing the
model (see docs/classifier.md), so these floors guard against regressions; they are not
an estimate of accuracy on unseen releases.

``tests/resources/blind.jsonl`` (120 releases, 70+ countries) was written by someone who
never saw the model or its data. The model was evaluated on it twice: before the
generalisation pass (macro-F1 0.895, other F1 0.683), whose error *patterns* (not its
texts) then guided new training sentences and headline rules, and after (0.953 / 0.933).
Its floor sits a little under the second figure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers import DEFAULT_MODEL_PATH, OTHER, Document, load_classifier
from classifiers.language import detect
from classifiers.metrics import macro_f1, primary_scores
from classifiers.training import DEV2_FILE, DEV_FILE, DEV_ZH_HANS_FILE, DEV_ZH_HANT_FILE, document_rows

# Pinned just below what the shipped model reaches (1.000 / 1.000 on both sets, see
# models/MODEL_CARD.md): one wrong document still passes, two do not. Never below the targets
# (macro-F1 0.90, other F1 0.80). If a retrain drops below, investigate before lowering.
FLOORS: dict[str, dict[str, float]] = {
    "dev": {"macro": 0.98, "other": 0.97, "per_label": 0.95},
    "dev2": {"macro": 0.98, "other": 0.97, "per_label": 0.94},
    "blind": {"macro": 0.93, "other": 0.90, "per_label": 0.85},
    # Chinese, one set per script (floors per language): 58 releases each, 11-13 per label, at
    # 1.000 macro-F1 with the shipped model. One wrong document passes, two in one label do not.
    "zh-Hant": {"macro": 0.96, "other": 0.92, "per_label": 0.90},
    "zh-Hans": {"macro": 0.96, "other": 0.92, "per_label": 0.90},
    # Held back: written after the Chinese support was finished, evaluated once (macro-F1 0.976,
    # other F1 0.889, see tests/resources/blind_zh.md), never tuned on. Floors a little under.
    "blind-zh": {"macro": 0.93, "other": 0.85, "per_label": 0.90},
}
BLIND_FILE = Path(__file__).parent / "resources" / "blind.jsonl"
FILES: dict[str, Path] = {
    "dev": DEV_FILE,
    "dev2": DEV2_FILE,
    "blind": BLIND_FILE,
    "zh-Hant": DEV_ZH_HANT_FILE,
    "zh-Hans": DEV_ZH_HANS_FILE,
    "blind-zh": Path(__file__).parent / "resources" / "blind_zh.jsonl",
}
MIN_DOCS = {
    "dev": (100, 20),
    "dev2": (80, 16),
    "blind": (120, 24),
    "zh-Hant": (55, 10),
    "zh-Hans": (55, 10),
    "blind-zh": (50, 10),
}
# The hard cases every Chinese set must hold: (primary, another label that applies)
HARD_CASES = [("mou", "event"), ("fund", "event"), ("event", "ranking")]


@pytest.fixture(scope="module")
def scores() -> dict[str, dict]:
    clf = load_classifier(DEFAULT_MODEL_PATH)
    out = {}
    for name, path in FILES.items():
        rows = document_rows(path)
        preds = clf.predict([Document(r["title"], r["text"]) for r in rows])
        out[name] = primary_scores([r["primary"] for r in rows], [p.label for p in preds])
    return out


@pytest.mark.parametrize("name", list(FILES))
def test_dev_set_is_large_and_balanced(name: str) -> None:
    rows = document_rows(FILES[name])
    n_docs, per_label = MIN_DOCS[name]
    assert len(rows) >= n_docs
    for label in ("mou", "fund", "event", "ranking", OTHER):
        assert sum(r["primary"] == label for r in rows) >= per_label


@pytest.mark.parametrize("script", ["zh-Hant", "zh-Hans"])
def test_chinese_sets_are_in_their_script_and_hold_the_hard_cases(script: str) -> None:
    """At least 100 Chinese releases in all, each set in its own script, with an MoU signed at a
    forum, a fund announced at a summit and a ranking quoted in an event story."""
    rows = document_rows(FILES[script])
    assert sum(len(document_rows(FILES[s])) for s in ("zh-Hant", "zh-Hans")) >= 100
    assert all(detect(r["title"], r["text"]).code == script for r in rows)
    for primary, also in HARD_CASES:
        assert any(r["primary"] == primary and also in r["labels"] for r in rows), (primary, also)


@pytest.mark.parametrize("name", ["dev", "dev2", "blind"])
def test_every_english_release_is_read_as_english(name: str) -> None:
    """Language detection gates everything: an English release taken for another language
    would lose its label (short newswire items dense with names are the risk)."""
    for row in document_rows(FILES[name]):
        found = detect(row["title"], row["text"])
        assert (found.code, found.too_short) == ("en", False), row.get("id")


def test_floors_respect_targets() -> None:
    for floors in FLOORS.values():
        assert floors["macro"] >= 0.90 and floors["other"] >= 0.80


@pytest.mark.parametrize("name", list(FILES))
def test_macro_f1_floor(scores: dict, name: str) -> None:
    assert macro_f1(scores[name]) >= FLOORS[name]["macro"]


@pytest.mark.parametrize("name", list(FILES))
def test_other_f1_floor(scores: dict, name: str) -> None:
    assert scores[name][OTHER].f1 >= FLOORS[name]["other"]


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("label", ["mou", "fund", "event", "ranking"])
def test_per_label_f1_floor(scores: dict, name: str, label: str) -> None:
    assert scores[name][label].f1 >= FLOORS[name]["per_label"]


def _overlap_key(text: str) -> str:
    """Folded to Simplified, lower case, punctuation and spaces removed."""
    import re

    from classifiers.language import fold

    return re.sub(r"[\W_]+", "", fold(text).lower())


@pytest.mark.parametrize("name", ["zh-Hant", "zh-Hans", "blind-zh"])
def test_chinese_dev_sentences_are_not_in_the_training_data(name: str) -> None:
    """A dev headline or sentence found word for word inside a training sentence measures memory,
    not the model: the sets must stay disjoint (in either script)."""
    from classifiers.segment import segment
    from classifiers.training import EXAMPLES_ZH_FILE, read_jsonl

    training = [_overlap_key(row["text"]) for row in read_jsonl(EXAMPLES_ZH_FILE)]
    found = []
    for row in document_rows(FILES[name]):
        for seg in segment(row["title"], row["text"], chinese=True):
            key = _overlap_key(seg.text)
            if len(key) >= 6 and any(key in sentence for sentence in training):
                found.append((row.get("id"), seg.text))
    assert not found
