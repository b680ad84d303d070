"""Bringing in a human: the crisis reply at acute risk and the offer of contact at high risk."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.engine.actions.base import KnowledgeAction


class ActionCrisis(KnowledgeAction):
    """112 / 113 first, never behind a question; staff are alerted by the engine's event."""

    NAME = "action_crisis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        risk = (tracker.latest_message.get("metadata") or {}).get("risk") or {}
        name = f"crisis_{risk.get('category') or 'acuut-gevaar'}"
        if name not in self.knowledge.content.messages:
            name = "crisis_acuut-gevaar"
        self.say(dispatcher, self.knowledge.message(name, self.language(tracker)))
        return [SlotSet("handover", "alerted")]


class ActionOfferHuman(KnowledgeAction):
    """Ask whether someone of the werkgroep may chat along (Ja / Nee / Eerst meer uitleg)."""

    NAME = "action_offer_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        self.say(dispatcher, self.knowledge.message("offer_human", self.language(tracker)))
        if tracker.get_slot("handover") == "alerted":
            return []
        return [SlotSet("handover", "offered")]


class ActionAcceptHandover(KnowledgeAction):
    """The user said yes to a human. The escalation desk opens the case in the same
    transaction and writes what the user is told next (which municipality, when)."""

    NAME = "action_accept_handover"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [SlotSet("handover", "accepted")]
