"""Staff hear of a Rasa conversation's risk too: the escalation rows the engine writes, written here.

In-process the engine turns a turn's risk into escalation events. Behind Rasa nobody else would,
while the crisis reply tells the person that a staff member is asked to read along. So when an
action changes the handover slot, the message, the reply and the event go into our SQLite in one
durable transaction, as an engine turn does. Only those turns: Rasa keeps the rest of the talk.
"""

from __future__ import annotations

from typing import Any

from bot.common.clock import Clock, iso, utc_now
from bot.common.pseudonym import pseudonymise
from bot.desk.desk import Desk, UserTurn
from bot.risk.lexicon import RiskAssessment
from bot.storage.conversations import ConversationStore, EscalationEvent
from bot.storage.db import immediate

CHANNEL = "rasa"


def escalation_events(risk: RiskAssessment, before: str | None, after: str | None) -> list[EscalationEvent]:
    """The events for a handover slot going from `before` to `after`, as Engine._events decides them."""
    if after == "alerted":  # every crisis reply, as the engine alerts on every acute turn
        return [EscalationEvent("alert", "acute", risk.category, risk.signal)]
    if after == "offered" and risk.level == "high":
        return [EscalationEvent("offer", "high", risk.category, risk.signal)]
    if after == "accepted" and before != "accepted":
        return [EscalationEvent("accepted", "high", None, None)]
    return []


def slot_changes(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e.get("value") for e in events if e.get("event") == "slot" and "name" in e}


class EscalationRecorder:
    def __init__(self, store: ConversationStore, desk: Desk, key: bytes, clock: Clock = utc_now) -> None:
        self.store = store
        self.desk = desk  # opens the case and queues the staff alert, as in an engine turn
        self.key = key  # Rasa's sender_id may be a phone number: only its keyed pseudonym is stored
        self.clock = clock

    def record(
        self,
        state: dict[str, Any],
        risk: RiskAssessment,
        events: list[dict[str, Any]],
        responses: list[dict[str, Any]],
    ) -> None:
        """Write the turn when the action's events raise an escalation; otherwise nothing."""
        slots = dict(state.get("slots") or {})
        changes = slot_changes(events)
        found = escalation_events(risk, slots.get("handover"), changes.get("handover"))
        if not found:
            return
        conversation = pseudonymise(self.key, CHANNEL, str(state.get("sender_id") or ""))
        text = str((state.get("latest_message") or {}).get("text") or "")
        replies = [str(r.get("text") or "") for r in responses]
        now = self.clock()
        turn = UserTurn(
            conversation,
            now,
            str(slots.get("language") or "nl"),
            text,
            risk.level,
            risk.category,
            accepted=changes.get("handover") == "accepted" and slots.get("handover") != "accepted",
            stopped=False,
            municipality=None,
        )
        with immediate(self.store.db, durable=True):
            self.store.save_turn(conversation, CHANNEL, slots | changes, text, replies, found, iso(now))
            self.desk.on_turn(turn)
