"""A typed answer to "in welke gemeente woon je?": the municipality, typos forgiven, or a skip.

Young people type "helmnd", "deurn", "ik zit op school in gemert" or "zeg ik liever niet".
Only the municipalities in escalation/routes.yml are candidates, and the parts of a double
name count on their own ("gemert", "mierlo"). A word must start with the same letter and be
close to the name (rapidfuzz ratio), so "kasten" is not Asten and "deur" is not Deurne.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from itertools import pairwise

from rapidfuzz import fuzz

SKIP = "geen"  # the answer "zeg ik liever niet": the default team, nothing named
SKIP_ANSWERS = frozenset(
    {
        "geen",
        "nee",
        "zeg ik liever niet",
        "liever niet",
        "weet ik niet",
        "weet niet",
        "geen idee",
        "sla over",
        "overslaan",
        "skip",
        "rather not",
        "rather not say",
        "i dont know",
        "dont know",
        "no",
    }
)
MIN_WORD = 4  # shorter words are too often something else ("de", "in", "hel")
MIN_SCORE = 85.0  # rapidfuzz ratio: "helmnd" 92, "deurn" 91, "deur" 80 (refused)
_WORD = re.compile(r"[a-z]+")


def plain(text: str) -> str:
    """Lower case, accents off, hyphens and punctuation as spaces: 'Gemert-Bakel!' -> 'gemert bakel'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(letters.replace("'", "")))


def match_place(text: str, municipalities: Iterable[str]) -> str | None:
    """The municipality the text names, SKIP for a typed skip, or None when it names none."""
    said = plain(text)
    if not said:
        return None
    if said in SKIP_ANSWERS:
        return SKIP
    names = {plain(name): name for name in municipalities}
    padded = f" {said} "
    for key, name in names.items():
        if f" {key} " in padded or f" {key.replace(' ', '')} " in padded:
            return name
    return _closest(said.split(), names)


def _closest(words: list[str], names: dict[str, str]) -> str | None:
    """The best fuzzy match of a word (or two words together) with a name or a part of one."""
    candidates = {key.replace(" ", ""): name for key, name in names.items()}
    for key, name in names.items():
        candidates.update({part: name for part in key.split() if len(part) >= MIN_WORD})
    pieces = [*words, *(a + b for a, b in pairwise(words))]
    best: tuple[float, str] | None = None
    for piece in pieces:
        if len(piece) < MIN_WORD:
            continue
        for candidate, name in candidates.items():
            if piece[0] != candidate[0]:
                continue
            score = fuzz.ratio(piece, candidate)
            if score >= MIN_SCORE and (best is None or score > best[0]):
                best = (score, name)
    return best[1] if best else None
