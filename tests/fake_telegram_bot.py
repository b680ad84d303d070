"""A whole running bot for the fault tests: the real runner against the fake Bot API.

Beside the fake Telegram it starts the watchdog's second channel as a local HTTP receiver
(Apprise's json:// posts there) and captures every log line at DEBUG through the bot's
own logging set-up, so a test can check that no text, id, name or token leaked.
Time runs on a clock that starts on a Monday at 10:00 (office hours) and moves with real
time; a test can jump it forward (an acute case unclaimed for half an hour).
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from aiohttp import web

from bot.channels.faults import NO_SEAMS, Seams
from bot.channels.health import HealthServer
from bot.channels.telegram.runner import Timing, serve
from bot.channels.watchdog import Watchdog
from bot.common.logs import configure_logging
from bot.common.settings import Settings
from bot.content.escalation import WatchdogConfig
from bot.engine import Engine
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database
from tests.conftest import MONDAY_10, TEST_KEY
from tests.fake_telegram import TOKEN, FakeBotAPI

GROUP = -1001234  # the werkgroep's forum supergroup
ANNA = 11  # staff member with a Telegram account
COORDINATOR = 12  # the teams' backup
FAST = Timing(
    poll_seconds=1,
    read_timeout=1.0,
    connect_timeout=0.5,
    retry_cap=0.5,
    start_cap=0.5,
    work_interval=0.1,
    restart_seconds=0.1,
    restart_cap=0.3,
)
QUIET = WatchdogConfig(
    telegram_down_minutes=10.0,
    loop_down_minutes=10.0,
    acute_unclaimed_minutes=30.0,
    undelivered_minutes=10.0,
    check_seconds=0.2,
    health_listen="127.0.0.1:0",
)
ACUTE = "ik wil niet meer leven, ik heb de pillen al klaar"


class RunningClock:
    """Monday 10:00 plus the real time since the start, plus any jump a test makes."""

    def __init__(self, start: datetime = MONDAY_10) -> None:
        self.start = start
        self.began = time.monotonic()
        self.jumped = timedelta()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began) + self.jumped

    def jump(self, minutes: float) -> None:
        self.jumped += timedelta(minutes=minutes)


@dataclass
class Receiver:
    """The werkgroep's second channel on loopback: what Apprise's json:// posted."""

    notes: list[dict] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/werkgroep"

    async def start(self) -> None:
        async def receive(request: web.Request) -> web.Response:
            self.notes.append(await request.json())
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/{path:.*}", receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def titles(self) -> list[str]:
        return [n.get("title", "") for n in self.notes]


@dataclass
class RunningBot:
    api: FakeBotAPI
    engine: Engine
    clock: RunningClock
    receiver: Receiver
    logs: io.StringIO
    dog: Watchdog | None = None
    health: HealthServer | None = None
    task: asyncio.Task | None = None

    def texts_to(self, chat: int) -> list[str]:
        return [m["text"] for m in self.api.effects_of("sendMessage") if m["chat_id"] == chat]

    def sends_to(self, chat: int) -> list[dict]:
        return [m for m in self.api.effects_of("sendMessage") if m["chat_id"] == chat]

    async def until(self, check: Callable[[], object], what: str, seconds: float = 10.0) -> float:
        """Wait until `check()` is true; returns the monotonic time it became so."""
        deadline = time.monotonic() + seconds
        while not check():
            if self.task is not None and self.task.done():
                self.task.result()  # the bot died: show why
            assert time.monotonic() < deadline, f"never: {what}"
            await asyncio.sleep(0.02)
        return time.monotonic()

    async def says(self, chat: int, words: str, seconds: float = 10.0) -> float:
        return await self.until(
            lambda: any(words in t for t in self.texts_to(chat)), f"{words!r} to {chat}", seconds
        )

    def rows(self, sql: str, *args) -> list[tuple]:
        return self.engine.store.db.execute(sql, list(args)).fetchall()

    def log_text(self) -> str:
        return self.logs.getvalue()

    def assert_no_leak(self, *secrets: object) -> None:
        """Nothing typed, no chat id, name or token in any log line, and no traceback."""
        logged = self.log_text()
        for secret in (TOKEN, *secrets):
            assert str(secret) not in logged, f"leaked into the log: {secret!r}"
        where = logged.find("Traceback")
        assert where < 0, logged[max(0, where - 300) : where + 1500]


def staff_config(parts):
    """Both teams read the forum group; Anna and the coordinator (the backup) use Telegram."""
    config = parts.escalation
    teams = {k: dataclasses.replace(t, chat=f"telegram:{GROUP}") for k, t in config.teams.items()}
    staff = dict(config.staff) | {
        "anna": dataclasses.replace(config.staff["anna"], telegram_user_id=ANNA),
        "coordinator": dataclasses.replace(config.staff["coordinator"], telegram_user_id=COORDINATOR),
    }
    return dataclasses.replace(config, teams=teams, staff=staff)


def settings_for(tmp_path: Path, api: FakeBotAPI, **extra) -> Settings:
    return Settings(
        db_path=tmp_path / "bot.db",
        content_dir=tmp_path,
        cache_dir=tmp_path,
        pseudonym_key=TEST_KEY,
        telegram_token=TOKEN,
        telegram_api_base_url=api.base_url,
        **extra,
    )


@asynccontextmanager
async def captured_logs() -> AsyncIterator[io.StringIO]:
    """The bot's own logging set-up at DEBUG into a buffer; the test's handlers come back after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("DEBUG", secrets=[TOKEN], stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:], root.level = saved


@asynccontextmanager
async def running_bot(
    parts,
    tmp_path: Path,
    *,
    seams: Seams = NO_SEAMS,
    timing: Timing = FAST,
    watch: WatchdogConfig = QUIET,
    rate_limited: bool = True,
    busy_timeout_ms: int = 10_000,
    api: FakeBotAPI | None = None,
    start_api: bool = True,
    environ: dict[str, str] | None = None,
    **settings: str,
) -> AsyncIterator[RunningBot]:
    api = api or FakeBotAPI(slow_seconds=2.0, hang_seconds=3.0)
    if start_api:
        await api.start()
    receiver = Receiver()
    await receiver.start()
    clock = RunningClock()
    engine = Engine(
        dataclasses.replace(parts, escalation=staff_config(parts)),
        ConversationStore(open_database(tmp_path / "bot.db", busy_timeout_ms), "t"),
        clock,
    )
    notify = (*watch.notify, receiver.url) if not watch.notify else watch.notify
    config = dataclasses.replace(watch, notify=notify)
    async with captured_logs() as logs:
        bot = RunningBot(api, engine, clock, receiver, logs)

        def ready(dog: Watchdog, health: HealthServer | None) -> None:
            bot.dog, bot.health = dog, health

        stop = asyncio.Event()
        bot.task = asyncio.create_task(
            serve(
                engine,
                settings_for(tmp_path, api, **settings),
                stop,
                rate_limited=rate_limited,
                timing=timing,
                seams=seams,
                watchdog=config,
                environ=environ or {},
                on_ready=ready,
            )
        )
        try:
            await bot.until(lambda: bot.dog is not None, "the bot started")
            yield bot
        finally:
            stop.set()
            try:
                await asyncio.wait_for(bot.task, 15)
            finally:
                await api.stop()
                await receiver.stop()
