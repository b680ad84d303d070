"""Erasing for real: conversations past their retention, and everything on request (/wis).

Rows are deleted with SQLite's secure_delete on (bot/storage/db.py), and the WAL is
checkpointed with TRUNCATE afterwards, so the deleted text is gone from the .db and the
-wal file, not just unlinked. What stays is anonymous: the daily counters, and case rows
and audit events without a conversation id or any text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.common.clock import iso
from bot.storage.cases import ACTIVE, ERASED
from bot.storage.outbox import Outbox, Recipient

ERASED_LINE = "[gewist]"  # what a staff alert shows where it quoted a message erased at /wis
UPDATE_KEYS_KEPT = timedelta(days=7)  # long enough to recognise a channel's re-delivery


@dataclass(frozen=True, slots=True)
class Retention:
    text: timedelta  # a conversation without a case, after its last message
    case: timedelta  # a case's transcript, after the case is closed


def expired_conversations(db: Database, now: datetime, retention: Retention) -> list[str]:
    """Idle past the text retention, and no case open or closed within the case retention."""
    marks = ", ".join("?" for _ in ACTIVE)
    recent_case = f"k.status IN ({marks}) OR k.closed_at >= ?"
    rows = db.execute(
        "SELECT c.id FROM conversations c WHERE c.updated_at < ? AND NOT EXISTS ("
        f" SELECT 1 FROM cases k WHERE k.conversation_id = c.id AND ({recent_case}))",
        [iso(now - retention.text), *ACTIVE, iso(now - retention.case)],
    ).fetchall()
    return [r[0] for r in rows]


def erase_conversation(db: Database, conversation_id: str, keep_address: bool = False) -> None:
    """Everything of one conversation; its cases stay as anonymous rows for the audit.
    `keep_address`: the sealed address stays until the last word ("gewist") is delivered
    (see forget_address); then it goes too."""
    case_ids = [r[0] for r in db.execute("SELECT id FROM cases WHERE conversation_id = ?", [conversation_id])]
    conn = db.conn
    for case_id in case_ids:
        conn.execute("DELETE FROM outbox WHERE case_id = ?", [case_id])
        conn.execute("DELETE FROM case_notes WHERE case_id = ?", [case_id])
    Outbox(db).forget(Recipient.user(conversation_id))
    conn.execute("UPDATE cases SET conversation_id = ? WHERE conversation_id = ?", [ERASED, conversation_id])
    conn.execute("DELETE FROM messages WHERE conversation_id = ?", [conversation_id])
    if not keep_address:
        forget_address(db, conversation_id)
    conn.execute("DELETE FROM inbox WHERE conversation_id = ?", [conversation_id])
    conn.execute("DELETE FROM conversations WHERE id = ?", [conversation_id])


def forget_address(db: Database, conversation_id: str) -> None:
    """The sealed address of an erased conversation, once its last word was delivered."""
    db.conn.execute("DELETE FROM addresses WHERE conversation_id = ?", [conversation_id])


def erase_before(db: Database, conversation_id: str, moment: str) -> None:
    """The messages before `moment` (an acute case keeps what came after it opened), also
    where staff alerts quoted them: those lines read "[gewist]" from now on."""
    said = db.conn.execute(
        "SELECT DISTINCT text FROM messages WHERE conversation_id = ? AND at < ? AND direction = 'in' "
        "AND text != ''",
        [conversation_id, moment],
    ).fetchall()
    for outbox_id, text in Outbox(db).to_staff_about(conversation_id):
        redacted = text
        for (line,) in sorted(said, key=lambda r: -len(r[0])):
            redacted = redacted.replace(" ".join(line.split()), ERASED_LINE).replace(line, ERASED_LINE)
        if redacted != text:
            db.conn.execute("UPDATE outbox SET text = ? WHERE id = ?", [redacted, outbox_id])
    db.conn.execute("DELETE FROM messages WHERE conversation_id = ? AND at < ?", [conversation_id, moment])


def purge(db: Database, now: datetime, retention: Retention) -> int:
    """Erase what is past its time; returns the number of conversations erased."""
    expired = expired_conversations(db, now, retention)
    for conversation_id in expired:
        erase_conversation(db, conversation_id)
    db.conn.execute("DELETE FROM handled_updates WHERE at < ?", [iso(now - UPDATE_KEYS_KEPT)])
    db.conn.execute("DELETE FROM inbox WHERE received_at < ?", [iso(now - UPDATE_KEYS_KEPT)])
    return len(expired)


def checkpoint(db: Database) -> bool:
    """Copy the WAL into the database and empty it, so erased text leaves the -wal file too.

    Must run outside a transaction. Waits (busy timeout) for readers in other processes;
    returns False when one still held an old snapshot, so the WAL could not be emptied.
    """
    busy, _, _ = db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0


def erase_now(db: Database) -> bool:
    """Right after a transaction that erased text commits (/wis, a case closed after /wis):
    the deleted rows are overwritten in the database (secure_delete), but the WAL still holds
    the frames that first wrote them until a checkpoint. This empties it at once, while the
    bot keeps running. Returns False when another process held the WAL (the next purge round
    checkpoints again). Must run outside a transaction.
    """
    if db.conn.in_transaction:
        raise RuntimeError("erase_now must run after the erasing transaction has committed")
    return checkpoint(db)


class Housekeeper:
    """Runs the purge now and then from whichever loop delivers messages."""

    def __init__(self, retention: Retention, every: timedelta = timedelta(minutes=10)) -> None:
        self.retention = retention
        self.every = every
        self.last: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.last is None or now - self.last >= self.every

    def run(self, db: Database, now: datetime) -> int:
        self.last = now
        return purge(db, now, self.retention)
