"""`python -m bot backup --out FILE` while the bot writes: the copy opens, passes SQLite's
integrity check and holds every message confirmed before the backup began, each turn whole."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from bot.common.settings import PROJECT_ROOT
from bot.engine import Engine
from bot.engine.messages import Incoming
from bot.storage.backup import BackupError, backup_database
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database

ENV = {"BOT_PSEUDONYM_KEY": "cd" * 32, "PATH": "/usr/bin:/bin"}
QUESTIONS = ["wat is sexting vraag {}", "iemand chanteert me met een nude ({})", "ik wil dood {}", "hallo {}"]


def backup_cli(db: Path, out: Path) -> asyncio.Future:
    return asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        "--out",
        str(out),
        "--db",
        str(db),
        cwd=PROJECT_ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


async def test_a_backup_taken_mid_load_holds_every_confirmed_message(parts, tmp_path: Path) -> None:
    db_path, out = tmp_path / "bot.db", tmp_path / "backups" / "bot-backup.db"
    engine = Engine(parts, ConversationStore(open_database(db_path), "t"))
    confirmed: list[str] = []

    async def say(i: int) -> None:
        text = QUESTIONS[i % len(QUESTIONS)].format(i)
        await engine.handle(Incoming(f"user-{i % 37}", text=text, update_key=f"u:{i}"))
        confirmed.append(text)  # handle() returned: the turn is committed

    for i in range(300):
        await say(i)
    process = await backup_cli(db_path, out)
    before = list(confirmed)  # all committed before the backup process even started
    i = 300
    while process.returncode is None:  # the bot keeps answering while the copy is made
        await say(i)
        i += 1
        await asyncio.sleep(0)  # the loop notices the process's exit
    stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    assert "integrity ok" in stdout.decode() and i > 300

    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds conversations
    assert not Path(f"{out}-wal").exists() and not out.with_name(out.name + ".partial").exists()
    copy = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    texts = {t for (t,) in copy.execute("SELECT text FROM messages WHERE direction = 'in'")}
    assert set(before) <= texts
    assert texts <= set(confirmed)
    # each turn whole: every stored question has its answer beside it
    unanswered = copy.execute(
        "SELECT count(*) FROM messages m WHERE direction = 'in' AND NOT EXISTS "
        "(SELECT 1 FROM messages r WHERE r.conversation_id = m.conversation_id AND r.direction = 'out'"
        " AND r.at = m.at)"
    ).fetchone()[0]
    assert unanswered == 0
    copy.close()

    # restored: the bot opens the copy and goes on from it
    restored = Engine(parts, ConversationStore(open_database(out), "t"))
    outcome = await restored.handle(Incoming("user-1", text="wat is sexting"))
    assert outcome.replies


def test_backup_refuses_in_one_line(tmp_path: Path) -> None:
    try:
        backup_database(tmp_path / "none.db", tmp_path / "b.db")
    except BackupError as exc:
        assert "no database at" in str(exc)
    else:
        raise AssertionError("no error for a missing database")
    db = tmp_path / "bot.db"
    open_database(db).conn.close()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "backup", "--out", str(db), "--db", str(db)],
        cwd=PROJECT_ROOT,
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1 and done.stderr.strip().count("\n") == 0
    assert "cannot overwrite the database itself" in done.stderr
    assert os.path.getsize(db) > 0
