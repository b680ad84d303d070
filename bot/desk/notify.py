"""The desk's notifications: the outbox rows a case step writes for staff and the young person.

Staff texts come from escalation/staff_messages.yml; an alert carries the conversation so far
(bot/desk/reading.py) and buttons to claim, hand over and close. Written in the caller's
transaction, delivered by the outbox.
"""

from __future__ import annotations

from datetime import datetime

from bot.common.clock import iso
from bot.content.escalation import EscalationConfig
from bot.content.knowledge import Knowledge
from bot.content.model import Button
from bot.desk.reading import ALERT_LINES, current_line, transcript_lines
from bot.storage.cases import Case, CaseStore
from bot.storage.conversations import ConversationStore
from bot.storage.outbox import Outbox, Recipient

LEVEL_LABEL = {"acute": "ACUUT", "high": "hoog risico"}


class Notifier:
    """Base of the Desk: what it needs is set by the Desk's constructor."""

    store: CaseStore
    outbox: Outbox
    config: EscalationConfig
    knowledge: Knowledge
    conversations: ConversationStore

    def transcript(self, case: Case, short: bool = False) -> list[str]:
        """The conversation as kept, a time on every line: what the young person wrote, what
        the bot answered and what the werkgroep sent (see bot/desk/reading.py)."""
        # A closed case shows what was said up to its closing: later talk was never shared.
        rows = self.store.transcript(case.conversation_id, ALERT_LINES if short else None, case.closed_at)
        return transcript_lines(rows, self.config.hours.zone, short, with_day=not short)

    def _alert(self, case: Case, now: datetime, current: str = "") -> None:
        self.store.update(case.id, alerted_at=iso(now))
        self.store.log(case.id, "alerted", "system", now, case.team or "")
        self._to_staff(case, "alert", now, current)

    def _to_staff(self, case: Case, kind: str, now: datetime, current: str = "", **values: str) -> None:
        # a case without a team is a broken row: "team:None" reaches no chat and fails, as it always did
        self._staff_message(case, Recipient.team(str(case.team)), kind, now, current, **values)

    def _staff_message(
        self,
        case: Case,
        recipient: Recipient,
        kind: str,
        now: datetime,
        current: str = "",
        **values: str,
    ) -> None:
        fields = {
            "case": str(case.id),
            "level": LEVEL_LABEL.get(case.level, case.level),
            "category": case.category or "-",
            "municipality": case.municipality or f"niet gezegd ({self.config.default_municipality})",
            "team": case.team or "-",
            "time": _local_time(self.config, now),
            "messages": self._shared_messages(case, current, now) if kind in ("alert", "escalated") else "",
            **values,
        }
        text = self.config.staff_texts[kind].format_map(_Missing(fields))
        buttons = _claim_buttons(case.id) if kind in ("alert", "realert", "backup", "escalated") else ()
        self.outbox.add(recipient, kind, text, now, case.id, buttons)

    def _to_user(self, case: Case, name: str, now: datetime, **values: str) -> int:
        language = self._language(case.conversation_id)
        text = self.knowledge.message(name, language, **values)
        recipient = Recipient.user(case.conversation_id)
        return self.outbox.add(recipient, name, text.text, now, case.id, text.buttons)

    def _shared_messages(self, case: Case, current: str, now: datetime) -> str:
        """The conversation so far, with times and the bot's (shortened) answers, and this
        turn's message (`current`, not yet in the transcript); later ones are relayed. The
        young person was told (handover and crisis texts) that the werkgroep can read it."""
        lines = self.transcript(case, short=True)
        if current.strip():
            lines.append(current_line(current, now, self.config.hours.zone))
        if not lines:
            return self.config.staff_texts["no_messages"]
        return "\n".join(f"› {line}" for line in lines)

    def _language(self, conversation_id: str) -> str:
        return (self.conversations.load_slots(conversation_id) or {}).get("language", "nl")


def _claim_buttons(case_id: int) -> tuple[Button, ...]:
    """Oppakken, Overdragen, Afsluiten: what the staff group's buttons send back."""
    return (
        Button("Oppakken", f"claim:{case_id}"),
        Button("Overdragen", f"handover:{case_id}"),
        Button("Afsluiten", f"close:{case_id}"),
    )


def _local_time(config: EscalationConfig, now: datetime) -> str:
    return now.astimezone(config.hours.zone).strftime("%d-%m-%Y %H:%M")


class _Missing(dict):
    """format_map that leaves an unknown {name} visible instead of failing an alert."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
