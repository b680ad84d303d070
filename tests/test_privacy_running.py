"""/wis erases at once, while the bot keeps running: no byte of the erased text is left in the
database, its -wal or its -shm file, on the terminal and on the Telegram path.

The scans run while the bot is still up (the terminal bot as a real process over pipes, the
Telegram bot as the real runner against the fake Bot API), so no test calls a checkpoint itself.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from bot.channels.telegram.runner import serve
from bot.common.settings import PROJECT_ROOT, Settings
from bot.engine import Engine
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database
from tests.conftest import TEST_KEY
from tests.fake_telegram import TOKEN, FakeBotAPI

SECRET = b"Zwaluwstaart"
BUTTON = re.compile(r"\[(\d+)\] (.+)")


def stored_bytes(db_path: Path) -> dict[str, bytes]:
    """The database and its -wal and -shm files, as they are on disk right now."""
    files = [db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")]
    return {p.name: p.read_bytes() for p in files if p.exists()}


def holding(db_path: Path, needle: bytes) -> list[str]:
    return [name for name, data in stored_bytes(db_path).items() if needle in data]


class ChatProcess:
    """`python -m bot chat` over pipes; reads until the next prompt."""

    def __init__(self, db_path: Path) -> None:
        env = {
            **os.environ,
            "BOT_PSEUDONYM_KEY": TEST_KEY.hex(),
            "BOT_DB_PATH": str(db_path),
            "PYTHONUNBUFFERED": "1",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.buffer = b""
        self.lock = threading.Lock()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        while chunk := self.proc.stdout.read1(4096):
            with self.lock:
                self.buffer += chunk

    def answer(self, timeout: float = 120) -> str:
        """Everything printed up to the next "> " prompt (the first start may train the model)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                head, sep, rest = self.buffer.partition(b"\n> ")
                if not sep and self.buffer.startswith(b"> "):
                    head, sep, rest = b"", b"> ", self.buffer[2:]
                if sep:
                    self.buffer = rest
                    return head.decode("utf-8")
            assert self.proc.poll() is None, "the chat process exited"
            time.sleep(0.05)
        raise AssertionError("no prompt from the chat process")

    def say(self, line: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()
        return self.answer()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()  # EOF ends the chat
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def button(printed: str, title_start: str) -> str:
    """The number the terminal printed for a button."""
    for number, title in BUTTON.findall(printed):
        if title.startswith(title_start):
            return number
    raise AssertionError(f"no button {title_start!r} in {printed!r}")


def test_wis_in_the_terminal_leaves_nothing_in_the_wal_while_the_bot_runs(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.db"
    chat = ChatProcess(db_path)
    try:
        chat.answer()  # the welcome
        chat.say("mijn naam is Zwaluwstaart en ik heb een vraag over sexting")
        assert holding(db_path, SECRET)  # written: so the scan below can find it
        asked = chat.say("/wis")
        done = chat.say(button(asked, "Ja"))
        assert "gewist" in done
        assert chat.proc.poll() is None  # still running: nothing was checkpointed at exit
        assert holding(db_path, SECRET) == []
    finally:
        chat.close()


async def until_erased(db_path: Path, seconds: float = 10.0) -> None:
    """The erase turn has committed (no conversation left), and the turn that erased has ended."""
    deadline = time.monotonic() + seconds
    while True:
        with sqlite3.connect(db_path) as db:
            left = db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0]
        if not left:
            break
        assert time.monotonic() < deadline, "the erase turn never ran"
        await asyncio.sleep(0.02)


async def until_clean(db_path: Path, seconds: float = 5.0) -> list[str]:
    """The engine checkpoints right after the erase commits, a moment after the scan above can
    see the commit; without that checkpoint the text stays in the -wal for the 10 minutes until
    the next purge round, far past this wait."""
    deadline = time.monotonic() + seconds
    while holding(db_path, SECRET) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return holding(db_path, SECRET)


@dataclasses.dataclass
class TelegramBot:
    api: FakeBotAPI
    db_path: Path

    def texts_to(self, chat: int) -> list[str]:
        return [m["text"] for m in self.api.effects_of("sendMessage") if m["chat_id"] == chat]

    async def says(self, chat: int, words: str, seconds: float = 10.0) -> dict:
        deadline = time.monotonic() + seconds
        while True:
            sent = [m for m in self.api.effects_of("sendMessage") if m["chat_id"] == chat]
            if any(words in m["text"] for m in sent):
                return next(m for m in reversed(sent) if words in m["text"])
            assert time.monotonic() < deadline, f"never said {words!r}"
            await asyncio.sleep(0.02)


async def until_no_address(db_path: Path, seconds: float = 10.0) -> bool:
    """The sealed address is forgotten once the "gewist" reply was delivered."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        with sqlite3.connect(db_path) as db:
            if db.execute("SELECT count(*) FROM addresses").fetchone() == (0,):
                return True
        await asyncio.sleep(0.05)
    return False


async def test_wis_on_telegram_leaves_nothing_in_the_wal_while_the_bot_runs(parts, tmp_path: Path) -> None:
    api = FakeBotAPI()
    await api.start()
    db_path = tmp_path / "bot.db"
    engine = Engine(parts, ConversationStore(open_database(db_path), "t"))
    settings = Settings(
        db_path=db_path,
        content_dir=tmp_path,
        cache_dir=tmp_path,
        pseudonym_key=TEST_KEY,
        telegram_token=TOKEN,
        telegram_api_base_url=api.base_url,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(engine, settings, stop, poll_seconds=1))
    bot = TelegramBot(api, db_path)
    try:
        api.user_message(601, "mijn naam is Zwaluwstaart en ik heb een vraag over sexting")
        await bot.says(601, "computer")
        assert holding(db_path, SECRET)
        api.user_message(601, "/wis")
        asked = await bot.says(601, "wis")
        payloads = [row[0]["callback_data"] for row in asked["reply_markup"]["inline_keyboard"]]
        assert "/wis_ja" in payloads
        api.callback(601, "/wis_ja")
        await bot.says(601, "gewist")  # the last word reaches the person; then the address goes too
        await until_erased(db_path)
        assert await until_clean(db_path) == []
        assert await until_no_address(db_path)
        assert not task.done()  # the bot still runs
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await api.stop()
