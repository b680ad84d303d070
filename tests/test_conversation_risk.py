"""Risk over the conversation: pieces that are harmless alone add up (risk/conversation_risk.yml)."""

from pathlib import Path

import pytest

from bot.content.loader import load_content
from bot.engine.conversation_risk import ConversationCues, conversation_risk
from bot.nlu.normalise import Normaliser
from bot.risk.lexicon import NO_RISK

ROOT = Path(__file__).resolve().parent.parent
CUES = ConversationCues.of(load_content(ROOT)[0].conversation_cues)
NORMALISE = Normaliser(set())


def run(*messages: str, guess: tuple[str, float] = ("", 0.0)) -> list[str]:
    slots: dict = {}
    levels = []
    for text in messages:
        risk = conversation_risk(NO_RISK, CUES, NORMALISE(text).tokens, slots, guess)
        slots["risk_level"], slots["risk_seen"] = risk.level, risk.category
        levels.append(f"{risk.level}/{risk.category}")
    return levels


def test_money_and_a_threat_in_different_messages_are_sextortion() -> None:
    assert run("ze heeft een filmpje van me", "ze wil 200 euro", "anders zet ze het online") == [
        "none/None",
        "none/None",
        "high/sextortion",
    ]


def test_a_minor_and_an_adult_boyfriend_is_grooming() -> None:
    assert run("ik ben 13", "mijn vriendje is 19")[-1] == "high/grooming"
    assert run("ik ben 13", "mijn zus is 15")[-1] == "none/None"


def test_peers_a_year_or_two_apart_are_not_grooming() -> None:
    assert run("ik ben 18 geworden en mn vriendin is nog 16")[-1] == "none/None"
    assert run("im 18 and my gf is 17")[-1] == "none/None"
    assert run("ik ben 15", "hij is 18 en mijn vriend")[-1] == "high/grooming"


def test_once_high_the_conversation_stays_high() -> None:
    assert run("ze wil 200 euro anders zet ze het online", "bedankt") == [
        "high/sextortion",
        "high/sextortion",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "iemand heeft mijn foto op een pornosite gezet en ik weet niet wat ik moet doen",
            "high/verspreiding",
        ),
        ("wat moet je eigenlijk doen als je foto ooit rondgaat op school", "none/None"),
        ("rondgaan", "none/None"),  # too short to tell a situation
    ],
)
def test_a_told_situation_on_a_harm_topic_is_high(text: str, expected: str) -> None:
    assert run(text, guess=("foto-verspreid", 0.9)) == [expected]
