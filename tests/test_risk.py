"""Risk detection: categories, idioms, negations, and robustness to spelling games."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import judge_risk

ACUTE = [
    ("ik wil dood", "zelfdoding"),
    ("ik wil niet meer leven", "zelfdoding"),
    ("ik denk aan zelfmoord", "zelfdoding"),
    ("ik ga al mijn pillen slikken", "zelfdoding"),
    ("ik wil voor de trein springen", "zelfdoding"),
    ("ik heb een strop gemaakt en wil er een einde aan maken", "zelfdoding"),
    ("i want to kill myself", "zelfdoding"),
    ("hij komt me nu halen en ik ben bang", "acuut-gevaar"),
    ("ze houden me vast en laten me niet gaan", "acuut-gevaar"),
]
HIGH = [
    ("iemand chanteert me met mijn naaktfoto", "sextortion"),
    ("hij wil geld anders stuurt hij mijn video door", "sextortion"),
    ("er gaat een foto van mij rond op school", "verspreiding"),
    ("een man van 35 wil dat ik voor de webcam ga", "grooming"),
    ("mijn vriend wil dat ik seks heb met zijn vrienden voor geld", "uitbuiting"),
    ("mijn oom heeft me aangeraakt", "misbruik"),
]
NONE = [
    "ik ga dood van het lachen",
    "die toets was moord",
    "ik schaam me dood",
    "ik ben de pil vergeten",
    "wat moet je doen als iemand je chanteert",
    "is sexting strafbaar",
    "ik heb een foto van mijn ex doorgestuurd",
    "wat een strop, mijn fiets is gestolen",
]


def assess(parts, text: str):
    return judge_risk(parts, parts.normaliser(text), text)[1]


@pytest.mark.parametrize(("text", "category"), ACUTE)
def test_acute(parts, text: str, category: str) -> None:
    result = assess(parts, text)
    assert (result.level, result.category) == ("acute", category)


@pytest.mark.parametrize(("text", "category"), HIGH)
def test_high(parts, text: str, category: str) -> None:
    result = assess(parts, text)
    assert (result.level, result.category) == ("high", category)


@pytest.mark.parametrize("text", NONE)
def test_not_risk(parts, text: str) -> None:
    assert assess(parts, text).level == "none"


def test_negation_cancels(parts) -> None:
    assert assess(parts, "ik wil niet dood, ik wil gewoon dat het stopt op school").level == "none"


LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


def spelling_game(text: str, rnd: random.Random) -> str:
    """One of the ways people hide words: case, accents, invisible characters, emphasis,
    leetspeak, spaced-out letters, emoji."""
    game = rnd.choice(["case", "accents", "zero_width", "repeat", "leet", "spaces", "emoji", "mixed"])
    games = [game] if game != "mixed" else rnd.sample(["case", "zero_width", "repeat", "leet", "emoji"], 3)
    words = text.split()
    for g in games:
        if g == "case":
            words = ["".join(c.upper() if rnd.random() < 0.5 else c for c in w) for w in words]
        elif g == "accents":
            words = [w.replace("e", "é").replace("o", "ö") for w in words]
        elif g == "zero_width":
            words = [w[:1] + rnd.choice(ZERO_WIDTH) + w[1:] if len(w) > 2 else w for w in words]
        elif g == "repeat":
            words = [w + w[-1] * rnd.randint(2, 5) if w[-1:].isalpha() else w for w in words]
        elif g == "leet":
            words = ["".join(LEET.get(c, c) if rnd.random() < 0.6 else c for c in w) for w in words]
        elif g == "spaces":
            i = max(range(len(words)), key=lambda k: len(words[k]))
            words[i] = " ".join(words[i])
        elif g == "emoji":
            words.insert(rnd.randint(0, len(words)), rnd.choice(["😭", "😢", "🙏", "💔"]))
    return " ".join(words)


@settings(max_examples=300, deadline=None)
@given(case=st.sampled_from([t for t, _ in ACUTE]), seed=st.integers(0, 10**6))
def test_acute_survives_spelling_games(parts, case: str, seed: int) -> None:
    variant = spelling_game(case, random.Random(seed))
    assert assess(parts, variant).level == "acute", variant
