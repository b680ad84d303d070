"""Text features shared by the intent and risk models: tf-idf over character and word n-grams.

Character n-grams inside word boundaries tolerate typos and slang; word n-grams carry
phrasing. One feature space serves both models, so a message is turned into features
once. The analyzers are ours and scikit-learn is only used to fit (see bot/models.py);
at run time a message costs a few dictionary lookups and no scikit-learn import.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

CHAR_SIZES = range(2, 6)
WORD_SIZES = range(1, 3)


def char_ngrams(text: str) -> list[str]:
    """2- to 5-letter pieces of every word, padded with a space (scikit-learn's "char_wb")."""
    out: list[str] = []
    for word in text.split():
        padded = f" {word} "
        for n in CHAR_SIZES:
            if len(padded) <= n:
                out.append(padded)  # a short word counts once, whole
                break
            out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


def word_ngrams(text: str) -> list[str]:
    """Single words and pairs of neighbouring words."""
    words = text.split()
    out: list[str] = []
    for n in WORD_SIZES:
        out.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return out


ANALYZERS: tuple[Callable[[str], list[str]], ...] = (char_ngrams, word_ngrams)


@dataclass(frozen=True, slots=True)
class SparseVector:
    index: np.ndarray  # feature numbers
    value: np.ndarray  # their weights


EMPTY = SparseVector(np.zeros(0, dtype=np.int64), np.zeros(0))


class FeatureSpace:
    """Vocabulary and idf weights per analyzer; each block is normalised to length one."""

    def __init__(self, vocabularies: Sequence[dict[str, int]], idf: Sequence[np.ndarray]) -> None:
        self.blocks = []
        offset = 0
        for analyzer, vocabulary, weights in zip(ANALYZERS, vocabularies, idf, strict=True):
            self.blocks.append((analyzer, vocabulary, weights, offset))
            offset += len(vocabulary)
        self.size = offset

    def vector(self, text: str) -> SparseVector:
        indexes, values = [], []
        for analyzer, vocabulary, idf, offset in self.blocks:
            counts = Counter(vocabulary[g] for g in analyzer(text) if g in vocabulary)
            if not counts:
                continue
            index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            weights = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            weights *= idf[index]
            weights /= np.sqrt(weights @ weights)
            indexes.append(index + offset)
            values.append(weights)
        if not indexes:
            return EMPTY
        return SparseVector(np.concatenate(indexes), np.concatenate(values))

    @classmethod
    def fit(cls, texts: Sequence[str]):
        """Learn vocabulary and idf from texts; also return their feature matrix for training."""
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizers = [TfidfVectorizer(analyzer=a, sublinear_tf=True) for a in ANALYZERS]
        matrix = hstack([v.fit_transform(texts) for v in vectorizers]).tocsr()
        space = cls(
            [{g: int(i) for g, i in v.vocabulary_.items()} for v in vectorizers],
            [v.idf_ for v in vectorizers],
        )
        return space, matrix
