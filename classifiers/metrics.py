"""Evaluation metrics for primary labels and multi-label sets, without extra dependencies.

Why our own: the report needs per-label P/R/F1 including ``other``, macro-F1 over the
four real labels only, and a confusion matrix in a fixed label order; sklearn can do it
but wrapping it costs more than these few lines, and it keeps warnings out of the loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from classifiers import ALL_LABELS, LABELS


@dataclass(frozen=True)
class LabelScore:
    precision: float
    recall: float
    f1: float
    support: int


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def primary_scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, LabelScore]:
    """Per-label precision/recall/F1 of the primary label (one label per document)."""
    out: dict[str, LabelScore] = {}
    for label in ALL_LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        out[label] = LabelScore(*_prf(tp, fp, fn), support=sum(g == label for g in gold))
    return out


def multilabel_scores(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, LabelScore]:
    """Per-label P/R/F1 over the full ``labels`` sets (a document can count for several)."""
    out: dict[str, LabelScore] = {}
    for label in ALL_LABELS:
        tp = sum(label in g and label in p for g, p in zip(gold, pred, strict=True))
        fp = sum(label not in g and label in p for g, p in zip(gold, pred, strict=True))
        fn = sum(label in g and label not in p for g, p in zip(gold, pred, strict=True))
        out[label] = LabelScore(*_prf(tp, fp, fn), support=sum(label in g for g in gold))
    return out


def macro_f1(scores: dict[str, LabelScore], labels: Sequence[str] = LABELS) -> float:
    """Macro-F1 over ``labels`` (by default the four real labels, not ``other``)."""
    return sum(scores[label].f1 for label in labels) / len(labels)


def confusion(gold: Sequence[str], pred: Sequence[str]) -> list[list[int]]:
    """Rows are gold primary labels, columns predicted, both in ``ALL_LABELS`` order."""
    index = {label: i for i, label in enumerate(ALL_LABELS)}
    matrix = [[0] * len(ALL_LABELS) for _ in ALL_LABELS]
    for g, p in zip(gold, pred, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def format_report(
    gold: Sequence[str],
    pred: Sequence[str],
    gold_sets: Sequence[Sequence[str]] | None = None,
    pred_sets: Sequence[Sequence[str]] | None = None,
) -> str:
    """Human-readable report: per-label table, macro-F1, confusion matrix."""
    scores = primary_scores(gold, pred)
    lines = ["primary label     precision  recall  f1     support"]
    lines += [
        f"  {lb:<15} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.support:8d}"
        for lb, s in scores.items()
    ]
    lines.append(
        f"macro-F1 (mou/fund/event/ranking): {macro_f1(scores):.3f}   other F1: {scores['other'].f1:.3f}"
    )
    if gold_sets is not None and pred_sets is not None:
        ml = multilabel_scores(gold_sets, pred_sets)
        lines.append(
            "all labels (multi-label) f1: "
            + "  ".join(f"{lb}={s.f1:.3f}" for lb, s in ml.items())
            + f"   macro={macro_f1(ml):.3f}"
        )
    lines.append("confusion (rows gold, cols predicted): " + " ".join(f"{lb:>7}" for lb in ALL_LABELS))
    for label, row in zip(ALL_LABELS, confusion(gold, pred), strict=True):
        lines.append(f"  {label:<36} " + " ".join(f"{v:7d}" for v in row))
    return "\n".join(lines)
