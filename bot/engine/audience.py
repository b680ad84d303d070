"""Who is talking: a parent ("mijn dochter..."), a professional ("ik ben docent..."), or unknown."""

from __future__ import annotations

from bot.nlu.normalise import Normalised
from bot.nlu.phrases import Pattern

ORDER = ("professional", "ouder", "jongere")  # "ik ben mentor van mijn leerling" beats "mijn"


class AudienceDetector:
    def __init__(self, cues: dict[str, tuple[Pattern, ...]]) -> None:
        # Each pattern with the first two letters of its words: a cheap, exact filter first.
        self.cues = {audience: tuple((p, p.heads) for p in patterns) for audience, patterns in cues.items()}

    def detect(self, message: Normalised) -> str | None:
        tokens = message.skeleton
        heads = {t[:2] for t in tokens}
        for audience in ORDER:
            for pattern, needs in self.cues.get(audience, ()):
                if needs <= heads and pattern.find(tokens, frozenset()) == "yes":
                    return audience
        return None
