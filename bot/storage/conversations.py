"""Conversation state and transcript: the rows one turn writes.

Callers wrap a whole turn (load, decide, save) in `immediate()` so two processes
handling the same conversation cannot lose each other's update.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database


class ConversationStore:
    def __init__(self, db: Database, key_id: str) -> None:
        self.db = db
        self.key_id = key_id

    def first_time(self, update_key: str, now: str) -> bool:
        """Record a channel update; False when it was recorded (and so handled) before.

        Its inbox row, if the channel stored one, goes in the same transaction.
        """
        self.db.conn.execute("DELETE FROM inbox WHERE key = ?", [update_key])
        cur = self.db.conn.execute(
            "INSERT INTO handled_updates (key, at) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
            [update_key, now],
        )
        return cur.rowcount == 1

    def load_slots(self, conversation_id: str) -> dict[str, Any] | None:
        """The conversation's slots, or None for a conversation never seen."""
        row = self.db.execute("SELECT slots FROM conversations WHERE id = ?", [conversation_id]).fetchone()
        return json.loads(row[0]) if row else None

    def save_turn(
        self,
        conversation_id: str,
        channel: str,
        slots: dict[str, Any],
        incoming: str,
        outgoing: list[str],
        now: str,
    ) -> None:
        """Write state and transcript of one turn (inside the caller's transaction); what the
        turn means for staff is the desk's (cases, outbox) and the counters'."""
        conn = self.db.conn
        conn.execute(
            "INSERT INTO conversations (id, key_id, channel, slots, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET slots = excluded.slots, updated_at = excluded.updated_at",
            [conversation_id, self.key_id, channel, json.dumps(slots), now, now],
        )
        conn.execute(
            "INSERT INTO messages (conversation_id, direction, text, at) VALUES (?, 'in', ?, ?)",
            [conversation_id, incoming, now],
        )
        conn.executemany(
            "INSERT INTO messages (conversation_id, direction, text, at) VALUES (?, 'out', ?, ?)",
            [(conversation_id, text, now) for text in outgoing],
        )

    def remember_history(
        self, conversation_id: str, channel: str, slots: dict[str, Any], rows: list[tuple[str, str, str]]
    ) -> None:
        """Messages that came before this conversation reached us: (direction, text, at), as
        another system (Rasa's tracker) kept them; the conversation row is made if needed.
        Inside the caller's transaction."""
        conn = self.db.conn
        first = min((at for _, _, at in rows), default=None)
        if first is not None:
            conn.execute(
                "INSERT INTO conversations (id, key_id, channel, slots, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
                [conversation_id, self.key_id, channel, json.dumps(slots), first, first],
            )
        conn.executemany(
            "INSERT INTO messages (conversation_id, direction, text, at) VALUES (?, ?, ?, ?)",
            [(conversation_id, direction, text, at) for direction, text, at in rows],
        )
