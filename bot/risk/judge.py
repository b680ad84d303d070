"""One verdict from the lexicon and the model: the higher level wins.

The lexicon speaks first and is exact about categories; the model adds recall for what
the lexicon did not foresee. At equal level the lexicon's category is kept, and a high
verdict of the model is dropped for hypothetical questions, as the lexicon does.
"""

from __future__ import annotations

from bot.nlu.features import SparseVector
from bot.nlu.normalise import Normalised
from bot.risk.lexicon import RANK, RiskAssessment, RiskDetector
from bot.risk.model import RiskModel


class RiskJudge:
    def __init__(self, lexicon: RiskDetector, model: RiskModel | None) -> None:
        self.lexicon = lexicon
        self.model = model

    def assess(self, message: Normalised, vector: SparseVector) -> RiskAssessment:
        found = self.lexicon.assess(message)
        if found.level == "acute" or self.model is None:
            return found
        guess = self.model.assess(vector)
        if guess.level == "high" and self.lexicon.is_hypothetical(message):
            return found
        return guess if RANK[guess.level] > RANK[found.level] else found
