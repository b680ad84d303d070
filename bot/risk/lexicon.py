"""Risk on every message, before the intent: level and category from a lexicon kept as data.

The lexicon (escalation/risk.yml) has phrases, concept combinations, idioms that are
not risk and negations. Matching runs on skeleton tokens (every doubled letter single),
so "doooood", "d00d" and "dood" are the same word; multi-word phrases are also searched
in the text with all spaces removed, so "zelf moord" and zero-width splits still match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.nlu.normalise import Normalised
from bot.nlu.phrases import BARRIER, Pattern, Squashed

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
    """Judges one message. Acute beats high beats none; within a level the first signal wins.

    Every phrase is searched once per message, cheapest filters first (an exact anchor
    word, the first letters of every word), and the signals then combine the set of
    phrases found, so the cost grows with the phrases a message could match, not with
    the size of the lexicon.
    """

    def __init__(
        self,
        signals: list[Signal],
        idioms: list[Pattern],
        hypothetical: list[Pattern],
        negations: frozenset[str],
    ) -> None:
        self.signals = sorted(signals, key=lambda s: -RANK[s.level])
        self.idioms = [(idiom, idiom.anchor) for idiom in idioms]
        self.hypothetical = hypothetical
        self.negations = negations
        patterns = {
            p.source: p for s in signals for p in (*s.phrases, *s.unless, *(q for g in s.all_of for q in g))
        }
        self.by_anchor: dict[str, list[tuple[Pattern, frozenset[str]]]] = {}
        self.unanchored: list[tuple[Pattern, frozenset[str]]] = []
        for pattern in patterns.values():
            anchor, entry = pattern.anchor, (pattern, pattern.heads)
            if anchor is None:
                self.unanchored.append(entry)
            else:
                self.by_anchor.setdefault(anchor, []).append(entry)
        self.squashable = [p for p in patterns.values() if p.squashed is not None]
        self.combinations = [
            (
                signal,
                frozenset(p.source for p in signal.phrases),
                tuple(frozenset(p.source for p in group) for group in signal.all_of),
                frozenset(p.source for p in signal.unless),
            )
            for signal in self.signals
        ]

    def assess(self, message: Normalised) -> RiskAssessment:
        tokens = self._without_idioms(message.skeleton)
        if not tokens:
            return NO_RISK
        found = self._phrases_found(tokens)
        if not found:
            return NO_RISK
        hypothetical = self._is_hypothetical(tokens)
        for signal, phrases, groups, unless in self.combinations:
            if signal.level == "high" and hypothetical:
                continue
            fired = not phrases.isdisjoint(found) or (
                groups and all(not group.isdisjoint(found) for group in groups)
            )
            if fired and unless.isdisjoint(found):
                return RiskAssessment(signal.level, signal.category, signal.id)
        return NO_RISK

    def is_hypothetical(self, message: Normalised) -> bool:
        """A question about someone imagined ("wat als iemand...") rather than a disclosure."""
        return self._is_hypothetical(self._without_idioms(message.skeleton))

    def _is_hypothetical(self, tokens: tuple[str, ...]) -> bool:
        return any(p.find(tokens, frozenset()) == "yes" for p in self.hypothetical)

    def _phrases_found(self, tokens: tuple[str, ...]) -> set[str]:
        """Sources of every phrase in the message, as words or written without spaces.

        A phrase found only with a negation before it ("niet dood") counts as absent,
        also in the spaceless text.
        """
        heads = frozenset(t[:2] for t in tokens)
        candidates = [e for word in self.by_anchor.keys() & set(tokens) for e in self.by_anchor[word]]
        found: set[str] = set()
        negated: set[str] = set()
        for pattern, needed_heads in (*candidates, *self.unanchored):
            if needed_heads <= heads:
                outcome = pattern.find(tokens, self.negations)
                if outcome != "no":
                    (found if outcome == "yes" else negated).add(pattern.source)
        squashed = Squashed.of(tokens)
        for pattern in self.squashable:
            if (
                pattern.squashed in squashed.text
                and pattern.source not in negated
                and pattern.in_squashed(squashed)
            ):
                found.add(pattern.source)
        return found

    def _without_idioms(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """Replace idiom spans ("dood van het lachen") by a barrier no phrase can cross."""
        out = list(tokens)
        words = frozenset(tokens)
        for idiom, anchor in self.idioms:
            if anchor is not None and anchor not in words:
                continue
            n = len(idiom.parts)
            for start in range(len(out) - n + 1):
                if all(p.accepts(t) for p, t in zip(idiom.parts, out[start : start + n], strict=True)):
                    out[start : start + n] = [BARRIER] * n
        return tuple(out)
