"""The engine: one typed message in, a safe and sourced answer out.

normalise -> risk -> intent -> dialogue -> actions -> reply. The risk check runs on
every message before anything else and on the full text, even past the length cap.
A turn's state, transcript, the desk's work and the counters are written in one transaction.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from bot.common.clock import Clock, iso, utc_now
from bot.content.knowledge import Text
from bot.desk.desk import MUNICIPALITY_INTENT, SKIP_MUNICIPALITY, Desk, UserTurn
from bot.engine.commands import Command, parse_command
from bot.engine.decide import Decider, Decision, TurnInput
from bot.engine.dialogue import STOP_INTENT
from bot.engine.language import is_unsupported_script
from bot.engine.messages import DUPLICATE, Incoming, Outcome, Reply
from bot.engine.parts import EngineParts, judge_risk
from bot.nlu.features import EMPTY, SparseVector
from bot.nlu.normalise import Normalised
from bot.risk.lexicon import NO_RISK, RiskAssessment, phrase_language
from bot.storage.cases import Case
from bot.storage.conversations import ConversationStore
from bot.storage.db import immediate
from bot.storage.outbox import LAST_WORD_KIND, Recipient
from bot.storage.purge import Housekeeper, Retention, erase_now

ERASE_INTENT = "wis_ja"
# The outcome questions' buttons: intent -> (counter, entity, answers counted).
OUTCOME_ANSWERS = {
    "feedback": ("feedback", "antwoord", frozenset({"nuttig", "niet-nuttig", "weet-wat-ik-kan-doen"})),
    "volgende_stap": ("next_step", "stap", frozenset({"praten-vertrouwd", "melden", "niets"})),
}
DEFAULT_TEXT_RETENTION = timedelta(hours=24)
CRISIS_IN_BOTH = frozenset({"tr", "ar", "pl"})  # languages we do not answer in: crisis in nl and en
# Button intents that start or change a handover: their turn is committed with a full sync.
ESCALATION_INTENTS = frozenset({"handover_ja", MUNICIPALITY_INTENT, STOP_INTENT, ERASE_INTENT})


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
        self.decider = Decider(parts)
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
        reply = text
        if queued:  # the last word; delivering it forgets the address (channels/delivery.py)
            kind = "reply" if kept else LAST_WORD_KIND
            self.desk.outbox.add(
                Recipient.user(incoming.conversation_id), kind, text.text, now, None, text.buttons
            )
        return Outcome((reply,), "privacy", 1.0, NO_RISK, None, language, None)

    async def _turn(
        self,
        incoming: Incoming,
        message: Normalised,
        command: Command | None,
        risk: RiskAssessment,
        vector: SparseVector,
        stored: dict[str, Any] | None,
    ) -> Outcome:
        """Decide (no writes), then record the decision; the caller holds the transaction."""
        case = self.desk.active_case(incoming.conversation_id)
        municipality = self._municipality(command, message, case)
        turn = TurnInput(incoming, message, command, risk, vector, stored, case, municipality)
        return self._record(turn, await self.decider.decide(turn))

    def _record(self, turn: TurnInput, decision: Decision) -> Outcome:
        """Everything the decision changes, in the caller's transaction: the case desk (which
        may add what it tells the person), counters, the outbox and the conversation."""
        incoming, slots, command, risk = turn.incoming, decision.slots, decision.command, decision.risk
        now = self.clock()
        texts = list(decision.texts)
        if turn.municipality and turn.municipality != SKIP_MUNICIPALITY:
            slots["municipality"] = turn.municipality
        if risk.is_risk:
            slots["risk_category"] = risk.category  # a "Ja" a turn later opens the case with it
        accepted = command is not None and command.intent == "handover_ja"
        if accepted and turn.case is not None:
            texts.append(self.parts.knowledge.response("utter_handover_already", slots["language"]))
        texts += self.desk.on_turn(
            UserTurn(
                incoming.conversation_id,
                now,
                slots["language"],
                turn.message.original,
                risk.level,
                risk.category or slots.get("risk_category"),
                accepted=accepted,
                stopped=command is not None and command.intent == STOP_INTENT,
                municipality=turn.municipality,
                remembered_municipality=(turn.stored or {}).get("municipality"),
            )
        )
        if not texts:  # nothing the user types is met with silence
            texts.append(self.parts.knowledge.response("utter_staff_reads", slots["language"]))
        reported = decision.reported
        slots["risk_level"], slots["risk_seen"] = reported.level, reported.category
        first = turn.stored is None
        replies = self._compose(texts, slots["language"], first, risk, turn.message)
        handover = _handover(risk, slots, decision.plan.actions)
        self._count(now, first, decision.plan.topic, slots, risk, handover, command, incoming.media_refused)
        if incoming.deliver_via_outbox:
            for reply in replies:
                self.desk.outbox.add(
                    Recipient.user(incoming.conversation_id), "reply", reply.text, now, None, reply.buttons
                )
        self.store.save_turn(
            incoming.conversation_id,
            incoming.channel,
            slots,
            turn.message.original,
            [r.text for r in replies],
            iso(now),
        )
        return Outcome(
            replies=tuple(replies),
            topic=decision.plan.topic,
            confidence=round(decision.guess.confidence, 3),
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

    def _compose(
        self,
        texts: list[Text],
        language: str,
        first: bool,
        risk: RiskAssessment,
        message: Normalised,
    ) -> list[Reply]:
        """Crisis text first (it says itself that a computer answers); otherwise the
        computer-not-a-person note on a first turn; short notes."""
        k = self.parts.knowledge
        notes: list[Text] = []
        if is_unsupported_script(message.original):
            notes.append(k.response("utter_other_language", language))
        if message.truncated:
            notes.append(k.response("utter_too_long", language))
        if first and not risk.is_acute:
            notes.append(k.response("utter_disclaimer", language))
        foreign = phrase_language(risk) in CRISIS_IN_BOTH or is_unsupported_script(message.original)
        if risk.is_acute and foreign:  # a crisis in Turkish, Arabic, Polish: nl and en both
            other = "en" if language == "nl" else "nl"
            texts = [*texts, k.message(f"crisis_{risk.category or 'acuut-gevaar'}", other)]
        ordered = [*texts, *notes] if risk.is_acute else [*notes, *texts]
        return _merge_notes(ordered)


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
    if risk.is_acute:
        return "alerted"
    if "action_offer_human" in actions:
        return "offered"
    return None
