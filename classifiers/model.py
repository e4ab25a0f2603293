"""Sentence model (scikit-learn estimator) and document aggregation.

Why two levels: labels are asserted by individual sentences ("X and Y signed an MoU"),
while a document's *primary* label is what its headline and lead are about. So a linear
model scores every sentence for every label, and the document score for a label is the
best zone-weighted sentence score: a ranking quoted in an "About" paragraph (weight 0.2)
cannot beat an MoU in the lead (weight 1.0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from classifiers import LABELS, OTHER, Document, Prediction
from classifiers.base import BaseEstimator
from classifiers.features import CUES, analyze, compile_cues, fired_cues, tokenize
from classifiers.headline import future_agreement, headline_label
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
        return self

    def _cue_matrix(self, X: Sequence[str]) -> np.ndarray:
        compiled = compile_cues(CUES)
        out = np.zeros((len(X), len(compiled)))
        for i, text in enumerate(X):
            out[i, fired_cues(analyze(text), compiled)] = self.lexicon_weight
        return out

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """P(label | sentence) per label: TF-IDF (sublinear, l2) + cues, then a sigmoid per label.

        The same features as ``fit`` (``analyze`` units, ``fired_cues``), found in one pass over
        a sentence's tokens: bigrams are looked up word by word instead of being built as
        strings, and cue phrases through an index instead of a set test per cue. Per-sentence
        numpy calls cost more than the arithmetic, so weights are plain floats until one
        ``bincount`` per label at the end.
        """
        unigrams, bigrams = self._term_index()
        cue_words, cue_pairs, needs_second = self._cue_index()
        idf = self._idf_list()
        n_terms = len(self.terms_)
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for i, text in enumerate(X):
            tokens = tokenize(text)
            counts: dict[int, int] = {}
            hits: set[tuple[int, int]] = set()  # (cue, part) whose phrase occurs
            for token in tokens:
                term = unigrams.get(token)
                if term is not None:
                    counts[term] = counts.get(term, 0) + 1
                hits.update(cue_words.get(token, ()))
            for first, second in pairwise(tokens):
                term = bigrams.get(first, {}).get(second)
                if term is not None:
                    counts[term] = counts.get(term, 0) + 1
                hits.update(cue_pairs.get(first, {}).get(second, ()))
            if counts:
                weights = [(1.0 + math.log(n)) * idf[term] for term, n in counts.items()]
                norm = math.sqrt(sum(w * w for w in weights))
                rows += [i] * len(weights)
                cols += counts.keys()
                vals += [w / norm for w in weights]
            fired = sorted(c for c, part in hits if part == 0 and (not needs_second[c] or (c, 1) in hits))
            rows += [i] * len(fired)
            cols += [n_terms + c for c in fired]
            vals += [self.lexicon_weight] * len(fired)
        r, c, v = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), np.asarray(vals)
        logits = np.tile(self.intercept_, (len(X), 1))
        for j in range(logits.shape[1]):
            logits[:, j] += np.bincount(r, weights=self.coef_[c, j] * v, minlength=len(X))
        return 1.0 / (1.0 + np.exp(-logits))

    def _term_index(self) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
        """Unigram -> column and first word -> second word -> column (caches, not learned)."""
        cached = getattr(self, "_index", None)
        if cached is None or cached[2] != len(self.terms_):
            unigrams: dict[str, int] = {}
            bigrams: dict[str, dict[str, int]] = {}
            for column, term in enumerate(self.terms_.tolist()):
                first, _, second = term.partition(" ")
                if second:
                    bigrams.setdefault(first, {})[second] = column
                else:
                    unigrams[term] = column
            cached = self._index = (unigrams, bigrams, len(self.terms_))
        return cached[0], cached[1]

    def _cue_index(
        self,
    ) -> tuple[dict[str, list[tuple[int, int]]], dict[str, dict[str, list[tuple[int, int]]]], list[bool]]:
        """Cue phrases -> (cue, part) by word and by word pair, and which cues need a second part."""
        cached = getattr(self, "_cues", None)
        if cached is None:
            words: dict[str, list[tuple[int, int]]] = {}
            pairs: dict[str, dict[str, list[tuple[int, int]]]] = {}
            compiled = compile_cues(CUES)
            for cue, parts in enumerate(compiled):
                for part, phrases in enumerate(parts):
                    for phrase in phrases:
                        first, _, second = phrase.partition(" ")
                        if second:
                            pairs.setdefault(first, {}).setdefault(second, []).append((cue, part))
                        elif first:
                            words.setdefault(first, []).append((cue, part))
            cached = self._cues = (words, pairs, [bool(second) for _, second in compiled])
        return cached

    def _idf_list(self) -> list[float]:
        """``idf_`` as Python floats (a cache, not a learned attribute): faster to index one by one."""
        cached: list[float] | None = getattr(self, "_idf", None)
        if cached is None or len(cached) != len(self.idf_):
            cached = self._idf = self.idf_.tolist()
        return cached

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
        seg_lists = [segment(d.title, d.text) for d in docs]
        flat = [s.text for segs in seg_lists for s in segs if s.zone != "boilerplate"]
        probs = self.segment_model.predict_proba(flat)
        mou = LABELS.index("mou")
        for i, text in enumerate(flat):
            if future_agreement(text):
                probs[i, mou] *= FUTURE_MOU_FACTOR
        out: list[Prediction] = []
        start = 0
        for doc, segs in zip(docs, seg_lists, strict=True):
            scored = [s for s in segs if s.zone != "boilerplate"]
            rule = headline_label(" ".join(doc.title.split()))
            out.append(self._aggregate(scored, probs[start : start + len(scored)], segs, rule))
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


def _evidence(segs: list[Segment], column: np.ndarray) -> str:
    """The best sentence for the primary label, plus the runner-up when it also clearly supports it."""
    order = np.argsort(-column, kind="stable")
    chosen = [int(order[0])]
    if len(order) > 1 and column[order[1]] >= 0.5 and segs[int(order[1])].zone != "title":
        chosen.append(int(order[1]))
    return " ".join(segs[i].text for i in sorted(chosen))


def _fallback_evidence(segs: list[Segment]) -> str:
    """For ``other``: what the document is about, i.e. its headline and first lead sentence."""
    picked = [s.text for s in segs if s.zone in ("title", "lead")][:2]
    return " ".join(picked)
