"""Answering from the knowledge base: the first answer, "meer" parts, the topic menu."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.content.knowledge import Text
from bot.engine.actions.base import KnowledgeAction


class ActionAnswerTopic(KnowledgeAction):
    """The short first answer of the article for the recognised topic (or the last one)."""

    NAME = "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic = tracker.get_slot("answer_topic") or self.intent_topic(tracker)
        if self.knowledge.article(topic) is None:
            topic = tracker.get_slot("last_topic") or ""
        if self.knowledge.article(topic) is None:
            self.say(dispatcher, self.knowledge.response("utter_no_article", self.language(tracker)))
            return []
        audience = self.audience(tracker, topic)
        self.say(dispatcher, self.knowledge.answer(topic, audience, self.language(tracker)))
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
            self.say(dispatcher, self.knowledge.response("utter_topic_menu", language))
            return []
        index = int(tracker.get_slot("more_index") or 0)
        part = self.knowledge.more(topic, self.audience(tracker, topic), language, index)
        if part is None:
            self.say(dispatcher, self.knowledge.response("utter_no_more", language))
            return []
        self.say(dispatcher, part)
        return [SlotSet("more_index", index + 1)]


class ActionAnswerDetail(KnowledgeAction):
    """A follow-up ("moet ik betalen", "en als hij hem al heeft doorgestuurd") answered by the
    part of the topic's article with that detail; without one, the article's first answer."""

    NAME = "action_answer_detail"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topic = tracker.get_slot("answer_topic") or tracker.get_slot("last_topic") or ""
        detail = tracker.get_slot("detail") or ""
        if self.knowledge.article(topic) is None:
            self.say(dispatcher, self.knowledge.response("utter_topic_menu", self.language(tracker)))
            return []
        audience, language = self.audience(tracker, topic), self.language(tracker)
        found = self.knowledge.detail(topic, audience, language, detail)
        if found is None:
            self.say(dispatcher, self.knowledge.answer(topic, audience, language))
            return [SlotSet("last_topic", topic), SlotSet("more_index", 0)]
        index, text = found
        self.say(dispatcher, text)
        return [SlotSet("last_topic", topic), SlotSet("more_index", index + 1)]


class ActionClarify(KnowledgeAction):
    """Unsure between two topics: ask which one, with both as buttons (two-stage fallback)."""

    NAME = "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = self.language(tracker)
        options = [t for t in tracker.get_slot("clarify") or [] if self.knowledge.article(t)]
        buttons = tuple(self.knowledge.topic_button(t, language) for t in options)
        question = self.knowledge.response("utter_clarify", language)
        titles = [b.title for b in buttons]
        self.send(
            dispatcher, Text(question.text.format(*titles) if len(titles) == 2 else question.text, buttons)
        )
        return []


class ActionTopicMenu(KnowledgeAction):
    NAME = "action_topic_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        self.say(dispatcher, self.knowledge.response("utter_topic_menu", self.language(tracker)))
        return []
