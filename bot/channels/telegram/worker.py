"""Handle stored updates in order: young people's through the engine, staff's through the desk.

Each update is handled in one transaction that also records its key and deletes its
inbox row; the engine writes its replies to the outbox in that same transaction. So
after a crash an update is either wholly handled or handled again, never half.

One update can never stop the others. When handling it raises, the error is logged
without content (its kind and place), and:
- a young person's update goes to the fail-safe (bot/engine/failsafe.py): risk judged
  first, a calm fixed reply with 112/113, an acute case and an alert at risk;
- a staff update is answered "Niet gelukt" in the staff group;
- if that fails too, the update is parked: kept without its text, visible in
  `python -m bot health` and `python -m bot staff`, never tried again; the person still
  gets the fixed reply if it can be written.
If even parking fails (the database itself is in trouble), the update stays and the
round fails: the loop is restarted and the update tried again.
"""

from __future__ import annotations

import logging

from sqlite_utils import Database

from bot.channels.faults import NO_SEAMS, Seams, describe
from bot.channels.telegram.ingest import PARKED, SALVAGED
from bot.channels.telegram.staff_group import StaffGroup, StaffUpdate
from bot.channels.telegram.updates import CHANNEL
from bot.common.clock import iso
from bot.engine import Engine, judge_risk
from bot.engine.failsafe import ERROR_TEXT, fail_safe
from bot.engine.messages import Incoming
from bot.storage.db import transaction, write_ready
from bot.storage.outbox import Recipient

log = logging.getLogger(__name__)
BATCH = 100
FIELDS = "key, kind, conversation_id, text, payload, language, staff_id, staff_chat, thread"
STAFF_FAILED = (
    "Niet gelukt: er ging iets mis bij deze opdracht ({error}). "
    "Probeer het opnieuw of gebruik python -m bot staff."
)


class Worker:
    def __init__(self, engine: Engine, seams: Seams = NO_SEAMS) -> None:
        self.engine = engine
        self.db: Database = engine.store.db
        self.staff = StaffGroup(engine.desk, engine.store, engine.clock)
        self.seams = seams

    async def run_once(self) -> int:
        """Handle what is waiting, oldest first; returns how many updates."""
        rows = self.db.execute(
            f"SELECT {FIELDS} FROM inbox WHERE state = 'pending' ORDER BY update_id, key LIMIT ?", [BATCH]
        ).fetchall()
        for row in rows:
            await self._one(row)
        return len(rows)

    async def _one(self, row: tuple) -> None:
        key, kind = row[0], row[1]
        try:
            await self._handle(row)
            return
        except Exception as error:
            log.error("worker: update %s (%s) failed: %s; answering it safely", key, kind, describe(error))
            first = type(error).__name__
        try:
            await self._safely(row)
        except Exception as error:
            log.error("worker: the safe answer to %s failed too: %s; parked", key, describe(error))
            await self._park(row, f"{first}, then {type(error).__name__}")

    async def _handle(self, row: tuple) -> None:
        key, kind, _, text, payload, _, staff_id, staff_chat, thread = row
        if kind.startswith("staff_"):
            if self.seams.before_staff is not None:
                self.seams.before_staff(key)
            async with self.engine.lock:
                await write_ready(self.db)
                self.staff.handle(
                    StaffUpdate(key, kind, staff_id, staff_chat, thread, text or "", payload or "")
                )
            return
        incoming = self._incoming(row)
        await write_ready(self.db)  # wait for another process's lock off the event loop
        if kind == SALVAGED:  # an update PTB could not read: only the fail-safe answers it
            await fail_safe(self.engine, incoming)
            return
        if self.seams.before_turn is not None:
            self.seams.before_turn(incoming)
        await self.engine.handle(incoming)

    async def _safely(self, row: tuple) -> None:
        key, kind = row[0], row[1]
        if not kind.startswith("staff_"):
            incoming = self._incoming(row)
            if self.seams.before_safe_answer is not None:
                self.seams.before_safe_answer(incoming)
            await write_ready(self.db)
            await fail_safe(self.engine, incoming)
            return
        now = self.engine.clock()
        async with self.engine.lock, transaction(self.db, durable=True):
            if self.engine.store.first_time(key, iso(now)):
                text = STAFF_FAILED.format(error="fout in de bot")
                self.engine.desk.outbox.add(Recipient.group(row[7], row[8]), "staff_answer", text, now)

    async def _park(self, row: tuple, why: str) -> None:
        """Keep the update without its text, never to be tried again; still answer the person."""
        key, kind, conversation = row[0], row[1], row[2]
        reply = None
        if conversation and not kind.startswith("staff_"):
            why += self._risk_note(row[3] or "")
            reply = self._fixed_reply(conversation, row[5])
        now = self.engine.clock()
        async with self.engine.lock, transaction(self.db, durable=True):
            self.db.conn.execute(
                "UPDATE inbox SET state = ?, failure = ?, parked_at = ?, text = NULL, payload = NULL"
                " WHERE key = ?",
                [PARKED, why, iso(now), key],
            )
            if reply is not None:
                self.engine.desk.outbox.add(Recipient.user(conversation), "reply", reply, now)
        log.error("worker: update %s parked (%s)", key, why)

    def _risk_note(self, text: str) -> str:
        """The risk of a parked message, for staff and the watchdog; its text is not kept."""
        try:
            parts = self.engine.parts
            _, risk = judge_risk(parts, parts.normaliser(text), text)
        except Exception:
            return "; risk unknown"
        return f"; risk {risk.level}" if risk.is_risk else ""

    def _fixed_reply(self, conversation: str, language: str | None) -> str | None:
        try:
            return self.engine.parts.knowledge.response(ERROR_TEXT, language or "nl").text
        except Exception as error:
            log.error("worker: no fixed reply possible (%s)", describe(error))
            return None

    @staticmethod
    def _incoming(row: tuple) -> Incoming:
        key, kind, conversation, text, payload, language = row[:6]
        return Incoming(
            conversation,
            text="" if kind == "callback" else text or "",
            payload=(payload or None) if kind == "callback" else None,
            channel=CHANNEL,
            language_hint=language,
            update_key=key,
            media_refused=kind == "media",
            deliver_via_outbox=True,
        )
