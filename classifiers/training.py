"""Training: assemble sentence data, fit, evaluate on the dev set, write artefact + model card.

Training data (all versioned in ``classifiers/data``):

* ``segments.jsonl`` - the five seed documents split into sentences, labelled by hand;
* ``examples.jsonl`` - example sentences and headlines written by us (no copied text);
* ``patterns.jsonl`` - more sentences written by us for error patterns seen on real
  newswire (money words in appointments/earnings/launches, awards at galas, analyst
  "Leader" placements, future agreements, price indices...);
* ``--extra`` files - the user's own labelled documents (title/lead sentences get the
  primary label; every sentence of an ``other`` document is a negative).

* ``examples_zh.jsonl`` - Chinese example sentences and headlines (both scripts) written by
  us, positives for every label and hard negatives;

``dev.jsonl``, ``dev2.jsonl``, ``dev_zh_hant.jsonl`` and ``dev_zh_hans.jsonl`` are never
trained on: they only measure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from classifiers import LABELS, OTHER, Document
from classifiers.metrics import LabelScore, macro_f1, multilabel_scores, primary_scores
from classifiers.model import PressReleaseClassifier, SegmentModel
from classifiers.segment import segment

DATA_DIR = Path(__file__).resolve().parent / "data"
SEGMENTS_FILE = DATA_DIR / "segments.jsonl"
EXAMPLES_FILE = DATA_DIR / "examples.jsonl"
PATTERNS_FILE = DATA_DIR / "patterns.jsonl"
EXAMPLES_ZH_FILE = DATA_DIR / "examples_zh.jsonl"
DEV_FILE = DATA_DIR / "dev.jsonl"
DEV2_FILE = DATA_DIR / "dev2.jsonl"
DEV_ZH_HANT_FILE = DATA_DIR / "dev_zh_hant.jsonl"
DEV_ZH_HANS_FILE = DATA_DIR / "dev_zh_hans.jsonl"
SEEDS_DIR = DATA_DIR / "seeds"

# Hyperparameters (chosen among a handful of settings, see docs/classifier.md).
PARAMS: dict[str, Any] = {"C": 4.0, "lexicon_weight": 0.5, "class_weight": None, "random_state": 0}
# Per label: a label applies when its (best zone-weighted) score clears it. "other": the primary
# label's support in the title/lead/early zones must clear it, else the release is `other`.
THRESHOLDS: dict[str, float] = {label: 0.5 for label in LABELS} | {OTHER: 0.5}

# Gold primary labels of the seed documents, used for the leave-one-seed-out figure.
SEED_PRIMARY: dict[str, str] = {"000": "event", "001": "event", "002": "event", "003": "mou", "004": "mou"}


@dataclass
class TrainingSet:
    texts: list[str] = field(default_factory=list)
    targets: list[list[int]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def add(self, text: str, labels: Sequence[str], source: str) -> None:
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise ValueError(
                f"{source}: unknown labels {sorted(unknown)}; use {list(LABELS)} (or [] for none)"
            )
        self.texts.append(text)
        self.targets.append([int(label in labels) for label in LABELS])
        self.sources.append(source)

    def without(self, source_prefix: str) -> TrainingSet:
        keep = [i for i, s in enumerate(self.sources) if not s.startswith(source_prefix)]
        return TrainingSet(
            [self.texts[i] for i in keep], [self.targets[i] for i in keep], [self.sources[i] for i in keep]
        )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read JSON lines; errors name the file and line."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: invalid JSON ({exc.msg})") from exc
            if not isinstance(row, dict):
                raise ValueError(f"{path}:{n}: expected a JSON object")
            rows.append(row)
    return rows


def document_rows(path: Path) -> list[dict[str, Any]]:
    """Labelled documents (dev set or --extra): title, text, labels, primary."""
    rows = read_jsonl(path)
    for n, row in enumerate(rows, start=1):
        missing = {"title", "text", "labels", "primary"} - row.keys()
        if missing:
            raise ValueError(f"{path}: record {n}: missing fields {sorted(missing)}")
        if row["primary"] not in (*LABELS, OTHER):
            raise ValueError(f"{path}: record {n}: primary {row['primary']!r} is not a known label")
    return rows


def build_training_set(extra: Sequence[Path] = ()) -> TrainingSet:
    data = TrainingSet()
    for row in read_jsonl(SEGMENTS_FILE):
        data.add(row["text"], row["labels"], f"seed:{row['source'][:3]}")
    for row in read_jsonl(EXAMPLES_FILE):
        data.add(row["text"], row["labels"], "examples")
    for row in read_jsonl(PATTERNS_FILE):
        data.add(row["text"], row["labels"], "patterns")
    for row in read_jsonl(EXAMPLES_ZH_FILE):
        data.add(row["text"], row["labels"], "examples_zh")
    for path in extra:
        for n, row in enumerate(document_rows(path), start=1):
            _add_document(data, row, f"extra:{path.name}:{n}")
    return data


def _add_document(data: TrainingSet, row: dict[str, Any], source: str) -> None:
    """Headline and lead carry the primary label; an ``other`` document is all negatives."""
    primary = row["primary"]
    for seg in segment(row["title"], row["text"]):
        if primary == OTHER:
            if seg.zone != "boilerplate":
                data.add(seg.text, [], source)
        elif seg.zone in ("title", "lead"):
            data.add(seg.text, [primary], source)


def fit_classifier(data: TrainingSet, version: str = "dev") -> PressReleaseClassifier:
    model = SegmentModel(**PARAMS).fit(data.texts, np.asarray(data.targets, dtype=np.int64))
    return PressReleaseClassifier(model, THRESHOLDS, version)


def data_digest(paths: Sequence[Path]) -> str:
    """sha256 over the training files' names and bytes, in a fixed order."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def evaluate(clf: PressReleaseClassifier, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    preds = clf.predict([Document(r["title"], r["text"]) for r in rows])
    gold = [r["primary"] for r in rows]
    primary = primary_scores(gold, [p.label for p in preds])
    multi = multilabel_scores([r["labels"] for r in rows], [p.labels for p in preds])
    return {
        "n_documents": len(rows),
        "primary": {lb: _round(s) for lb, s in primary.items()},
        "macro_f1": round(macro_f1(primary), 4),
        "other_f1": round(primary[OTHER].f1, 4),
        "multilabel": {lb: _round(s) for lb, s in multi.items()},
        "multilabel_macro_f1": round(macro_f1(multi), 4),
    }


def _round(s: LabelScore) -> dict[str, float]:
    return {
        "precision": round(s.precision, 4),
        "recall": round(s.recall, 4),
        "f1": round(s.f1, 4),
        "support": s.support,
    }


def seed_documents() -> dict[str, Document]:
    docs = {}
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").strip().partition("\n")
        docs[path.name[:3]] = Document(title, text)
    return docs


def _no_progress() -> None:
    pass


def train_steps() -> int:
    """How many times :func:`train` calls ``progress``: the full fit, one refit per seed, the save."""
    return 2 + len(list(SEEDS_DIR.glob("*.txt")))


def leave_one_seed_out(
    data: TrainingSet, dev_rows: Sequence[dict[str, Any]], progress: Callable[[], None] = _no_progress
) -> dict[str, Any]:
    """Retrain without each seed's segments: is the held-out seed right, and how does dev move?"""
    seeds = seed_documents()
    correct = 0
    dev_f1 = []
    per_seed = {}
    for key, doc in seeds.items():
        clf = fit_classifier(data.without(f"seed:{key}"))
        progress()
        label = clf.predict([doc])[0].label
        correct += label == SEED_PRIMARY[key]
        per_seed[key] = {"gold": SEED_PRIMARY[key], "predicted": label}
        if dev_rows:
            dev_f1.append(evaluate(clf, dev_rows)["macro_f1"])
    return {
        "held_out_seed_accuracy": round(correct / len(seeds), 4),
        "per_seed": per_seed,
        "dev_macro_f1_mean": round(float(np.mean(dev_f1)), 4) if dev_f1 else None,
        "dev_macro_f1_min": round(float(np.min(dev_f1)), 4) if dev_f1 else None,
    }


def train(
    out: Path,
    extra: Sequence[Path] = (),
    today: dt.date | None = None,
    progress: Callable[[], None] = _no_progress,
) -> dict[str, Any]:
    """Fit on all training data, evaluate, write artefact and model card; returns the card.

    ``progress`` is called :func:`train_steps` times, so a terminal can show a bar.
    """
    from classifiers.persist import library_versions, save_model

    files = [SEGMENTS_FILE, EXAMPLES_FILE, PATTERNS_FILE, EXAMPLES_ZH_FILE, *extra]
    digest = data_digest(files)
    version = f"{(today or dt.date.today()):%Y.%m.%d}-{digest[:8]}"
    data = build_training_set(extra)
    clf = fit_classifier(data, version)
    progress()
    dev_rows = document_rows(DEV_FILE) if DEV_FILE.is_file() else []
    dev2_rows = document_rows(DEV2_FILE) if DEV2_FILE.is_file() else []
    zh_sets = {
        name: document_rows(path)
        for name, path in (("dev_zh_hant", DEV_ZH_HANT_FILE), ("dev_zh_hans", DEV_ZH_HANS_FILE))
        if path.is_file()
    }
    card: dict[str, Any] = {
        "name": "pressroom press-release classifier",
        "version": version,
        "labels": [*LABELS, OTHER],
        "thresholds": THRESHOLDS,
        "hyperparameters": PARAMS,
        "training_data": {
            "files": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files},
            "sha256": digest,
            "n_sentences": len(data.texts),
            "n_positive": {lb: int(sum(t[i] for t in data.targets)) for i, lb in enumerate(LABELS)},
        },
        "libraries": library_versions(),
        "metrics": {
            "dev": evaluate(clf, dev_rows) if dev_rows else None,
            "dev2": evaluate(clf, dev2_rows) if dev2_rows else None,
            **{name: evaluate(clf, rows) for name, rows in zh_sets.items()},
            "leave_one_seed_out": leave_one_seed_out(data, dev_rows, progress),
        },
    }
    save_model(clf, out, {"data_sha256": digest})
    write_model_card(card, out.parent)
    progress()
    return card


def write_model_card(card: dict[str, Any], directory: Path) -> None:
    (directory / "model_card.json").write_text(
        json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
    dev = card["metrics"]["dev"] or {}
    loso = card["metrics"]["leave_one_seed_out"]
    lines = [
        "# Model card: pressroom press-release classifier",
        "",
        f"- version: `{card['version']}`",
        f"- labels: {', '.join(card['labels'])} (`other` when no label clears its threshold)",
        "- languages: English, Chinese (Traditional and Simplified, folded to one vocabulary); "
        "anything else, or too little text, gets no label (`classified`)",
        f"- thresholds: {card['thresholds']}",
        f"- training data sha256: `{card['training_data']['sha256']}` "
        f"({card['training_data']['n_sentences']} sentences)",
        f"- libraries: {card['libraries']}",
        "",
        "## Dev set (hand-written, never trained on)",
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for label, s in dev.get("primary", {}).items():
        lines.append(
            f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |"
        )
    lines += [
        "",
        f"- macro-F1 (mou/fund/event/ranking, primary label): {dev.get('macro_f1')}",
        f"- other F1: {dev.get('other_f1')}",
        f"- multi-label macro-F1 (all `labels`): {dev.get('multilabel_macro_f1')}",
        "",
    ]
    for name, heading in (
        ("dev2", "Dev2 set (hand-written, long newswire-style, never trained on)"),
        ("dev_zh_hant", "Chinese dev set, Traditional (hand-written, never trained on)"),
        ("dev_zh_hans", "Chinese dev set, Simplified (hand-written, never trained on)"),
    ):
        metrics = card["metrics"].get(name) or {}
        if not metrics:
            continue
        lines += [
            f"## {heading}",
            "",
            "| label | precision | recall | F1 | support |",
            "|---|---|---|---|---|",
        ]
        for label, s in metrics["primary"].items():
            lines.append(
                f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |"
            )
        lines += [
            "",
            f"- macro-F1 (mou/fund/event/ranking, primary label): {metrics.get('macro_f1')}",
            f"- other F1: {metrics.get('other_f1')}",
            f"- multi-label macro-F1 (all `labels`): {metrics.get('multilabel_macro_f1')}",
            "",
        ]
    lines += [
        "## Leave-one-seed-out",
        "",
        f"- held-out seed primary label accuracy: {loso['held_out_seed_accuracy']}",
        f"- dev macro-F1 when one seed is removed: mean {loso['dev_macro_f1_mean']}, "
        f"min {loso['dev_macro_f1_min']}",
        "",
        "Regenerate with `pressroom train`; see docs/classifier.md.",
        "",
    ]
    (directory / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
