"""Cases, their audit trail and staff notes, as rows (inside the caller's transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.common.clock import iso
from bot.storage.db import inserted_id

ACTIVE = ("routing", "open", "claimed")
ERASED = "gewist"  # a case's conversation id once its conversation is erased
FIELDS = (
    "id",
    "conversation_id",
    "level",
    "category",
    "municipality",
    "team",
    "status",
    "consent",
    "claimed_by",
    "outcome",
    "opened_at",
    "route_by",
    "alerted_at",
    "realerts",
    "backup_alerted",
    "user_left",
    "closed_at",
    "erase_requested",
)


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    conversation_id: str
    level: str
    category: str | None
    municipality: str | None
    team: str | None
    status: str
    consent: str
    claimed_by: str | None
    outcome: str | None
    opened_at: str
    route_by: str | None
    alerted_at: str | None
    realerts: int
    backup_alerted: int
    user_left: int
    closed_at: str | None
    erase_requested: int

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


class CaseStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def open(
        self, conversation_id: str, level: str, category: str | None, consent: str, **fields: Any
    ) -> int:
        values = {
            "conversation_id": conversation_id,
            "level": level,
            "category": category,
            "consent": consent,
            **fields,
        }
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cur = self.db.conn.execute(f"INSERT INTO cases ({columns}) VALUES ({marks})", list(values.values()))
        return inserted_id(cur)

    def get(self, case_id: int) -> Case | None:
        row = self.db.execute(f"SELECT {', '.join(FIELDS)} FROM cases WHERE id = ?", [case_id]).fetchone()
        return Case(*row) if row else None

    def require(self, case_id: int) -> Case:
        """A case the caller knows exists (it just opened or changed it); rows are never deleted
        while a case is worked on, so a missing one is a bug, not a state."""
        case = self.get(case_id)
        if case is None:
            raise LookupError(f"case {case_id} does not exist")
        return case

    def active_for(self, conversation_id: str) -> Case | None:
        row = self.db.execute(
            f"SELECT {', '.join(FIELDS)} FROM cases WHERE conversation_id = ? AND status IN (?, ?, ?) "
            "ORDER BY id DESC LIMIT 1",
            [conversation_id, *ACTIVE],
        ).fetchone()
        return Case(*row) if row else None

    def active(self) -> list[Case]:
        rows = self.db.execute(
            f"SELECT {', '.join(FIELDS)} FROM cases WHERE status IN (?, ?, ?) ORDER BY id", list(ACTIVE)
        ).fetchall()
        return [Case(*r) for r in rows]

    def update(self, case_id: int, **fields: Any) -> Case:
        """Change a case and return it as it is now (one statement: no re-read after a write)."""
        assignments = ", ".join(f"{name} = ?" for name in fields)
        row = self.db.conn.execute(
            f"UPDATE cases SET {assignments} WHERE id = ? RETURNING {', '.join(FIELDS)}",
            [*fields.values(), case_id],
        ).fetchone()
        if row is None:
            raise LookupError(f"case {case_id} does not exist")
        return Case(*row)

    def log(self, case_id: int | None, kind: str, actor: str, now: datetime, detail: str = "") -> None:
        """The audit trail: who did what and when. Never message content."""
        self.db.conn.execute(
            "INSERT INTO case_events (case_id, kind, actor, detail, at) VALUES (?, ?, ?, ?, ?)",
            [case_id, kind, actor, detail, iso(now)],
        )

    def events(self, case_id: int) -> list[tuple[str, str, str, str]]:
        """(kind, actor, detail, at), oldest first."""
        return self.db.execute(
            "SELECT kind, actor, detail, at FROM case_events WHERE case_id = ? ORDER BY id", [case_id]
        ).fetchall()

    def add_note(self, case_id: int, staff: str, text: str, now: datetime) -> None:
        self.db.conn.execute(
            "INSERT INTO case_notes (case_id, staff, text, at) VALUES (?, ?, ?, ?)",
            [case_id, staff, text, iso(now)],
        )

    def notes(self, case_id: int) -> list[tuple[str, str, str]]:
        return self.db.execute(
            "SELECT staff, text, at FROM case_notes WHERE case_id = ? ORDER BY id", [case_id]
        ).fetchall()

    def transcript(
        self, conversation_id: str, limit: int | None = None, until: str | None = None
    ) -> list[tuple[str, str, str]]:
        """(at, who, text) of the conversation as kept, oldest first: who is "in" (the young
        person), "out" (the bot) or "staff" (what the werkgroep sent them in a case).
        `limit`: only the latest so many; `until`: nothing written after that moment."""
        from bot.storage.outbox import Recipient, stored_text  # here: the outbox imports this module

        rows = self.db.execute(
            "SELECT at, who, text, n FROM ("
            " SELECT at, direction AS who, text, id AS n, 0 AS src FROM messages"
            "  WHERE conversation_id = ? AND text != ''"
            " UNION ALL"
            " SELECT o.created_at, 'staff', o.text, o.id, 1 FROM outbox o"
            "  WHERE o.recipient = ? AND o.case_id IS NOT NULL AND o.kind = 'staff_reply'"
            ") WHERE at <= ? ORDER BY at DESC, src DESC, n DESC LIMIT ?",
            [
                conversation_id,
                stored_text(Recipient.user(conversation_id)),
                until or "9999",
                -1 if limit is None else limit,
            ],
        ).fetchall()
        return [(at, who, text) for at, who, text, _ in reversed(rows)]

    def closed_with_text(self) -> list[Case]:
        """Closed cases whose conversation is not erased yet, newest first."""
        rows = self.db.execute(
            f"SELECT {', '.join(FIELDS)} FROM cases WHERE status = 'closed' AND conversation_id != ? "
            "AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = cases.conversation_id) "
            "ORDER BY closed_at DESC, id DESC",
            [ERASED],
        ).fetchall()
        return [Case(*r) for r in rows]
