"""Dialogue policy: which actions answer this turn, given risk, intent and the conversation.

Acute risk pre-empts everything, because a life may be at stake, and puts the conversation
in crisis mode: from then on no feedback questions, menus or "who are you", and every
message gets a short reply that keeps 113/112 in view, until staff close the case. High
risk ends with the offer of a human. A follow-up ("moet ik betalen") is answered from the
current topic's article; a person in distress is never given the fallback. Everything
else follows the rules in intents/rules.yml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.content.taxonomy import FALLBACK_TOPIC, FOLLOW_UP_GROUP, SUPPORT_TOPIC
from bot.nlu.intent import IntentGuess
from bot.risk.lexicon import RiskAssessment

FOLLOW_UP_STARTS = ("en ", "maar ", "wat als", "en als", "ook ", "and ", "but ", "what if", "what about")
MAX_FOLLOW_UP_WORDS = 8
# Topics whose answer always ends with the offer of a human: the person asked for one, or is upset.
OFFER_TOPICS = frozenset({"praten-met-iemand", SUPPORT_TOPIC})
STOP_INTENT = "stop_handover"
ERASE_ASK_INTENTS = frozenset({"wis", "privacy/wissen"})
# Handover steps whose words come from the escalation desk, not from an action.
DESK_INTENTS = frozenset({STOP_INTENT, "gemeente"})
HANDOVER_TOPIC = "praten-met-iemand"
# Where a conversation ends: the moment to ask "Heb je hier iets aan gehad?"
CLOSING_TOPICS = frozenset({"bedankt", "afscheid"})
SMALL_TALK = frozenset({"groet", "afscheid"})
OUT_OF_SCOPE = frozenset({FALLBACK_TOPIC, "buiten-scope"})
# The answers about the bot itself, which say whether the werkgroep signed the texts yet.
ABOUT_THE_BOT = frozenset({("privacy", "action_answer_topic"), ("wat-kan-jij", "utter_wat-kan-jij")})
# A risk the person names without a topic the model knows: the article that helps with it.
TOPIC_FOR_RISK = {
    "sextortion": "sextortion",
    "verspreiding": "foto-verspreid",
    "grooming": "grooming",
    "uitbuiting": "loverboy-hulp",
    "misbruik": SUPPORT_TOPIC,
    "zelfdoding": SUPPORT_TOPIC,
    "acuut-gevaar": SUPPORT_TOPIC,
}
# Buttons and commands report the taxonomy topic they belong to, never their own label.
BUTTON_TOPICS = {
    "start": "groet",
    "onderwerpen": "wat-kan-jij",
    "feedback": "bedankt",
    "volgende_stap": "bedankt",
    "wis": "privacy",
    "wis_nee": "privacy",
    "handover_ja": HANDOVER_TOPIC,
    "handover_nee": HANDOVER_TOPIC,
    "handover_uitleg": HANDOVER_TOPIC,
}
CLEAR_TOPIC = 0.35  # in crisis mode, a question this clear is answered (with 113 beside it)
FOLLOW_UP_SURE = 0.4  # below this, which follow-up it is stays a guess: answer the topic itself
CLARIFY_BEST, CLARIFY_SECOND = 0.18, 0.12  # unsure between two topics: ask which one
CLARIFY_WORDS = 2  # in a conversation with a topic, a message this long gets a question back
SMALL_TALK_SURE = 0.6  # in a conversation about harm, a hello or goodbye less sure is neither
HARM_LEADS_BELOW = 0.6  # a told harm's topic wins over a guess less sure than this
DISTRESS_HINT = 0.15  # steun among the best groups with at least this: stay with the person
CRISIS_STAY_VARIANTS = 3


@dataclass(frozen=True, slots=True)
class TurnFacts:
    risk: RiskAssessment  # this message's own risk
    guess: IntentGuess
    text: str  # normalised
    is_empty: bool = False
    staff_present: bool = False  # a staff member has picked up the case and reads along
    is_command: bool = False  # a button, typed command or typed answer to the bot's question
    media_refused: bool = False  # an image or file came with it (refused, never kept)
    audience_stated: bool = False  # "ik ben zijn moeder": who is talking, not a new question
    upset: bool = False  # words of someone upset (intents/distress.yml)

    @property
    def intent(self) -> str:
        return self.guess.intent


@dataclass(slots=True)
class Plan:
    actions: list[str]
    topic: str
    slot_changes: dict[str, Any] = field(default_factory=dict)


class Policy:
    def __init__(
        self,
        rules: dict[str, str],
        details: dict[str, set[str]],
        differs: set[str],
        homes: dict[str, str],
        review_notice: str | None = None,
    ) -> None:
        self.rules = rules  # intent -> action or response name
        self.details = details  # article topic -> the follow-up details its parts answer
        self.article_topics = set(details)
        self.differs = differs  # topics whose answer differs per audience
        self.homes = homes  # follow-up detail -> the article that answers it when the topic does not
        self.review_notice = review_notice  # said with /privacy and "wat kan jij" until the werkgroep signs

    def plan(self, facts: TurnFacts, slots: dict[str, Any]) -> Plan:
        plan = self._plan(facts, slots)
        if facts.media_refused and not facts.risk.is_acute:
            plan.actions.insert(0, "utter_media_refused")  # first say why the image is gone
        if self.review_notice and (plan.topic, plan.actions[0] if plan.actions else "") in ABOUT_THE_BOT:
            plan.actions.append(self.review_notice)
        plan.slot_changes["asked"] = _asked(plan.actions) or _still_open(slots, plan)
        plan.topic = BUTTON_TOPICS.get(plan.topic, plan.topic)
        return plan

    def _plan(self, facts: TurnFacts, slots: dict[str, Any]) -> Plan:
        topic = facts.guess.topic
        if facts.risk.is_acute and not slots.get("crisis"):
            return Plan(["action_crisis"], self._crisis_topic(facts), {"crisis": True, "crisis_turns": 0})
        if facts.risk.is_acute:  # again: the numbers were just given, stay with the person
            return self._crisis_mode(facts, slots)
        if topic in DESK_INTENTS:
            return Plan([], HANDOVER_TOPIC)
        if facts.staff_present and not facts.is_command and facts.intent not in ERASE_ASK_INTENTS:
            return Plan([], HANDOVER_TOPIC)  # the staff member answers; the desk relays the message
        if slots.get("crisis") and not facts.is_command:
            return self._crisis_mode(facts, slots)
        plan = self._plan_intent(facts, slots)
        handover = plan.slot_changes.get("handover", slots.get("handover"))
        wants_human = facts.risk.level == "high" or plan.topic in OFFER_TOPICS
        # The offer stays open until answered ("ja" later still counts): it is not repeated.
        if wants_human and handover not in ("offered", "accepted", "alerted"):
            if "action_offer_human" not in plan.actions:
                plan.actions.append("action_offer_human")
        elif plan.topic in CLOSING_TOPICS and not slots.get("feedback_asked"):
            plan.actions.append("utter_feedback_ask")  # the outcome question, once per conversation
            plan.slot_changes["feedback_asked"] = True
        elif self._should_ask_audience(plan, slots):
            plan.actions.append("utter_ask_audience")
            plan.slot_changes["audience_asked"] = True
        return plan

    def _crisis_topic(self, facts: TurnFacts) -> str:
        topic = facts.guess.topic
        if topic in self.article_topics:
            return topic
        return SUPPORT_TOPIC

    def _crisis_mode(self, facts: TurnFacts, slots: dict[str, Any]) -> Plan:
        """After an acute flag: stay with the person, keep 113/112 in view, never a survey."""
        turns = int(slots.get("crisis_turns") or 0) + 1
        changes = {"crisis_turns": turns}
        topic = facts.guess.topic
        if topic in CLOSING_TOPICS:
            return Plan(["utter_crisis_goodbye"], topic, changes)
        answer = self._answer(facts, slots, self._harm_told(facts, slots.get("last_topic")))
        clear = topic in (FOLLOW_UP_GROUP, SUPPORT_TOPIC) or facts.guess.confidence >= CLEAR_TOPIC
        if answer is not None and clear:
            answer.actions.append("utter_crisis_remind")
            answer.slot_changes.update(changes)
            return answer
        variant = (turns - 1) % CRISIS_STAY_VARIANTS + 1
        return Plan([f"utter_crisis_stay_{variant}"], SUPPORT_TOPIC, changes)

    def _plan_intent(self, facts: TurnFacts, slots: dict[str, Any]) -> Plan:
        last = slots.get("last_topic")
        topic = facts.guess.topic
        if facts.is_empty:
            return Plan([] if facts.media_refused else ["utter_empty"], FALLBACK_TOPIC)
        if topic == "meer":
            return Plan(["action_more"], last or FALLBACK_TOPIC)
        if topic in ("handover_nee", "handover_uitleg"):
            plan = self._ruled(facts.intent, topic) or Plan([], topic)
            plan.slot_changes["handover"] = "declined" if topic == "handover_nee" else slots.get("handover")
            return plan
        if topic == "kies_doelgroep":
            return Plan(["action_set_audience", "action_answer_topic"], last or FALLBACK_TOPIC)
        led = self._harm_told(facts, last)
        if facts.audience_stated and last and facts.guess.confidence < CLEAR_TOPIC and led is None:
            return Plan(["action_answer_topic"], last)  # the same topic, now in the words for them
        answer = self._answer(facts, slots, led)
        if answer is not None:
            return answer
        return self._not_understood(facts, slots, last)

    def _answer(self, facts: TurnFacts, slots: dict[str, Any], led: str | None) -> Plan | None:
        """The content that answers this message, or None when nothing does; `led`: the topic
        of a harm this message tells of (`_harm_told`)."""
        guess, last = facts.guess, slots.get("last_topic")
        topic = led or guess.topic
        if topic == FOLLOW_UP_GROUP and guess.detail:
            follow_up = self._follow_up(guess, last)
            if follow_up is not None:
                return follow_up
            topic = FALLBACK_TOPIC  # an unsure follow-up with nothing to lean on
        if topic in OUT_OF_SCOPE or self._unsure_small_talk_about_harm(topic, guess, slots):
            topic = self._instead_of_fallback(facts, slots) or topic
        if topic in OUT_OF_SCOPE:
            return None if topic == FALLBACK_TOPIC else self._ruled(guess.intent, topic)
        detail = guess.detail if topic == guess.topic else None
        told_abuse = facts.risk.category == "misbruik" or (
            topic != guess.topic and slots.get("risk_seen") == "misbruik"  # said before, unclear now
        )
        if topic == SUPPORT_TOPIC and told_abuse:
            detail = "misbruik"  # a disclosure: the part with the Centrum Seksueel Geweld
        if detail and topic in self.article_topics and detail in self.details[topic]:
            return Plan(["action_answer_detail"], topic, {"not_understood": 0, "detail": detail})
        return self._ruled(guess.intent if guess.topic == topic else topic, topic)

    @staticmethod
    def _unsure_small_talk_about_harm(topic: str, guess: IntentGuess, slots: dict[str, Any]) -> bool:
        """ "Hij komt zaterdag weer" after a disclosure is no goodbye: in a conversation about
        harm, only a clear hello or goodbye is taken as one."""
        return topic in SMALL_TALK and guess.confidence < SMALL_TALK_SURE and _about_harm(slots)

    def _harm_told(self, facts: TurnFacts, last: str | None) -> str | None:
        """A harm this message tells of (its own risk signal, or the conversation's cues adding
        up now: "ik ben 13" after "mijn vriend is 19") leads over an unsure guess: the answer
        is the risk's topic, as a volunteer would answer what is happening."""
        topic = TOPIC_FOR_RISK.get(facts.risk.category or "") if facts.risk.level == "high" else None
        if topic is None or topic not in self.article_topics:
            return None
        guess = facts.guess
        current = last if guess.topic == FOLLOW_UP_GROUP else guess.topic
        if current == topic or (guess.topic != FOLLOW_UP_GROUP and guess.confidence >= HARM_LEADS_BELOW):
            return None
        return topic

    def _follow_up(self, guess: IntentGuess, last: str | None) -> Plan | None:
        """A follow-up answered by the current topic's part for it, else by its home article's
        part; the reported topic stays the conversation's. An unsure guess of which follow-up
        it is gets the conversation's topic, never a confidently wrong part."""
        detail = guess.detail or ""
        if guess.own < FOLLOW_UP_SURE:
            return Plan(["action_answer_topic"], last) if last in self.article_topics else None
        answers_it = last in self.article_topics and detail in self.details[str(last)]
        home = last if answers_it else self.homes.get(detail, last)
        if home not in self.article_topics:
            return None
        reported = last if last in self.article_topics else home
        return Plan(["action_answer_detail"], reported, {"not_understood": 0, "detail": detail, "from": home})

    def _ruled(self, intent: str, topic: str) -> Plan | None:
        action = self.rules.get(intent) or self.rules.get(topic)
        if action is None:
            return None
        if action == f"utter_{topic}" and topic in self.article_topics:
            action = "action_answer_topic"
        return Plan([action], topic, {"not_understood": 0})

    def _instead_of_fallback(self, facts: TurnFacts, slots: dict[str, Any]) -> str | None:
        """What a person at risk, upset, or in a conversation about harm gets instead of
        "not understood": a refusal is never the answer there."""
        last = slots.get("last_topic")
        if facts.risk.is_risk:
            return TOPIC_FOR_RISK.get(facts.risk.category or "", SUPPORT_TOPIC)
        if self._needs_support(facts):
            return SUPPORT_TOPIC
        if _about_harm(slots):
            return last if last in self.article_topics else SUPPORT_TOPIC
        return None

    @staticmethod
    def _needs_support(facts: TurnFacts) -> bool:
        """Upset words, or the model's hint of it: such a person is never told "not understood"."""
        return facts.upset or any(g == SUPPORT_TOPIC and p >= DISTRESS_HINT for g, p in facts.guess.ranking)

    def _not_understood(self, facts: TurnFacts, slots: dict[str, Any], last: str | None) -> Plan:
        if last and self._is_follow_up(facts.text):
            return Plan(["action_more"], last, {"not_understood": 0})
        options = self._clarify_options(facts.guess)
        if last in options:
            return Plan(["action_answer_topic"], last, {"not_understood": 0})  # the conversation decides
        misses = int(slots.get("not_understood") or 0) + 1
        if options and misses == 1:
            return Plan(["action_clarify"], options[0], {"not_understood": misses, "clarify": options})
        if last in self.article_topics and len(facts.text.split()) >= CLARIFY_WORDS:
            if misses > 1:  # asked once already: go on with what the conversation is about
                return Plan(["action_answer_topic"], str(last), {"not_understood": 0})
            # A real message in a conversation with a topic: ask, with that topic first.
            others = [g for g, _ in facts.guess.ranking if g in self.article_topics and g != last]
            changes = {"not_understood": misses, "clarify": [last, *others[:1]]}
            return Plan(["action_clarify"], str(last), changes)
        if misses >= 2:
            return Plan(["action_topic_menu", "action_offer_human"], FALLBACK_TOPIC, {"not_understood": 0})
        return Plan(["utter_onbegrepen"], FALLBACK_TOPIC, {"not_understood": misses})

    def _clarify_options(self, guess: IntentGuess) -> list[str]:
        """Two or three article topics the model hesitates between (Rasa's two-stage fallback)."""
        options = [g for g, _ in guess.ranking if g in self.article_topics]
        scores = dict(guess.ranking)
        if len(options) < 2 or scores[options[0]] < CLARIFY_BEST or scores[options[1]] < CLARIFY_SECOND:
            return []
        return options[:2]

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
            and not _about_harm(slots)  # someone telling of harm is not asked who they are
        )


def _about_harm(slots: dict[str, Any]) -> bool:
    return slots.get("risk_level") in ("high", "acute") or slots.get("last_topic") == SUPPORT_TOPIC


def _still_open(slots: dict[str, Any], plan: Plan) -> str | None:
    """The offer of a human stays open until answered: "ja" two messages later still counts."""
    handover = plan.slot_changes.get("handover", slots.get("handover"))
    return "handover" if handover in ("offered", "accepted") else None


def _asked(actions: list[str]) -> str | None:
    """What the bot asks at the end of this turn, so a typed "ja" or "nee" can answer it."""
    if "action_offer_human" in actions:
        return "handover"
    if "utter_erase_confirm" in actions:
        return "wis"
    if "utter_feedback_ask" in actions:
        return "feedback"
    return None
