"""The statistical half of the risk check, beside the lexicon: it catches ways of saying
"I want to die" or "I am being held" that no phrase in risk/risk.yml foresaw.

Trained on risk/risk_examples/ (bot/models.py). Its thresholds live in
risk/risk.yml. Measured on bench/risk_holdout.yml, which it never trains on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.content.model import NO_RISK_LABEL
from bot.nlu.features import SparseVector
from bot.nlu.linear import LinearModel
from bot.risk.lexicon import NO_RISK, Level, RiskAssessment

ACUTE_CATEGORIES = frozenset({"zelfdoding", "acuut-gevaar"})


@dataclass(frozen=True, slots=True)
class RiskModelSettings:
    acute: float  # threshold on the summed probability of the acute categories
    high: float  # threshold on the summed probability of the high categories
    disclosure_topics: frozenset[str]  # their intent examples are not taught as "no risk"


class RiskModel:
    def __init__(self, model: LinearModel, thresholds: RiskModelSettings) -> None:
        self.model = model
        self.thresholds = thresholds
        classes = model.classes
        self.acute = np.array([c in ACUTE_CATEGORIES for c in classes])
        self.high = np.array([c not in ACUTE_CATEGORIES and c != NO_RISK_LABEL for c in classes])

    def assess(self, vector: SparseVector, acute: bool = True) -> RiskAssessment:
        """Acute, high or none; with `acute` off only high or none (a denied acute phrase)."""
        if not vector.index.size:
            return NO_RISK
        probs = self.model.probabilities(vector)
        levels: tuple[tuple[Level, np.ndarray, float], ...] = (
            ("acute", self.acute, self.thresholds.acute),
            ("high", self.high, self.thresholds.high),
        )
        for level, mask, threshold in levels if acute else levels[1:]:
            if probs[mask].sum() >= threshold:
                category = self.model.classes[int(np.where(mask, probs, -1.0).argmax())]
                return RiskAssessment(level, category, f"model:{category}")
        return NO_RISK
