"""`./run` with a token: the bot on Telegram, long polling, in one process.

Three parts share one SQLite connection (and its lock): the ingestor stores updates
before confirming them; the worker hands them to the engine or the staff desk; the
delivery loop sends the outbox (replies, alerts) with retries. python-telegram-bot is
the transport only: no Updater, no handlers, no persistence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot, BotCommand
from telegram.error import RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.channels.delivery import DeliveryLoop
from bot.channels.telegram.ingest import Ingestor
from bot.channels.telegram.topics import CaseThreads
from bot.channels.telegram.transport import TelegramTransport, retry_seconds
from bot.channels.telegram.webhook import start_webhook
from bot.channels.telegram.worker import Worker
from bot.common.settings import Settings
from bot.engine import Engine
from bot.storage.addresses import AddressBook

log = logging.getLogger(__name__)
COMMANDS = {
    "nl": [
        ("start", "Begin (opnieuw)"),
        ("onderwerpen", "Alle onderwerpen"),
        ("mens", "Praten met iemand van de werkgroep"),
        ("privacy", "Wat we bewaren en hoe lang"),
        ("wis", "Wis alles van dit gesprek"),
        ("stop", "Stop het gesprek met een medewerker"),
        ("help", "Wat kan deze bot?"),
    ],
    "en": [
        ("start", "Start (again)"),
        ("onderwerpen", "All topics"),
        ("mens", "Talk to someone of the werkgroep"),
        ("privacy", "What we keep and for how long"),
        ("wis", "Erase everything of this conversation"),
        ("stop", "Stop the conversation with a staff member"),
        ("help", "What can this bot do?"),
    ],
}
WORK_INTERVAL = 0.5  # seconds between rounds when nothing woke the worker


async def register_commands(bot: Bot) -> None:
    """The command menu in Dutch (also the default) and English."""
    for language, commands in COMMANDS.items():
        menu = [BotCommand(name, description) for name, description in commands]
        await bot.set_my_commands(menu, language_code=language)
    await bot.set_my_commands([BotCommand(n, d) for n, d in COMMANDS["nl"]])


def build_bot_application(settings: Settings, poll_seconds: int, rate_limited: bool = True):
    """PTB as the transport only: no Updater (our own ingestion), a rate limiter for groups
    (20/min) and the overall rate (30/s) whose 429s come back to our delivery loop."""
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_base_url)
        .updater(None)
        .request(HTTPXRequest(connection_pool_size=8, read_timeout=15, write_timeout=15, connect_timeout=10))
        .get_updates_request(HTTPXRequest(read_timeout=poll_seconds + 10, connect_timeout=10))
    )
    if rate_limited:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=0))
    return builder.build()


async def serve(
    engine: Engine, settings: Settings, stop: asyncio.Event, poll_seconds: int = 25, rate_limited: bool = True
) -> None:
    """Run until `stop` is set."""
    application = build_bot_application(settings, poll_seconds, rate_limited)
    db, key, config = engine.store.db, settings.pseudonym_key, engine.desk.config
    async with application:
        bot = application.bot
        await _persist(lambda: register_commands(bot), "setMyCommands")
        addresses = AddressBook(db, key)
        transport = TelegramTransport(
            bot,
            config,
            lambda conversation: _chat(addresses.lookup(conversation)),
            CaseThreads(bot, db, engine.lock),
        )
        delivery = DeliveryLoop(
            db, engine.desk, transport, engine.clock, engine.lock, housekeeper=engine.housekeeper
        )
        ingestor = Ingestor(bot, db, engine.lock, key, config, engine.clock, poll_seconds)
        worker = Worker(engine)
        wake = asyncio.Event()
        tasks = [asyncio.create_task(_work(worker, delivery, wake, stop))]
        webhook = None
        if settings.webhook_url:
            webhook = await start_webhook(
                bot,
                ingestor,
                settings.webhook_url,
                settings.webhook_secret,
                settings.webhook_listen,
                wake.set,
            )
        else:
            await _persist(bot.delete_webhook, "deleteWebhook")
            tasks.append(asyncio.create_task(_poll(ingestor, wake, stop)))
        log.info("telegram: running")
        await stop.wait()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if webhook is not None:
            await webhook.cleanup()


async def _poll(ingestor: Ingestor, wake: asyncio.Event, stop: asyncio.Event) -> None:
    backoff = 1.0
    while not stop.is_set():
        try:
            if await ingestor.poll_once():
                wake.set()
            backoff = 1.0
        except TelegramError as error:  # network trouble, 5xx, 429: wait and poll again
            log.warning("getUpdates failed: %s", type(error).__name__)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)


async def _work(worker: Worker, delivery: DeliveryLoop, wake: asyncio.Event, stop: asyncio.Event) -> None:
    while not stop.is_set():
        handled = await worker.run_once()
        sent = await delivery.run_once()
        if not handled and not sent:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), WORK_INTERVAL)
            wake.clear()


async def _persist(call, what: str, attempts: int = 8) -> None:
    """A start-up call Telegram may refuse for a while (429, 5xx): wait and try again."""
    for attempt in range(attempts):
        try:
            await call()
            return
        except RetryAfter as error:
            await asyncio.sleep(retry_seconds(error))
        except TelegramError as error:
            log.warning("%s failed: %s", what, type(error).__name__)
            await asyncio.sleep(min(2.0**attempt, 30.0))
    log.warning("%s gave up after %d attempts", what, attempts)


def _chat(address: str | None) -> int | None:
    return int(address) if address else None
