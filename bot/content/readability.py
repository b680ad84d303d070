"""Readability of article texts: Flesch-Douma for Dutch, Flesch Reading Ease for English.

B1 Dutch is a writing rule for young people's texts; a score makes it checkable. The
syllable counters are deliberately simple (vowel groups plus the exceptions that matter
in our texts): the score is a signal for a human editor, not a verdict.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from bot.content.model import AUDIENCES, LANGUAGES, Content, Where
from bot.content.placeholders import content_placeholders
from bot.content.render import PLACEHOLDER, Renderer, UnknownPlaceholder
from bot.content.yamlsrc import Problem

JONGERE_MIN = 60.0  # Flesch-Douma below this is too hard for young people (about B1)

# Dutch vowel sounds written with more than one letter, longest first: each is one syllable.
_NL_NUCLEI = (
    *("eeuw", "ieuw", "aai", "ooi", "oei", "eau"),
    *("aa", "ee", "oo", "uu", "ie", "oe", "eu", "ui", "ei", "ij", "ou", "au"),
    *("ai", "ay", "ey", "oy"),  # loanwords: mail, okay, hey, boy
)
# English loanwords common in chat whose silent e or vowel pairs fool the Dutch rules;
# also matched as the last part of a compound (datingsite, hotline, geüpload).
_NL_LOANWORDS = {
    "load": 1,
    "loaden": 2,
    "line": 1,
    "site": 1,
    "sites": 1,
    "game": 1,
    "games": 1,
    "gamen": 2,
    "gamer": 2,
    "nude": 1,
    "nudes": 1,
    "date": 1,
    "dates": 1,
    "daten": 2,
    "like": 1,
    "likes": 1,
    "liken": 2,
    "share": 1,
    "sharen": 2,
    "team": 1,
    "teams": 1,
    "youtube": 2,
    "facebook": 2,
    "story": 2,
    "stories": 2,
}
# Words ending in a full stop that do not end a sentence ("art. 252 Sr", "bijv. Snapchat").
_ABBREVIATIONS = {
    *("art", "bijv", "bv", "o.a", "d.w.z", "m.a.w", "e.g", "i.e", "nr", "ca", "evt"),
    *("incl", "excl", "mr", "dr", "mw", "dhr", "st", "vs", "z.s.m", "t.a.v", "m.b.t"),
}
_BULLET = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")
_CLOSERS = "\"'”’)]*_"
_EDGE = _CLOSERS + "“‘`([{}<>.,;:!?…"
_SENTENCE_END = re.compile(r"[.!?…]+$")
_WEB = re.compile(r"://|^www\.|@|[a-z]\.[a-z]{2,}", re.I)
_TREMA = "\u0308"


def dutch_syllables(word: str) -> int:
    """Syllables of one Dutch word; a trema (geüpload, ideeën) starts a new syllable."""
    parts = _trema_as_break(word.lower()).split("-")
    return sum(_dutch_part(p) for p in parts if any(c.isalpha() for c in p)) or 1


def _trema_as_break(word: str) -> str:
    out: list[str] = []
    for char in unicodedata.normalize("NFD", word):
        if char == _TREMA and out:
            out.insert(len(out) - 1, "-")
        elif not unicodedata.combining(char):
            out.append(char)
    return "".join(out)


def _dutch_part(part: str) -> int:
    part = re.sub(r"[^a-z]", "", part)
    for loan, count in _NL_LOANWORDS.items():
        if part.endswith(loan):
            return count + _dutch_vowel_groups(part[: -len(loan)])
    return max(_dutch_vowel_groups(part), 1)


def _dutch_vowel_groups(part: str) -> int:
    count, i = 0, 0
    while i < len(part):
        if not _is_dutch_vowel(part, i):
            i += 1
            continue
        nucleus = next((n for n in _NL_NUCLEI if part.startswith(n, i)), part[i])
        count += 1
        i += len(nucleus)
    return count


def _is_dutch_vowel(part: str, i: int) -> bool:
    char = part[i]
    if char == "u" and i > 0 and part[i - 1] == "q":
        return False  # qu sounds kw: aquarium
    if char == "y":
        return not (i == 0 and len(part) > 1 and part[1] in "aeiou")  # yoga: y is a consonant
    return char in "aeiou"


def english_syllables(word: str) -> int:
    """Syllables of one English word: vowel groups, minus a silent final e, -es or -ed."""
    w = re.sub(r"[^a-z]", "", word.lower())
    count = len(re.findall(r"[aeiouy]+", w))
    if re.search(r"[^aeiouy]e$", w) and not re.search(r"[^aeiouy]le$", w):
        count -= 1  # make, police; but people keeps its -le
    elif re.search(r"[^aeiouysxzcgh]es$|[^aeiouytd]ed$", w):
        count -= 1  # makes, helped; but places, wanted keep it
    return max(count, 1)


def sentences(text: str) -> list[list[str]]:
    """Chat-style sentences as lists of words: line breaks and bullets also end a sentence."""
    out = []
    for line in text.splitlines():
        current: list[str] = []
        for token in _BULLET.sub("", line).split():
            current += words(token)
            if _SENTENCE_END.search(token.rstrip(_CLOSERS)) and not _abbreviation(token):
                out.append(current)
                current = []
        out.append(current)
    return [s for s in out if s]


def words(token: str) -> list[str]:
    """The words in one whitespace token: numbers and web addresses are not words."""
    core = token.strip(_EDGE)
    if not core or any(c.isdigit() for c in core) or _WEB.search(core):
        return []
    return [w.strip(_EDGE) for w in core.split("/") if any(c.isalpha() for c in w)]


def _abbreviation(token: str) -> bool:
    return token.strip(_CLOSERS + "“‘(").lower().rstrip(".") in _ABBREVIATIONS


@dataclass(frozen=True, slots=True)
class Counts:
    words: int
    sentences: int
    syllables: int


SYLLABLES: dict[str, Callable[[str], int]] = {"nl": dutch_syllables, "en": english_syllables}


def counts(text: str, language: str) -> Counts:
    found = sentences(text)
    syllable_count = SYLLABLES[language]
    return Counts(
        words=sum(len(s) for s in found),
        sentences=len(found),
        syllables=sum(syllable_count(w) for s in found for w in s),
    )


def flesch_douma(c: Counts) -> float:
    """Dutch: 206.84 − 0.77 × syllables per 100 words − 0.93 × words per sentence."""
    return 206.84 - 0.77 * (100 * c.syllables / c.words) - 0.93 * (c.words / c.sentences)


def flesch_reading_ease(c: Counts) -> float:
    """English: 206.835 − 1.015 × words per sentence − 84.6 × syllables per word."""
    return 206.835 - 1.015 * (c.words / c.sentences) - 84.6 * (c.syllables / c.words)


FORMULAS: dict[str, Callable[[Counts], float]] = {"nl": flesch_douma, "en": flesch_reading_ease}


def score(text: str, language: str) -> tuple[float, Counts] | None:
    """The score and its counts, or None for a text without words."""
    c = counts(text, language)
    return (FORMULAS[language](c), c) if c.words else None


@dataclass(frozen=True, slots=True)
class TextScore:
    topic: str
    audience: str
    language: str
    score: float
    counts: Counts
    where: Where


def article_scores(content: Content) -> list[TextScore]:
    """Every written text (answer plus its "meer" parts, as rendered), lowest score first.

    An audience that says same_as is the text of its target and is scored there.
    """
    renderer = Renderer(content.contacts, content_placeholders(content))
    out = []
    for topic in sorted(content.articles):
        article = content.articles[topic]
        for audience in AUDIENCES:
            for lang in LANGUAGES:
                text = article.texts.get((audience, lang))
                if text is None or audience in article.fallbacks:
                    continue
                body = "\n".join([text.answer, *(m.text for m in text.more)])
                found = score(_rendered(renderer, body, lang), lang)
                if found:
                    out.append(TextScore(topic, audience, lang, found[0], found[1], text.where))
    return sorted(out, key=lambda s: s.score)


def _rendered(renderer: Renderer, body: str, lang: str) -> str:
    try:
        return renderer.render(body, lang)
    except UnknownPlaceholder:  # reported by the content check; score the rest
        return PLACEHOLDER.sub(" ", body)


def readability_warnings(scores: list[TextScore]) -> list[Problem]:
    return [
        Problem(
            s.where.path,
            s.where.line,
            f"{s.audience}.{s.language}: Flesch-Douma {s.score:.1f} is below {JONGERE_MIN:.0f}; "
            "use shorter sentences and shorter, common words (B1)",
            warning=True,
        )
        for s in scores
        if s.audience == "jongere" and s.language == "nl" and s.score < JONGERE_MIN
    ]


def format_table(scores: list[TextScore]) -> str:
    """The --readability report: one row per text, lowest first, and the jongere nl median."""
    rows = [f"{'article':<22} {'audience':<12} {'lang':<4} {'score':>6} {'words':>6} {'sentences':>9}"]
    for s in scores:
        mark = "  < 60" if s.audience == "jongere" and s.language == "nl" and s.score < JONGERE_MIN else ""
        rows.append(
            f"{s.topic:<22} {s.audience:<12} {s.language:<4} {s.score:>6.1f} "
            f"{s.counts.words:>6} {s.counts.sentences:>9}{mark}"
        )
    young = [s.score for s in scores if s.audience == "jongere" and s.language == "nl"]
    if young:
        rows.append(
            f"jongere nl: lowest {min(young):.1f}, median {statistics.median(young):.1f}, "
            f"below {JONGERE_MIN:.0f}: {sum(v < JONGERE_MIN for v in young)}"
        )
    return "\n".join(rows)
