"""Typed answers to the bot's own questions count like its buttons (intents/answers.yml)."""

from pathlib import Path

import pytest

from bot.content.loader import load_content
from bot.engine.typed_answers import TypedAnswers
from bot.nlu.normalise import Normaliser

ROOT = Path(__file__).resolve().parent.parent
NORMALISE = Normaliser(set())
ANSWERS = TypedAnswers(load_content(ROOT)[0].answer_phrases, NORMALISE)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ja", "ja"),
        ("ja graag", "ja"),
        ("Jep!", "ja"),
        ("oke doe maar", "ja"),
        ("yes please", "ja"),
        ("nee hoeft niet", "nee"),
        ("nah", "nee"),
        ("no thanks", "nee"),
        ("weet ik niet", "weet-niet"),
        ("ok bedankt doei", None),  # a goodbye, not a yes
        ("ja maar wat als hij hem naar iedereen stuurt", None),  # a new message
        ("iemand chanteert me", None),
    ],
)
def test_what_a_typed_answer_means(text: str, kind: str | None) -> None:
    assert ANSWERS.kind(NORMALISE(text)) == kind


def test_the_answer_stands_for_the_button_of_the_question_asked() -> None:
    yes = NORMALISE("ja graag")
    assert ANSWERS.as_button("handover", yes, None).intent == "handover_ja"
    assert ANSWERS.as_button("wis", yes, None).intent == "wis_ja"
    assert ANSWERS.as_button("feedback", NORMALISE("nee"), None).entities == {"antwoord": "niet-nuttig"}
    assert ANSWERS.as_button(None, yes, None) is None  # nothing asked, no topic: an ordinary message
    assert ANSWERS.as_button(None, NORMALISE("ok"), "sextortion").intent == "meer"
    assert ANSWERS.as_button(None, NORMALISE("meer"), None).intent == "meer"
