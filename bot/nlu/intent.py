"""Intent recognition: the most likely intent for a message, or the fallback below a threshold.

The model (bot/nlu/training.py) is multinomial logistic regression over character and word
n-grams, chosen on cross-validation (bench/intent_cv.py). Probabilities are summed per
group before choosing: a long message spreads its probability over a topic's detail
intents (sextortion, sextortion/al-betaald), and the topic as a whole is what counts.
A group is the topic (`sextortion`), or `vervolg` for the follow-up details.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.content.taxonomy import FALLBACK_TOPIC
from bot.nlu.features import SparseVector
from bot.nlu.linear import LinearModel

DEFAULT_THRESHOLD = 0.30
RANKED = 3  # groups kept for the clarifying question and context


@dataclass(frozen=True, slots=True)
class IntentGuess:
    intent: str  # the best intent of the best group: "sextortion/al-betaald", "vervolg/betalen"
    confidence: float  # the group's summed probability
    ranking: tuple[tuple[str, float], ...] = ()  # the best groups with their probability
    own: float = 1.0  # the probability of `intent` itself (a group spreads over its intents)

    @property
    def topic(self) -> str:
        return self.intent.split("/", 1)[0]

    @property
    def detail(self) -> str | None:
        return self.intent.split("/", 1)[1] if "/" in self.intent else None


class IntentClassifier:
    def __init__(self, model: LinearModel, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.model = model
        self.threshold = threshold
        groups = [c.split("/", 1)[0] for c in model.classes]
        self.groups = tuple(dict.fromkeys(groups))
        self._member = np.array([[g == name for g in groups] for name in self.groups], dtype=np.float64)

    def predict(self, vector: SparseVector, boost: dict[str, float] | None = None) -> IntentGuess:
        """Best group (its best intent) with its summed probability; below the threshold the
        fallback, still with the ranking. `boost` adds to a group's probability (context)."""
        if not vector.index.size:
            return IntentGuess(FALLBACK_TOPIC, 0.0)
        probs = self.model.probabilities(vector)
        sums = self._member @ probs
        for group, extra in (boost or {}).items():
            if group in self.groups:
                sums[self.groups.index(group)] += extra
        order = np.argsort(-sums)[:RANKED]
        ranking = tuple((self.groups[i], round(float(sums[i]), 3)) for i in order)
        best_group, confidence = ranking[0]
        if confidence < self.threshold:
            return IntentGuess(FALLBACK_TOPIC, confidence, ranking)
        members = self._member[self.groups.index(best_group)] > 0  # the group's intents
        best = int(np.argmax(np.where(members, probs, -1.0)))
        return IntentGuess(
            self.model.classes[best], min(confidence, 1.0), ranking, round(float(probs[best]), 3)
        )
