"""The fake Bot API as its own process, for tests that kill the bot: it must outlive them.

    python tests/fake_telegram_server.py INFO_FILE

Writes {"api": base_url, "control": url} to INFO_FILE, then serves until killed. The
control app injects user messages and reports what the bot sent and what is unconfirmed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fake_telegram import FakeBotAPI


def control_app(fake: FakeBotAPI) -> web.Application:
    async def message(request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response({"update_id": fake.user_message(body["chat"], body["text"])})

    async def state(request: web.Request) -> web.Response:
        sent = [{"chat_id": m["chat_id"], "text": m.get("text", "")} for m in fake.effects_of("sendMessage")]
        return web.json_response({"sent": sent, "pending": fake.pending_ids})

    app = web.Application()
    app.router.add_post("/message", message)
    app.router.add_get("/state", state)
    return app


async def main(info: Path) -> None:
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)  # a killed bot drops connections: expected
    fake = FakeBotAPI()
    await fake.start()
    runner = web.AppRunner(control_app(fake), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    info.write_text(json.dumps({"api": fake.base_url, "control": f"http://127.0.0.1:{port}"}))
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
