"""`./run` with a token: the bot on Telegram, long polling (or a webhook), in one process.

Three loops share one SQLite connection (and its lock): the ingestor stores updates
before confirming them; the worker hands them to the engine or the staff desk; the
delivery loop sends the outbox (replies, alerts) until delivered. python-telegram-bot is
the transport only: no Updater, no handlers, no persistence.

Never deaf, never silent:
- one process per database and per token: a lock file, and a one-line refusal to a second;
- webhook mode without a secret refuses to start, in one line;
- Telegram unreachable at start (getMe): tried again with backoff, never a traceback;
- a loop round that fails is logged (kind and place of the error, no content) and the
  loop starts again; one bad update is handled by the worker's fail-safe or parked;
- a watchdog thread tells the werkgroep by a second channel (escalation/watchdog.yml)
  when Telegram, a loop or an acute case needs them, and `GET /health` on loopback says
  how the bot is doing (`python -m bot health`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from telegram import Bot, BotCommand
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.channels.delivery import DeliveryLoop
from bot.channels.faults import NO_SEAMS, Seams, describe
from bot.channels.health import Health, HealthServer
from bot.channels.telegram.ingest import Ingestor
from bot.channels.telegram.topics import CaseThreads
from bot.channels.telegram.transport import TelegramTransport, retry_seconds
from bot.channels.telegram.webhook import register_webhook, start_webhook
from bot.channels.telegram.worker import Worker
from bot.channels.watchdog import Notifier, Watchdog
from bot.common.settings import PROJECT_ROOT, Settings, read_dotenv
from bot.content.escalation import WatchdogConfig
from bot.engine import Engine
from bot.storage.addresses import AddressBook
from bot.storage.db import AlreadyRunning, InstanceLock, file_of, lock_path_for

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


class _Drop(logging.Filter):
    """Lines of python-telegram-bot our own log already covers, without their risks:
    - the rate limiter (max_retries=0) hands every 429 to our delivery loop, which waits
      retry_after and logs the retry: its ERROR line with a traceback is noise;
    - an answer that is not JSON (a proxy's 502 page, a cut-off answer) is logged raw at
      ERROR, and a cut-off answer to sendMessage holds the text sent to a young person."""

    def __init__(self, start: str) -> None:
        super().__init__()
        self.start = start

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.start)


logging.getLogger("telegram.ext.AIORateLimiter").addFilter(_Drop("Rate limit hit after maximum"))
logging.getLogger("telegram.request.BaseRequest").addFilter(_Drop("Can not load invalid JSON data"))


@dataclass(frozen=True, slots=True)
class Timing:
    """The bot's waits, in seconds; tests shrink them instead of waiting minutes."""

    poll_seconds: int = 25  # long poll
    read_timeout: float = 15.0  # a send without an answer this long is a timeout (maybe delivered)
    connect_timeout: float = 10.0
    retry_cap: float = 4.0  # longest wait between two getUpdates after errors
    start_cap: float = 30.0  # longest wait between two start-up tries (getMe)
    work_interval: float = WORK_INTERVAL
    restart_seconds: float = 1.0  # first wait before a failed loop round starts again
    restart_cap: float = 10.0


class CannotStart(Exception):
    """The bot must not start; the message is one line for the person starting it."""


async def register_commands(bot: Bot) -> None:
    """The command menu in Dutch (also the default) and English."""
    for language, commands in COMMANDS.items():
        menu = [BotCommand(name, description) for name, description in commands]
        await bot.set_my_commands(menu, language_code=language)
    await bot.set_my_commands([BotCommand(n, d) for n, d in COMMANDS["nl"]])


def build_bot_application(settings: Settings, timing: Timing = Timing(), rate_limited: bool = True):
    """PTB as the transport only: no Updater (our own ingestion), a rate limiter for groups
    (20/min) and the overall rate (30/s) whose 429s come back to our delivery loop."""
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_base_url)
        .updater(None)
        .request(
            HTTPXRequest(
                connection_pool_size=32,
                read_timeout=timing.read_timeout,
                write_timeout=timing.read_timeout,
                connect_timeout=timing.connect_timeout,
                pool_timeout=timing.read_timeout,
            )
        )
        .get_updates_request(
            HTTPXRequest(read_timeout=timing.poll_seconds + 10, connect_timeout=timing.connect_timeout)
        )
    )
    if rate_limited:
        return builder.rate_limiter(AIORateLimiter(max_retries=0)).build()
    return builder.build()


def token_lock_path(token: str, api_url: str) -> Path:
    """One lock file per bot token (and Bot API server) on this machine, named by a hash."""
    digest = hashlib.sha256(f"{api_url}\n{token}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / "weerbaarheid-bot" / f"{digest}.lock"


def take_instance_locks(db_file: Path | str, token: str, api_url: str) -> list[InstanceLock]:
    """One bot per database and per token: both locks, or CannotStart (nothing held)."""
    locks = [
        InstanceLock(lock_path_for(db_file), "database"),
        InstanceLock(token_lock_path(token, api_url), "bot token"),
    ]
    try:
        for lock in locks:
            lock.acquire()
    except AlreadyRunning as refusal:
        for lock in locks:
            lock.release()
        raise CannotStart(str(refusal)) from None
    return locks


def check_startable(settings: Settings) -> None:
    """Settings that would start a bot that answers no one: one clear line instead."""
    if settings.webhook_url and not settings.webhook_secret:
        raise CannotStart(
            "TELEGRAM_WEBHOOK_SECRET is empty: webhook mode needs a secret "
            "(or leave TELEGRAM_WEBHOOK_URL empty for long polling)"
        )


async def serve(
    engine: Engine,
    settings: Settings,
    stop: asyncio.Event,
    poll_seconds: int = 25,
    rate_limited: bool = True,
    *,
    timing: Timing | None = None,
    seams: Seams = NO_SEAMS,
    watchdog: WatchdogConfig | None = None,
    environ: dict[str, str] | None = None,
    on_ready: Callable[[Watchdog, HealthServer | None], None] | None = None,
    locked: bool = False,
) -> None:
    """Run until `stop` is set. Raises CannotStart (one line) when it must not run.

    `locked`: the caller holds the instance locks already (take_instance_locks).
    """
    timing = timing or Timing(poll_seconds=poll_seconds)
    check_startable(settings)
    db_file = file_of(engine.store.db.conn) or str(settings.db_path)
    locks = (
        []
        if locked
        else take_instance_locks(db_file, settings.telegram_token, settings.telegram_api_base_url)
    )
    config = engine.desk.config
    watch_config = watchdog or config.watchdog
    health = Health()
    env = read_dotenv(PROJECT_ROOT / ".env") | dict(os.environ if environ is None else environ)
    dog = Watchdog(health, watch_config, config, db_file, Notifier(watch_config.notify, env), engine.clock)
    listening = HealthServer(dog.status, watch_config.health_listen)
    server: HealthServer | None = listening
    try:
        dog.start()
        try:
            await listening.start()
        except OSError as error:
            log.error("health: cannot listen on %s (%s)", watch_config.health_listen, type(error).__name__)
            server = None
        if on_ready is not None:
            on_ready(dog, server)
        await _run(engine, settings, stop, rate_limited, timing, seams, health, watch_config)
    finally:
        if server is not None:
            await server.close()
        dog.stop()
        for lock in locks:
            lock.release()


async def _run(
    engine: Engine,
    settings: Settings,
    stop: asyncio.Event,
    rate_limited: bool,
    timing: Timing,
    seams: Seams,
    health: Health,
    watch: WatchdogConfig,
) -> None:
    application = build_bot_application(settings, timing, rate_limited)
    if not await _connect(application, stop, timing, health):
        await application.bot.shutdown()
        return
    try:
        await _loops(application, engine, settings, stop, timing, seams, health, watch)
    finally:
        await application.shutdown()


async def _connect(application: Application, stop: asyncio.Event, timing: Timing, health: Health) -> bool:
    """initialize() (getMe) until Telegram answers; False when stopped first."""
    delay = 1.0
    while not stop.is_set():
        try:
            await application.initialize()
            health.telegram_ok()
            return True
        except InvalidToken:
            raise CannotStart("Telegram does not accept TELEGRAM_BOT_TOKEN (revoked or mistyped?)") from None
        except RetryAfter as error:
            wait = retry_seconds(error)
        except TelegramError as error:
            wait = delay
            delay = min(delay * 2, timing.start_cap)
            health.telegram_failed(type(error).__name__)
            log.warning(
                "telegram: not reachable at start (%s); trying again in %.0f s", type(error).__name__, wait
            )
        await _pause(stop, wait)
    return False


async def _loops(
    application: Application,
    engine: Engine,
    settings: Settings,
    stop: asyncio.Event,
    timing: Timing,
    seams: Seams,
    health: Health,
    watch: WatchdogConfig,
) -> None:
    bot = application.bot
    db, key, config = engine.store.db, settings.pseudonym_key, engine.desk.config
    addresses = AddressBook(db, key)
    transport = TelegramTransport(
        bot,
        config,
        lambda conversation: _chat(addresses.lookup(conversation)),
        CaseThreads(bot, db, engine.lock),
    )
    delivery = DeliveryLoop(
        db,
        engine.desk,
        transport,
        engine.clock,
        engine.lock,
        housekeeper=engine.housekeeper,
        health=health,
        seams=seams,
        undelivered_after=timedelta(minutes=watch.undelivered_minutes),
        accepts=transport.delivers,
    )
    ingestor = Ingestor(bot, db, engine.lock, key, config, engine.clock, timing.poll_seconds, seams)
    worker = Worker(engine, seams)
    new_updates = asyncio.Event()

    async def work() -> None:
        if await worker.run_once():
            delivery.wake.set()
            return
        await _wait(new_updates, timing.work_interval)
        new_updates.clear()

    async def deliver() -> None:
        delivery.wake.clear()
        await delivery.dispatch()
        await _wait(delivery.wake, timing.work_interval)

    loops: dict[str, Callable[[], Awaitable[None]]] = {"worker": work, "delivery": deliver}
    calls = [(lambda: register_commands(bot), "setMyCommands")]
    webhook = None
    if settings.webhook_url:
        try:
            webhook = await start_webhook(
                bot, ingestor, settings.webhook_secret, settings.webhook_listen, new_updates.set
            )
        except OSError as error:
            raise CannotStart(
                f"cannot listen on {settings.webhook_listen} for the webhook ({error.strerror or error})"
            ) from None
        calls.append(
            (lambda: register_webhook(bot, settings.webhook_url, settings.webhook_secret), "setWebhook")
        )
    else:
        loops["ingest"] = _poller(bot, ingestor, new_updates, health, timing, stop)
    background = [asyncio.create_task(_until_done(call, what, stop, timing)) for call, what in calls]
    tasks = [
        asyncio.create_task(_keep_running(name, round_, stop, health, seams, timing))
        for name, round_ in loops.items()
    ]
    log.info("telegram: running")
    try:
        await stop.wait()
    finally:
        for task in [*tasks, *background]:
            task.cancel()
        for task in [*tasks, *background]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await delivery.cancel()
        if webhook is not None:
            await webhook.cleanup()


def _poller(
    bot: Bot,
    ingestor: Ingestor,
    new_updates: asyncio.Event,
    health: Health,
    timing: Timing,
    stop: asyncio.Event,
) -> Callable[[], Awaitable[None]]:
    """One round of the ingest loop: getUpdates and store. Telegram's own trouble (network,
    5xx, 429, a second poller) is waited out here; anything else fails the round."""
    state = {"webhook_deleted": False, "delay": 1.0}

    async def poll() -> None:
        try:
            if not state["webhook_deleted"]:
                await bot.delete_webhook()
                state["webhook_deleted"] = True
            if await ingestor.poll_once():
                new_updates.set()
            health.telegram_ok()
            state["delay"] = 1.0
        except TelegramError as error:
            wait = retry_seconds(error) if isinstance(error, RetryAfter) else state["delay"]
            state["delay"] = min(state["delay"] * 2, timing.retry_cap)
            health.telegram_failed(type(error).__name__)
            if isinstance(error, Conflict):
                log.warning("getUpdates: Telegram says another process reads this bot's updates (Conflict)")
            else:
                log.warning("getUpdates failed: %s", type(error).__name__)
            await _pause(stop, wait)

    return poll


async def _keep_running(
    name: str,
    round_: Callable[[], Awaitable[None]],
    stop: asyncio.Event,
    health: Health,
    seams: Seams,
    timing: Timing,
) -> None:
    """Run a loop's rounds until stopped; a round that fails is said out loud and the loop
    starts again after a short wait (longer while it keeps failing)."""
    health.watch(name)
    failures = 0
    while not stop.is_set():
        try:
            if seams.before_round is not None:
                seams.before_round(name)
            await round_()
            health.round_ok(name)
            if failures:
                log.warning("telegram: the %s loop works again after %d failed rounds", name, failures)
            failures = 0
        except asyncio.CancelledError:
            raise
        except Exception as error:
            failures += 1
            wait = min(timing.restart_seconds * 2 ** (failures - 1), timing.restart_cap)
            health.round_failed(name, describe(error))
            log.error(
                "telegram: the %s loop failed (%s); restarting it in %.1f s", name, describe(error), wait
            )
            await _pause(stop, wait)


async def _until_done(
    call: Callable[[], Awaitable[None]], what: str, stop: asyncio.Event, timing: Timing
) -> None:
    """A call Telegram must take once (setMyCommands, setWebhook): tried until it is."""
    delay = 1.0
    while not stop.is_set():
        try:
            await call()
            return
        except RetryAfter as error:
            await _pause(stop, retry_seconds(error))
        except TelegramError as error:
            log.warning("%s failed: %s; trying again", what, type(error).__name__)
            await _pause(stop, delay)
            delay = min(delay * 2, timing.start_cap)


async def _wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, but wake when the bot stops."""
    await _wait(stop, seconds)


def _chat(address: str | None) -> int | None:
    return int(address) if address else None
