"""Who is talking: a parent ("mijn dochter..."), a professional ("ik ben docent..."), or unknown."""

from __future__ import annotations

from bot.nlu.normalise import Normalised
from bot.nlu.phrases import Pattern

ORDER = ("professional", "ouder", "jongere")  # "ik ben mentor van mijn leerling" beats "mijn"


class AudienceDetector:
    def __init__(self, cues: dict[str, tuple[Pattern, ...]]) -> None:
        self.cues = cues

    def detect(self, message: Normalised) -> str | None:
        tokens = message.skeleton
        for audience in ORDER:
            if any(p.find(tokens, frozenset()) == "yes" for p in self.cues.get(audience, ())):
                return audience
        return None
