"""Notifications as rows: written in the caller's transaction, delivered later, never lost.

Deliver until delivered: a failure that proves nothing arrived (5xx, 429, no connection)
is retried without a cap, after the server's retry_after or a backoff capped at a few
seconds, so a crisis reply goes out within seconds of the channel coming back. Telegram
has no idempotent send, so only a timeout (maybe delivered) limits a message to a young
person to one more try, after which it is 'uncertain'; only a definitive refusal
(blocked bot, chat gone) makes it 'failed'. Staff alerts carry their case number, so a
repeat is recognisable: they are sent again after any timeout.

A message to a young person with an active case is linked to that case, so staff see
whether the bot's replies (the crisis reply first of all) reached them. Alerts and
messages to a person with an acute case go out before ordinary replies.

Every layer names a recipient with `Recipient` (Recipient.user(conversation_id), .team,
.staff, .group); its text form in the outbox's column lives only here (stored_text).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

from sqlite_utils import Database

from bot.common.clock import iso
from bot.content.model import Button
from bot.storage.cases import ACTIVE
from bot.storage.db import inserted_id

MAX_BACKOFF_SECONDS = 4  # low, so a backlog goes out within seconds of the channel's return
MAX_USER_TIMEOUTS = 2  # the first send plus one retry: at most one extra copy
UNDELIVERED_KIND = "reply_undelivered"  # the case event that staff were told
LAST_WORD_KIND = "erased"  # the reply to /wis: delivering it forgets the sealed address
_ACTIVE = ", ".join(f"'{status}'" for status in ACTIVE)

RecipientKind = Literal["user", "team", "staff", "group"]
_KINDS: tuple[RecipientKind, ...] = get_args(RecipientKind)
_TO_USER = "recipient LIKE 'user:%'"  # SQL: a row to a young person (see stored_text)


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who an outbox message goes to: a young person ("user", id = conversation id), a team
    ("team", id = team key), a staff member ("staff", id = staff id), or a place in the staff
    group ("group", id = Telegram chat id, with the forum thread, 0 for none)."""

    kind: RecipientKind
    id: str
    thread: int = 0  # only for "group"

    @classmethod
    def user(cls, conversation_id: str) -> Recipient:
        return cls("user", conversation_id)

    @classmethod
    def team(cls, team: str) -> Recipient:
        return cls("team", team)

    @classmethod
    def staff(cls, staff_id: str) -> Recipient:
        return cls("staff", staff_id)

    @classmethod
    def group(cls, chat: int, thread: int | None = None) -> Recipient:
        return cls("group", str(chat), thread or 0)

    @property
    def to_user(self) -> bool:
        return self.kind == "user"


def stored_text(recipient: Recipient) -> str:
    """The recipient as the outbox's column holds it: "user:<conversation id>", "team:<team>",
    "staff:<staff id>", "group:<chat>:<thread>". The one place that writes this form; the
    stored rows keep it, so rows from before Recipient read the same."""
    if recipient.kind == "group":
        return f"group:{recipient.id}:{recipient.thread}"
    return f"{recipient.kind}:{recipient.id}"


def recipient_of(stored: str) -> Recipient:
    """The column's text as a Recipient (the reverse of stored_text). ValueError when it is none."""
    kind, _, key = stored.partition(":")
    for known in _KINDS:
        if kind == known and key:
            if known == "group":
                chat, _, thread = key.partition(":")
                return Recipient(known, chat, int(thread or 0))
            return Recipient(known, key)
    raise ValueError(f"not a recipient: {stored[:20]!r}")


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    case_id: int | None
    recipient: Recipient
    kind: str
    text: str
    buttons: tuple[Button, ...]
    attempts: int
    timeouts: int
    created_at: str = ""

    @property
    def to_user(self) -> bool:
        return self.recipient.to_user


@dataclass(frozen=True, slots=True)
class Undelivered:
    """A person with an active case whose oldest waiting message is older than the limit."""

    case_id: int
    since: str  # created_at of the oldest waiting message
    kind: str


class Outbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        recipient: Recipient,
        kind: str,
        text: str,
        now: datetime,
        case_id: int | None = None,
        buttons: tuple[Button, ...] = (),
    ) -> int:
        """Queue a notification (inside the caller's transaction)."""
        if case_id is None and recipient.to_user:
            case_id = self._active_case(recipient.id)
        cur = self.db.conn.execute(
            "INSERT INTO outbox (case_id, recipient, kind, text, buttons, status, due_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
            [
                case_id,
                stored_text(recipient),
                kind,
                text,
                json.dumps([[b.title, b.payload] for b in buttons]),
                iso(now),
                iso(now),
            ],
        )
        return inserted_id(cur)

    def due(
        self,
        now: datetime,
        recipients: Collection[Recipient] | None = None,
        busy: Collection[Recipient] = (),
        limit: int | None = None,
        accepts: Callable[[Recipient], bool] | None = None,
    ) -> list[OutboxMessage]:
        """Pending messages that are due: only the first pending one per recipient, so messages
        to one person go out in order, and none to a recipient in `busy` (a send under way).

        Staff messages and messages to a person with an acute case come first, then the rest,
        each oldest first.
        """
        rows = self.db.execute(
            "SELECT o.id, o.case_id, o.recipient, o.kind, o.text, o.buttons, o.attempts, o.timeouts,"
            " o.created_at, o.due_at,"
            f" CASE WHEN NOT o.{_TO_USER} THEN 0"
            f" WHEN EXISTS (SELECT 1 FROM cases k WHERE k.conversation_id = substr(o.recipient, 6)"
            f"  AND k.level = 'acute' AND k.status IN ({_ACTIVE})) THEN 0 ELSE 1 END AS priority"
            " FROM outbox o WHERE o.status = 'pending' AND o.id IN"
            " (SELECT MIN(id) FROM outbox WHERE status = 'pending' GROUP BY recipient)"
            " ORDER BY priority, o.id"
        ).fetchall()
        out = []
        moment = iso(now)
        for row in rows:
            if row[9] > moment:
                continue
            try:
                recipient = recipient_of(row[2])
            except ValueError:  # never written by add(); left pending, so the backlog shows it
                continue
            if recipient in busy or (recipients is not None and recipient not in recipients):
                continue
            if accepts is not None and not accepts(recipient):
                continue
            buttons = tuple(Button(t, p) for t, p in json.loads(row[5] or "[]"))
            out.append(
                OutboxMessage(row[0], row[1], recipient, row[3], row[4], buttons, row[6], row[7], row[8])
            )
            if limit is not None and len(out) >= limit:
                break
        return out

    def sent(self, message_id: int, now: datetime) -> None:
        self._finish(message_id, "sent", now)

    def failed(self, message_id: int, now: datetime) -> None:
        """A definitive refusal: the bot is blocked, the chat is gone. Never tried again."""
        self._finish(message_id, "failed", now)

    def retry(self, message: OutboxMessage, now: datetime, wait_seconds: float | None = None) -> None:
        """Surely not delivered: try again after the server's retry_after, or after a short
        backoff (1, 2, 4, 4, ... seconds). No cap on attempts: a reply is never given up
        while nothing arrived."""
        attempts = message.attempts + 1
        wait = wait_seconds if wait_seconds is not None else min(MAX_BACKOFF_SECONDS, 2 ** (attempts - 1))
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

    def status_of_case(self, case_id: int) -> list[tuple[int, str, Recipient, str]]:
        """(id, kind, recipient, status) of every notification of a case."""
        rows = self.db.execute(
            "SELECT id, kind, recipient, status FROM outbox WHERE case_id = ? ORDER BY id", [case_id]
        ).fetchall()
        return [(r[0], r[1], recipient_of(r[2]), r[3]) for r in rows]

    def undelivered(self, now: datetime, older_than: timedelta) -> list[Undelivered]:
        """People with an active case whose message has waited longer than `older_than`, and
        whose case staff were not yet told about since that message was written."""
        rows = self.db.execute(
            "SELECT o.case_id, MIN(o.created_at), o.kind FROM outbox o JOIN cases k ON k.id = o.case_id"
            f" WHERE o.status = 'pending' AND o.{_TO_USER} AND k.status IN ({_ACTIVE})"
            " AND o.created_at <= ? AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = o.case_id"
            f"  AND e.kind = '{UNDELIVERED_KIND}' AND e.at >= o.created_at)"
            " GROUP BY o.case_id ORDER BY o.case_id",
            [iso(now - older_than)],
        ).fetchall()
        return [Undelivered(r[0], r[1], r[2]) for r in rows]

    def waiting_for_user(self, case_id: int, now: datetime, older_than: timedelta) -> int:
        """How many messages to the young person of a case have waited longer than `older_than`,
        or could not be delivered (failed, uncertain)."""
        return self.db.execute(
            f"SELECT COUNT(*) FROM outbox WHERE case_id = ? AND {_TO_USER}"
            " AND (status IN ('failed', 'uncertain') OR (status = 'pending' AND created_at <= ?))",
            [case_id, iso(now - older_than)],
        ).fetchone()[0]

    def backlog(self, now: datetime, older_than: timedelta) -> tuple[int, int]:
        """(messages to young people, staff messages) still pending after `older_than`."""
        row = self.db.execute(
            f"SELECT COALESCE(SUM({_TO_USER}), 0), COALESCE(SUM(NOT {_TO_USER}), 0)"
            " FROM outbox WHERE status = 'pending' AND created_at <= ?",
            [iso(now - older_than)],
        ).fetchone()
        return int(row[0]), int(row[1])

    def cases_waiting(self, now: datetime, older_than: timedelta) -> int:
        """How many cases have a message to their young person pending longer than `older_than`."""
        return self.db.execute(
            "SELECT COUNT(DISTINCT case_id) FROM outbox WHERE status = 'pending' AND case_id IS NOT NULL"
            f" AND {_TO_USER} AND created_at <= ?",
            [iso(now - older_than)],
        ).fetchone()[0]

    def forget(self, recipient: Recipient) -> None:
        """Every message to this recipient, whatever its state (the erasure of a conversation)."""
        self.db.conn.execute("DELETE FROM outbox WHERE recipient = ?", [stored_text(recipient)])

    def to_staff_about(self, conversation_id: str) -> list[tuple[int, str]]:
        """(id, text) of every message to staff in the cases of a conversation."""
        return self.db.conn.execute(
            "SELECT o.id, o.text FROM outbox o JOIN cases c ON c.id = o.case_id "
            f"WHERE c.conversation_id = ? AND NOT o.{_TO_USER}",
            [conversation_id],
        ).fetchall()

    def _active_case(self, conversation_id: str) -> int | None:
        row = self.db.execute(
            f"SELECT id FROM cases WHERE conversation_id = ? AND status IN ({_ACTIVE})"
            " ORDER BY id DESC LIMIT 1",
            [conversation_id],
        ).fetchone()
        return row[0] if row else None

    def _finish(self, message_id: int, status: str, now: datetime) -> None:
        self.db.conn.execute(
            "UPDATE outbox SET status = ?, sent_at = ?, attempts = attempts + 1 WHERE id = ?",
            [status, iso(now), message_id],
        )
