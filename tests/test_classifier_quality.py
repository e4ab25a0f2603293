"""Quality gate: the shipped model on the hand-written dev set (never trained on)."""

from __future__ import annotations

import pytest

from classifiers import DEFAULT_MODEL_PATH, OTHER, Document, load_classifier
from classifiers.metrics import macro_f1, primary_scores
from classifiers.training import DEV_FILE, document_rows

# Pinned at what the shipped model reaches (see models/MODEL_CARD.md), never below the targets
# (macro-F1 0.90, other F1 0.80). If a retrain drops below, investigate before lowering.
MACRO_F1_FLOOR = 0.95
OTHER_F1_FLOOR = 0.95
PER_LABEL_F1_FLOOR = 0.90


@pytest.fixture(scope="module")
def dev_scores() -> dict:
    rows = document_rows(DEV_FILE)
    clf = load_classifier(DEFAULT_MODEL_PATH)
    preds = clf.predict([Document(r["title"], r["text"]) for r in rows])
    return primary_scores([r["primary"] for r in rows], [p.label for p in preds])


def test_dev_set_is_large_and_balanced() -> None:
    rows = document_rows(DEV_FILE)
    assert len(rows) >= 100
    for label in ("mou", "fund", "event", "ranking", OTHER):
        assert sum(r["primary"] == label for r in rows) >= 20


def test_macro_f1_floor(dev_scores: dict) -> None:
    assert macro_f1(dev_scores) >= MACRO_F1_FLOOR


def test_other_f1_floor(dev_scores: dict) -> None:
    assert dev_scores[OTHER].f1 >= OTHER_F1_FLOOR


@pytest.mark.parametrize("label", ["mou", "fund", "event", "ranking"])
def test_per_label_f1_floor(dev_scores: dict, label: str) -> None:
    assert dev_scores[label].f1 >= PER_LABEL_F1_FLOOR
