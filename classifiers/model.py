"""Sentence model (scikit-learn estimator) and document aggregation.

Why two levels: labels are asserted by individual sentences ("X and Y signed an MoU"),
while a document's *primary* label is what its headline and lead are about. So a linear
model scores every sentence for every label, and the document score for a label is the
best zone-weighted sentence score: a ranking quoted in an "About" paragraph (weight 0.2)
cannot beat an MoU in the lead (weight 1.0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from classifiers import LABELS, OTHER, TOO_SHORT, UNSUPPORTED_LANGUAGE, Document, Prediction
from classifiers.base import BaseEstimator
from classifiers.features import CUES, analyze, compile_cues, fired_cues
from classifiers.headline import future_agreement, headline_label
from classifiers.language import Language, detect, without_surrogates
from classifiers.scoring import SentenceScorer
from classifiers.segment import Segment, segment


class SegmentModel(BaseEstimator):
    """One-vs-rest logistic regression over stemmed word n-grams (TF-IDF) and lexicon cues.

    ``fit(X, Y)`` takes sentences and a multi-hot matrix (n_sentences x len(LABELS)); an
    all-zero row is a sentence that supports no label. After fitting, only plain arrays are
    kept (``terms_``, ``idf_``, ``coef_``, ``intercept_``) and ``predict_proba`` is pure numpy,
    so inference needs neither scikit-learn nor scipy, and the artefact is a plain array file.
    """

    def __init__(
        self,
        C: float = 4.0,
        lexicon_weight: float = 0.5,
        class_weight: str | None = None,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.lexicon_weight = lexicon_weight
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, X: Sequence[str], Y: np.ndarray) -> SegmentModel:
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier

        vectorizer = TfidfVectorizer(analyzer=analyze, sublinear_tf=True, dtype=np.float64)
        words = vectorizer.fit_transform(list(X))
        cues = sparse.csr_matrix(self._cue_matrix(list(X)))
        features = sparse.hstack([words, cues], format="csr")
        linear = OneVsRestClassifier(
            LogisticRegression(
                C=self.C,
                class_weight=self.class_weight,
                solver="liblinear",
                random_state=self.random_state,
                max_iter=1000,
            )
        ).fit(features, np.asarray(Y, dtype=np.int64))
        self.terms_ = np.asarray(vectorizer.get_feature_names_out(), dtype=str)
        self.idf_ = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.coef_ = np.vstack([est.coef_.ravel() for est in linear.estimators_]).T.copy()
        self.intercept_ = np.asarray([est.intercept_[0] for est in linear.estimators_], dtype=np.float64)
        self.classes_ = np.asarray(LABELS)
        self.__dict__.pop("_scorer", None)  # look-up tables of an earlier fit
        return self

    def _cue_matrix(self, X: Sequence[str]) -> np.ndarray:
        compiled = compile_cues(CUES)
        out = np.zeros((len(X), len(compiled)))
        for i, text in enumerate(X):
            out[i, fired_cues(analyze(text), compiled)] = self.lexicon_weight
        return out

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """P(label | sentence) per label: TF-IDF (sublinear, l2) + cues, then a sigmoid per label.

        The same features as ``fit``, computed for all sentences at once (see
        ``classifiers.scoring``); the look-up tables are built on first use.
        """
        scorer: SentenceScorer | None = getattr(self, "_scorer", None)
        if scorer is None or scorer.lexicon_weight != self.lexicon_weight:  # set_params since
            scorer = self._scorer = SentenceScorer(
                self.terms_.tolist(),
                self.idf_,
                self.coef_,
                self.intercept_,
                compile_cues(CUES),
                self.lexicon_weight,
            )
        return scorer.proba(X)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return (self.predict_proba(X) >= 0.5).astype(np.int64)


def _rescale(score: float, threshold: float) -> float:
    """Piecewise-linear map sending ``threshold`` to 0.5, so 0.5 means "applies" for every label."""
    if score <= threshold:
        return 0.5 * score / threshold if threshold > 0 else 0.5
    return 0.5 + 0.5 * (score - threshold) / (1.0 - threshold) if threshold < 1 else 1.0


HEAD_ZONES = frozenset({"title", "lead", "early"})
HEAD_TIEBREAK = 0.25
# A sentence that only expects, plans or conditions an agreement ("expected to sign") keeps
# this fraction of its mou probability: future agreements are not signed agreements.
FUTURE_MOU_FACTOR = 0.3
# Default for thresholds["other"]: the primary label needs this much (rescaled) support in the
# title/lead/early zones, otherwise the release is `other` (a passing mention is not the topic).
PRIMARY_MIN = 0.5


class PressReleaseClassifier:
    """Document-level classifier implementing the ``classifiers.Classifier`` protocol."""

    def __init__(self, segment_model: SegmentModel, thresholds: dict[str, float], version: str) -> None:
        self.segment_model = segment_model
        self.thresholds = dict(thresholds)
        self.version = version

    def predict(self, docs: Sequence[Document]) -> list[Prediction]:
        docs = [_valid_text(d) for d in docs]
        languages = [detect(d.title, d.text) for d in docs]
        labelled = [i for i, lang in enumerate(languages) if lang.supported and not lang.too_short]
        seg_lists = [segment(docs[i].title, docs[i].text, languages[i].chinese) for i in labelled]
        flat = [s.text for segs in seg_lists for s in segs if s.zone != "boilerplate"]
        probs = self.segment_model.predict_proba(flat)
        mou = LABELS.index("mou")
        for i, text in enumerate(flat):
            if future_agreement(text):
                probs[i, mou] *= FUTURE_MOU_FACTOR
        start = 0
        for i, segs in zip(labelled, seg_lists, strict=True):
            n = sum(s.zone != "boilerplate" for s in segs)
            if languages[i].chinese and future_agreement(docs[i].title):
                # The headline says the signing is still to come: so is every "after signing" below it.
                # Chinese only: the English model was tuned and gated without this cut.
                probs[start : start + n, mou] *= FUTURE_MOU_FACTOR
            start += n
        out = [_unlabelled(lang) for lang in languages]
        start = 0
        for i, segs in zip(labelled, seg_lists, strict=True):
            scored = [s for s in segs if s.zone != "boilerplate"]
            rule = headline_label(" ".join(docs[i].title.split()))
            pred = self._aggregate(scored, probs[start : start + len(scored)], segs, rule)
            out[i] = replace(pred, lang=languages[i].code)
            start += len(scored)
        return out

    def _aggregate(
        self, segs: list[Segment], probs: np.ndarray, all_segs: list[Segment], rule: str | None = None
    ) -> Prediction:
        if not segs:
            scores = {label: 0.0 for label in LABELS} | {OTHER: 1.0}
            return Prediction(OTHER, (OTHER,), scores, _fallback_evidence(all_segs))
        weights = np.asarray([s.weight for s in segs])
        weighted = probs * weights[:, None]
        best = weighted.max(axis=0)
        scores = {
            label: round(_rescale(float(best[j]), self.thresholds[label]), 4)
            for j, label in enumerate(LABELS)
        }
        if rule in LABELS:
            # The headline announces it: it applies even if the sentence model is unsure.
            scores[rule] = max(scores[rule], 0.5)
        applies = [label for label in LABELS if scores[label] >= 0.5]
        scores[OTHER] = round(1.0 - max(scores[label] for label in LABELS), 4)
        by_strength = sorted(applies, key=lambda lb: -scores[lb])
        if rule == OTHER:
            # Appointment, results, product launch...: other is primary whatever the body mentions.
            return Prediction(OTHER, (OTHER, *by_strength), scores, _fallback_evidence(segs))
        if not applies:
            return Prediction(OTHER, (OTHER,), scores, _fallback_evidence(segs))
        # Primary = what the headline and lead are about; overall strength only breaks ties.
        head = np.asarray([s.zone in HEAD_ZONES for s in segs])
        head_best = weighted[head].max(axis=0) if head.any() else np.zeros(len(LABELS))
        if rule in LABELS:
            primary = rule
        else:
            primary = max(applies, key=lambda lb: head_best[LABELS.index(lb)] + HEAD_TIEBREAK * scores[lb])
            j = LABELS.index(primary)
            if _rescale(float(head_best[j]), self.thresholds[primary]) < self.thresholds.get(
                OTHER, PRIMARY_MIN
            ):
                # Only a passing mention outside the headline and lead: the release is about something else.
                return Prediction(OTHER, (OTHER, *by_strength), scores, _fallback_evidence(segs))
        labels = (primary, *(lb for lb in by_strength if lb != primary))
        return Prediction(primary, labels, scores, _evidence(segs, weighted[:, LABELS.index(primary)]))


def _valid_text(doc: Document) -> Document:
    """The document with lone surrogates (a broken ``\\ud800`` escape in JSON) as U+FFFD: such
    text cannot be encoded, neither by OpenCC nor by whoever writes the evidence out."""
    title, text = without_surrogates(doc.title), without_surrogates(doc.text)
    return doc if title is doc.title and text is doc.text else replace(doc, title=title, text=text)


def _unlabelled(lang: Language) -> Prediction:
    """No confident answer: a language the model does not know, or too little text to judge."""
    status = TOO_SHORT if lang.too_short else UNSUPPORTED_LANGUAGE  # a few words tell no language either
    scores = {label: 0.0 for label in (*LABELS, OTHER)}
    return Prediction(OTHER, (OTHER,), scores, "", lang=lang.code, classified=status)


def _evidence(segs: list[Segment], column: np.ndarray) -> str:
    """The best sentence for the primary label, plus the runner-up when it also clearly supports it."""
    order = np.argsort(-column, kind="stable")
    chosen = [int(order[0])]
    if len(order) > 1 and column[order[1]] >= 0.5 and segs[int(order[1])].zone != "title":
        chosen.append(int(order[1]))
    return _joined([segs[i].text for i in sorted(chosen)])


# Full-width sentence ends (ideographic full stop, exclamation and question marks, semicolon).
_WIDE_SENTENCE_ENDS = ("\u3002", "\uff01", "\uff1f", "\uff1b")


def _joined(sentences: list[str]) -> str:
    """Sentences as one text: a space after an English one, none after a Chinese one."""
    out = ""
    for sentence in sentences:
        out += sentence if not out or out.endswith(_WIDE_SENTENCE_ENDS) else " " + sentence
    return out


def _fallback_evidence(segs: list[Segment]) -> str:
    """For ``other``: what the document is about, i.e. its headline and first lead sentence."""
    picked = [s.text for s in segs if s.zone in ("title", "lead")][:2]
    return " ".join(picked)
