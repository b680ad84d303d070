"""Risk over the conversation: cues that are harmless alone and alarming together.

A threat to spread plus money or a deadline is sextortion even without the word; a minor
and an adult some years older in one story is grooming (18 and 16 are peers). Cues are
remembered in the slots for the whole conversation, so the pieces may come in different
messages. Once high, the conversation's risk does not drop on the next message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.content.schema import ConversationRiskFile
from bot.risk.lexicon import RiskAssessment

_NUMBER = re.compile(r"^\d{1,2}$")


@dataclass(frozen=True, slots=True)
class ToldSituation:
    """A person's own situation on a topic where harm is happening, told without a risk phrase."""

    min_confidence: float = 1.1  # off unless configured
    min_words: int = 6
    categories: dict[str, str] = field(default_factory=dict)  # topic or topic/detail -> category
    personal: frozenset[str] = frozenset()
    general: tuple[tuple[str, ...], ...] = ()  # phrases that make it a general question

    def judge(self, intent: str, confidence: float, tokens: tuple[str, ...]) -> RiskAssessment | None:
        category = self.categories.get(intent) or self.categories.get(intent.split("/", 1)[0])
        if category is None or confidence < self.min_confidence or len(tokens) < self.min_words:
            return None
        if not self.personal & set(tokens) or any(_contains(tokens, p) for p in self.general):
            return None
        return RiskAssessment("high", category, f"gesprek: eigen situatie bij {intent}")


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))


@dataclass(frozen=True, slots=True)
class ConversationCues:
    threat: frozenset[str] = frozenset()
    money: frozenset[str] = frozenset()
    deadline: frozenset[str] = frozenset()
    minor_ages: frozenset[str] = frozenset()
    adult_ages: frozenset[str] = frozenset()
    relation: frozenset[str] = frozenset()
    min_gap: int = 3
    told: ToldSituation = ToldSituation()

    @classmethod
    def of(cls, file: ConversationRiskFile | None) -> ConversationCues:
        """From risk/conversation_risk.yml as the content check validated it; without the file
        (the check reports it) no cues: the feature is off."""
        if file is None:
            return cls()
        told = file.told_situation
        return cls(
            _lower(file.sextortion.threat),
            _lower(file.sextortion.money),
            _lower(file.sextortion.deadline),
            _lower(file.grooming.minor_ages),
            _lower(file.grooming.adult_ages),
            _lower(file.grooming.relation),
            file.grooming.min_gap,
            ToldSituation(
                told.min_confidence,
                told.min_words,
                dict(told.categories),
                _lower(told.personal),
                tuple(tuple(p.lower().split()) for p in told.general),
            ),
        )

    def seen(self, tokens: tuple[str, ...]) -> set[str]:
        """The kinds of cue in one message."""
        found = set(tokens)
        kinds = {
            kind
            for kind, words in (("threat", self.threat), ("money", self.money), ("deadline", self.deadline))
            if found & words
        }
        kinds |= {f"minor:{t}" for t in tokens if t in self.minor_ages and _NUMBER.match(t)}
        kinds |= {f"adult:{t}" for t in tokens if t in self.adult_ages and _NUMBER.match(t)}
        if found & self.relation:
            kinds.add("relation")
        return kinds

    def judge(self, cues: set[str]) -> RiskAssessment | None:
        """High risk when the conversation's cues together tell a story, else None."""
        if "threat" in cues and cues & {"money", "deadline"}:
            return RiskAssessment("high", "sextortion", "gesprek: dreigen met verspreiden en geld of tijd")
        if "relation" in cues and self._age_gap(cues) >= self.min_gap:
            return RiskAssessment("high", "grooming", "gesprek: een minderjarige en een volwassene")
        return None

    @staticmethod
    def _age_gap(cues: set[str]) -> int:
        """The oldest adult's age minus the youngest minor's, 0 without both."""
        minors = [int(c.split(":")[1]) for c in cues if c.startswith("minor:")]
        adults = [int(c.split(":")[1]) for c in cues if c.startswith("adult:")]
        return max(adults) - min(minors) if minors and adults else 0


def _lower(words: list[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


def conversation_risk(
    risk: RiskAssessment,
    cues: ConversationCues,
    tokens: tuple[str, ...],
    slots: dict[str, Any],
    guess: tuple[str, float] = ("", 0.0),
) -> RiskAssessment:
    """This message's risk in the light of the conversation and of what it tells (`guess`:
    the intent and its confidence); updates the cue slot.

    An earlier acute flag is reported as high afterwards (the case is open and the crisis
    mode keeps 113/112 in view): only a message that is itself acute reports acute.
    """
    seen = set(slots.get("cues") or []) | cues.seen(tokens)
    slots["cues"] = sorted(seen)
    if risk.is_risk:
        return risk
    already = slots.get("risk_level") in ("high", "acute")
    together = None if already else cues.judge(seen) or cues.told.judge(*guess, tokens)
    if together is not None:
        return together  # new this turn: the story adds up now
    if already:
        return RiskAssessment("high", slots.get("risk_seen"), None)
    return risk
