"""Quality gate: the shipped model on the two hand-written dev sets (never trained on).

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
from classifiers.metrics import macro_f1, primary_scores
from classifiers.training import DEV2_FILE, DEV_FILE, document_rows

# Pinned just below what the shipped model reaches (1.000 / 1.000 on both sets, see
# models/MODEL_CARD.md): one wrong document still passes, two do not. Never below the targets
# (macro-F1 0.90, other F1 0.80). If a retrain drops below, investigate before lowering.
FLOORS: dict[str, dict[str, float]] = {
    "dev": {"macro": 0.98, "other": 0.97, "per_label": 0.95},
    "dev2": {"macro": 0.98, "other": 0.97, "per_label": 0.94},
    "blind": {"macro": 0.93, "other": 0.90, "per_label": 0.85},
}
BLIND_FILE = Path(__file__).parent / "resources" / "blind.jsonl"
FILES: dict[str, Path] = {"dev": DEV_FILE, "dev2": DEV2_FILE, "blind": BLIND_FILE}
MIN_DOCS = {"dev": (100, 20), "dev2": (80, 16), "blind": (120, 24)}


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
