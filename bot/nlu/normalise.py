"""Chat text in, comparable text out: the first step of the pipeline.

Young people type fast: "heeeelp mn fotoos gaan rond", "z3lfm0rd", zero-width
characters, emoji. Every later step (risk, intent, audience) works on the
normalised forms; the original is kept for display and storage.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MAX_CHARS = 4000

# Invisible characters used to split words ("zelf\u200bmoord") or steer direction.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\u034f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Emoji that carry meaning for risk and intent become words; other emoji are dropped.
EMOJI_WORDS = {
    "💊": " pillen ",
    "🔪": " mes ",
    "🩸": " bloed ",
    "🪢": " strop ",
    "🔫": " pistool ",
    "⚰": " doodskist ",
    "📸": " foto ",
    "📷": " foto ",
    "🍆": " naaktfoto ",
    "🍑": " naaktfoto ",
}

# Chat spellings and abbreviations, matched as whole tokens after lower-casing.
CHAT_WORDS = {
    "mn": "mijn",
    "m'n": "mijn",
    "mijne": "mijn",
    "zn": "zijn",
    "z'n": "zijn",
    "ff": "even",
    "nie": "niet",
    "nt": "niet",
    "egt": "echt",
    "ech": "echt",
    "pls": "please",
    "plz": "please",
    "plis": "please",
    "aub": "alsjeblieft",
    "fotoos": "fotos",
    "foto's": "fotos",
    "fotootje": "foto",
    "fotootjes": "fotos",
    "nudes": "naaktfotos",
    "nude": "naaktfoto",
    "naaktjes": "naaktfotos",
    "naaktje": "naaktfoto",
    "nudies": "naaktfotos",
    "naakfoto": "naaktfoto",
    "naakfotos": "naaktfotos",
    "pics": "fotos",
    "pic": "foto",
    "piks": "fotos",
    "vids": "videos",
    "vid": "video",
    "filmpje": "video",
    "filmpjes": "videos",
    "gwn": "gewoon",
    "mss": "misschien",
    "nx": "niks",
    "ng": "nog",
    "tog": "toch",
    "wrm": "waarom",
    "wnr": "wanneer",
    "w8": "wacht",
    "idd": "inderdaad",
    "iig": "in ieder geval",
    "jwz": "je weet zeker",
    "ofz": "of zo",
    "ipv": "in plaats van",
    "dr": "er",
    "dat'ie": "dat hij",
    "ie": "hij",
    "k": "ik",
    "kzou": "ik zou",
    "kwil": "ik wil",
    "kheb": "ik heb",
    "kben": "ik ben",
    "snap": "snapchat",
    "insta": "instagram",
    "ig": "instagram",
    "tt": "tiktok",
    "wa": "whatsapp",
    "app": "app",
    "u": "you",
    "ur": "your",
    "r": "are",
    "im": "i am",
    "i'm": "i am",
    "dont": "don't",
    "cant": "can't",
    "wont": "won't",
    "idk": "i don't know",
    "bc": "because",
    "kms": "kill myself",
    "kys": "kill yourself",
    "zm": "zelfmoord",
    "meds": "medicijnen",
    "cuz": "because",
    "coz": "because",
    "ppl": "people",
    "thx": "thanks",
    "ty": "thanks",
    "tnx": "thanks",
    "bedankt": "bedankt",
    "srry": "sorry",
    "sry": "sorry",
}

# Digits and symbols used as letters inside words ("z3lfm0rd", "p1ll3n").
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
# A number followed by a unit is a number, not leetspeak ("14jr", "800mg", "2de").
_NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:[.,]\d+)?(?:jr|jaar|j|x|mg|g|gr|kg|e|ste|de|k|km|min|u|uur|pm|am|h|cm|m|euro|eur|ml)"
)
_TOKEN = re.compile(r"[a-z0-9@$]+(?:'[a-z]+)?")
_REPEATS = re.compile(r"(.)\1{2,}")


@dataclass(frozen=True, slots=True)
class Normalised:
    """One message in the forms the pipeline needs."""

    original: str  # capped, as typed (for display and storage)
    text: str  # lower case, plain letters, chat words expanded, emphasis removed
    tokens: tuple[str, ...]
    truncated: bool

    @property
    def skeleton(self) -> tuple[str, ...]:
        """Tokens with every doubled letter single ("dood" -> "dod"): spelling-game proof."""
        return tuple(squeeze(t) for t in self.tokens)

    @property
    def is_empty(self) -> bool:
        return not self.tokens


def squeeze(word: str) -> str:
    """Collapse every run of one letter to a single letter."""
    return re.sub(r"(.)\1+", r"\1", word)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean(text: str) -> str:
    """Remove invisible and control characters, unify quotes and width, keep newlines as spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")


def _emoji_to_words(text: str) -> str:
    for emoji, word in EMOJI_WORDS.items():
        if emoji in text:
            text = text.replace(emoji, word)
    return text


def _deleet(token: str) -> str:
    if token.isdigit():
        return token
    if _NUMBER_WITH_UNIT.fullmatch(token):
        number = re.match(r"[\d.,]+", token)
        return f"{number.group()} {token[number.end() :]}" if number else token
    if re.search(r"[a-z]", token) and re.search(r"[0-9@$]", token):
        return token.translate(_LEET)
    return token


def _join_spelled_out(tokens: list[str]) -> list[str]:
    """Join runs of three or more single letters: "z e l f m o o r d" -> "zelfmoord"."""
    out: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        if len(run) >= 3:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if tok:
            out.append(tok)
    return out


class Normaliser:
    """Normalises text; knows the vocabulary so "heeeelp" becomes "help", not "heelp"."""

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        self.vocabulary = frozenset(vocabulary)

    def __call__(self, raw: str) -> Normalised:
        truncated = len(raw) > MAX_CHARS
        original = clean(raw[:MAX_CHARS] if truncated else raw).strip()
        return Normalised(original, *self._forms(original), truncated=truncated)

    def knows_any(self, message: Normalised) -> bool:
        """False for gibberish: not one word of the message was ever seen in the content."""
        return any(token in self.vocabulary for token in message.tokens)

    def full_text(self, raw: str) -> Normalised:
        """Normalise without the length cap (the risk check reads every character)."""
        original = clean(raw).strip()
        return Normalised(original, *self._forms(original), truncated=False)

    def _forms(self, original: str) -> tuple[str, tuple[str, ...]]:
        text = strip_accents(_emoji_to_words(original).lower())
        tokens = _join_spelled_out(" ".join(self._word(t) for t in _TOKEN.findall(text)).split())
        words = " ".join(CHAT_WORDS.get(t, t) for t in tokens).split()
        return " ".join(words), tuple(words)

    def _word(self, token: str) -> str:
        """One token: apostrophes, leetspeak and emphasis undone; "800mg" becomes "800 mg"."""
        token = _deleet(token.replace("'", "") if token not in CHAT_WORDS else token)
        if not _REPEATS.search(token):
            return token
        for candidate in (_REPEATS.sub(r"\1", token), _REPEATS.sub(r"\1\1", token)):
            if candidate in self.vocabulary:
                return candidate
        return _REPEATS.sub(r"\1\1", token)
