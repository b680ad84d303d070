"""Dialogue policy: which actions answer this turn, given risk, intent and the slots.

Acute risk pre-empts everything, because a life may be at stake; high risk always
ends with the offer of a human. Everything else follows the rules in intents/rules.yml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.content.taxonomy import FALLBACK_TOPIC
from bot.risk.lexicon import RiskAssessment

FOLLOW_UP_STARTS = (
    "en ",
    "maar ",
    "wat als",
    "en als",
    "ook ",
    "and ",
    "but ",
    "what if",
    "what about",
)
MAX_FOLLOW_UP_WORDS = 8
# Topics whose answer always ends with the offer of a human: the person asked for one.
OFFER_TOPICS = frozenset({"praten-met-iemand"})
STOP_INTENT = "stop_handover"
# Handover steps whose words come from the escalation desk, not from an action.
DESK_INTENTS = frozenset({STOP_INTENT, "gemeente"})
HANDOVER_TOPIC = "praten-met-iemand"
# Where a conversation ends: the moment to ask "Heb je hier iets aan gehad?"
CLOSING_TOPICS = frozenset({"bedankt", "afscheid"})


@dataclass(frozen=True, slots=True)
class TurnFacts:
    risk: RiskAssessment
    intent: str
    confidence: float
    text: str  # normalised
    is_empty: bool = False
    staff_present: bool = False  # a staff member has picked up the case and reads along
    is_command: bool = False  # a button or typed command, not chat
    media_refused: bool = False  # an image or file came with it (refused, never kept)


@dataclass(slots=True)
class Plan:
    actions: list[str]
    topic: str
    slot_changes: dict[str, Any] = field(default_factory=dict)


class Policy:
    def __init__(self, rules: dict[str, str], article_topics: set[str], differs: set[str]) -> None:
        self.rules = rules  # intent -> action or response name
        self.article_topics = article_topics
        self.differs = differs  # topics whose answer differs per audience

    def plan(self, facts: TurnFacts, slots: dict[str, Any]) -> Plan:
        plan = self._plan(facts, slots)
        if facts.media_refused and facts.risk.level != "acute":
            plan.actions.insert(0, "utter_media_refused")  # first say why the image is gone
        return plan

    def _plan(self, facts: TurnFacts, slots: dict[str, Any]) -> Plan:
        topic = facts.intent.split("/", 1)[0]
        if facts.risk.level == "acute":
            return Plan(["action_crisis"], topic)
        if topic in DESK_INTENTS:
            return Plan([], HANDOVER_TOPIC)
        if facts.staff_present and not facts.is_command:
            return Plan([], HANDOVER_TOPIC)  # the staff member answers; the desk relays the message
        plan = self._plan_intent(facts, slots, topic)
        wants_human = facts.risk.level == "high" or plan.topic in OFFER_TOPICS
        if wants_human and "action_offer_human" not in plan.actions:
            plan.actions.append("action_offer_human")
        elif plan.topic in CLOSING_TOPICS and not slots.get("feedback_asked"):
            plan.actions.append("utter_feedback_ask")  # the outcome question, once per conversation
            plan.slot_changes["feedback_asked"] = True
        elif self._should_ask_audience(plan, slots):
            plan.actions.append("utter_ask_audience")
            plan.slot_changes["audience_asked"] = True
        return plan

    def _plan_intent(self, facts: TurnFacts, slots: dict[str, Any], topic: str) -> Plan:
        last = slots.get("last_topic")
        if facts.is_empty:
            return Plan([] if facts.media_refused else ["utter_empty"], FALLBACK_TOPIC)
        if topic == "meer":
            return Plan(["action_more"], last or FALLBACK_TOPIC)
        if topic == "kies_doelgroep":
            return Plan(["action_set_audience", "action_answer_topic"], last or FALLBACK_TOPIC)
        if topic == FALLBACK_TOPIC:
            return self._not_understood(facts, slots, last)
        action = self.rules.get(facts.intent) or self.rules.get(topic)
        if action is None:
            return self._not_understood(facts, slots, last)
        if action == f"utter_{topic}" and topic in self.article_topics:
            action = "action_answer_topic"
        return Plan([action], topic, {"not_understood": 0})

    def _not_understood(self, facts: TurnFacts, slots: dict[str, Any], last: str | None) -> Plan:
        if last and self._is_follow_up(facts.text):
            return Plan(["action_more"], last, {"not_understood": 0})
        misses = int(slots.get("not_understood") or 0) + 1
        if misses >= 2:
            return Plan(["action_topic_menu", "action_offer_human"], FALLBACK_TOPIC, {"not_understood": 0})
        return Plan(["utter_onbegrepen"], FALLBACK_TOPIC, {"not_understood": misses})

    @staticmethod
    def _is_follow_up(text: str) -> bool:
        words = text.split()
        return 0 < len(words) <= MAX_FOLLOW_UP_WORDS and f"{text} ".startswith(FOLLOW_UP_STARTS)

    def _should_ask_audience(self, plan: Plan, slots: dict[str, Any]) -> bool:
        return (
            plan.actions == ["action_answer_topic"]
            and plan.topic in self.differs
            and not slots.get("audience")
            and not slots.get("audience_asked")
        )
