"""One verdict from the lexicon and the model: the higher level wins.

The lexicon speaks first and is exact about categories; the model adds recall for what
the lexicon did not foresee. At equal level the lexicon's category is kept, and a high
verdict of the model is dropped for hypothetical questions, as the lexicon does.

Where the lexicon sees no risk word at all, the model is not asked when it has too little
to go on or when the speaker's own frame says otherwise:
- fewer than MIN_MODEL_WORDS words ("en nu?", "hij komt"): two words are no evidence;
- a frame from risk/risk.yml: a question about what we will do ("gaan jullie het
  tegen mijn ouders zeggen?") or blaming oneself ("het is mijn eigen schuld").
And where an acute phrase occurs only negated and nothing acute occurs as such ("ik wil
geen zelfmoord plegen, ik wil gewoon dat die foto weg is"), the model may say high, not acute.

A long message is judged in overlapping windows over its whole length, by the lexicon
and, when the judge has the feature space to turn a window into features, by the model.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.nlu.features import FeatureSpace, SparseVector
from bot.nlu.normalise import Normalised, squeeze
from bot.risk.lexicon import NO_RISK, RANK, Finding, RiskAssessment, RiskDetector, windows
from bot.risk.model import RiskModel

MIN_MODEL_WORDS = 3
# The model reads a long message in shorter windows than the lexicon (20 words, chosen on
# acute cases padded to 4,000 characters: 120 of 126 still found): its features are
# averaged over a window, so one threatening sentence in a long story would fade.
MODEL_WINDOW, MODEL_STEP = 20, 10


class RiskJudge:
    def __init__(
        self, lexicon: RiskDetector, model: RiskModel | None, features: FeatureSpace | None = None
    ) -> None:
        self.lexicon = lexicon
        self.model = model
        self.features = features  # to judge every window of a long message with the model too

    def assess(self, message: Normalised, vector: SparseVector) -> RiskAssessment:
        """`message`: the whole text, never capped; `vector`: the features of its (capped) text."""
        main = [(w, self._examine(w)) for w in windows(message.tokens)]
        apart = [(w, self._examine(w)) for w in message.apart]
        best = _highest(f.assessment for _, f in (*main, *apart))
        if best.is_acute or self.model is None:
            return best
        if len(main) > 1 and self.features is not None:
            for window in windows(message.tokens, MODEL_WINDOW, MODEL_STEP):
                finding = self._examine(window)
                guess = self._model(window, finding, self.features.vector(" ".join(window)))
                best = _higher(best, guess)
            return best
        return _higher(best, self._model(message.tokens, _combined([f for _, f in (*main, *apart)]), vector))

    def _examine(self, tokens: tuple[str, ...]) -> Finding:
        return self.lexicon.examine(tuple(squeeze(t) for t in tokens))

    def _model(self, tokens: tuple[str, ...], finding: Finding, vector: SparseVector) -> RiskAssessment:
        """The model's verdict on one passage, where it may judge it."""
        assert self.model is not None
        if not finding.found_any and (len(tokens) < MIN_MODEL_WORDS or finding.framed):
            return NO_RISK
        denied = finding.acute_negated and not finding.acute_seen
        guess = self.model.assess(vector, acute=not denied)
        if guess.level == "high" and finding.hypothetical:
            return NO_RISK
        return guess


def _higher(found: RiskAssessment, guess: RiskAssessment) -> RiskAssessment:
    """The higher of two verdicts; at equal level the first (the lexicon's) is kept."""
    return guess if RANK[guess.level] > RANK[found.level] else found


def _highest(verdicts: Iterable[RiskAssessment]) -> RiskAssessment:
    best = NO_RISK
    for verdict in verdicts:
        best = _higher(best, verdict)
    return best


def _combined(findings: list[Finding]) -> Finding:
    """The findings of one message's passages (as typed, joined words read apart) as one."""
    return Finding(
        _highest(f.assessment for f in findings),
        found_any=any(f.found_any for f in findings),
        acute_seen=any(f.acute_seen for f in findings),
        acute_negated=any(f.acute_negated for f in findings),
        framed=any(f.framed for f in findings),
        hypothetical=any(f.hypothetical for f in findings),
    )
