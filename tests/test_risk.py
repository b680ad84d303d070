"""Risk detection: categories, idioms, negations, and robustness to spelling games."""

import random

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import load_checked_content
from bot.common.settings import PROJECT_ROOT
from bot.engine import judge_risk
from bot.nlu.normalise import MAX_CHARS
from bot.risk.judge import RiskJudge
from bot.risk.lexicon import windows

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
    ("hij ging door terwijl ik nee zei", "misbruik"),
    ("ik vermoed uitbuiting, wat kan ik doen", "uitbuiting"),
    ("my friend's older brother sells nudes of girls from our school", "verspreiding"),
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
    "ik wil niet meer naar school",
    "ik kan niet meer helder denken",
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


@pytest.mark.parametrize(
    "text",
    [
        "ik doe mezelf iets aan als dit uitkomt",  # a threat on a condition counts
        "im thinking about ending it tbh",
    ],
)
def test_acute_in_other_words(parts, text: str) -> None:
    """Not in ACUTE: "iets" in full leetspeak is a number ("1375"), which no reader can undo."""
    assert assess(parts, text).level == "acute"


def test_wanting_more_is_a_demand_not_a_wish_to_die(parts) -> None:
    assert assess(parts, "nu wil ze meer").level != "acute"


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


# --- gaps: joined words, dropped vowels, look-alike letters, other languages ---------------

GAPS = [
    ("ikwildood", "suicidal-thoughts"),
    ("ikwilnietmeerleven", "suicidal-thoughts"),
    ("kwildood", "suicidal-thoughts"),
    ("zlfmrd", "suicide-word"),
    ("ik denk aan zlfmrd", "suicide-word"),
    ("zеlfmооrd", "suicide-word"),  # Cyrillic е and о
    ("ZΕLFMΟΟRD", "suicide-word"),  # Greek capitals Ε and Ο
    ("ik wil ᴅᴏᴏᴅ", "suicidal-thoughts"),  # small capitals
    ("ölmek istiyorum", "suicidal-thoughts:tr"),
    ("artık yaşamak istemiyorum", "suicidal-thoughts:tr"),
    ("intihar etmeyi düşünüyorum", "suicide-word:tr"),
    ("أريد أن أموت", "suicidal-thoughts:ar"),
    ("سأقتل نفسي", "suicidal-thoughts:ar"),
    ("chcę umrzeć", "suicidal-thoughts:pl"),
    ("nie chce mi się żyć", "suicidal-thoughts:pl"),
    ("myślę o samobójstwie", "suicide-word:pl"),
    ("van mij hoeft het niet meer", "suicidal-thoughts:nl"),
    ("i just want it all to be over", "suicidal-thoughts:en"),
]


@pytest.mark.parametrize(("text", "signal"), GAPS)
def test_risk_gaps_are_closed(parts, text: str, signal: str) -> None:
    result = assess(parts, text)
    assert (result.level, result.category, result.signal) == ("acute", "zelfdoding", signal)


def test_the_other_languages_do_not_fire_on_their_negation(parts) -> None:
    assert assess(parts, "nie chcę umrzeć, chcę tylko żeby to zdjęcie zniknęło").level != "acute"


# --- negation and the speaker's own frame (issue 15) ---------------------------------------

NOT_ACUTE = [
    "ik wil geen zelfmoord plegen, ik wil gewoon dat die foto weg is",
    "ik wil echt niet dood ofzo",
    "ik wil echt niet dood ofzo hoor, ik wil alleen dat die foto van internet af is",
    "ik ga dood van het lachen",
    "ik schaam me dood",
    "gaan jullie het tegen mn ouders zeggen?",
    "gaan jullie het aan school vertellen",
    "en nu?",
    "en dan?",
    "hij komt",
    "het is toch mijn eigen schuld dat hij rondgaat",
]


@pytest.mark.parametrize("text", NOT_ACUTE)
def test_negation_and_frame_are_not_acute(parts, text: str) -> None:
    assert assess(parts, text).level != "acute"


STILL_ACUTE = [
    "ik wil niet dood maar ik heb al mijn pillen geslikt",  # a denial does not hide the means
    "ik wil geen zelfmoord plegen maar ik wil niet meer leven",
    "gaan jullie de politie bellen? hij staat voor de deur en ik ben bang",
    "het is mijn eigen schuld, ik wil dood",
    "ik wil dood",
]


@pytest.mark.parametrize("text", STILL_ACUTE)
def test_a_true_alarm_survives_negation_and_frame(parts, text: str) -> None:
    assert assess(parts, text).level == "acute"


SETS = {
    "dev.yml": PROJECT_ROOT.parent / "shared" / "eval" / "dev.yml",
    "holdout.yml": PROJECT_ROOT / "tests" / "eval" / "holdout.yml",
    "risk_holdout.yml": PROJECT_ROOT / "bench" / "risk_holdout.yml",
}
# acute before this work too was missed: an oblique plan the judges cannot read yet
KNOWN_ACUTE_MISSES = {"heb vandaag een touw gekocht. jullie weten wel waarvoor"}


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_acute_case_of_the_evaluation_sets_stays_acute(parts, name: str) -> None:
    if not SETS[name].exists():
        pytest.skip(f"{SETS[name]} is not beside this checkout")
    cases = yaml.safe_load(SETS[name].read_text(encoding="utf-8"))
    acute = [c["text"] for c in cases if c.get("risk") == "acute"]
    missed = [t for t in acute if assess(parts, t).level != "acute" and t not in KNOWN_ACUTE_MISSES]
    assert acute and not missed


# --- a long message is read over its whole length -----------------------------------------

PADDING = "Vandaag was een gewone dag op school, we hadden wiskunde en daarna gym. " * 60


def test_a_grooming_story_after_long_padding_is_found(parts) -> None:
    story = "een volwassen man van 35 wil dat ik voor de webcam ga en zegt dat ik het niemand mag vertellen"
    text = PADDING + story
    assert len(text) > MAX_CHARS
    result = assess(parts, text)
    assert (result.level, result.category) == ("high", "grooming")


# danger only the model recognises (no lexicon phrase): which of them it flags depends on
# the examples it learned from, so the test takes those it flags alone and pads them
MODEL_ONLY = [
    "hij staat beneden en zegt dat hij me komt pakken als ik niet naar buiten kom",
    "er staat iemand aan de deur die me bedreigt en ik ben alleen thuis",
    "ik zit in een auto met 3 mannen die ik niet ken en ze rijden de snelweg op, ik ben bang",
    "hij is nu dronken en probeert mijn kamerdeur open te breken",
    "i have the pills ready and i wrote a letter to my mom",
]


def test_the_model_reads_every_window_of_a_long_message(parts) -> None:
    """A risk only the model recognises, after 4,000 characters: found in its window."""
    judge = RiskJudge(parts.risk.lexicon, parts.risk.model, parts.features)

    def level(text: str) -> str:
        start = parts.features.vector(parts.normaliser(text).text)
        return judge.assess(parts.normaliser.full_text(text), start).level

    alone = [
        t for t in MODEL_ONLY if parts.risk.lexicon.assess(parts.normaliser.full_text(t)).level == "none"
    ]
    flagged = [t for t in alone if level(t) == "acute"]
    assert flagged, "the model flags none of these on their own any more: update MODEL_ONLY"
    for text in flagged:
        assert level(PADDING + text) == "acute", text
        assert level(PADDING + text + " " + PADDING) == "acute", text


def test_concepts_far_apart_in_a_long_text_do_not_combine(parts) -> None:
    """'een vreemde' at the start and 'webcam' 200 words later are not one grooming signal."""
    text = "er liep een vreemde man in de supermarkt. " + PADDING + "mijn webcam doet het niet meer"
    assert parts.risk.lexicon.assess(parts.normaliser.full_text(text)).level == "none"


def test_windows_cover_the_whole_message() -> None:
    tokens = tuple(str(i) for i in range(250))
    seen = [t for w in windows(tokens) for t in w]
    assert set(seen) == set(tokens) and all(len(w) <= 120 for w in windows(tokens))
    assert list(windows(tokens[:50])) == [tokens[:50]]


# --- the phrase lists are checked like all content -----------------------------------------


def test_a_phrase_list_without_a_source_is_a_content_problem(content_copy) -> None:
    path = content_copy / "risk" / "risk_languages.yml"
    path.write_text(
        "version: 1\nlists:\n  - language: tr\n    signal: suicidal-thoughts\n"
        "    phrases: [ölmek istiyorum]\n  - language: pl\n    signal: no-such-signal\n"
        "    sources: [{organisation: X, url: https://x.example, checked: 2026-11-29}]\n"
        "    phrases: [chcę umrzeć]\n",
        encoding="utf-8",
    )
    _, problems = load_checked_content(content_copy)
    messages = [str(p) for p in problems if not p.warning]
    assert f"{path}:3: a phrase list needs 'sources' (where its phrases come from)" in messages
    assert f"{path}:7: unknown signal 'no-such-signal'" in messages
