"""Answering from the knowledge base: the first answer, "meer" parts, the topic menu."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.engine.actions.base import KnowledgeAction


class ActionAnswerTopic(KnowledgeAction):
    """The short first answer of the article for the recognised topic (or the last one)."""

    NAME = "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic = self.intent_topic(tracker)
        if self.knowledge.article(topic) is None:
            topic = tracker.get_slot("last_topic") or ""
        if self.knowledge.article(topic) is None:
            self.send(dispatcher, self.knowledge.response("utter_no_article", self.language(tracker)))
            return []
        audience = self.audience(tracker, topic)
        self.send(dispatcher, self.knowledge.answer(topic, audience, self.language(tracker)))
        return [SlotSet("last_topic", topic), SlotSet("more_index", 0)]


class ActionMore(KnowledgeAction):
    """The next "meer" part of the last topic: concrete steps, do's and don'ts, where to go."""

    NAME = "action_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic = tracker.get_slot("last_topic")
        language = self.language(tracker)
        if not topic or self.knowledge.article(topic) is None:
            self.send(dispatcher, self.knowledge.response("utter_topic_menu", language))
            return []
        index = int(tracker.get_slot("more_index") or 0)
        part = self.knowledge.more(topic, self.audience(tracker, topic), language, index)
        if part is None:
            self.send(dispatcher, self.knowledge.response("utter_no_more", language))
            return []
        self.send(dispatcher, part)
        return [SlotSet("more_index", index + 1)]


class ActionTopicMenu(KnowledgeAction):
    NAME = "action_topic_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        self.send(dispatcher, self.knowledge.response("utter_topic_menu", self.language(tracker)))
        return []
