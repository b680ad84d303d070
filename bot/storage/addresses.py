"""Sealed channel addresses: how to reach a conversation later, without storing who it is.

A Telegram chat id is needed to deliver a staff reply hours after the young person's last
message, but a raw id must never be in the database. It is sealed with AES-GCM under a
key derived from the pseudonym key (kept outside the database); the conversation id is
the associated data, so a sealed address only opens for its own conversation and a
swapped row cannot send a reply to the wrong young person.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlite_utils import Database

NONCE_BYTES = 12


def address_key(pseudonym_key: bytes) -> bytes:
    """A separate key for sealing, derived from the pseudonym key (never the same key twice)."""
    return hmac.new(pseudonym_key, b"weerbaarheid-bot address sealing v1", hashlib.sha256).digest()


class AddressBook:
    def __init__(self, db: Database, pseudonym_key: bytes) -> None:
        self.db = db
        self.aead = AESGCM(address_key(pseudonym_key))

    def remember(self, conversation_id: str, address: str, now: str) -> None:
        """Store (or refresh) the sealed address, inside the caller's transaction."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self.aead.encrypt(nonce, address.encode(), conversation_id.encode())
        self.db.conn.execute(
            "INSERT INTO addresses (conversation_id, sealed, updated_at) VALUES (?, ?, ?) ON CONFLICT"
            "(conversation_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
            [conversation_id, base64.b64encode(sealed).decode(), now],
        )

    def lookup(self, conversation_id: str) -> str | None:
        """The address, or None when erased, unknown, or not sealed for this conversation."""
        row = self.db.execute(
            "SELECT sealed FROM addresses WHERE conversation_id = ?", [conversation_id]
        ).fetchone()
        if row is None:
            return None
        sealed = base64.b64decode(row[0])
        try:
            plain = self.aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], conversation_id.encode())
        except InvalidTag:
            return None
        return plain.decode()
