"""What every action shares: the knowledge it answers from and the slots it reads."""

from __future__ import annotations

from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.content.knowledge import Knowledge, Text

DEFAULT_AUDIENCE_BY_TOPIC = {
    "ouder-kind-sexting": "ouder",
    "ouder-gesprek": "ouder",
    "ouder-signalen": "ouder",
    "school-route": "professional",
    "aanbod": "professional",
}


class KnowledgeAction(Action):
    NAME: ClassVar[str]

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge

    def name(self) -> str:
        return self.NAME

    @staticmethod
    def language(tracker: Tracker) -> str:
        return tracker.get_slot("language") or "nl"

    @staticmethod
    def audience(tracker: Tracker, topic: str | None = None) -> str:
        """The known audience, else the one a topic is mostly asked by, else a young person."""
        return tracker.get_slot("audience") or DEFAULT_AUDIENCE_BY_TOPIC.get(topic or "", "jongere")

    @staticmethod
    def intent_topic(tracker: Tracker) -> str:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        return intent.split("/", 1)[0]

    def say(self, dispatcher: CollectingDispatcher, text: Text) -> None:
        """Send a text, ending with what is open day and night when it names a closed service."""
        self.send(dispatcher, self.knowledge.with_open_now(text))

    @staticmethod
    def send(dispatcher: CollectingDispatcher, text: Text) -> None:
        dispatcher.utter_message(
            text=text.text, buttons=[{"title": b.title, "payload": b.payload} for b in text.buttons]
        )

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        raise NotImplementedError
