"""The engine: one typed message in, a safe and sourced answer out.

normalise -> risk -> intent -> dialogue -> actions -> reply. The risk check runs on
every message before anything else and on the full text, even past the length cap.
A turn's state, transcript and escalation events are written in one transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
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
from bot.engine.conversation_risk import ConversationCues, conversation_risk
from bot.engine.dialogue import STOP_INTENT, Plan, Policy, TurnFacts
from bot.engine.distress import DistressCues
from bot.engine.language import detect_language, is_unsupported_script
from bot.engine.messages import DUPLICATE, Incoming, Outcome, Reply
from bot.engine.typed_answers import TypedAnswers
from bot.nlu.features import EMPTY, FeatureSpace, SparseVector
from bot.nlu.intent import IntentClassifier, IntentGuess
from bot.nlu.normalise import Normalised, Normaliser
from bot.risk.judge import RiskJudge
from bot.risk.lexicon import NO_RISK, RiskAssessment, phrase_language
from bot.storage.cases import Case
from bot.storage.conversations import ConversationStore, EscalationEvent
from bot.storage.db import immediate
from bot.storage.outbox import LAST_WORD_KIND
from bot.storage.purge import Housekeeper, Retention, erase_now

ERASE_INTENT = "wis_ja"
# The outcome questions' buttons: intent -> (counter, entity, answers counted).
OUTCOME_ANSWERS = {
    "feedback": ("feedback", "antwoord", frozenset({"nuttig", "niet-nuttig", "weet-wat-ik-kan-doen"})),
    "volgende_stap": ("next_step", "stap", frozenset({"praten-vertrouwd", "melden", "niets"})),
}
DEFAULT_TEXT_RETENTION = timedelta(hours=24)
CONTEXT_WORDS = 12  # messages up to this long are read in the light of the current topic
CONTEXT_BOOST = 0.12  # a short message leans this much towards the current topic and follow-ups
MAX_REMEMBERED = 40  # digests of texts said, so none is said twice word for word
AGAIN_VARIANTS = 3
MAX_PARTS = 8  # an article has at most this many "meer" parts worth looking through
ANSWER_TOPIC, ANSWER_DETAIL = "action_answer_topic", "action_answer_detail"
STICKY_LANGUAGE_WORDS = 4  # a shorter message never switches the conversation's language
CRISIS_IN_BOTH = frozenset({"tr", "ar", "pl"})  # languages we do not answer in: crisis in nl and en
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
    typed_answers: TypedAnswers
    conversation_cues: ConversationCues
    distress: DistressCues


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
        tapped = incoming.payload is not None and not incoming.text.strip()
        # Every typed text is judged, commands too ("/start zelfmoord"); a tapped button has none.
        vector, risk = (EMPTY, NO_RISK) if tapped else judge_risk(p, message, incoming.text)
        answer = p.typed_answers.kind(message) if command is None else None
        if command is None and tuple(message.tokens) in p.typed_answers.more:
            answer = "meer"
        escalating = command is not None and command.intent in ESCALATION_INTENTS
        durable = risk.is_risk or escalating or answer == "ja"
        erased = False
        async with self.lock:
            p.knowledge.renderer.clock = self.clock  # replies say which services are closed at this hour
            with immediate(self.store.db, durable=durable):
                if incoming.update_key and not self.store.first_time(incoming.update_key, iso(self.clock())):
                    return DUPLICATE
                stored = self.store.load_slots(incoming.conversation_id)
                if command is None and answer:
                    known = stored or {}
                    topic = None if known.get("crisis") else known.get("last_topic")
                    command = p.typed_answers.as_button(known.get("asked"), message, topic)
                if command is not None and command.intent == ERASE_INTENT:
                    outcome, erased = self._erase(incoming), True
                else:
                    outcome = await self._turn(incoming, message, command, risk, vector, stored)
            if erased:
                erase_now(self.store.db)  # the erased text leaves the -wal file now, not at the next purge
        return outcome

    def _erase(self, incoming: Incoming) -> Outcome:
        """/wis confirmed: nothing of this turn is stored, and the rest is erased with it."""
        now = self.clock()
        language = (self.store.load_slots(incoming.conversation_id) or {}).get("language", "nl")
        queued = incoming.deliver_via_outbox
        kept = self.desk.erase_for_user(incoming.conversation_id, now, keep_address=queued)
        self.counters.add(now, "erasures")
        text = self.parts.knowledge.response("utter_erased_kept" if kept else "utter_erased", language)
        reply = Reply(text.text, text.buttons)
        if queued:  # the last word; delivering it forgets the address (channels/delivery.py)
            kind = "reply" if kept else LAST_WORD_KIND
            self.desk.outbox.add(f"user:{incoming.conversation_id}", kind, text.text, now, None, text.buttons)
        return Outcome((reply,), "privacy", 1.0, NO_RISK, None, language, None)

    def _classify(self, message: Normalised, vector: SparseVector, slots: dict[str, Any]) -> IntentGuess:
        """The intent, read in the light of the conversation: a short message after a topic
        leans towards that topic."""
        if not self.parts.normaliser.knows_any(message):
            return IntentGuess(FALLBACK_TOPIC, 0.0)
        last = slots.get("last_topic")
        if not last or len(message.tokens) > CONTEXT_WORDS:
            return self.parts.classifier.predict(vector)
        return self.parts.classifier.predict(vector, {last: CONTEXT_BOOST})

    async def _turn(
        self,
        incoming: Incoming,
        message: Normalised,
        command: Command | None,
        risk: RiskAssessment,
        vector: SparseVector,
        stored: dict[str, Any] | None,
    ) -> Outcome:
        p = self.parts
        now_moment = self.clock()
        slots: dict[str, Any] = dict(stored or {})
        slots["language"] = self._language(message, incoming, slots)
        audience = (command.entities.get("audience") if command else None) or p.audience.detect(message)
        if audience:
            slots["audience"] = audience
        case = self.desk.active_case(incoming.conversation_id)
        if slots.get("crisis") and case is None and stored and stored.get("handover") == "alerted":
            slots["crisis"] = None  # staff closed the crisis case: an ordinary conversation again
        municipality = self._municipality(command, message, case)
        if command is None and municipality:  # the typed answer to "in welke gemeente woon je?"
            command = Command(MUNICIPALITY_INTENT, {"gemeente": municipality})
        guess = IntentGuess(command.intent, 1.0) if command else self._classify(message, vector, slots)
        told = ("", 0.0) if command else (guess.intent, guess.confidence)
        reported = conversation_risk(risk, p.conversation_cues, message.tokens, slots, told)
        # This turn's own risk: the message's, or what the conversation's cues add up to now;
        # a risk carried over from before (no signal) is reported but asks nothing new.
        risk = reported if reported.signal is not None or risk.is_risk else risk
        facts = TurnFacts(
            risk,
            guess,
            message.text,
            message.is_empty and not command,
            staff_present=case is not None and case.status == "claimed" and not case.user_left,
            is_command=command is not None,
            media_refused=incoming.media_refused,
            audience_stated=audience is not None and stored is not None,
            upset=p.distress.upset(message),
        )
        plan = p.policy.plan(facts, slots)
        slots.update(plan.slot_changes)
        slots["answer_topic"] = slots.pop("from", None) or plan.topic  # a follow-up may come from its home
        texts = await self._run(plan.actions, incoming, message, command, risk, guess, slots)
        texts = await self._unrepeated(texts, plan, incoming, message, command, risk, guess, slots)
        if municipality and municipality != SKIP_MUNICIPALITY:
            slots["municipality"] = municipality
        if risk.is_risk:
            slots["risk_category"] = risk.category  # a "Ja" a turn later opens the case with it
        accepted = command is not None and command.intent == "handover_ja"
        if accepted and case is not None:
            texts.append(p.knowledge.response("utter_handover_already", slots["language"]))
        texts += self.desk.on_turn(
            UserTurn(
                incoming.conversation_id,
                now_moment,
                slots["language"],
                message.original,
                risk.level,
                risk.category or slots.get("risk_category"),
                accepted=accepted,
                stopped=command is not None and command.intent == STOP_INTENT,
                municipality=municipality,
                remembered_municipality=(stored or {}).get("municipality"),
            )
        )
        if not texts:  # nothing the user types is met with silence
            texts.append(p.knowledge.response("utter_staff_reads", slots["language"]))
        slots["risk_level"], slots["risk_seen"] = reported.level, reported.category
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
            risk=reported,
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
        if len(message.tokens) < STICKY_LANGUAGE_WORDS and slots.get("language"):
            return str(slots["language"])  # "thx", "oke thanks": keep the conversation's language
        return detect_language(message.tokens, incoming.language_hint or slots.get("language"))

    async def _unrepeated(
        self, texts: list[Text], plan: Plan, incoming, message, command, risk, guess, slots
    ) -> list[Text]:
        """Never the same text twice in one conversation: an article's answer given before
        moves on to its next part; anything else gets a varied lead-in."""
        said = list(slots.get("said") or [])
        out: list[Text] = []
        for index, text in enumerate(texts):
            if _digest(self._core(text)) in said and self._core(text):
                article = index == 0 and plan.actions[:1] in ([ANSWER_TOPIC], [ANSWER_DETAIL])
                args = (plan, incoming, message, command, risk, guess, slots)
                text = await self._instead_of_repeat(text, article, said, *args)
            block = self.parts.knowledge.open_now_block(text.text)
            if block and _digest(block) in said:  # what is open at night: said once is enough
                text = Text(text.text.replace(block, ""), text.buttons)
            elif block:
                said.append(_digest(block))
            said.append(_digest(self._core(text)))
            out.append(text)
        slots["said"] = said[-MAX_REMEMBERED:]
        return out

    def _core(self, text: Text) -> str:
        """A text without the open-now list, which is shown once and compared apart."""
        return text.text.replace(self.parts.knowledge.open_now_block(text.text) or "", "")

    async def _instead_of_repeat(
        self, text, article: bool, said: list[str], plan, incoming, message, command, risk, guess, slots
    ) -> Text:
        """The article's next part not yet given, or the same text with a varied lead-in."""
        for _ in range(MAX_PARTS if article else 0):
            more = await self._run(["action_more"], incoming, message, command, risk, guess, slots)
            if not more or (not more[0].buttons and not slots.get("more_index")):
                break  # no parts left ("utter_no_more")
            if _digest(self._core(more[0])) not in said:
                return more[0]
        repeats = int(slots.get("repeats") or 0) + 1
        slots["repeats"] = repeats
        lead = self.parts.knowledge.response(
            f"utter_again_{(repeats - 1) % AGAIN_VARIANTS + 1}", slots["language"]
        )
        return Text(f"{lead.text}\n\n{text.text}", text.buttons)

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
        foreign = phrase_language(risk) in CRISIS_IN_BOTH or is_unsupported_script(message.original)
        if risk.level == "acute" and foreign:  # a crisis in Turkish, Arabic, Polish: nl and en both
            other = "en" if language == "nl" else "nl"
            texts = [*texts, k.message(f"crisis_{risk.category or 'acuut-gevaar'}", other)]
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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


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
