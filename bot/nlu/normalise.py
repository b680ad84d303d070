"""Chat text in, comparable text out: the first step of the pipeline.

Young people type fast: "heeeelp mn fotoos gaan rond", "z3lfm0rd", zero-width
characters, emoji, "zlfmrd" without vowels, "ikwildood" without spaces, a Cyrillic "е"
inside a Dutch word. Every later step (risk, intent, audience) works on the normalised
forms; the original is kept for display and storage. Words in other scripts (Arabic,
Cyrillic, Greek...) stay words, so the risk lexicon can hold phrases in those languages.
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
_TOKEN = re.compile(r"(?:[^\W_]|[@$])+(?:'[a-z]+)?")
_REPEATS = re.compile(r"(.)\1{2,}")
_VOWELS = frozenset("aeiouy")

# Letters without a decomposition that strip_accents would miss (Polish, Turkish, Nordic),
# and Arabic spelling variants people use interchangeably (ى/ي, ة/ه, Persian ی/ک, tatweel).
_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ı": "i",
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "ŧ": "t",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ى": "ي",
        "ة": "ه",
        "ی": "ي",
        "ک": "ك",
        "ـ": "",
    }
)
# Look-alikes of Latin letters (after lower-casing) from Unicode's confusables list, for
# the scripts used to hide a word: Cyrillic, Greek, Armenian, small capitals and IPA. A
# word is folded only when it is written in Latin and these letters alone ("zеlfmооrd"
# with Cyrillic е and о), so a Russian or Greek sentence keeps its own letters.
# (PyPI's confusables packages were last released in 2020-2021, or only detect homoglyphs
# from a 2 MB table; these few letters are what the spelling games use.)
CONFUSABLES = {
    # Cyrillic
    "а": "a",
    "б": "b",
    "в": "b",
    "ԁ": "d",
    "е": "e",
    "ё": "e",
    "һ": "h",
    "н": "h",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "к": "k",
    "ӏ": "l",
    "м": "m",
    "о": "o",
    "р": "p",
    "ԛ": "q",
    "г": "r",
    "ѕ": "s",
    "т": "t",
    "ц": "u",
    "и": "u",
    "ѵ": "v",
    "ԝ": "w",
    "х": "x",
    "у": "y",
    "ь": "b",
    # Greek
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "γ": "y",
    "ω": "w",
    "ζ": "z",
    "μ": "u",
    # Armenian
    "օ": "o",
    "ս": "u",
    "ո": "n",
    "հ": "h",
    "ց": "g",
    "զ": "q",
    # small capitals and IPA
    "ᴀ": "a",
    "ʙ": "b",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ɢ": "g",
    "ʜ": "h",
    "ɪ": "i",
    "ᴊ": "j",
    "ᴋ": "k",
    "ʟ": "l",
    "ᴍ": "m",
    "ɴ": "n",
    "ᴏ": "o",
    "ᴘ": "p",
    "ʀ": "r",
    "ꜱ": "s",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ʏ": "y",
    "ᴢ": "z",
    "ɑ": "a",
    "ɡ": "g",
    "ɩ": "i",
    "ɒ": "a",
}
_CONFUSABLE = str.maketrans(CONFUSABLES)
_FOLDABLE = frozenset(CONFUSABLES) | frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$'")
MIN_JOINED = 6  # a word this long that the vocabulary does not know may be words written together
JOINED_CONTEXT = 8  # words kept on each side of a joined word, for phrases that start before it
PIECES_CACHE = 4096  # unknown words remembered with their pieces (long messages repeat them)
MAX_PIECE = 20


@dataclass(frozen=True, slots=True)
class Normalised:
    """One message in the forms the pipeline needs."""

    original: str  # capped, as typed (for display and storage)
    text: str  # lower case, plain letters, chat words expanded, emphasis removed
    tokens: tuple[str, ...]
    truncated: bool
    # the passages around words written together ("ikwildood"), with those words read apart:
    # up to JOINED_CONTEXT words before and after each; () when nothing was written together
    apart: tuple[tuple[str, ...], ...] = ()

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


def fold_confusables(token: str) -> str:
    """A Latin word with look-alike letters from other scripts, in plain Latin letters."""
    if token.isascii() or not set(token) <= _FOLDABLE:
        return token
    return token.translate(_CONFUSABLE)


def consonants(word: str) -> str:
    """The word without vowels, every doubled letter single: "zelfmoord" -> "zlfmrd"."""
    return squeeze("".join(ch for ch in word if ch not in _VOWELS))


def without_lone_surrogates(text: str) -> str:
    """Half of a UTF-16 pair ("\ud800", valid in JSON) cannot be stored as UTF-8: U+FFFD instead."""
    if text.isascii():
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clean(text: str) -> str:
    """Remove invisible and control characters, unify quotes and width, keep newlines as spaces."""
    text = unicodedata.normalize("NFKC", without_lone_surrogates(text))
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
        self._pieces = self.vocabulary | {w for w in CHAT_WORDS if w.isalpha() and len(w) > 1}
        self._pieces_cache: dict[str, tuple[str, ...]] = {}  # emptied at PIECES_CACHE words
        by_consonants: dict[str, set[str]] = {}
        for word in self.vocabulary:
            if word.isalpha() and word.isascii():
                by_consonants.setdefault(consonants(word), set()).add(word)
        # "zlfmrd" -> "zelfmoord": only where exactly one known word has these consonants
        self._vowelless = {
            skeleton: next(iter(words))
            for skeleton, words in by_consonants.items()
            if len(words) == 1 and len(skeleton) >= 5
        }

    def __call__(self, raw: str) -> Normalised:
        truncated = len(raw) > MAX_CHARS
        original = clean(raw[:MAX_CHARS] if truncated else raw).strip()
        text, tokens, apart = self._forms(original)
        return Normalised(original, text, tokens, truncated, apart)

    def knows_any(self, message: Normalised) -> bool:
        """False for gibberish: not one word of the message was ever seen in the content."""
        return any(token in self.vocabulary for token in message.tokens)

    def full_text(self, raw: str) -> Normalised:
        """Normalise without the length cap (the risk check reads every character)."""
        original = clean(raw).strip()
        text, tokens, apart = self._forms(original)
        return Normalised(original, text, tokens, False, apart)

    def _forms(self, original: str) -> tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]]:
        text = strip_accents(_emoji_to_words(original).lower()).translate(_LETTERS)
        tokens = _join_spelled_out(" ".join(self._word(t) for t in _TOKEN.findall(text)).split())
        words = tuple(" ".join(CHAT_WORDS.get(t, t) for t in tokens).split())
        return " ".join(words), words, self._read_apart(words)

    def _read_apart(self, words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """Around every word written together, a passage with it read apart: "ik wil dood"."""
        passages = []
        for i, word in enumerate(words):
            pieces = self.pieces(word)
            if len(pieces) > 1:
                before = words[max(0, i - JOINED_CONTEXT) : i]
                after = words[i + 1 : i + 1 + JOINED_CONTEXT]
                expanded = " ".join(CHAT_WORDS.get(p, p) for p in pieces).split()
                passages.append((*before, *expanded, *after))
        return tuple(dict.fromkeys(passages))  # a repeated passage is read once

    def pieces(self, word: str) -> tuple[str, ...]:
        """An unknown long word as the fewest known words that spell it, or the word itself."""
        if len(word) < MIN_JOINED or word in self.vocabulary or not word.isalpha() or not self._pieces:
            return (word,)
        found = self._pieces_cache.get(word)
        if found is None:
            if len(self._pieces_cache) >= PIECES_CACHE:
                self._pieces_cache.clear()
            found = self._pieces_cache[word] = self._segment(word)
        return found

    def _segment(self, word: str) -> tuple[str, ...]:
        best: list[list[str] | None] = [[]] + [None] * len(word)
        for end in range(1, len(word) + 1):
            for start in range(max(0, end - MAX_PIECE), end - 1):
                before = best[start]
                if before is None or word[start:end] not in self._pieces:
                    continue
                known = best[end]
                if known is None or len(before) + 1 < len(known):
                    best[end] = [*before, word[start:end]]
        found = best[-1]
        return tuple(found) if found and len(found) > 1 else (word,)

    def _word(self, token: str) -> str:
        """One token: look-alike letters, apostrophes, leetspeak, emphasis and dropped vowels
        undone; "800mg" becomes "800 mg"."""
        token = fold_confusables(token)
        token = _deleet(token.replace("'", "") if token not in CHAT_WORDS else token)
        if not _REPEATS.search(token):
            return self._with_vowels(token)
        for candidate in (_REPEATS.sub(r"\1", token), _REPEATS.sub(r"\1\1", token)):
            if candidate in self.vocabulary:
                return candidate
        return self._with_vowels(_REPEATS.sub(r"\1\1", token))

    def _with_vowels(self, token: str) -> str:
        """ "zlfmrd" -> "zelfmoord": a word typed without vowels, when only one known word fits."""
        if len(token) < 5 or not token.isalpha() or not token.isascii() or _VOWELS.intersection(token):
            return token
        if token in self.vocabulary or token in CHAT_WORDS:
            return token
        return self._vowelless.get(squeeze(token), token)
