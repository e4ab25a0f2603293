"""Click commands the ``pressroom`` group registers: ``train``, ``classify``, ``evaluate``.

Each command loads the model once; errors go to stderr with the file/line they concern.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

import click

from classifiers import DEFAULT_MODEL_PATH, LABELS, OTHER, Classifier, Document, Prediction, load_classifier
from workers.errors import ModelError

EVALUATE_BATCH = 32  # documents per predict call: the bar moves, batching still pays

_MODEL_OPTION = click.option(
    "--model",
    "model_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=f"Model artefact (default: {DEFAULT_MODEL_PATH}).",
)


def _progress(length: int, label: str) -> Any:
    """A bar on stderr when it is a terminal; nothing at all in pipes, logs and cron mail."""
    return click.progressbar(length=length, label=label, file=sys.stderr, hidden=not sys.stderr.isatty())


def _load(model_path: Path | None) -> Classifier:
    try:
        return load_classifier(model_path)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc


def _result(pred: Prediction) -> dict[str, Any]:
    out = asdict(pred)
    out["labels"] = list(pred.labels)
    return out


@click.command("train")
@click.option(
    "--extra",
    "extra",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your own labelled documents (JSONL: title, text, labels, primary). Repeatable.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_MODEL_PATH,
    show_default=True,
    help="Where to write the artefact; the model card goes next to it.",
)
def train_command(extra: tuple[Path, ...], out: Path) -> None:
    """Train the classifier, write the artefact and model card, print metrics."""
    from classifiers.training import train, train_steps

    try:
        with _progress(train_steps(), "training") as bar:
            card = train(out, list(extra), progress=lambda: bar.update(1))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    dev = card["metrics"]["dev"]
    loso = card["metrics"]["leave_one_seed_out"]
    click.echo(f"wrote {out} (version {card['version']}) and model card in {out.parent}")
    if dev:
        for label, s in dev["primary"].items():
            click.echo(
                f"  {label:<8} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} n={s['support']}"
            )
        click.echo(
            f"dev macro-F1 (mou/fund/event/ranking): {dev['macro_f1']:.3f}  other F1: {dev['other_f1']:.3f}"
        )
    for name in ("dev2", "dev_zh_hant", "dev_zh_hans"):
        metrics = card["metrics"].get(name)
        if metrics:
            click.echo(
                f"{name} macro-F1 (mou/fund/event/ranking): {metrics['macro_f1']:.3f}  "
                f"other F1: {metrics['other_f1']:.3f}"
            )
    click.echo(
        f"leave-one-seed-out: held-out seed accuracy {loso['held_out_seed_accuracy']:.2f}, "
        f"dev macro-F1 mean {loso['dev_macro_f1_mean']}"
    )


@click.command("classify")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--jsonl", is_flag=True, help="One JSON object per line with id, title, text.")
@_MODEL_OPTION
def classify_command(source: TextIO, jsonl: bool, model_path: Path | None) -> None:
    """Classify a document (first line = title) or, with --jsonl, one document per line."""
    clf = _load(model_path)
    if not jsonl:
        title, _, text = source.read().strip().partition("\n")
        click.echo(json.dumps(_result(clf.predict([Document(title, text)])[0]), ensure_ascii=False))
        return
    failures = 0
    for n, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("expected a JSON object")
            doc = Document(str(record.get("title") or ""), str(record["text"]))
        except (ValueError, KeyError) as exc:
            failures += 1
            reason = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            click.echo(f"line {n}: skipped: {reason}", err=True)
            continue
        out = {"id": record.get("id"), **_result(clf.predict([doc])[0])}
        click.echo(json.dumps(out, ensure_ascii=False))
    if failures:
        click.echo(f"{failures} line(s) failed", err=True)
        sys.exit(1)


@click.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_MODEL_OPTION
def evaluate_command(path: Path, model_path: Path | None) -> None:
    """Score the model on labelled JSONL (title, text, labels, primary)."""
    from classifiers.metrics import format_report
    from classifiers.training import document_rows

    clf = _load(model_path)
    try:
        rows = document_rows(path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    preds: list[Prediction] = []
    with _progress(len(rows), "classifying") as bar:
        for start in range(0, len(rows), EVALUATE_BATCH):
            batch = rows[start : start + EVALUATE_BATCH]
            preds += clf.predict([Document(r["title"], r["text"]) for r in batch])
            bar.update(len(batch))
    click.echo(
        f"model {clf.version} on {path} ({len(rows)} documents); labels: {', '.join((*LABELS, OTHER))}"
    )
    click.echo(
        format_report(
            [r["primary"] for r in rows],
            [p.label for p in preds],
            [r["labels"] for r in rows],
            [p.labels for p in preds],
        )
    )
