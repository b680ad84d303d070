"""Intent recognition: character and word n-grams with a linear model, trained at start-up.

Character n-grams (inside word boundaries) tolerate typos and slang; word n-grams
carry phrasing. The method was chosen on cross-validation (bench/intent_cv.py).
The fitted model is cached under var/cache, keyed by a hash of the training data,
so start-up after the first run only loads it.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.taxonomy import FALLBACK_TOPIC

MODEL_VERSION = "1"
DEFAULT_THRESHOLD = 0.30


@dataclass(frozen=True, slots=True)
class IntentGuess:
    intent: str
    confidence: float

    @property
    def topic(self) -> str:
        return self.intent.split("/", 1)[0]


def build_pipeline():
    """The model: tf-idf over char 2-5-grams and word 1-2-grams, logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    features = FeatureUnion(
        [
            (
                "chars",
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1),
            ),
            (
                "words",
                TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"),
            ),
        ]
    )
    return make_pipeline(features, LogisticRegression(C=20.0, max_iter=2000))


class LinearScorer:
    """The fitted pipeline's arithmetic without sklearn's per-call checks (~20x faster per message).

    Uses the vectorizers' own analyzers, vocabularies and idf weights, so the scores are
    the pipeline's own (tests/test_intent.py compares them).
    """

    def __init__(self, pipeline) -> None:
        union, model = pipeline.steps[0][1], pipeline.steps[-1][1]
        self.parts = []
        offset = 0
        for _, vectorizer in union.transformer_list:
            self.parts.append((vectorizer.build_analyzer(), vectorizer.vocabulary_, vectorizer.idf_, offset))
            offset += len(vectorizer.vocabulary_)
        self.coef = model.coef_
        self.intercept = model.intercept_

    def probabilities(self, text: str) -> np.ndarray:
        scores = self.intercept.copy()
        for analyzer, vocabulary, idf, offset in self.parts:
            counts = Counter(vocabulary[g] for g in analyzer(text) if g in vocabulary)
            if not counts:
                continue
            index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            weights = tf * idf[index]
            weights /= np.sqrt(weights @ weights)
            scores += self.coef[:, index + offset] @ weights
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()


class IntentClassifier:
    def __init__(self, pipeline, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.pipeline = pipeline
        self.scorer = LinearScorer(pipeline)
        self.threshold = threshold
        self.classes: list[str] = list(pipeline.classes_)

    @classmethod
    def train(
        cls, texts: Sequence[str], intents: Sequence[str], cache_dir: Path | None = None
    ) -> IntentClassifier:
        """Fit on normalised texts, or load the cached fit of exactly this data."""
        digest = _digest(texts, intents)
        cached = cache_dir / f"intent-{digest}.pkl" if cache_dir else None
        if cached and cached.exists():
            with cached.open("rb") as fh:
                return cls(pickle.load(fh))
        pipeline = build_pipeline().fit(list(texts), list(intents))
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(pipeline, fh)
            tmp.replace(cached)
        return cls(pipeline)

    def predict(self, text: str) -> IntentGuess:
        """Best intent with its probability; below the threshold the fallback topic."""
        if not text.strip():
            return IntentGuess(FALLBACK_TOPIC, 0.0)
        probs = self.scorer.probabilities(text)
        best = int(probs.argmax())
        confidence = float(probs[best])
        if confidence < self.threshold:
            return IntentGuess(FALLBACK_TOPIC, confidence)
        return IntentGuess(self.classes[best], confidence)


def _digest(texts: Sequence[str], intents: Sequence[str]) -> str:
    import sklearn

    h = hashlib.sha256(f"{MODEL_VERSION}:{sklearn.__version__}".encode())
    for text, intent in zip(texts, intents, strict=True):
        h.update(f"{intent}\t{text}\n".encode())
    return h.hexdigest()[:16]
