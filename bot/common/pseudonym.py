"""Keyed pseudonyms: a raw channel user id never reaches the database or a log.

A Telegram id is one global number with about 10^12 possible values, so a plain hash
could be reversed by trying them all; an HMAC with a secret key cannot.
"""

from __future__ import annotations

import hashlib
import hmac


def pseudonymise(key: bytes, channel: str, user_id: str | int) -> str:
    return hmac.new(key, f"{channel}:{user_id}".encode(), hashlib.sha256).hexdigest()
