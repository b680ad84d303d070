"""A stand-in Telegram Bot API on loopback: the real python-telegram-bot talks real HTTP to it.

Each sendMessage takes the next planned behaviour: "ok", "500", "429:<seconds>",
"403", or "timeout" (the message arrives, the answer comes too late). Requests are
decoded as PTB sends them: form fields, JSON-encoded except plain strings.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass, field

from aiohttp import web

TOKEN = "123456:TEST-token-not-real"


def _value(raw: str):
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


@dataclass
class FakeBotAPI:
    plan: deque[str] = field(default_factory=deque)
    delivered: list[dict] = field(default_factory=list)  # sendMessage calls that arrived
    calls: list[tuple[str, dict]] = field(default_factory=list)
    slow_seconds: float = 2.0
    port: int = 0
    _runner: web.AppRunner | None = None
    _next_message_id: int = 1

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        form = {k: _value(v) for k, v in (await request.post()).items()}
        self.calls.append((method, form))
        if method == "getMe":
            return self._ok({"id": 1, "is_bot": True, "first_name": "Weerbaar", "username": "weerbaar_bot"})
        if method == "sendMessage":
            return await self._send(form)
        return self._ok(True)

    async def _send(self, form: dict) -> web.Response:
        behaviour = self.plan.popleft() if self.plan else "ok"
        if behaviour == "500":
            return web.json_response({"ok": False, "error_code": 500, "description": "Internal"}, status=500)
        if behaviour.startswith("429"):
            seconds = int(behaviour.partition(":")[2] or 1)
            body = {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests",
                "parameters": {"retry_after": seconds},
            }
            return web.json_response(body, status=429)
        if behaviour == "403":
            body = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            return web.json_response(body, status=403)
        self.delivered.append(form)
        if behaviour == "timeout":
            await asyncio.sleep(self.slow_seconds)
        message_id = self._next_message_id
        self._next_message_id += 1
        chat = {"id": form["chat_id"], "type": "private"}
        return self._ok({"message_id": message_id, "date": 0, "chat": chat, "text": form.get("text", "")})

    @staticmethod
    def _ok(result) -> web.Response:
        return web.json_response({"ok": True, "result": result})
