"""The answer when a turn failed: calm, fixed, with 112 and 113 in view, and staff told at risk.

A channel calls `fail_safe` when `Engine.handle` raised on an update. It judges the risk
of the text first, the same way every turn does (this cannot be skipped), and then, in a
transaction of its own:
- records the update as handled (so a re-delivered copy is not answered twice),
- at acute or high risk opens (or adds to) an acute case through the desk, which alerts
  the werkgroep at once (no question first: the normal dialogue failed),
- writes the reply: the crisis text of the category at acute risk, else the fixed
  `utter_error` text (with 112 and 113), plus "I asked someone of the werkgroep" at risk,
- saves the message in the transcript, so it is purged like any other.

If this fails as well the channel parks the update (bot/channels/telegram/worker.py).
"""

from __future__ import annotations

from typing import Any

from bot.common.clock import iso
from bot.content.knowledge import Text
from bot.desk.desk import UserTurn
from bot.engine.messages import DUPLICATE, Incoming, Outcome, Reply
from bot.engine.parts import judge_risk
from bot.engine.turn import Engine
from bot.risk.lexicon import RiskAssessment
from bot.storage.db import immediate
from bot.storage.outbox import Recipient

ERROR_TEXT = "utter_error"
ALERTED_TEXT = "utter_error_alerted"
FALLBACK_CRISIS = "crisis_acuut-gevaar"
TOPIC = "onbegrepen"


async def fail_safe(engine: Engine, incoming: Incoming) -> Outcome:
    """Answer `incoming` without the dialogue: risk first, then the fixed reply (see above)."""
    parts = engine.parts
    message = parts.normaliser(incoming.text)
    _, risk = judge_risk(parts, message, incoming.text)
    at_risk = risk.is_risk
    now = engine.clock()
    async with engine.lock:
        with immediate(engine.store.db, durable=True):
            if incoming.update_key and not engine.store.first_time(incoming.update_key, iso(now)):
                return DUPLICATE
            stored = engine.store.load_slots(incoming.conversation_id)
            slots: dict[str, Any] = dict(stored or {})
            language = _language(slots, incoming)
            slots["language"] = language
            texts = [_first_text(engine, risk, language)]
            if at_risk:
                if not risk.is_acute:
                    texts.append(parts.knowledge.response(ALERTED_TEXT, language))
                slots["risk_category"] = risk.category
                texts += engine.desk.on_turn(
                    UserTurn(
                        incoming.conversation_id,
                        now,
                        language,
                        message.original,
                        "acute",
                        risk.category,
                        accepted=False,
                        stopped=False,
                        municipality=None,
                        remembered_municipality=slots.get("municipality"),
                    )
                )
            reply = Reply("\n\n".join(t.text for t in texts if t.text), _buttons(texts))
            if incoming.deliver_via_outbox:
                engine.desk.outbox.add(
                    Recipient.user(incoming.conversation_id), "reply", reply.text, now, None, reply.buttons
                )
            engine.store.save_turn(
                incoming.conversation_id, incoming.channel, slots, message.original, [reply.text], iso(now)
            )
    return Outcome(
        replies=(reply,),
        topic=TOPIC,
        confidence=0.0,
        risk=risk,
        handover="alerted" if at_risk else None,
        language=language,
        audience=slots.get("audience"),
    )


def _first_text(engine: Engine, risk: RiskAssessment, language: str) -> Text:
    """The crisis text of the category at acute risk, else the fixed error text."""
    knowledge = engine.parts.knowledge
    if risk.is_acute:
        name = f"crisis_{risk.category}"
        messages = knowledge.content.messages
        return knowledge.message(name if name in messages else FALLBACK_CRISIS, language)
    return knowledge.response(ERROR_TEXT, language)


def _language(slots: dict[str, Any], incoming: Incoming) -> str:
    language = slots.get("language") or incoming.language_hint or "nl"
    return language if language in ("nl", "en") else "nl"


def _buttons(texts: list[Text]) -> tuple:
    """The buttons of the last text that has any (the crisis text's 'what can I do now')."""
    return next((t.buttons for t in reversed(texts) if t.buttons), ())
