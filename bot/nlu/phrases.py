"""Phrases as the werkgroep writes them, matched on normalised words.

Syntax: plain words; "word*" (any word starting with it); "#" (any number); "#18+"
(a number from 18 to 99, an adult's age); "..." (up to three other words between);
"$" (the end of the message).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import OSA

from bot.nlu.normalise import Normaliser, squeeze

MAX_GAP = 3
NEGATION_WINDOW = 2
MIN_SQUASHED = 9
MIN_FUZZY = 8  # words this long also match with one typo ("zelfmorod")
BARRIER = "|"


@dataclass(frozen=True, slots=True)
class Part:
    kind: Literal["word", "prefix", "number", "adult_age", "gap", "end"]
    value: str = ""

    def accepts(self, token: str) -> bool:
        if self.kind == "word":
            return token == self.value or (len(self.value) >= MIN_FUZZY and _one_typo(token, self.value))
        if self.kind == "prefix":
            return token.startswith(self.value)
        if self.kind == "adult_age":
            return token.isdigit() and 18 <= int(token) <= 99
        return self.kind == "number" and token.isdigit()


@dataclass(frozen=True, slots=True)
class Pattern:
    """One phrase: words, "prefix*", "#" (a number) and "..." (up to three words between)."""

    source: str
    parts: tuple[Part, ...]
    squashed: str | None  # spaceless form for split-word matching, when long enough to be safe
    has_negation: bool

    @property
    def anchor(self) -> str | None:
        """A short exact word every match must contain: a cheap test before the full search."""
        words = [p.value for p in self.parts if p.kind == "word" and len(p.value) < MIN_FUZZY]
        return max(words, key=len) if words else None

    @property
    def heads(self) -> frozenset[str]:
        """First two letters of every word part: a match needs a token starting with each.

        A typo never changes the first two letters (see _one_typo), so this filter is exact.
        """
        return frozenset(
            p.value[:2] for p in self.parts if p.kind in ("word", "prefix") and len(p.value) >= 2
        )

    @property
    def open_end(self) -> bool:
        return self.parts[-1].kind == "prefix"

    def in_squashed(self, squashed: Squashed) -> bool:
        """Found in the spaceless text, starting and ending where words start and end."""
        if self.squashed is None:
            return False
        start = squashed.text.find(self.squashed)
        while start != -1:
            end = start + len(self.squashed)
            if start in squashed.starts and (self.open_end or end in squashed.ends):
                return True
            start = squashed.text.find(self.squashed, start + 1)
        return False

    def find(self, tokens: tuple[str, ...], negations: frozenset[str]) -> Literal["yes", "negated", "no"]:
        """Search the tokens; a match with a negation just before it or inside a gap is negated."""
        seen_negated = False
        first = self.parts[0]
        for start in range(len(tokens)):
            if not first.accepts(tokens[start]):
                continue
            outcome = self._match_at(tokens, start + 1, 1, negations)
            if outcome is True:
                before = tokens[max(0, start - NEGATION_WINDOW) : start]
                if not self.has_negation and negations.intersection(before):
                    seen_negated = True
                    continue
                return "yes"
            if outcome == "negated":
                seen_negated = True
        return "negated" if seen_negated else "no"

    def _match_at(self, tokens: tuple[str, ...], pos: int, part_index: int, negations: frozenset[str]):
        if part_index == len(self.parts):
            return True
        part = self.parts[part_index]
        if part.kind == "end":
            return pos == len(tokens) or tokens[pos] == BARRIER
        if part.kind == "gap":
            result: bool | str = False
            for skip in range(MAX_GAP + 1):
                gap = tokens[pos : pos + skip]
                if BARRIER in gap or len(gap) < skip:
                    break
                inner = self._match_at(tokens, pos + skip, part_index + 1, negations)
                if inner is True:
                    return "negated" if negations.intersection(gap) else True
                result = result or inner
            return result
        if pos < len(tokens) and part.accepts(tokens[pos]):
            return self._match_at(tokens, pos + 1, part_index + 1, negations)
        return False


def compile_pattern(phrase: str, normaliser: Normaliser, negations: frozenset[str]) -> Pattern:
    parts: list[Part] = []
    for raw in phrase.split():
        if raw == "...":
            parts.append(Part("gap"))
        elif raw == "#":
            parts.append(Part("number"))
        elif raw == "$":
            parts.append(Part("end"))
        elif raw == "#18+":
            parts.append(Part("adult_age"))
        else:
            star = raw.endswith("*")
            for word in normaliser(raw.rstrip("*")).tokens:
                parts.append(Part("word", squeeze(word)))
            if star and parts and parts[-1].kind == "word":
                parts[-1] = Part("prefix", parts[-1].value)
    literal = all(p.kind in ("word", "prefix") for p in parts)
    squashed = "".join(p.value for p in parts) if literal else None
    if squashed is not None and len(squashed) < MIN_SQUASHED:
        squashed = None
    has_negation = any(p.value in negations for p in parts)
    return Pattern(phrase, tuple(parts), squashed, has_negation)


def _one_typo(token: str, word: str) -> bool:
    """One letter added, dropped, changed or two swapped; the first two letters must agree."""
    return (
        abs(len(token) - len(word)) <= 1
        and token[:2] == word[:2]
        and OSA.distance(token, word, score_cutoff=1) <= 1
    )


@dataclass(frozen=True, slots=True)
class Squashed:
    """Words joined without spaces, with the offsets where each word starts and ends."""

    text: str
    starts: frozenset[int]
    ends: frozenset[int]

    @classmethod
    def of(cls, tokens: tuple[str, ...]) -> Squashed:
        starts, ends, offset, parts = set(), set(), 0, []
        for token in tokens:
            if token == BARRIER:
                continue
            starts.add(offset)
            offset += len(token)
            ends.add(offset)
            parts.append(token)
        return cls("".join(parts), frozenset(starts), frozenset(ends))
