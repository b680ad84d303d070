"""Open the database the one way every process must: WAL, busy timeout, migrations applied.

Every read-then-write runs in `immediate()`: a deferred BEGIN (what `db.atomic()`
issues) fails at once with "database is locked" when two processes upgrade their
locks together, and loses updates; BEGIN IMMEDIATE waits for the busy timeout instead.

A write lock another process holds longer than the busy timeout delays a transaction,
it never kills it: `immediate()` tries again (and says so in the log). In the event
loop, `transaction()` and `write_ready()` do the waiting in a thread, on a connection
of their own, so a lock held outside never stops the loop while it lasts.

`InstanceLock` keeps a second bot process off the same database (or token): an
exclusive lock on a file beside it, released by the kernel when the process ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import IO

from sqlite_utils import Database

from bot.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 10_000


def open_database(path: Path | str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Connect, set the pragmas and apply pending migrations under an exclusive lock."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        str(path), timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    db = Database(conn)
    with immediate(db):
        MIGRATIONS.apply(db)
    return db


def is_locked(error: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock (not a broken database)."""
    text = str(error).lower()
    return "locked" in text or "busy" in text


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid of the row that the INSERT on `cur` just added."""
    if cur.lastrowid is None:  # only before any statement ran on the cursor
        raise sqlite3.InterfaceError("the cursor has not inserted a row")
    return cur.lastrowid


@contextmanager
def immediate(db: Database, durable: bool = False) -> Iterator[Database]:
    """One write transaction taken with BEGIN IMMEDIATE.

    `durable=True` commits with synchronous=FULL, so a risk signal survives even a
    power cut; ordinary turns use NORMAL, which WAL keeps safe against a crashed process.
    """
    conn = db.conn
    if durable:
        conn.execute("PRAGMA synchronous = FULL")
    try:
        _begin(conn)
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


def _begin(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting as long as another process holds the write lock."""
    started = time.monotonic()
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if not is_locked(error):
                raise
            log.warning(
                "database: write lock held elsewhere for %.0f s, still waiting", time.monotonic() - started
            )


@asynccontextmanager
async def transaction(db: Database, durable: bool = False) -> AsyncIterator[Database]:
    """`immediate()` for the event loop: the wait for another process's lock happens in a thread.

    The caller holds the asyncio lock that guards this connection.
    """
    await write_ready(db)
    with immediate(db, durable) as ready:
        yield ready


async def write_ready(db: Database, poll_seconds: float = 1.0) -> None:
    """Return once no other process holds the write lock; wait for it off the event loop.

    A quick try on the connection itself (busy timeout 0) costs nothing when the lock is
    free. Otherwise a second connection waits in a thread. The lock may be taken again
    between this and the caller's BEGIN; then that BEGIN waits (and `immediate()` retries).
    """
    conn = db.conn
    if conn.in_transaction or _try_begin(conn):
        return
    path = file_of(conn)
    if path is None:
        return
    started = next_note = time.monotonic()
    while not await asyncio.to_thread(_probe, path, poll_seconds):
        if time.monotonic() >= next_note:
            waited = time.monotonic() - started
            log.warning("database: write lock held elsewhere for %.0f s, waiting off the event loop", waited)
            next_note = time.monotonic() + 10
    log.info("database: write lock free again after %.1f s", time.monotonic() - started)


def _try_begin(conn: sqlite3.Connection) -> bool:
    """Whether the write lock is free right now (taken and released at once)."""
    busy = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        return _lock_and_release(conn)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(busy)}")


def _lock_and_release(conn: sqlite3.Connection) -> bool:
    """Take the write lock and give it back; False when another connection holds it."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        if not is_locked(error):
            raise
        return False


def file_of(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("PRAGMA database_list").fetchone()
    return row[2] if row and row[2] else None


def _probe(path: str, seconds: float) -> bool:
    """On a connection of its own: can the write lock be had within `seconds`?"""
    probe = sqlite3.connect(path, timeout=seconds, isolation_level=None)
    try:
        return _lock_and_release(probe)
    finally:
        probe.close()


class AlreadyRunning(Exception):
    """Another process holds the instance lock; the message says which file."""


class InstanceLock:
    """An exclusive lock on a file, held for the life of the process (or until release())."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        self.what = what
        self._file: IO[str] | None = None

    def acquire(self) -> InstanceLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise AlreadyRunning(
                f"another bot process is already running on this {self.what} "
                f"(lock {self.path}); stop it first"
            ) from None
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def lock_path_for(db_path: Path | str) -> Path:
    """The instance lock file beside a database: var/bot.db -> var/bot.db.lock."""
    path = Path(db_path)
    return path.with_name(path.name + ".lock")
