"""No log line, at any level, holds message text, a bot token or a raw chat id."""

from __future__ import annotations

import dataclasses
import io
import logging

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.delivery import DeliveryLoop
from bot.channels.telegram.transport import TelegramTransport
from bot.common.logs import configure_logging
from bot.engine import Engine
from bot.engine.messages import Incoming
from tests.conftest import Clock
from tests.fake_telegram import TOKEN, FakeBotAPI

SECRET_TEXT = "geheime-zin-5150"
TEAM_CHAT, USER_CHAT = -1009182736, 918273645


async def test_a_whole_escalation_at_debug_leaks_nothing(engine: Engine, clock: Clock) -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("DEBUG", secrets=[TOKEN], stream=stream)
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/sendMessage", TOKEN)
    api = FakeBotAPI()
    await api.start()
    try:
        config = engine.desk.config
        teams = {k: dataclasses.replace(t, chat=f"telegram:{TEAM_CHAT}") for k, t in config.teams.items()}
        async with Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest()) as bot:
            transport = TelegramTransport(bot, dataclasses.replace(config, teams=teams), lambda _: USER_CHAT)
            loop = DeliveryLoop(engine.store.db, engine.desk, transport, clock, engine.lock)
            await engine.handle(Incoming("c", text=f"ik wil er niet meer zijn {SECRET_TEXT}"))
            engine.desk.claim("anna", 1, clock())
            engine.desk.reply("anna", 1, f"antwoord {SECRET_TEXT}", clock())
            for _ in range(3):
                await loop.run_once()
        logging.getLogger("bot.test").exception("oops %s", TOKEN, exc_info=RuntimeError(TOKEN))
    finally:
        await api.stop()
        root.handlers[:], root.level = saved
    logged = stream.getvalue()
    assert api.delivered and "outbox" in logged  # there was something to log, and it was logged
    for leak in (SECRET_TEXT, TOKEN, str(USER_CHAT), str(TEAM_CHAT)):
        assert leak not in logged, leak
