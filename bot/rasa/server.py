"""`python -m bot actions`: rasa-sdk's own action server app, serving our actions.

Bound to 127.0.0.1 unless told otherwise, because rasa-sdk binds every interface by default and
these actions answer people in crisis; put Rasa on the same host or behind a private network.
One process, not rasa-sdk's worker processes: the models load once and SQLite has one writer.

Beside the webhook the server runs the desk's timers, as the delivery loop does in our own
channels: a case whose municipality question went unanswered goes to the default team after
route_wait_minutes, unclaimed cases are re-alerted, and text past its retention is purged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from rasa_sdk.constants import DEFAULT_SERVER_PORT
from rasa_sdk.endpoint import create_app_for_serve
from sanic import Sanic

from bot.app import build_parts
from bot.common.clock import Clock, utc_now
from bot.common.settings import Settings
from bot.desk.desk import Desk
from bot.rasa.escalation import EscalationRecorder
from bot.rasa.executor import BotExecutor
from bot.storage.conversations import ConversationStore
from bot.storage.db import immediate, open_database
from bot.storage.purge import Housekeeper, Retention, checkpoint

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = DEFAULT_SERVER_PORT
TICK_SECONDS = 2.0
NO_TRACING = ""  # rasa-sdk reads tracing from an endpoints.yml; we have none, and say so quietly

log = logging.getLogger(__name__)


class Timers:
    """The desk's tick and the purge, on the server's own event loop."""

    def __init__(self, desk: Desk, housekeeper: Housekeeper, clock: Clock = utc_now) -> None:
        self.desk = desk
        self.housekeeper = housekeeper
        self.clock = clock

    def run_once(self) -> int:
        now = self.clock()
        db = self.desk.store.db
        purging = self.housekeeper.due(now)
        with immediate(db):
            done = self.desk.tick(now)
            if purging:
                self.housekeeper.run(db, now)
        if purging:
            checkpoint(db)
        return done

    async def run(self, interval: float = TICK_SECONDS) -> None:
        while True:
            try:
                self.run_once()
            except Exception:  # a failed round is redone by the next one; the webhook goes on
                log.exception("desk timers failed")
            await asyncio.sleep(interval)


def build_app(settings: Settings) -> Sanic:
    """The Sanic app rasa-sdk builds for `python -m rasa_sdk`, with our executor; raises ContentError."""
    parts, _ = build_parts(settings)
    store = ConversationStore(open_database(settings.db_path), settings.key_id)
    desk = Desk.beside(store, parts.escalation, parts.knowledge)
    text_retention = timedelta(hours=settings.text_retention_hours)
    recorder = EscalationRecorder(store, desk, settings.pseudonym_key, text_retention=text_retention)
    executor = BotExecutor(parts, recorder)
    # cors None: rasa-sdk's CLI default, no CORS
    app = create_app_for_serve(executor, cors_origins=None, endpoints=NO_TRACING)
    retention = Retention(text_retention, timedelta(days=parts.escalation.case_retention_days))
    timers = Timers(desk, Housekeeper(retention))

    async def start_timers(app: Sanic) -> None:
        app.ctx.timers = asyncio.get_running_loop().create_task(timers.run())

    async def stop_timers(app: Sanic) -> None:
        app.ctx.timers.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await app.ctx.timers

    app.register_listener(start_timers, "after_server_start")
    app.register_listener(stop_timers, "before_server_stop")
    return app


def serve(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    app = build_app(settings)
    print(f"action server on http://{host}:{port}/webhook", flush=True)
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)
