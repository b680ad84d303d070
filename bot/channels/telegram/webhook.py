"""Webhook mode, for running behind a reverse proxy: Telegram POSTs each update to us.

The server listens on 127.0.0.1 without TLS (the proxy terminates it). A request
without the right X-Telegram-Bot-Api-Secret-Token header gets 403. An update is
answered with 200 only after it is stored, so a crash before that makes Telegram
send it again.
"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from telegram import Bot, Update

from bot.channels.telegram.ingest import ALLOWED_UPDATES, Ingestor

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PATH = "/telegram"


def webhook_app(bot: Bot, ingestor: Ingestor, secret: str, on_stored) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given, secret):
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), bot)
        except ValueError:
            return web.Response(status=400)
        if update is not None and await ingestor.ingest([update]):
            on_stored()
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post(PATH, receive)
    return app


async def start_webhook(
    bot: Bot, ingestor: Ingestor, url: str, secret: str, listen: str, on_stored
) -> web.AppRunner:
    """Serve, then tell Telegram where to send updates."""
    host, _, port = listen.rpartition(":")
    runner = web.AppRunner(webhook_app(bot, ingestor, secret, on_stored), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host or "127.0.0.1", int(port)).start()
    await bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    log.info("telegram: webhook set")
    return runner
