"""Open the database the one way every process must: WAL, busy timeout, migrations applied.

Every read-then-write runs in `immediate()`: a deferred BEGIN (what `db.atomic()`
issues) fails at once with "database is locked" when two processes upgrade their
locks together, and loses updates; BEGIN IMMEDIATE waits for the busy timeout instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from bot.storage.migrations import MIGRATIONS

BUSY_TIMEOUT_MS = 10_000


def open_database(path: Path | str) -> Database:
    """Connect, set the pragmas and apply pending migrations under an exclusive lock."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    db = Database(conn)
    with immediate(db):
        MIGRATIONS.apply(db)
    return db


@contextmanager
def immediate(db: Database, durable: bool = False) -> Iterator[Database]:
    """One write transaction taken with BEGIN IMMEDIATE.

    `durable=True` commits with synchronous=FULL, so a risk signal survives even a
    power cut; ordinary turns use NORMAL, which WAL keeps safe against a crashed process.
    """
    conn = db.conn
    if durable:
        conn.execute("PRAGMA synchronous = FULL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
    finally:
        if durable:
            conn.execute("PRAGMA synchronous = NORMAL")
