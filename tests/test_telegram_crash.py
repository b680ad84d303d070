"""Kill -9 the Telegram bot 50 times while young people write: every message is answered,
none is handled twice, every acute message reaches the staff group.

The fake Bot API runs in its own process (it must outlive the bot); messages arrive
while the kills happen, so kills fall between getUpdates and the inbox commit, inside
the engine, around the outbox commit and in the middle of sends.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

from bot.common.pseudonym import pseudonymise
from bot.storage.outbox import Recipient, recipient_of

HERE = Path(__file__).resolve().parent
KEY_HEX = "ab" * 32
KILLS = 50
CHATS = range(7001, 7026)
NORMAL = ["wat is sexting", "is dat strafbaar", "hoe meld ik dat bij de politie", "dank je"]
ACUTE = "ik wil er een eind aan maken vannacht"


def script() -> list[tuple[int, str]]:
    out = []
    for round_ in range(len(NORMAL)):
        for chat in CHATS:
            acute = chat % 5 == 0 and round_ == 0
            out.append((chat, ACUTE if acute else NORMAL[round_]))
    return out


def post(url: str, body: dict) -> None:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=5).read()


def test_kill_minus_nine_on_telegram_answers_everything_once(parts, tmp_path: Path) -> None:
    info = tmp_path / "fake.json"
    fake = subprocess.Popen([sys.executable, str(HERE / "fake_telegram_server.py"), str(info)])
    try:
        while not info.exists():
            time.sleep(0.05)
        urls = json.loads(info.read_text())
        db = tmp_path / "bot.db"
        env = {**os.environ, "BOT_PSEUDONYM_KEY": KEY_HEX}
        command = [
            sys.executable,
            str(HERE / "telegram_crash_worker.py"),
            str(db),
            urls["api"],
            str(KILLS),
            "7",
        ]
        worker = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)

        def write() -> None:
            for chat, text in script():
                post(urls["control"] + "/message", {"chat": chat, "text": text})
                time.sleep(0.05)

        writer = threading.Thread(target=write)
        writer.start()
        out, err = worker.communicate(timeout=240)
        writer.join()
        assert worker.returncode == 0, err[-2000:]
        summary = json.loads(out.splitlines()[-1])
        with urllib.request.urlopen(urls["control"] + "/state", timeout=5) as response:
            state = json.loads(response.read())
    finally:
        fake.kill()
        fake.wait()

    assert summary["kills"] >= KILLS and summary["settled"], summary
    assert state["pending"] == []  # every update confirmed to Telegram
    conn = sqlite3.connect(db)
    key = bytes.fromhex(KEY_HEX)
    handled = dict(
        conn.execute("SELECT conversation_id, COUNT(*) FROM messages WHERE direction = 'in' GROUP BY 1")
    )
    written = Counter(chat for chat, _ in script())
    for chat, count in written.items():
        assert handled.get(pseudonymise(key, "telegram", chat)) == count, chat  # each once, none lost
    sent = Counter(m["chat_id"] for m in state["sent"])
    rows = conn.execute("SELECT recipient, COUNT(*) FROM outbox WHERE kind = 'reply' GROUP BY 1")
    replies = {recipient_of(r): n for r, n in rows}
    for chat in written:
        expected = replies[Recipient.user(pseudonymise(key, "telegram", chat))]
        assert expected >= written[chat] and expected <= sent[chat] <= 2 * expected, chat
    cases = [r[0] for r in conn.execute("SELECT id FROM cases")]
    group_texts = [m["text"] for m in state["sent"] if m["chat_id"] < 0]
    assert len(cases) == sum(1 for c in CHATS if c % 5 == 0)
    assert all(any(f"Casus #{case}" in t for t in group_texts) for case in cases)
    print(f"\ntelegram crash test: {summary}")
