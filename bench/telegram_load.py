"""Telegram throughput: 500 simulated users through the fake Bot API (real PTB, real HTTP).

    .venv/bin/python bench/telegram_load.py [--users 500]

Each user sends one question at the same moment; measured from the update being
available to the first sendMessage to that user: messages per second and p50/p99,
with python-telegram-bot's AIORateLimiter on (Telegram's 30/s overall) and off.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_parts  # noqa: E402
from bot.channels.telegram.runner import serve  # noqa: E402
from bot.common.settings import Settings, load_settings  # noqa: E402
from bot.engine import Engine  # noqa: E402
from bot.storage.conversations import ConversationStore  # noqa: E402
from bot.storage.db import open_database  # noqa: E402
from tests.fake_telegram import TOKEN, FakeBotAPI  # noqa: E402

QUESTIONS = ["wat is sexting", "is sexting strafbaar", "wat doet halt", "hoe krijg ik een foto offline"]


class Stamped(list):
    """The fake's record of effects, with the moment each user's first reply arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.first: dict[int, float] = {}

    def append(self, item) -> None:
        super().append(item)
        method, params = item
        if method == "sendMessage":
            self.first.setdefault(params["chat_id"], time.perf_counter())


async def measure(parts, users: int, rate_limited: bool) -> dict[str, float]:
    api = FakeBotAPI()
    stamped = Stamped()
    api.effects = stamped
    await api.start()
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(parts, ConversationStore(open_database(Path(tmp) / "b.db"), "bench"))
        settings = Settings(
            db_path=Path(tmp) / "b.db",
            content_dir=ROOT,
            cache_dir=Path(tmp),
            pseudonym_key=load_settings().pseudonym_key,
            telegram_token=TOKEN,
            telegram_api_base_url=api.base_url,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(serve(engine, settings, stop, poll_seconds=1, rate_limited=rate_limited))
        await asyncio.sleep(0.5)
        sent_at = {}
        t0 = time.perf_counter()
        for n in range(users):
            chat = 100_000 + n
            sent_at[chat] = time.perf_counter()
            api.user_message(chat, QUESTIONS[n % len(QUESTIONS)])
        while len(stamped.first) < users and time.perf_counter() - t0 < 300:
            await asyncio.sleep(0.05)
        stop.set()
        await task
    await api.stop()
    latencies = sorted(stamped.first[c] - sent_at[c] for c in sent_at if c in stamped.first)
    total = max(stamped.first.values()) - t0
    return {
        "answered": len(latencies),
        "per_second": len(latencies) / total,
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=500)
    args = ap.parse_args()
    parts, _ = build_parts(load_settings())
    for rate_limited in (False, True):
        r = asyncio.run(measure(parts, args.users, rate_limited))
        label = "rate limiter on " if rate_limited else "rate limiter off"
        print(
            f"{label}: {r['answered']}/{args.users} answered, {r['per_second']:.0f} messages/s, "
            f"update to sendMessage p50 {r['p50']:.2f} s, p99 {r['p99']:.2f} s"
        )


if __name__ == "__main__":
    main()
