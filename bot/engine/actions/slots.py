"""Remembering who we talk to, chosen with a button."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.content.model import AUDIENCES
from bot.engine.actions.base import KnowledgeAction


class ActionSetAudience(KnowledgeAction):
    NAME = "action_set_audience"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        value = next(tracker.get_latest_entity_values("audience"), None)
        if value not in AUDIENCES:
            return []
        return [SlotSet("audience", value), SlotSet("audience_asked", True)]
