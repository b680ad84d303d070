"""Handle stored updates in order: young people's through the engine, staff's through the desk.

Each update is handled in one transaction that also records its key and deletes its
inbox row; the engine writes its replies to the outbox in that same transaction. So
after a crash an update is either wholly handled or handled again, never half.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.channels.telegram.staff_group import StaffGroup, StaffUpdate
from bot.channels.telegram.updates import CHANNEL
from bot.engine import Engine
from bot.engine.messages import Incoming

BATCH = 100
FIELDS = "key, kind, conversation_id, text, payload, language, staff_id, staff_chat, thread"


class Worker:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.db: Database = engine.store.db
        self.staff = StaffGroup(engine.desk, engine.store, engine.clock)

    async def run_once(self) -> int:
        """Handle what is waiting, oldest first; returns how many updates."""
        rows = self.db.execute(f"SELECT {FIELDS} FROM inbox ORDER BY update_id LIMIT ?", [BATCH]).fetchall()
        for key, kind, conversation, text, payload, language, staff_id, staff_chat, thread in rows:
            if kind.startswith("staff_"):
                async with self.engine.lock:
                    self.staff.handle(
                        StaffUpdate(key, kind, staff_id, staff_chat, thread, text or "", payload or "")
                    )
                continue
            await self.engine.handle(
                Incoming(
                    conversation,
                    text="" if kind == "callback" else text or "",
                    payload=(payload or None) if kind == "callback" else None,
                    channel=CHANNEL,
                    language_hint=language,
                    update_key=key,
                    media_refused=kind == "media",
                    deliver_via_outbox=True,
                )
            )
        return len(rows)
