"""A backup of the live database while the bot runs: SQLite's online backup API.

The copy is made from one read transaction, so it is one consistent moment of the
database: every turn committed before the backup began is in it, a turn committing
meanwhile is in it whole or not at all. In WAL mode a reader never blocks the bot's
writers, so the bot keeps answering while the copy is made. The copy is written next
to the target first, checked (PRAGMA integrity_check), made self-contained (no -wal
file), readable by its owner only (it holds conversations), and then moved into place,
so FILE is either the old file or a complete, checked backup, never half a one.

Restore: stop the bot, copy FILE over var/bot.db (or point BOT_DB_PATH at it), start.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

BUSY_TIMEOUT_S = 30.0


class BackupError(Exception):
    """The backup could not be made; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class BackupDone:
    path: Path
    size: int  # bytes
    tables: int


def backup_database(source: Path, target: Path) -> BackupDone:
    """Copy `source` (a live SQLite database) to `target`, checked; raises BackupError."""
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if target.resolve() == source.resolve():
        raise BackupError("the backup cannot overwrite the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # owner-only from the start
    try:
        _copy(source, partial)
        tables = _check(partial)
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"{type(error).__name__}: {error}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)
    return BackupDone(target, target.stat().st_size, tables)


def _copy(source: Path, partial: Path) -> None:
    src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)  # only read; read-write so WAL needs no -shm tricks
    dst = sqlite3.connect(partial)
    try:
        src.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        src.backup(dst)  # all pages in one step: one read transaction, one consistent moment
        dst.execute("PRAGMA journal_mode = DELETE")  # a single file, no -wal beside it
    finally:
        dst.close()
        src.close()


def _check(path: Path) -> int:
    """PRAGMA integrity_check on the copy; returns the number of tables in it."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            raise BackupError(f"the copy failed its integrity check: {result[0][0]}")
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    finally:
        conn.close()


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
