"""The crash test's bot: plays a fixed script of young people's messages and staff
commands, delivering the outbox after every step, and is killed with SIGKILL at random.

    python tests/crash_worker.py DB DELIVERED_LOG KILLS SEED

Content and models are loaded once; each life of the bot is a forked child that opens
the database itself, so restarting costs milliseconds and many kills fit in CI time.
Every step carries an update key, as a Telegram update does: a restarted bot skips
what was committed and redoes what was not. Deliveries are appended to a log (fsync)
to compare with the database afterwards. Prints a JSON summary at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_parts  # noqa: E402
from bot.channels.delivery import Delivery, DeliveryLoop  # noqa: E402
from bot.common.settings import load_settings  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.engine.messages import Incoming  # noqa: E402
from bot.storage.conversations import ConversationStore  # noqa: E402
from bot.storage.db import immediate, open_database  # noqa: E402
from bot.storage.outbox import OutboxMessage  # noqa: E402
from tests.killing import kill_lives  # noqa: E402

CONVERSATIONS = 90
STEP_PAUSE = 0.003  # as if waiting for the network: spreads the kills over the script
MAX_LIFE = 0.06  # a life ends by SIGKILL after up to this many seconds
ACUTE = ["ik wil er een eind aan maken", "ik heb de pillen hier"]
HIGH = ["iemand chanteert me met mn nudes", "/handover_ja", '/gemeente{"gemeente": "Deurne"}']
PLAIN = ["wat is sexting", "is dat strafbaar"]


def script() -> list[tuple]:
    """(update key, conversation, kind, value) steps; three conversations at a time
    interleave, so kills fall between every kind of step (message, alert, claim, reply)."""
    per_conversation = []
    for n in range(CONVERSATIONS):
        conv = f"crash-{n}"
        if n % 3 == 0:
            steps = [("say", t) for t in ACUTE] + [("claim", "anna"), ("reply", "anna"), ("reply", "anna")]
        elif n % 3 == 1:
            steps = [("say", t) for t in HIGH] + [("claim", "sanne"), ("reply", "sanne")]
        else:
            steps = [("say", t) for t in PLAIN]
        per_conversation.append([(f"{conv}/{i}", conv, kind, value) for i, (kind, value) in enumerate(steps)])
    out = []
    for start in range(0, CONVERSATIONS, 3):
        group = per_conversation[start : start + 3]
        while any(group):
            for steps in group:
                if steps:
                    out.append(steps.pop(0))
    return out


class LogTransport:
    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(self, message: OutboxMessage) -> Delivery:
        to = message.recipient
        line = {"id": message.id, "case": message.case_id, "kind": message.kind, "to": [to.kind, to.id]}
        line["at"] = time.time()
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return Delivery("sent")


async def play(parts, db_path: Path, log: Path) -> None:
    engine = Engine(parts, ConversationStore(open_database(db_path), "crash"))
    delivery = DeliveryLoop(engine.store.db, engine.desk, LogTransport(log), engine.clock, engine.lock)
    handled = {r[0] for r in engine.store.db.execute("SELECT key FROM handled_updates")}
    for key, conv, kind, value in script():
        if key in handled:
            continue  # confirmed before the crash: a channel would not deliver it again
        await asyncio.sleep(STEP_PAUSE)
        if kind == "say":
            text, payload = ("", value) if value.startswith("/") else (value, None)
            await engine.handle(Incoming(conv, text=text, payload=payload, update_key=key))
        else:
            staff_step(engine, key, conv, kind, value)
        await delivery.run_once()
    while await delivery.run_once():
        pass


def staff_step(engine, key: str, conv: str, kind: str, who: str) -> None:
    """A staff command, applied once: its update key is recorded in the same transaction."""
    with immediate(engine.store.db, durable=True):
        if not engine.store.first_time(key, "-"):
            return
        case = engine.desk.active_case(conv)
        if kind == "claim":
            engine.desk.claim(who, case.id, engine.clock())
        else:
            engine.desk.reply(who, case.id, f"antwoord {key}", engine.clock())


def life(parts, db: Path, log: Path) -> int:
    """Fork one life of the bot; return the child's pid."""
    pid = os.fork()
    if pid == 0:
        try:
            asyncio.run(play(parts, db, log))
        finally:
            os._exit(0)
    return pid


def _handled(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM handled_updates").fetchone()[0]


def main(db: Path, log: Path, kills_wanted: int, seed: int) -> None:
    parts, _ = build_parts(load_settings())
    t0 = time.perf_counter()
    kills = kill_lives(lambda: life(parts, db, log), kills_wanted, seed, 0.0, MAX_LIFE)
    done_before_final = _handled(db)
    _, status = os.waitpid(life(parts, db, log), 0)
    summary = {"kills": kills, "final_exit": os.waitstatus_to_exitcode(status)}
    summary["steps"] = len(script())
    summary["steps_done_when_killed_last"] = done_before_final
    summary["seconds"] = round(time.perf_counter() - t0, 2)
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
