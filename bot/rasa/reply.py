"""action_reply: the responses our policy plans for an intent, served so the message is risk-checked.

A Rasa rule that ends in a response (utter_groet, utter_onbegrepen, ...) never calls the action
server, so a crisis that Rasa's NLU took for a greeting or for nlu_fallback would get the greeting.
The export routes those intents here instead; the executor judges the risk first (and answers a
crisis instead), then this action sends exactly the responses the engine would.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.content.taxonomy import FALLBACK_TOPIC
from bot.engine import EngineParts
from bot.engine.actions.base import KnowledgeAction
from bot.rasa.actions import REPLY_ACTION
from bot.rasa.intents import FALLBACK_INTENT, planned


class ActionReply(Action):
    def __init__(self, parts: EngineParts) -> None:
        self.parts = parts

    def name(self) -> str:
        return REPLY_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or FALLBACK_TOPIC
        intent = FALLBACK_TOPIC if intent == FALLBACK_INTENT else intent
        names = [n for n in planned(self.parts, intent) if n.startswith("utter_")]
        language = KnowledgeAction.language(tracker)
        for name in names or [f"utter_{FALLBACK_TOPIC}"]:
            KnowledgeAction.send(dispatcher, self.parts.knowledge.response(name, language))
        return []
