"""The engine: one typed message in, a safe and sourced answer out.

normalise -> risk -> intent -> dialogue -> actions -> reply. The risk check runs on
every message before anything else and on the full text, even past the length cap.
A turn's state, transcript and escalation events are written in one transaction.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.common.clock import Clock, iso, utc_now
from bot.content.escalation import EscalationConfig
from bot.content.knowledge import Knowledge, Text
from bot.content.model import Button
from bot.content.taxonomy import FALLBACK_TOPIC
from bot.desk.desk import MUNICIPALITY_INTENT, SKIP_MUNICIPALITY, Desk, UserTurn
from bot.engine.audience import AudienceDetector
from bot.engine.commands import Command, parse_command
from bot.engine.dialogue import STOP_INTENT, Policy, TurnFacts
from bot.engine.language import detect_language, is_unsupported_script
from bot.engine.messages import DUPLICATE, Incoming, Outcome, Reply
from bot.nlu.features import EMPTY, FeatureSpace, SparseVector
from bot.nlu.intent import IntentClassifier, IntentGuess
from bot.nlu.normalise import Normalised, Normaliser
from bot.risk.judge import RiskJudge
from bot.risk.lexicon import NO_RISK, RiskAssessment
from bot.storage.cases import Case
from bot.storage.conversations import ConversationStore, EscalationEvent
from bot.storage.db import immediate
from bot.storage.purge import Housekeeper, Retention

ERASE_INTENT = "wis_ja"
# The outcome questions' buttons: intent -> (counter, entity, answers counted).
OUTCOME_ANSWERS = {
    "feedback": ("feedback", "antwoord", frozenset({"nuttig", "niet-nuttig", "weet-wat-ik-kan-doen"})),
    "volgende_stap": ("next_step", "stap", frozenset({"praten-vertrouwd", "melden", "niets"})),
}
DEFAULT_TEXT_RETENTION = timedelta(hours=24)
# Button intents that start or change a handover: their turn is committed with a full sync.
ESCALATION_INTENTS = frozenset({"handover_ja", MUNICIPALITY_INTENT, STOP_INTENT, ERASE_INTENT})


@dataclass(frozen=True, slots=True)
class EngineParts:
    normaliser: Normaliser
    features: FeatureSpace
    risk: RiskJudge
    classifier: IntentClassifier
    audience: AudienceDetector
    policy: Policy
    knowledge: Knowledge
    actions: dict[str, Action]
    known_intents: set[str]
    escalation: EscalationConfig


def judge_risk(parts: EngineParts, message: Normalised, raw: str) -> tuple[SparseVector, RiskAssessment]:
    """The message's features (shared with the intent model) and its risk, judged on the
    whole text: normalised again only when the length cap cut it."""
    vector = parts.features.vector(message.text)
    full = parts.normaliser.full_text(raw) if message.truncated else message
    return vector, parts.risk.assess(full, vector)


class Engine:
    def __init__(
        self,
        parts: EngineParts,
        store: ConversationStore,
        clock: Clock = utc_now,
        text_retention: timedelta = DEFAULT_TEXT_RETENTION,
    ) -> None:
        self.parts = parts
        case_retention = timedelta(days=parts.escalation.case_retention_days)
        self.housekeeper = Housekeeper(Retention(text_retention, case_retention))
        self.store = store
        self.clock = clock
        self.desk = Desk.beside(store, parts.escalation, parts.knowledge)
        self.counters = self.desk.counters
        self.lock = asyncio.Lock()  # one connection: turns and deliveries must not interleave

    async def handle(self, incoming: Incoming) -> Outcome:
        p = self.parts
        message = p.normaliser(incoming.text)
        command = parse_command(incoming.payload or message.original, p.known_intents)
        vector, risk = (EMPTY, NO_RISK) if command else judge_risk(p, message, incoming.text)
        guess = IntentGuess(command.intent, 1.0) if command else self._classify(message, vector)
        durable = risk.is_risk or (command is not None and command.intent in ESCALATION_INTENTS)
        async with self.lock:
            with immediate(self.store.db, durable=durable):
                if incoming.update_key and not self.store.first_time(incoming.update_key, iso(self.clock())):
                    return DUPLICATE
                if command is not None and command.intent == ERASE_INTENT:
                    return self._erase(incoming)
                return await self._turn(incoming, message, command, risk, guess)

    def _erase(self, incoming: Incoming) -> Outcome:
        """/wis confirmed: nothing of this turn is stored, and the rest is erased with it."""
        now = self.clock()
        language = (self.store.load_slots(incoming.conversation_id) or {}).get("language", "nl")
        kept = self.desk.erase_for_user(incoming.conversation_id, now)
        self.counters.add(now, "erasures")
        text = self.parts.knowledge.response("utter_erased_kept" if kept else "utter_erased", language)
        reply = Reply(text.text, text.buttons)
        return Outcome((reply,), "privacy", 1.0, NO_RISK, None, language, None)

    def _classify(self, message: Normalised, vector: SparseVector) -> IntentGuess:
        if not self.parts.normaliser.knows_any(message):
            return IntentGuess(FALLBACK_TOPIC, 0.0)
        return self.parts.classifier.predict(vector)

    async def _turn(
        self,
        incoming: Incoming,
        message: Normalised,
        command: Command | None,
        risk: RiskAssessment,
        guess: IntentGuess,
    ) -> Outcome:
        p = self.parts
        now_moment = self.clock()
        stored = self.store.load_slots(incoming.conversation_id)
        slots: dict[str, Any] = dict(stored or {})
        slots["language"] = self._language(message, incoming, slots)
        audience = (command.entities.get("audience") if command else None) or p.audience.detect(message)
        if audience:
            slots["audience"] = audience
        case = self.desk.active_case(incoming.conversation_id)
        facts = TurnFacts(
            risk,
            guess.intent,
            guess.confidence,
            message.text,
            message.is_empty and not command,
            staff_present=case is not None and case.status == "claimed" and not case.user_left,
            is_command=command is not None,
            media_refused=incoming.media_refused,
        )
        plan = p.policy.plan(facts, slots)
        slots.update(plan.slot_changes)
        texts = await self._run(plan.actions, incoming, message, command, risk, guess, slots)
        municipality = self._municipality(command, message, case)
        if municipality and municipality != SKIP_MUNICIPALITY:
            slots["municipality"] = municipality
        if risk.is_risk:
            slots["risk_category"] = risk.category  # a "Ja" a turn later opens the case with it
        texts += self.desk.on_turn(
            UserTurn(
                incoming.conversation_id,
                now_moment,
                slots["language"],
                message.original,
                risk.level,
                risk.category or slots.get("risk_category"),
                accepted=command is not None and command.intent == "handover_ja",
                stopped=command is not None and command.intent == STOP_INTENT,
                municipality=municipality,
                remembered_municipality=(stored or {}).get("municipality"),
            )
        )
        replies = self._compose(texts, slots["language"], stored is None, risk, message)
        events = self._events(risk, stored, slots)
        handover = _handover(risk, slots, plan.actions)
        self._count(
            now_moment, stored is None, plan.topic, slots, risk, handover, command, incoming.media_refused
        )
        if incoming.deliver_via_outbox:
            for reply in replies:
                self.desk.outbox.add(
                    f"user:{incoming.conversation_id}", "reply", reply.text, now_moment, None, reply.buttons
                )
        now = iso(now_moment)
        self.store.save_turn(
            incoming.conversation_id,
            incoming.channel,
            slots,
            message.original,
            [r.text for r in replies],
            events,
            now,
        )
        return Outcome(
            replies=tuple(replies),
            topic=plan.topic,
            confidence=round(guess.confidence, 3),
            risk=risk,
            handover=handover,
            language=slots["language"],
            audience=slots.get("audience"),
        )

    def _count(
        self,
        now: datetime,
        new: bool,
        topic: str,
        slots: dict[str, Any],
        risk: RiskAssessment,
        handover: str | None,
        command: Command | None,
        media: bool,
    ) -> None:
        """The anonymous output counters of this turn (see bot/storage/counters.py)."""
        counted = [
            ("messages", ""),
            ("topic", topic),
            ("language", slots["language"]),
            ("audience", slots.get("audience") or "onbekend"),
            *outcome_answers(command),
        ]
        if new:
            counted.append(("conversations", ""))
        if media:
            counted.append(("media_refused", ""))
        if risk.is_risk:
            counted.append(("risk", f"{risk.level}/{risk.category}"))
        if handover:
            counted.append(("handover", handover))
        self.counters.add_all(now, counted)

    def _municipality(self, command: Command | None, message: Normalised, case: Case | None) -> str | None:
        """The municipality named this turn: a button, or typed while the bot asked for it."""
        if command is not None and command.intent == MUNICIPALITY_INTENT:
            return self.desk.match_municipality(command.entities.get("gemeente", "")) or SKIP_MUNICIPALITY
        if command is None and case is not None and case.status == "routing":
            return self.desk.match_municipality(message.text)
        return None

    @staticmethod
    def _language(message: Normalised, incoming: Incoming, slots: dict[str, Any]) -> str:
        if len(message.tokens) < 2 and slots.get("language"):
            return str(slots["language"])  # "ok", "ja": keep the conversation's language
        return detect_language(message.tokens, incoming.language_hint or slots.get("language"))

    async def _run(self, actions, incoming, message, command, risk, guess, slots) -> list[Text]:
        """Run the plan: responses are rendered directly, actions through rasa_sdk."""
        out: list[Text] = []
        for name in actions:
            if name.startswith("utter_"):
                out.append(self.parts.knowledge.response(name, slots["language"]))
                continue
            tracker = _tracker(incoming.conversation_id, message.original, command, risk, guess, slots)
            dispatcher = CollectingDispatcher()
            events = await self.parts.actions[name].run(dispatcher, tracker, {})
            for event in events:
                if event.get("event") == "slot":
                    slots[event["name"]] = event["value"]
            out.extend(
                Text(
                    m.get("text") or "",
                    tuple(Button(b["title"], b["payload"]) for b in m.get("buttons") or []),
                )
                for m in dispatcher.messages
            )
        return out

    def _compose(
        self,
        texts: list[Text],
        language: str,
        first: bool,
        risk: RiskAssessment,
        message: Normalised,
    ) -> list[Reply]:
        """Crisis text first; then the computer-not-a-person note on a first turn; short notes."""
        k = self.parts.knowledge
        notes: list[Text] = []
        if is_unsupported_script(message.original):
            notes.append(k.response("utter_other_language", language))
        if message.truncated:
            notes.append(k.response("utter_too_long", language))
        if first:
            notes.append(k.response("utter_disclaimer", language))
        ordered = [*texts, *notes] if risk.level == "acute" else [*notes, *texts]
        return [Reply(t.text, t.buttons) for t in _merge_notes(ordered)]

    @staticmethod
    def _events(
        risk: RiskAssessment, stored: dict[str, Any] | None, slots: dict[str, Any]
    ) -> list[EscalationEvent]:
        events = []
        if risk.level == "acute":
            events.append(EscalationEvent("alert", risk.level, risk.category, risk.signal))
        elif risk.level == "high":
            events.append(EscalationEvent("offer", risk.level, risk.category, risk.signal))
        if slots.get("handover") == "accepted" and (stored or {}).get("handover") != "accepted":
            events.append(EscalationEvent("accepted", "high", None, None))
        return events


def outcome_answers(command: Command | None) -> list[tuple[str, str]]:
    """The outcome indicators a button answered: ("feedback", "nuttig"), ("next_step", "melden").

    Payloads come from the client and can be forged: only known answers are counted.
    """
    if command is None or command.intent not in OUTCOME_ANSWERS:
        return []
    metric, entity, allowed = OUTCOME_ANSWERS[command.intent]
    value = command.entities.get(entity, "")
    return [(metric, value)] if value in allowed else []


def _merge_notes(texts: list[Text]) -> list[Text]:
    """Glue button-less notes onto the next message, so a phone shows one bubble, not three."""
    merged: list[Text] = []
    pending: list[str] = []
    for t in texts:
        if not t.buttons and t is not texts[-1]:
            pending.append(t.text)
            continue
        merged.append(Text("\n\n".join([*pending, t.text]), t.buttons))
        pending = []
    return merged


def _handover(risk: RiskAssessment, slots: dict[str, Any], actions: list[str]) -> str | None:
    if risk.level == "acute":
        return "alerted"
    if "action_offer_human" in actions:
        return "offered"
    return None


def _tracker(sender, text, command, risk, guess, slots) -> Tracker:
    entities = [{"entity": k, "value": v} for k, v in (command.entities.items() if command else [])]
    latest = {
        "text": text,
        "intent": {"name": guess.intent, "confidence": guess.confidence},
        "entities": entities,
        "metadata": {"risk": {"level": risk.level, "category": risk.category}},
    }
    return Tracker(sender, dict(slots), latest, [], False, None, {}, None)
