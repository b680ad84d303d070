"""Every text someone typed reaches the risk judge and, when acute, the crisis reply:
an edited Telegram message, a message in Turkish, Arabic or Polish (also in a script
the bot does not read), a typed command."""

from __future__ import annotations

import pytest

from bot.engine import judge_risk
from bot.engine.messages import Incoming
from bot.risk.lexicon import REPLY_LANGUAGES, phrase_language
from tests.test_telegram_units import message, update


def test_an_edited_text_is_a_new_message(parts) -> None:
    item = update(parts, {"update_id": 11, "edited_message": message(text="ik wil dood", edit_date=1)})
    assert (item.kind, item.text, item.key) == ("message", "ik wil dood", "telegram:11")


@pytest.mark.parametrize(
    "text", ["أريد أن أموت", "ölmek istiyorum", "chcę umrzeć", "zеlfmооrd", "ikwildood", "/help ikwildood"]
)
async def test_acute_in_any_form_gets_the_crisis_reply(engine, text: str) -> None:
    outcome = await engine.handle(Incoming("c-" + str(abs(hash(text))), text=text))
    assert outcome.risk.level == "acute" and outcome.handover == "alerted"
    assert "113" in outcome.text and "112" in outcome.text


async def test_a_script_the_bot_does_not_read_still_gets_the_note_after_the_crisis_text(engine) -> None:
    outcome = await engine.handle(Incoming("arabic", text="سأقتل نفسي"))
    assert outcome.text.index("113") < outcome.text.index("I only understand Dutch and English")


@pytest.mark.parametrize(
    ("text", "language"),
    [("ölmek istiyorum", "tr"), ("أريد أن أموت", "ar"), ("chcę umrzeć", "pl"), ("ik wil dood", None)],
)
def test_the_alert_says_the_language_of_the_phrase(parts, text: str, language: str | None) -> None:
    _, risk = judge_risk(parts, parts.normaliser(text), text)
    assert phrase_language(risk) == language
    assert (language is not None) == (phrase_language(risk) not in (*REPLY_LANGUAGES, None))
