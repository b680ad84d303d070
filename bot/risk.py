"""Risk on every message, before the intent: level and category from a lexicon kept as data.

The lexicon (escalation/risk.yml) has phrases, concept combinations, idioms that are
not risk and negations. Matching runs on skeleton tokens (every doubled letter single),
so "doooood", "d00d" and "dood" are the same word; multi-word phrases are also searched
in the text with all spaces removed, so "zelf moord" and zero-width splits still match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.normalise import Normalised
from bot.phrases import BARRIER, Pattern, Squashed

Level = Literal["acute", "high", "none"]
RANK: dict[str, int] = {"none": 0, "high": 1, "acute": 2}


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    level: Level
    category: str | None
    signal: str | None  # id of the lexicon entry that fired; safe to log, holds no user text

    @property
    def is_risk(self) -> bool:
        return self.level != "none"


NO_RISK = RiskAssessment("none", None, None)


@dataclass(frozen=True, slots=True)
class Signal:
    id: str
    level: Level
    category: str
    phrases: tuple[Pattern, ...]
    all_of: tuple[tuple[Pattern, ...], ...]  # every group must match somewhere in the message
    unless: tuple[Pattern, ...] = ()  # context that makes the signal informational (a school talk)


class RiskDetector:
    """Judges one message. Acute beats high beats none; within a level the first signal wins."""

    def __init__(
        self,
        signals: list[Signal],
        idioms: list[Pattern],
        hypothetical: list[Pattern],
        negations: frozenset[str],
    ) -> None:
        self.signals = sorted(signals, key=lambda s: -RANK[s.level])
        self.idioms = idioms
        self.hypothetical = hypothetical
        self.negations = negations
        every = [p for s in signals for p in (*s.phrases, *s.unless, *(q for g in s.all_of for q in g))]
        self.anchors = {p.source: p.anchor for p in every}

    def assess(self, message: Normalised) -> RiskAssessment:
        tokens = self._without_idioms(message.skeleton)
        if not tokens:
            return NO_RISK
        squashed = Squashed.of(tokens)
        words = frozenset(tokens)
        cache: dict[str, bool] = {}

        def hit(pattern: Pattern) -> bool:
            if pattern.source not in cache:
                anchor = self.anchors[pattern.source]
                if anchor is not None and anchor not in words:
                    cache[pattern.source] = pattern.in_squashed(squashed)
                    return cache[pattern.source]
                found = pattern.find(tokens, self.negations)
                cache[pattern.source] = found == "yes" or (found == "no" and pattern.in_squashed(squashed))
            return cache[pattern.source]

        hypothetical = any(p.find(tokens, frozenset()) == "yes" for p in self.hypothetical)
        for signal in self.signals:
            if signal.level == "high" and hypothetical:
                continue
            fired = any(hit(p) for p in signal.phrases) or (
                signal.all_of and all(any(hit(p) for p in group) for group in signal.all_of)
            )
            if fired and not any(hit(p) for p in signal.unless):
                return RiskAssessment(signal.level, signal.category, signal.id)
        return NO_RISK

    def _without_idioms(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """Replace idiom spans ("dood van het lachen") by a barrier no phrase can cross."""
        out = list(tokens)
        words = frozenset(tokens)
        for idiom in self.idioms:
            if idiom.anchor is not None and idiom.anchor not in words:
                continue
            n = len(idiom.parts)
            for start in range(len(out) - n + 1):
                if all(p.accepts(t) for p, t in zip(idiom.parts, out[start : start + n], strict=True)):
                    out[start : start + n] = [BARRIER] * n
        return tuple(out)
