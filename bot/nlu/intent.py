"""Intent recognition: the most likely intent for a message, or the fallback below a threshold.

The model (bot/models.py) is multinomial logistic regression over character and word
n-grams, chosen on cross-validation (bench/intent_cv.py); the threshold sends what the
model is unsure about to the fallback, which asks again and offers the topic menu.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.taxonomy import FALLBACK_TOPIC
from bot.nlu.features import SparseVector
from bot.nlu.linear import LinearModel

DEFAULT_THRESHOLD = 0.30


@dataclass(frozen=True, slots=True)
class IntentGuess:
    intent: str
    confidence: float

    @property
    def topic(self) -> str:
        return self.intent.split("/", 1)[0]


class IntentClassifier:
    def __init__(self, model: LinearModel, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.model = model
        self.threshold = threshold

    def predict(self, vector: SparseVector) -> IntentGuess:
        """Best intent with its probability; below the threshold the fallback topic."""
        if not vector.index.size:
            return IntentGuess(FALLBACK_TOPIC, 0.0)
        probs = self.model.probabilities(vector)
        best = int(probs.argmax())
        confidence = float(probs[best])
        if confidence < self.threshold:
            return IntentGuess(FALLBACK_TOPIC, confidence)
        return IntentGuess(self.model.classes[best], confidence)
