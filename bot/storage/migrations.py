"""Schema history. Add a new function for every change; never edit an applied one."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("weerbaarheid")


@MIGRATIONS()
def m001_conversations(db: Database) -> None:
    # id is a keyed pseudonym (HMAC of channel + user id); key_id names the key used.
    db.table("conversations").create(
        {
            "id": str,
            "key_id": str,
            "channel": str,
            "slots": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
    )
    db.table("messages").create(
        {"id": int, "conversation_id": str, "direction": str, "text": str, "at": str},
        pk="id",
        foreign_keys=[("conversation_id", "conversations", "id")],
    )
    db.table("messages").create_index(["conversation_id", "id"])
    # A risk signal, written in the same transaction as the message that raised it;
    # the escalation workflow picks up rows with status 'pending'.
    db.table("escalation_events").create(
        {
            "id": int,
            "conversation_id": str,
            "kind": str,
            "level": str,
            "category": str,
            "signal": str,
            "message_id": int,
            "status": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("conversation_id", "conversations", "id")],
    )
    db.table("escalation_events").create_index(["status", "id"])


@MIGRATIONS()
def m002_cases_and_outbox(db: Database) -> None:
    # A case: one escalation of one conversation, from opening to closing. Its number
    # (id) is what staff see; it never holds a channel id, name or number.
    db.table("cases").create(
        {
            "id": int,
            "conversation_id": str,
            "level": str,
            "category": str,
            "municipality": str,
            "team": str,
            "status": str,  # routing, open, claimed, closed
            "consent": str,  # "asked" (the user said yes) or "acute" (no question at acute risk)
            "claimed_by": str,
            "outcome": str,
            "opened_at": str,
            "route_by": str,  # routing: when the default team takes it without an answer
            "alerted_at": str,
            "realerts": int,
            "backup_alerted": int,
            "user_left": int,  # the user ended the handover (/stop)
            "closed_at": str,
        },
        pk="id",
        not_null={"conversation_id", "level", "status", "opened_at"},
        defaults={"realerts": 0, "backup_alerted": 0, "user_left": 0},
    )
    db.table("cases").create_index(["conversation_id", "status"])
    db.table("cases").create_index(["status"])
    # Audit log: who did what and when. Never message content.
    db.table("case_events").create(
        {"id": int, "case_id": int, "kind": str, "actor": str, "detail": str, "at": str},
        pk="id",
    )
    db.table("case_events").create_index(["case_id", "id"])
    db.table("case_notes").create(
        {"id": int, "case_id": int, "staff": str, "text": str, "at": str},
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
    )
    # Every notification, written in the transaction that caused it; a delivery loop
    # sends what is due and records the result. recipient: team:<key>, staff:<id> or
    # user:<conversation id>.
    db.table("outbox").create(
        {
            "id": int,
            "case_id": int,
            "recipient": str,
            "kind": str,
            "text": str,
            "buttons": str,
            "status": str,  # pending, sent, failed, uncertain
            "attempts": int,
            "timeouts": int,
            "due_at": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        not_null={"recipient", "kind", "status", "due_at"},
        defaults={"attempts": 0, "timeouts": 0},
    )
    db.table("outbox").create_index(["status", "due_at"])
    db.table("outbox").create_index(["recipient", "id"])
    # Channel updates already handled: a message re-delivered after a crash is not
    # answered (or escalated) twice.
    db.table("handled_updates").create({"key": str, "at": str}, pk="key")


@MIGRATIONS()
def m003_counters(db: Database) -> None:
    # Anonymous counts per day for the Kwaliteitskompas report: no conversation id, no
    # text, so they may be kept after every message and case is erased.
    db.table("daily_counts").create(
        {"day": str, "metric": str, "key": str, "count": int}, pk=("day", "metric", "key")
    )
    # Response times of the werkgroep (alert to claim, alert to first reply), without the case.
    db.table("case_durations").create({"id": int, "day": str, "kind": str, "seconds": float}, pk="id")


@MIGRATIONS()
def m004_erase_requests(db: Database) -> None:
    # The young person asked to erase everything while an acute case was open: the case
    # is kept until staff close it, then erased at once.
    db.table("cases").add_column("erase_requested", int, not_null_default=0)


@MIGRATIONS()
def m005_channel_ingestion(db: Database) -> None:
    # Where to send a reply later (a staff reply, a re-sent message): the channel's chat
    # id, sealed with AES-GCM under a key derived from the pseudonym key (outside the
    # database) and bound to the conversation id, so a row moved to another
    # conversation does not open. Erased with the conversation.
    db.table("addresses").create(
        {"conversation_id": str, "sealed": str, "updated_at": str}, pk="conversation_id"
    )
    # Channel updates stored before they are confirmed to the channel, then handled in
    # order; only the fields the bot needs, never the raw update. A row is deleted in the
    # transaction that handles it (its key moves to handled_updates).
    db.table("inbox").create(
        {
            "key": str,  # "telegram:<update_id>", the engine's update key
            "update_id": int,
            "kind": str,  # message, media, callback, staff_message, staff_callback
            "conversation_id": str,
            "text": str,
            "payload": str,
            "language": str,
            "staff_id": str,
            "staff_chat": int,  # the werkgroep's own group (configured, not a young person)
            "thread": int,
            "received_at": str,
        },
        pk="key",
    )
    db.table("inbox").create_index(["update_id"])
    # The next getUpdates offset per channel, advanced in the transaction that stores
    # the updates: only then is an update confirmed to Telegram.
    db.table("channel_offsets").create({"channel": str, "next_offset": int}, pk="channel")
    # One forum topic per case in the staff group (or the first alert's message id when
    # the group has no topics, for a reply chain).
    db.table("case_topics").create(
        {"case_id": int, "chat": str, "thread": int, "anchor_message": int}, pk="case_id"
    )


@MIGRATIONS()
def m006_parked_updates(db: Database) -> None:
    # An update that could not be handled even by the fail-safe, or that the channel's
    # library could not parse, is parked: kept (without its text) for staff to see in
    # `python -m bot health` and `python -m bot staff`, never retried. `failure` holds the
    # kind of error only (e.g. "OverflowError"), never content.
    db.table("inbox").add_column("state", str, not_null_default="pending")
    db.table("inbox").add_column("failure", str)
    db.table("inbox").add_column("parked_at", str)
    db.table("inbox").create_index(["state", "update_id"])


@MIGRATIONS()
def m007_drop_escalation_events(db: Database) -> None:
    # Written on every risk turn since m001 and read by nothing: what a risk turn means for
    # staff is in cases, case_events and the outbox, and the report counts daily_counts.
    db.table("escalation_events").drop(ignore=True)
