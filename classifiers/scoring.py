"""Sentence scoring for a fitted ``SegmentModel``, vectorised over all sentences at once.

Why: scoring runs once per item in every worker, and the features (stemmed unigrams and
bigrams, lexicon cues) are cheap to find but costly to find one token at a time in
Python. Here each token becomes an integer once (a dict lookup, cached per raw token);
unigrams, bigrams and cue phrases are then found for every sentence together with numpy
(array indexing and sorted-key searches), and TF-IDF weights, l2 norms and logits follow
from per-sentence sums. The result equals ``fit``'s TfidfVectorizer + cue features
(tests check it against the plain formula).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from classifiers.features import CompiledCue, raw_tokens, stem
from classifiers.language import fold_all

RAW_CACHE_MAX = 200_000  # distinct raw tokens remembered per process before starting over


class SentenceScorer:
    """Look-up tables built once from a model's vocabulary and cue lexicon."""

    def __init__(
        self,
        terms: Sequence[str],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        cues: Sequence[CompiledCue],
        lexicon_weight: float,
    ) -> None:
        self._idf, self._coef, self._intercept = idf, coef, intercept
        self.lexicon_weight = lexicon_weight
        self._n_terms = len(terms)
        self._cue_coef = lexicon_weight * coef[len(terms) :]
        self._words: dict[str, int] = {}  # stemmed word -> id (0: not in any term or cue)
        unigrams, bigrams, cue_words, cue_pairs = [], [], [], []
        for column, term in enumerate(terms):
            first, _, second = term.partition(" ")
            if second:
                bigrams.append((self._id(first), self._id(second), column))
            else:
                unigrams.append((self._id(first), column))
        for cue, parts in enumerate(cues):
            for part, phrases in enumerate(parts):
                for phrase in phrases:
                    first, _, second = phrase.partition(" ")
                    if second:
                        cue_pairs.append((self._id(first), self._id(second), 2 * cue + part))
                    elif first:
                        cue_words.append((self._id(first), 2 * cue + part))
        self._base = base = len(self._words) + 1
        self._unigram_column = np.full(base, -1, dtype=np.int64)
        for word, column in unigrams:
            self._unigram_column[word] = column
        keys = np.asarray([a * base + b for a, b, _ in bigrams], dtype=np.int64)
        order = np.argsort(keys)
        self._bigram_keys = keys[order]
        self._bigram_columns = np.asarray([c for _, _, c in bigrams], dtype=np.int64)[order]
        # A phrase can belong to several cues: codes (2 * cue + part) per word / word pair, CSR-style.
        self._word_codes = _Groups([w for w, _ in cue_words], [c for _, c in cue_words], base)
        pair_keys = sorted({a * base + b for a, b, _ in cue_pairs})
        slot = {key: i for i, key in enumerate(pair_keys)}
        self._pair_keys = np.asarray(pair_keys, dtype=np.int64)
        self._pair_codes = _Groups(
            [slot[a * base + b] for a, b, _ in cue_pairs], [c for _, _, c in cue_pairs], len(pair_keys)
        )
        self._n_cues = len(cues)
        self._needs_second = np.asarray([bool(second) for _, second in cues])
        self._raw: dict[str, int] = {}

    def _id(self, word: str) -> int:
        return self._words.setdefault(word, len(self._words) + 1)

    def _token_ids(self, text: str) -> list[int]:
        """Ids of the tokens of a text already folded (``fold_all``)."""
        raw, out = self._raw, []
        for token in raw_tokens(text, folded=True):
            word = raw.get(token)
            if word is None:
                if len(raw) >= RAW_CACHE_MAX:
                    raw.clear()
                word = raw[token] = self._words.get(stem(token), 0)
            out.append(word)
        return out

    def proba(self, sentences: Sequence[str]) -> np.ndarray:
        """P(label | sentence), shape (len(sentences), labels)."""
        n = len(sentences)
        lengths = np.empty(n, dtype=np.int64)
        flat: list[int] = []
        for i, text in enumerate(fold_all(sentences)):
            ids = self._token_ids(text)
            lengths[i] = len(ids)
            flat += ids
        words = np.asarray(flat, dtype=np.int64)
        row_of = np.repeat(np.arange(n), lengths)
        # word pairs inside one sentence, as one integer each
        same = row_of[:-1] == row_of[1:]
        pairs = (words[:-1] * self._base + words[1:])[same]
        pair_rows = row_of[:-1][same]

        logits = np.tile(self._intercept, (n, 1))
        unigram = self._unigram_column[words]
        found = unigram >= 0
        at, hit = _search(self._bigram_keys, pairs)
        rows = np.concatenate([row_of[found], pair_rows[hit]])
        columns = np.concatenate([unigram[found], self._bigram_columns[at[hit]]])
        if len(rows):
            cells, counts = np.unique(rows * self._n_terms + columns, return_counts=True)
            r, c = cells // self._n_terms, cells % self._n_terms
            weight = (1.0 + np.log(counts)) * self._idf[c]  # sublinear tf x idf, then l2 per sentence
            weight /= np.sqrt(np.bincount(r, weights=weight * weight, minlength=n))[r]
            contribution = self._coef[c] * weight[:, None]
            for label in range(logits.shape[1]):
                logits[:, label] += np.bincount(r, weights=contribution[:, label], minlength=n)

        word_codes, word_rows = self._word_codes.expand(words, row_of)
        at, hit = _search(self._pair_keys, pairs)
        pair_codes, pair_code_rows = self._pair_codes.expand(at[hit], pair_rows[hit])
        codes = np.concatenate([word_codes, pair_codes])
        present = np.zeros((n, self._n_cues, 2), dtype=bool)
        present[np.concatenate([word_rows, pair_code_rows]), codes // 2, codes % 2] = True
        fired = present[:, :, 0] & (~self._needs_second | present[:, :, 1])
        logits += fired.astype(np.float64) @ self._cue_coef
        return 1.0 / (1.0 + np.exp(-logits))


class _Groups:
    """Integer owners -> lists of integer codes, as offsets into one array."""

    def __init__(self, owners: list[int], codes: list[int], size: int) -> None:
        owner = np.asarray(owners, dtype=np.int64)
        self._codes = np.asarray(codes, dtype=np.int64)[np.argsort(owner, kind="stable")]
        self._start = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=size))]).astype(np.int64)

    def expand(self, owners: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every code of every owner given (repeats kept), and the row each came with."""
        counts = self._start[owners + 1] - self._start[owners]
        keep = counts > 0
        owners, rows, counts = owners[keep], rows[keep], counts[keep]
        ends = np.cumsum(counts)
        offsets = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - counts, counts)
        return self._codes[np.repeat(self._start[owners], counts) + offsets], np.repeat(rows, counts)


def _search(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``keys`` in ``sorted_keys`` and which of them are there."""
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return at, sorted_keys[at] == keys
