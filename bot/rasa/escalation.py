"""Staff hear of a Rasa conversation's risk too: the desk's work of an engine turn, done here.

In-process the engine lets the desk act on a turn's risk and on a "Ja", a municipality, /stop
and /wis. Behind Rasa nobody else would, while the crisis reply
tells the person that a staff member is asked to read along. So when an action's events say
such a step happened (the handover slot changes, a municipality is chosen, a restart after
/wis), the message, the replies and the desk's work go into our SQLite in one durable
transaction, as an engine turn does; what the desk says back (the municipality question,
"een medewerker leest binnen een uur mee") is added to the action's responses. Only those
turns are stored: Rasa keeps the rest of the talk, and when a case opens, the conversation
so far is copied from Rasa's tracker (within our text retention) so staff can read the story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.common.clock import Clock, iso, utc_now
from bot.common.pseudonym import pseudonymise
from bot.content.knowledge import Text
from bot.desk.desk import Desk, UserTurn
from bot.rasa.actions import MUNICIPALITY_SLOT, STOPPED
from bot.risk.lexicon import RiskAssessment
from bot.storage.conversations import ConversationStore
from bot.storage.db import immediate
from bot.storage.purge import erase_now

CHANNEL = "rasa"
DEFAULT_TEXT_RETENTION = timedelta(hours=24)


def handover_change(risk: RiskAssessment, before: str | None, after: str | None) -> str | None:
    """The handover slot going from `before` to `after` as a step for the desk, as in an engine
    turn: "alerted" (every crisis reply: the engine alerts on every acute turn), "offered" (a
    human offered at high risk), "accepted" (a first yes); None for anything else."""
    if after == "alerted" or (after == "offered" and risk.level == "high"):
        return after
    if after == "accepted" and before != "accepted":
        return after
    return None


def slot_changes(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e.get("value") for e in events if e.get("event") == "slot" and "name" in e}


@dataclass(frozen=True, slots=True)
class Step:
    """What an action's events say the person did this turn."""

    change: str | None  # handover_change(): None when the handover slot did not move on
    accepted: bool  # said yes to a human (again, or for the first time)
    municipality: str | None  # chose one (or SKIP)
    stopped: bool
    erased: bool

    @property
    def any(self) -> bool:
        return self.change is not None or self.accepted or self.municipality is not None or self.stopped


def read_step(slots: dict[str, Any], risk: RiskAssessment, events: list[dict[str, Any]]) -> Step:
    changes = slot_changes(events)
    return Step(
        handover_change(risk, slots.get("handover"), changes.get("handover")),
        accepted=changes.get("handover") == "accepted",
        municipality=changes.get(MUNICIPALITY_SLOT) if MUNICIPALITY_SLOT in changes else None,
        stopped=changes.get("handover") == STOPPED,
        erased=any(e.get("event") == "restart" for e in events),
    )


class EscalationRecorder:
    def __init__(
        self,
        store: ConversationStore,
        desk: Desk,
        key: bytes,
        clock: Clock = utc_now,
        text_retention: timedelta = DEFAULT_TEXT_RETENTION,
    ) -> None:
        self.store = store
        self.desk = desk  # opens the case and queues the staff alert, as in an engine turn
        self.key = key  # Rasa's sender_id may be a phone number: only its keyed pseudonym is stored
        self.clock = clock
        self.text_retention = text_retention

    def conversation(self, state: dict[str, Any]) -> str:
        return pseudonymise(self.key, CHANNEL, str(state.get("sender_id") or ""))

    def names_a_municipality(self, state: dict[str, Any]) -> bool:
        """A typed answer to the municipality question, whatever intent Rasa gave it."""
        text = str((state.get("latest_message") or {}).get("text") or "")
        if not text.strip() or text.lstrip().startswith("/"):
            return False
        case = self.desk.active_case(self.conversation(state))
        return (
            case is not None and case.status == "routing" and self.desk.match_municipality(text) is not None
        )

    def record(
        self,
        state: dict[str, Any],
        risk: RiskAssessment,
        events: list[dict[str, Any]],
        responses: list[dict[str, Any]],
    ) -> list[Text]:
        """Write the turn when the action's events make it a handover step; return what the
        desk says back to the person (nothing for any other turn)."""
        slots = dict(state.get("slots") or {})
        step = read_step(slots, risk, events)
        if step.erased:
            return self._erase(state, slots)
        if not step.any:
            return []
        conversation = self.conversation(state)
        text = str((state.get("latest_message") or {}).get("text") or "")
        now = self.clock()
        with immediate(self.store.db, durable=True):
            kept = self.store.load_slots(conversation)
            stored = dict(kept or {})
            if kept is None:  # the first step we see: copy the story so far from Rasa's tracker
                self.store.remember_history(
                    conversation, CHANNEL, stored, _history(state, now - self.text_retention)
                )
            category = risk.category or stored.get("risk_category")
            turn = UserTurn(
                conversation,
                now,
                str(slots.get("language") or "nl"),
                text,
                risk.level,
                category,
                accepted=step.accepted,
                stopped=step.stopped,
                municipality=step.municipality,
                remembered_municipality=slots.get(MUNICIPALITY_SLOT) or stored.get(MUNICIPALITY_SLOT),
            )
            notices = self._desk_turn(turn, step)
            replies = [str(r.get("text") or "") for r in responses] + [n.text for n in notices]
            keep = stored | slot_changes(events) | ({"risk_category": risk.category} if risk.is_risk else {})
            self.store.save_turn(conversation, CHANNEL, keep, text, replies, iso(now))
        return notices

    def _desk_turn(self, turn: UserTurn, step: Step) -> list[Text]:
        """The desk's work; a "Ja" while a case is already open is told where it stands."""
        case = self.desk.active_case(turn.conversation_id)
        if step.accepted and step.change is None and case is not None and turn.risk_level != "acute":
            return self.desk.where_it_stands(case, turn)
        return self.desk.on_turn(turn)

    def _erase(self, state: dict[str, Any], slots: dict[str, Any]) -> list[Text]:
        """/wis confirmed behind Rasa: ours goes at once (an open acute case is kept until staff
        close it, as in our own channels)."""
        conversation = self.conversation(state)
        now = self.clock()
        with immediate(self.store.db, durable=True):
            kept = self.desk.erase_for_user(conversation, now)
            self.desk.counters.add(now, "erasures")
        erase_now(self.store.db)
        language = str(slots.get("language") or "nl")
        return [self.desk.knowledge.response("utter_erased_kept" if kept else "utter_erased", language)]


def _history(state: dict[str, Any], since: datetime) -> list[tuple[str, str, str]]:
    """(direction, text, at) of the talk before the latest message, from the tracker's events."""
    events = [e for e in state.get("events") or [] if isinstance(e, dict)]
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    before = events[: users[-1]] if users else []
    out = []
    for event in before:
        kind, text, stamp = event.get("event"), event.get("text"), event.get("timestamp")
        if kind not in ("user", "bot") or not text or not isinstance(stamp, int | float):
            continue
        at = datetime.fromtimestamp(stamp, UTC)
        if at >= since:
            out.append(("in" if kind == "user" else "out", str(text), iso(at)))
    return out
