"""The werkgroep's supergroup: buttons on alerts, and messages in a case topic relayed.

Who may act is decided by the sender's own account (staff listed in escalation/routes.yml
with their telegram_user_id), never by the chat alone, and the desk checks the team of
the case: callback data comes from the client and can be forged, so a button only acts
on a case its sender may touch. Everything refused is audited and answered in the group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.channels.telegram.topics import TopicBook
from bot.common.clock import iso
from bot.content.model import Button
from bot.desk.desk import Desk, NotAllowed
from bot.storage.conversations import ConversationStore
from bot.storage.db import immediate
from bot.storage.outbox import Recipient
from bot.storage.purge import erase_now


@dataclass(frozen=True, slots=True)
class StaffUpdate:
    key: str
    kind: str  # staff_message or staff_callback
    staff_id: str | None
    chat: int
    thread: int | None
    text: str
    payload: str


class StaffGroup:
    def __init__(self, desk: Desk, store: ConversationStore, clock: Callable[[], datetime]) -> None:
        self.desk = desk
        self.store = store
        self.clock = clock
        self.topics = TopicBook(store.db)
        self.erased = False  # the last update closed a case whose conversation was erased (/wis)

    def handle(self, update: StaffUpdate) -> None:
        """Apply one staff update once (its key is recorded in the same transaction)."""
        now = self.clock()
        self.erased = False
        with immediate(self.store.db, durable=True):
            if not self.store.first_time(update.key, iso(now)):
                return
            try:
                self._act(update, now)
            except NotAllowed as refusal:
                action = update.payload.split(":")[0] if update.kind == "staff_callback" else "message"
                case = self._case_of(update)
                self.desk.refused(update.staff_id or "onbekend", case, action, str(refusal), now)
                self._answer(update, f"Niet gelukt: {refusal}.", now)
        if self.erased:
            erase_now(self.store.db)  # closed after /wis: gone from the -wal file at once

    def _act(self, update: StaffUpdate, now: datetime) -> None:
        staff = update.staff_id
        if staff is None:
            raise NotAllowed("alleen medewerkers uit escalation/routes.yml kunnen dit")
        if update.kind == "staff_message":
            self._message(update, staff, now)
        else:
            self._button(update, staff, now)

    def _message(self, update: StaffUpdate, staff: str, now: datetime) -> None:
        """A message in a case topic goes to the young person; '/notitie ...' stays internal."""
        case_id = self.topics.case_in(update.chat, update.thread)
        text = update.text.strip()
        if case_id is None or not text:
            return  # talk among staff outside a case topic is none of the bot's business
        if text.startswith("/notitie"):
            self.desk.note(staff, case_id, text.removeprefix("/notitie").strip(), now)
            return
        case = self.desk.case_for_staff(staff, case_id)
        if case.status == "open":
            self.desk.claim(staff, case_id, now)  # writing in the topic is picking it up
        self.desk.reply(staff, case_id, text, now)

    def _button(self, update: StaffUpdate, staff: str, now: datetime) -> None:
        action, _, rest = update.payload.partition(":")
        number, _, argument = rest.partition(":")
        case_id = case_number(number)
        if case_id is None:
            raise NotAllowed("onbekende knop")
        if action == "claim":
            case = self.desk.case_for_staff(staff, case_id)
            if case.status == "claimed" and case.claimed_by != staff and self.desk.staff(staff).coordinator:
                take = (Button("Overnemen", f"takeover:{case_id}"),)
                self._answer(update, f"Casus #{case_id} is al opgepakt. Wil je hem overnemen?", now, take)
                return
            self.desk.claim(staff, case_id, now)
        elif action == "takeover":
            self.desk.take_over(staff, case_id, now)
        elif action == "close":
            self.desk.case_for_staff(staff, case_id)
            outcomes = [
                Button(label, f"outcome:{case_id}:{code}")
                for code, label in self.desk.config.outcomes.items()
            ]
            self._answer(update, f"Casus #{case_id} afsluiten: kies de uitkomst.", now, tuple(outcomes))
        elif action == "outcome":
            self.erased = bool(self.desk.close(staff, case_id, argument, now).erase_requested)
        elif action == "handover":
            case = self.desk.case_for_staff(staff, case_id)
            colleagues = [
                Button(s.name, f"to:{case_id}:{s.id}")
                for s in self.desk.config.staff.values()
                if s.id != staff and s.may_act_on(case.team or "")
            ]
            teams = [
                Button(f"Team {t}", f"team:{case_id}:{t}") for t in self.desk.config.teams if t != case.team
            ]
            self._answer(update, f"Casus #{case_id} overdragen aan:", now, (*colleagues, *teams))
        elif action == "to":
            self.desk.hand_over(staff, case_id, now, to_staff=argument)
        elif action == "team":
            self.desk.hand_over(staff, case_id, now, to_team=argument)
        else:
            raise NotAllowed("onbekende knop")

    def _case_of(self, update: StaffUpdate) -> int | None:
        if update.kind == "staff_callback":
            number = update.payload.partition(":")[2].partition(":")[0]
            return case_number(number)
        return self.topics.case_in(update.chat, update.thread)

    def _answer(
        self, update: StaffUpdate, text: str, now: datetime, buttons: tuple[Button, ...] = ()
    ) -> None:
        """A message in the same place of the staff group (the outbox delivers it)."""
        self.desk.outbox.add(
            Recipient.group(update.chat, update.thread), "staff_answer", text, now, None, buttons
        )


def case_number(text: str) -> int | None:
    """A case number from button data, which the client can forge: ASCII digits only ('²' is
    a digit to Python, not to int()) and small enough for SQLite (claim:99999999999999999999)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None
