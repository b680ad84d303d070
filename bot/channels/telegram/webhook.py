"""Webhook mode, for running behind a reverse proxy: Telegram POSTs each update to us.

The server listens on 127.0.0.1 without TLS (the proxy terminates it). A request
without the right X-Telegram-Bot-Api-Secret-Token header gets 403; the bot refuses to
start without a secret (bot/channels/telegram/runner.py). An update is answered with 200
only after it is stored, so a crash before that makes Telegram send it again. An update
python-telegram-bot cannot read is parked and answered 200 (sending it again would not
help); a body that is not JSON at all gets 400.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Bot

from bot.channels.faults import describe
from bot.channels.telegram.ingest import ALLOWED_UPDATES, Ingestor

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PATH = "/telegram"


def webhook_app(bot: Bot, ingestor: Ingestor, secret: str, on_stored) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400)
        try:
            stored = await ingestor.ingest_raw([data])
        except Exception as error:  # not stored: Telegram sends it again
            log.error("webhook: an update could not be stored (%s)", describe(error))
            return web.Response(status=500)
        if stored:
            on_stored()
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post(PATH, receive)
    return app


async def start_webhook(bot: Bot, ingestor: Ingestor, secret: str, listen: str, on_stored) -> web.AppRunner:
    """Serve on `listen`; the runner then tells Telegram where to send updates (set_webhook),
    trying until Telegram answers."""
    host, _, port = listen.rpartition(":")
    runner = web.AppRunner(webhook_app(bot, ingestor, secret, on_stored), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host or "127.0.0.1", int(port)).start()
    return runner


async def register_webhook(bot: Bot, url: str, secret: str) -> None:
    await bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    log.info("telegram: webhook set")
