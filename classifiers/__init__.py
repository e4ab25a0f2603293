"""Press-release classifier: labels a document ``mou``, ``fund``, ``event``, ``ranking`` or ``other``.

English, Traditional and Simplified Chinese are supported; any other language, or too
little text, gets no label (``Prediction.classified`` says why).

This module is the public API the pipeline uses. It is import-cheap on purpose: scikit-learn
is only imported to train; loading and predicting need numpy alone, so the CLI and RQ workers start fast.
The package knows nothing about feeds or Redis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

LABELS: tuple[str, ...] = ("mou", "fund", "event", "ranking")
OTHER = "other"
ALL_LABELS: tuple[str, ...] = (*LABELS, OTHER)

DEFAULT_MODEL_PATH: Path = Path(__file__).resolve().parent.parent / "models" / "classifier.npz"


@dataclass(frozen=True)
class Document:
    """What the classifier sees: a headline and the extracted body text."""

    title: str
    text: str


# Whether a document was labelled (``Prediction.classified``): "ok", or why not. A document
# that is not "ok" gets label "other", every score 0.0 and no evidence: no confident answer.
CLASSIFIED_OK = "ok"
UNSUPPORTED_LANGUAGE = "unsupported-language"
TOO_SHORT = "too-short"
CLASSIFIED_STATUSES: tuple[str, ...] = (CLASSIFIED_OK, UNSUPPORTED_LANGUAGE, TOO_SHORT)


@dataclass(frozen=True)
class Prediction:
    """One document's labels; ``scores`` are per-label probabilities including ``other``.

    ``lang`` is the document's main language as detected ("en", "zh-Hant", "zh-Hans", "zh"
    when the script cannot be told, "fr", ..., "und"); ``classified`` says whether it was
    labelled at all (one of ``CLASSIFIED_STATUSES``).
    """

    label: str
    labels: tuple[str, ...]
    scores: dict[str, float]
    evidence: str
    lang: str = ""
    classified: str = CLASSIFIED_OK


class Classifier(Protocol):
    """Anything that labels documents; ``version`` is written into stream entries."""

    version: str

    def predict(self, docs: Sequence[Document]) -> list[Prediction]: ...


def load_classifier(path: Path | None = None) -> Classifier:
    """Load the trained artefact (default: ``models/classifier.npz``).

    Raises ``workers.errors.ModelError`` when the file is missing, corrupt, contains
    a foreign or tampered payload or an incompatible format.
    """
    from classifiers.persist import load_model

    return load_model(path or DEFAULT_MODEL_PATH)


__all__ = [
    "ALL_LABELS",
    "CLASSIFIED_OK",
    "CLASSIFIED_STATUSES",
    "DEFAULT_MODEL_PATH",
    "LABELS",
    "OTHER",
    "TOO_SHORT",
    "UNSUPPORTED_LANGUAGE",
    "Classifier",
    "Document",
    "Prediction",
    "load_classifier",
]
