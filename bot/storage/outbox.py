"""Notifications as rows: written in the caller's transaction, delivered later, never lost.

Staff alerts are retried until a send is confirmed (at least once; each carries its
case number so a repeat is recognisable). Telegram has no idempotent send, so a
message to a young person is retried at most once after a timeout and is otherwise
marked uncertain, which staff see in the case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.common.clock import iso
from bot.content.model import Button

MAX_BACKOFF_SECONDS = 300
MAX_USER_ATTEMPTS = 5  # errors that surely did not deliver (5xx, network down before sending)
MAX_USER_TIMEOUTS = 2  # the first send plus one retry


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    case_id: int | None
    recipient: str
    kind: str
    text: str
    buttons: tuple[Button, ...]
    attempts: int
    timeouts: int

    @property
    def to_user(self) -> bool:
        return self.recipient.startswith("user:")


class Outbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        recipient: str,
        kind: str,
        text: str,
        now: datetime,
        case_id: int | None = None,
        buttons: tuple[Button, ...] = (),
    ) -> int:
        """Queue a notification (inside the caller's transaction)."""
        cur = self.db.conn.execute(
            "INSERT INTO outbox (case_id, recipient, kind, text, buttons, status, due_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
            [
                case_id,
                recipient,
                kind,
                text,
                json.dumps([[b.title, b.payload] for b in buttons]),
                iso(now),
                iso(now),
            ],
        )
        return int(cur.lastrowid)

    def due(self, now: datetime, recipients: tuple[str, ...] | None = None) -> list[OutboxMessage]:
        """Pending messages that are due, oldest first; only the first pending one per
        recipient, so messages to one person go out in order."""
        rows = self.db.execute(
            "SELECT id, case_id, recipient, kind, text, buttons, attempts, timeouts, due_at FROM outbox "
            "WHERE status = 'pending' AND id IN "
            "(SELECT MIN(id) FROM outbox WHERE status = 'pending' GROUP BY recipient) ORDER BY id"
        ).fetchall()
        out = []
        for row in rows:
            if row[8] > iso(now) or (recipients is not None and row[2] not in recipients):
                continue
            buttons = tuple(Button(t, p) for t, p in json.loads(row[5] or "[]"))
            out.append(OutboxMessage(row[0], row[1], row[2], row[3], row[4], buttons, row[6], row[7]))
        return out

    def sent(self, message_id: int, now: datetime) -> None:
        self._finish(message_id, "sent", now)

    def failed(self, message_id: int, now: datetime) -> None:
        self._finish(message_id, "failed", now)

    def retry(self, message: OutboxMessage, now: datetime, wait_seconds: float | None = None) -> None:
        """Try again later: after the server's retry_after, or with doubling backoff.

        A message to a young person that failed this often is given up as failed.
        """
        attempts = message.attempts + 1
        if message.to_user and attempts >= MAX_USER_ATTEMPTS:
            self.failed(message.id, now)
            return
        wait = wait_seconds if wait_seconds is not None else min(MAX_BACKOFF_SECONDS, 2**attempts)
        self.db.conn.execute(
            "UPDATE outbox SET attempts = ?, due_at = ? WHERE id = ?",
            [attempts, iso(now + timedelta(seconds=wait)), message.id],
        )

    def timed_out(self, message: OutboxMessage, now: datetime) -> None:
        """The send may or may not have arrived. Staff alerts: send again (a repeat is
        harmless). To a young person: one more try, then 'uncertain'."""
        timeouts = message.timeouts + 1
        if message.to_user and timeouts >= MAX_USER_TIMEOUTS:
            self._finish(message.id, "uncertain", now)
            return
        self.db.conn.execute("UPDATE outbox SET timeouts = ? WHERE id = ?", [timeouts, message.id])
        self.retry(message, now)

    def status(self, message_id: int) -> str | None:
        row = self.db.execute("SELECT status FROM outbox WHERE id = ?", [message_id]).fetchone()
        return row[0] if row else None

    def status_of_case(self, case_id: int) -> list[tuple[int, str, str, str]]:
        """(id, kind, recipient, status) of every notification of a case."""
        return self.db.execute(
            "SELECT id, kind, recipient, status FROM outbox WHERE case_id = ? ORDER BY id", [case_id]
        ).fetchall()

    def _finish(self, message_id: int, status: str, now: datetime) -> None:
        self.db.conn.execute(
            "UPDATE outbox SET status = ?, sent_at = ?, attempts = attempts + 1 WHERE id = ?",
            [status, iso(now), message_id],
        )
