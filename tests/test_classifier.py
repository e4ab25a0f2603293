"""Unit tests for the classifier: determinism, evidence, multi-label, persistence safety."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from classifiers import ALL_LABELS, DEFAULT_MODEL_PATH, OTHER, Document, load_classifier
from classifiers.features import CUES, analyze, compile_cues, fired_cues
from classifiers.model import PressReleaseClassifier, SegmentModel
from classifiers.persist import load_model, save_model
from classifiers.segment import segment, split_sentences
from classifiers.training import build_training_set, fit_classifier
from workers.errors import ModelError

MOU = Document(
    "City university signs memorandum of understanding with regional hospital",
    "The university and the hospital signed a memorandum of understanding on Monday to cooperate on "
    "clinical research and training.\n\nUnder the agreement, both parties will share laboratories.",
)
MIXED = Document(
    "Innovation summit opens with launch of $50 million seed fund",
    "The three-day innovation summit opened on Tuesday with more than 2,000 participants.\n\n"
    "On the first day, the province launched a $50 million seed fund for start-ups, which will invest "
    "in early-stage companies.",
)
BOILERPLATE = Document(
    "Institute appoints new director of research",
    "The institute has appointed Dr Lena Ortiz as its new director of research, effective in March.\n\n"
    "She previously led the chemistry department.\n\nAbout the Institute\n"
    "The institute is ranked 12th in the world in a global university ranking.",
)


@pytest.fixture(scope="module")
def trained() -> PressReleaseClassifier:
    return fit_classifier(build_training_set())


def test_sentence_split_keeps_abbreviations() -> None:
    assert split_sentences("Prof. Chao and Mr. Wong met Dr. Li. They signed it.") == [
        "Prof. Chao and Mr. Wong met Dr. Li.",
        "They signed it.",
    ]


def test_about_section_is_boilerplate() -> None:
    zones = {s.text: s.zone for s in segment(BOILERPLATE.title, BOILERPLATE.text)}
    assert zones["The institute is ranked 12th in the world in a global university ranking."] == "boilerplate"


def test_training_is_deterministic() -> None:
    docs = [MOU, MIXED, BOILERPLATE]
    first = fit_classifier(build_training_set()).predict(docs)
    second = fit_classifier(build_training_set()).predict(docs)
    assert first == second


def test_prediction_shape_and_evidence(trained: PressReleaseClassifier) -> None:
    pred = trained.predict([MOU])[0]
    assert pred.label == "mou"
    assert set(pred.scores) == set(ALL_LABELS)
    assert all(0.0 <= v <= 1.0 for v in pred.scores.values())
    assert "memorandum" in pred.evidence.lower()


def test_multi_label_document(trained: PressReleaseClassifier) -> None:
    pred = trained.predict([MIXED])[0]
    assert {"event", "fund"} <= set(pred.labels)
    assert pred.label == pred.labels[0]


def test_boilerplate_ranking_does_not_take_over(trained: PressReleaseClassifier) -> None:
    pred = trained.predict([BOILERPLATE])[0]
    assert pred.label == OTHER
    assert pred.labels == (OTHER,)
    assert pred.evidence


def test_empty_document_is_other(trained: PressReleaseClassifier) -> None:
    pred = trained.predict([Document("", "")])[0]
    assert pred.label == OTHER and pred.scores[OTHER] == 1.0


def test_save_load_roundtrip(trained: PressReleaseClassifier, tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save_model(trained, path, {"note": "test"})
    loaded = load_model(path)
    docs = [MOU, MIXED, BOILERPLATE]
    assert loaded.predict(docs) == trained.predict(docs)
    assert loaded.version == trained.version


def _rewrite(path: Path, **members: np.ndarray) -> None:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays.update(members)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    path.write_bytes(buf.getvalue())


def test_tampered_weights_are_refused(trained: PressReleaseClassifier, tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save_model(trained, path, {})
    coef = trained.segment_model.coef_.copy()
    coef[0, 0] += 1.0
    _rewrite(path, coef=coef)
    with pytest.raises(ModelError, match="checksum"):
        load_model(path)


def test_pickled_object_member_is_refused(trained: PressReleaseClassifier, tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save_model(trained, path, {})
    _rewrite(path, terms=np.asarray([object()], dtype=object))
    with pytest.raises(ModelError, match="pressroom train"):
        load_model(path)


def test_unknown_member_is_refused(trained: PressReleaseClassifier, tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save_model(trained, path, {})
    _rewrite(path, payload=np.zeros(3))
    with pytest.raises(ModelError, match="unexpected members"):
        load_model(path)


def test_foreign_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    np.savez(
        path,
        header=np.asarray(json.dumps({"format": "something-else"})),
        terms=np.asarray(["a"]),
        idf=np.ones(1),
        coef=np.ones((1, 4)),
        intercept=np.ones(4),
    )
    with pytest.raises(ModelError, match="pressroom train"):
        load_model(path)


def test_garbage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    path.write_bytes(b"not a zip file at all")
    with pytest.raises(ModelError, match="pressroom train"):
        load_model(path)


def test_missing_file_raises_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="pressroom train"):
        load_classifier(tmp_path / "nope.npz")


def test_shipped_model_loads() -> None:
    clf = load_classifier()
    assert DEFAULT_MODEL_PATH.is_file()
    assert clf.version
    assert clf.predict([MOU])[0].label == "mou"


def test_headline_rules() -> None:
    from classifiers.headline import future_agreement, headline_label

    assert headline_label("Venture capital firm appoints former regulator as partner") == OTHER
    assert headline_label("Fintech named to Top 100 list raises $12 million Series A") == "fund"
    assert headline_label("Retailer wins Employer of the Year award at business gala") == "ranking"
    assert headline_label("Consumer price index rises 0.3% in May") == OTHER
    assert headline_label("Bus maker inks deal to supply 200 buses to city") == "mou"
    assert headline_label("Gadget maker unveils foldable phone at trade show") == OTHER
    assert headline_label("Countries expected to sign trade pact next year") != "mou"
    assert headline_label("Local news") is None
    assert future_agreement("The two sides are expected to sign the agreement in May.")
    assert not future_agreement("The two sides signed the agreement on Monday.")


def test_future_agreement_is_not_mou(trained: PressReleaseClassifier) -> None:
    doc = Document(
        "Ministers meet on trade",
        "The two governments are expected to sign a free trade agreement next year, officials said.\n\n"
        "Negotiators will meet again in March.",
    )
    assert "mou" not in trained.predict([doc])[0].labels


def _reference_proba(model: SegmentModel, sentences: list[str]) -> np.ndarray:
    """predict_proba written the plain way, from the very features ``fit`` uses."""
    index = {term: i for i, term in enumerate(model.terms_.tolist())}
    compiled = compile_cues(CUES)
    n_terms = len(model.terms_)
    logits = np.tile(model.intercept_, (len(sentences), 1))
    for i, text in enumerate(sentences):
        units = analyze(text)
        counts = Counter(u for u in units if u in index)
        if counts:
            ids = np.asarray([index[u] for u in counts])
            w = (1.0 + np.log(np.asarray(list(counts.values()), dtype=float))) * model.idf_[ids]
            logits[i] += (w / np.linalg.norm(w)) @ model.coef_[ids]
        for cue in fired_cues(units, compiled):
            logits[i] += model.lexicon_weight * model.coef_[n_terms + cue]
    return 1.0 / (1.0 + np.exp(-logits))


def test_fast_scoring_equals_the_plain_computation() -> None:
    """Every sentence of the shipped evaluation sets and seeds scores as the plain formula says."""
    model = load_classifier(DEFAULT_MODEL_PATH).segment_model
    data = Path(__file__).parent.parent / "classifiers" / "data"
    lines = [
        line
        for name in ("dev.jsonl", "dev2.jsonl", "check3.jsonl")
        for line in (data / name).read_text().splitlines()
    ]
    docs = [json.loads(line) for line in lines if line.strip()]
    docs += [
        {"title": "", "text": seed.read_text(encoding="utf-8")} for seed in sorted((data / "seeds").iterdir())
    ]
    sentences = [s.text for d in docs for s in segment(d["title"], d["text"])]
    sentences += ["", "!!!", "MoU MoU MoU signed signed", "letter of intent"]  # edge cases
    assert len(sentences) > 2000
    fast = model.predict_proba(sentences)
    assert fast.shape == (len(sentences), len(model.intercept_))
    np.testing.assert_allclose(fast, _reference_proba(model, sentences), rtol=0, atol=1e-12)


def test_segment_shortcuts_match_the_plain_rules() -> None:
    """segment skips work that cannot change its result: the title-repeat check normalises a
    paragraph only when its first word is the title's, and space runs are collapsed only when
    there is one. On random text (Greek final sigma, dotted capital I, no-break spaces) both
    give what the plain rules give."""
    import random

    from classifiers import segment as seg

    rng = random.Random(3)
    words = ["Hong", "KONG", "kong", "ΟΔΟΣ", "οδος", "İstanbul", "i̇stanbul", "MoU", "x", "2026"]
    gaps = [" ", "  ", "\t", "\u00a0", ", ", " — ", "'", ".", ""]
    for _ in range(20_000):
        title = "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.5:  # often a paragraph made of the same words, spaced differently
            paragraph = "".join(w + rng.choice(gaps) for w in seg._WORD.findall(title))
        else:
            paragraph = "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randint(0, 5)))
        key = seg._normalise_key(title)
        if key:
            assert seg._repeats_title(paragraph, key) == (seg._normalise_key(paragraph) == key), (
                title,
                paragraph,
            )
        assert seg._tidy(paragraph) == seg._WS.sub(" ", paragraph).strip(), paragraph
