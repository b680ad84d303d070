"""A fitted linear classifier as plain arrays: scores a sparse vector without scikit-learn."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.nlu.features import SparseVector


class LinearModel:
    """Multinomial logistic regression: softmax of weights · features + intercept."""

    def __init__(self, classes: Sequence[str], weights: np.ndarray, intercept: np.ndarray) -> None:
        self.classes = tuple(classes)
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)  # features x classes
        self.intercept = intercept.astype(np.float64)

    def probabilities(self, vector: SparseVector) -> np.ndarray:
        scores = self.intercept + vector.value @ self.weights[vector.index]
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    @classmethod
    def fit(cls, matrix, labels: Sequence[str], c: float, balanced: bool = False) -> LinearModel:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced" if balanced else None)
        model.fit(matrix, list(labels))
        coef, intercept = model.coef_, model.intercept_
        if coef.shape[0] == 1:  # two classes: sklearn keeps one row; softmax needs both halves
            coef, intercept = np.vstack([-coef, coef]) / 2, np.concatenate([-intercept, intercept]) / 2
        return cls([str(c) for c in model.classes_], coef.T, intercept)
