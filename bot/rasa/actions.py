"""The handover steps our engine leaves to the escalation desk, as actions a Rasa rule can call.

In-process the engine hands "Deurne", /stop and /wis_ja straight to the desk, so our own
Policy plans no action for them. Behind Rasa a rule must name an action, so these three
exist only on the action server. Each returns the event that says what the person chose;
the recorder (bot/rasa/escalation.py) then lets the desk act on it in our SQLite and adds
what the desk says back (the next question, "een medewerker leest binnen een uur mee", ...).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.desk.places import SKIP, match_place

MUNICIPALITY_ACTION = "action_choose_municipality"
STOP_ACTION = "action_stop_handover"
ERASE_ACTION = "action_erase"
# A rule whose answer is only responses (utter_*) runs this instead, so the message passes our
# risk judge too: a response alone would never reach the action server (bot/rasa/reply.py).
REPLY_ACTION = "action_reply"
MUNICIPALITY_SLOT = "municipality"
MUNICIPALITY_ENTITY = "gemeente"
STOPPED = "stopped"  # the handover slot after /stop
# Our intent -> the action its Rasa rule runs (the engine gives these to the desk directly).
DESK_RULES = {
    "gemeente": (MUNICIPALITY_ACTION,),
    "stop_handover": (STOP_ACTION,),
    "wis_ja": (ERASE_ACTION,),
}


class ActionChooseMunicipality(Action):
    """The answer to "in welke gemeente woon je?": a button, or a typed name (typos forgiven)."""

    def __init__(self, municipalities: tuple[str, ...]) -> None:
        self.municipalities = municipalities

    def name(self) -> str:
        return MUNICIPALITY_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        said = next(tracker.get_latest_entity_values(MUNICIPALITY_ENTITY), None)
        text = str(said if said is not None else tracker.latest_message.get("text") or "")
        return [SlotSet(MUNICIPALITY_SLOT, match_place(text, self.municipalities) or SKIP)]


class ActionStopHandover(Action):
    """/stop: the person ends the conversation with the werkgroep member."""

    def name(self) -> str:
        return STOP_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [SlotSet("handover", STOPPED)]


class ActionErase(Action):
    """/wis confirmed: our records of this person are erased, and Rasa starts a new conversation.

    Rasa's own tracker store keeps its copy of the talk: that is the deployment's to erase
    (README, "Beside Rasa")."""

    def name(self) -> str:
        return ERASE_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [Restarted()]


def desk_actions(municipalities: tuple[str, ...]) -> list[Action]:
    return [ActionChooseMunicipality(municipalities), ActionStopHandover(), ActionErase()]


def rasa_only_action_names() -> set[str]:
    """Served to Rasa beside the engine's own actions."""
    return {REPLY_ACTION, *(name for names in DESK_RULES.values() for name in names)}
