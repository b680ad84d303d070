"""How the running bot is doing: its loops and Telegram, and an HTTP endpoint that says so.

Each loop (ingest, worker, delivery) reports every round that worked and every round
that failed; every call to Telegram reports whether Telegram answered. The watchdog
(bot/channels/watchdog.py) reads this from its own thread, so a loop that hangs is
seen too. `HealthServer` answers `GET /health` on loopback with one JSON object (the
line `python -m bot health` prints, and whether all is well) for a process supervisor.
Nothing here holds a message, a name or a chat id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

log = logging.getLogger(__name__)
HEALTH_PATH = "/health"


@dataclass(frozen=True, slots=True)
class LoopState:
    last_ok: float  # monotonic time of the last round that worked (or of the start)
    failing_since: float | None = None
    failures: int = 0  # rounds that failed, ever
    last_error: str = ""  # "TypeError at bot/...:12", never a message


@dataclass(frozen=True, slots=True)
class TelegramState:
    last_ok: float | None = None
    failing_since: float | None = None  # first failure since the last answer
    last_error: str = ""


@dataclass(frozen=True, slots=True)
class Snapshot:
    now: float
    started: float
    loops: dict[str, LoopState] = field(default_factory=dict)
    telegram: TelegramState = field(default_factory=TelegramState)


class Health:
    """Thread-safe: written from the event loop, read by the watchdog thread."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._started = clock()
        self._loops: dict[str, LoopState] = {}
        self._telegram = TelegramState()

    def watch(self, loop: str) -> None:
        """A loop starts: it counts as working from now."""
        with self._lock:
            self._loops[loop] = LoopState(self.clock())

    def round_ok(self, loop: str) -> None:
        with self._lock:
            old = self._loops.get(loop) or LoopState(self.clock())
            self._loops[loop] = replace(old, last_ok=self.clock(), failing_since=None)

    def round_failed(self, loop: str, error: str) -> None:
        with self._lock:
            now = self.clock()
            old = self._loops.get(loop) or LoopState(now)
            self._loops[loop] = replace(
                old, failing_since=old.failing_since or now, failures=old.failures + 1, last_error=error
            )

    def telegram_ok(self) -> None:
        with self._lock:
            self._telegram = TelegramState(last_ok=self.clock())

    def telegram_failed(self, error: str) -> None:
        with self._lock:
            old = self._telegram
            self._telegram = replace(old, failing_since=old.failing_since or self.clock(), last_error=error)

    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(self.clock(), self._started, dict(self._loops), self._telegram)


class HealthServer:
    """A minimal HTTP/1.0 responder on loopback: GET /health -> 200 (all well) or 503, JSON."""

    def __init__(self, status: Callable[[], dict], listen: str) -> None:
        self.status = status
        host, _, port = listen.rpartition(":")
        self.host = host or "127.0.0.1"
        self.port = int(port)
        self._server: asyncio.base_events.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._answer, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("health: listening on %s:%d", self.host, self.port)

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            while (line := await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b"\n", b""):
                del line  # headers: not needed
            parts = request.decode("latin-1").split()
            if len(parts) >= 2 and parts[0] in ("GET", "HEAD") and parts[1].split("?")[0] == HEALTH_PATH:
                body = self.status()
                code = "200 OK" if body.get("ok") else "503 Service Unavailable"
            else:
                body, code = {"error": "not found"}, "404 Not Found"
            data = json.dumps(body, ensure_ascii=False).encode()
            head = (
                f"HTTP/1.0 {code}\r\nContent-Type: application/json; charset=utf-8\r\n"
                f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + (data if parts and parts[0] != "HEAD" else b""))
            await writer.drain()
        except (TimeoutError, ConnectionError, UnicodeDecodeError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


def ask_health(listen: str, timeout: float = 5.0) -> tuple[int, str]:
    """What `python -m bot health` prints: (exit code, one line). 0: all well; 1: the bot
    answers but has a problem; 2: nothing answers on `listen` (not running, or hanging)."""
    import urllib.error
    import urllib.request

    url = f"http://{listen}{HEALTH_PATH}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            body = json.loads(error.read())
        except ValueError:
            return 1, f"PROBLEM: the health endpoint on {listen} answered {error.code}"
    except (OSError, ValueError) as error:
        return 2, f"not running: nothing answers on {listen} ({type(error).__name__})"
    line = str(body.get("line") or "no status")
    return (0 if body.get("ok") else 1), line
