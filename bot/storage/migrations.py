"""Schema history. Add a new function for every change; never edit an applied one."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("weerbaarheid")


@MIGRATIONS()
def m001_conversations(db: Database) -> None:
    # id is a keyed pseudonym (HMAC of channel + user id); key_id names the key used.
    db["conversations"].create(
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
    db["messages"].create(
        {"id": int, "conversation_id": str, "direction": str, "text": str, "at": str},
        pk="id",
        foreign_keys=[("conversation_id", "conversations", "id")],
    )
    db["messages"].create_index(["conversation_id", "id"])
    # A risk signal, written in the same transaction as the message that raised it;
    # the escalation workflow picks up rows with status 'pending'.
    db["escalation_events"].create(
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
    db["escalation_events"].create_index(["status", "id"])
