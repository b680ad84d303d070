"""Risk on every message, before the intent: level and category from a lexicon kept as data.

The lexicon (risk/risk.yml) has phrases, concept combinations, idioms that are
not risk, negations and frames. Matching runs on skeleton tokens (every doubled letter
single), so "doooood", "d00d" and "dood" are the same word; multi-word phrases are also
searched in the text with all spaces removed, so "zelf moord" and zero-width splits still
match, and in the words a joined word was made of ("ikwildood" is "ik wil dood"). A long
message is read in overlapping windows, so a pair of concepts far apart in a long story
does not make a signal, while every passage is still read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from bot.nlu.normalise import Normalised, squeeze
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

    @property
    def is_acute(self) -> bool:
        """Life or safety in danger now: 112/113 first and staff alerted at once. The one
        place that says what acute means; everything else asks this."""
        return self.level == "acute"


NO_RISK = RiskAssessment("none", None, None)
REPLY_LANGUAGES = frozenset({"nl", "en"})


def phrase_language(risk: RiskAssessment) -> str | None:
    """The language of the phrase list that fired ("suicidal-thoughts:tr" -> "tr"), or None.

    A crisis found in a language the bot does not answer in (tr, ar, pl) should be answered
    in both Dutch and English: this says when.
    """
    if not risk.signal or ":" not in risk.signal or risk.signal.startswith("model:"):
        return None
    return risk.signal.rsplit(":", 1)[1]


WINDOW = 120  # words judged together; a longer message is read in windows of this many words
STEP = 60  # windows overlap by half, so two phrases up to STEP words apart share a window


def windows(tokens: tuple[str, ...], size: int = WINDOW, step: int = STEP) -> Iterator[tuple[str, ...]]:
    """The whole message if it is short, else overlapping windows over its whole length."""
    if len(tokens) <= size:
        yield tokens
        return
    for start in range(0, len(tokens) - (size - step), step):
        yield tokens[start : start + size]


@dataclass(frozen=True, slots=True)
class Finding:
    """The lexicon's verdict on one passage, and what the judge needs to weigh the model."""

    assessment: RiskAssessment
    found_any: bool = False  # a signal fired, or one of its phrases occurs (not negated)
    acute_seen: bool = False  # a phrase of an acute signal occurs, not negated
    acute_negated: bool = False  # one occurs only negated ("ik wil geen zelfmoord plegen")
    framed: bool = False  # a frame: a question about what we will do, or blaming oneself
    hypothetical: bool = False  # a question about someone imagined, not a disclosure


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
        frames: list[Pattern] | None = None,
    ) -> None:
        self.signals = sorted(signals, key=lambda s: -RANK[s.level])
        self.idioms = [(idiom, idiom.anchor) for idiom in idioms]
        self.hypothetical = _filtered(hypothetical)
        self.negations = negations
        self.frames = _filtered(frames or [])
        # phrases that are evidence on their own (concept words like "nu" or "die" are not)
        self.phrase_sources = frozenset(p.source for s in signals for p in s.phrases)
        self.acute_sources = frozenset(p.source for s in signals if s.level == "acute" for p in s.phrases)
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
        self.squashable = [(p, p.squashed) for p in patterns.values() if p.squashed is not None]
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
        """The highest level in any window of the message, or where joined words are read apart."""
        best = NO_RISK
        for passage in self.passages(message):
            found = self.examine(passage).assessment
            if RANK[found.level] > RANK[best.level]:
                best = found
        return best

    def passages(self, message: Normalised) -> Iterator[tuple[str, ...]]:
        """Skeleton windows over the message, and the passages around joined words read apart."""
        for window in (*windows(message.tokens), *message.apart):
            yield tuple(squeeze(t) for t in window)

    def examine(self, skeleton: tuple[str, ...]) -> Finding:
        """One passage of skeleton tokens: the verdict, and what frames or denies it."""
        tokens = self._without_idioms(skeleton)
        if not tokens:
            return Finding(NO_RISK)
        found, negated = self._phrases_found(tokens)
        hypothetical = self._is_hypothetical(tokens)
        verdict = self._verdict(found, hypothetical)
        found_any = verdict.is_risk or not self.phrase_sources.isdisjoint(found)
        return Finding(
            verdict,
            found_any=found_any,
            acute_seen=not self.acute_sources.isdisjoint(found),
            acute_negated=not self.acute_sources.isdisjoint(negated),
            framed=not found_any and _any_in(self.frames, tokens),  # only weighed when nothing was found
            hypothetical=hypothetical,
        )

    def _verdict(self, found: set[str], hypothetical: bool) -> RiskAssessment:
        if not found:
            return NO_RISK
        for signal, phrases, groups, unless in self.combinations:
            if signal.level == "high" and hypothetical:
                continue
            fired = not phrases.isdisjoint(found) or (
                groups and all(not group.isdisjoint(found) for group in groups)
            )
            if fired and unless.isdisjoint(found):
                return RiskAssessment(signal.level, signal.category, signal.id)
        return NO_RISK

    def _is_hypothetical(self, tokens: tuple[str, ...]) -> bool:
        return _any_in(self.hypothetical, tokens)

    def _phrases_found(self, tokens: tuple[str, ...]) -> tuple[set[str], set[str]]:
        """Sources of every phrase in the message, as words or written without spaces, and
        of those found only negated.

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
        for pattern, spaceless in self.squashable:
            if spaceless in squashed.text and pattern.source not in negated and pattern.in_squashed(squashed):
                found.add(pattern.source)
        return found, negated - found

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


Filtered = list[tuple[Pattern, str | None, frozenset[str]]]


def _filtered(patterns: list[Pattern]) -> Filtered:
    """Each pattern with its cheap filters (anchor word, first letters), computed once."""
    return [(p, p.anchor, p.heads) for p in patterns]


def _any_in(patterns: Filtered, tokens: tuple[str, ...]) -> bool:
    """Whether one of the patterns occurs (negations not weighed); cheap filters first."""
    words = frozenset(tokens)
    heads = frozenset(t[:2] for t in tokens)
    return any(
        (anchor is None or anchor in words) and needs <= heads and p.find(tokens, frozenset()) == "yes"
        for p, anchor, needs in patterns
    )
