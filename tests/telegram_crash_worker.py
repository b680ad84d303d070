"""The Telegram crash test's bot: the real runner against the fake Bot API (another process),
killed with SIGKILL at random moments: between getUpdates and the inbox commit, in the
engine, around the outbox commit, in the middle of a send.

    python tests/telegram_crash_worker.py DB API_BASE_URL KILLS SEED

Content and models load once; each life is a forked child running `serve()`. After the
kills, a last life runs until every update is handled and every message sent. Prints a
JSON summary.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import build_parts
from bot.channels.telegram.runner import serve
from bot.common.settings import load_settings
from bot.engine import Engine
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database
from tests.fake_telegram import TOKEN
from tests.killing import kill_lives

GROUP = -1005555
MAX_LIFE = 0.25


def life(parts, settings, db: Path) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            engine = Engine(parts, ConversationStore(open_database(db), "crash"))
            asyncio.run(serve(engine, settings, asyncio.Event(), poll_seconds=1))
        finally:
            os._exit(0)
    return pid


def settled(db: Path) -> bool:
    """Every stored update handled and every message sent (or given up)."""
    if not db.exists():
        return False
    with sqlite3.connect(db) as conn:
        inbox = conn.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
        pending = conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
    return inbox == 0 and pending == 0


def main(db: Path, base_url: str, kills_wanted: int, seed: int) -> None:
    settings = dataclasses.replace(
        load_settings(), telegram_token=TOKEN, telegram_api_base_url=base_url, db_path=db
    )
    parts, _ = build_parts(settings)
    config = parts.escalation
    teams = {k: dataclasses.replace(t, chat=f"telegram:{GROUP}") for k, t in config.teams.items()}
    parts = dataclasses.replace(parts, escalation=dataclasses.replace(config, teams=teams))
    t0 = time.perf_counter()
    kills = kill_lives(lambda: life(parts, settings, db), kills_wanted, seed, 0.02, MAX_LIFE)
    pid = life(parts, settings, db)
    deadline = time.monotonic() + 60
    time.sleep(1.5)  # one long poll at least, to confirm the last updates
    while not settled(db) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    print(json.dumps({"kills": kills, "settled": settled(db), "seconds": round(time.perf_counter() - t0, 1)}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
