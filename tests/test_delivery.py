"""Delivery through the real python-telegram-bot to a fake Bot API on loopback.

A channel that is down (500, 429 with retry_after, timeouts) only delays alerts;
a young person gets a staff reply at most twice; staff replies arrive in order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.delivery import DeliveryLoop
from bot.channels.telegram.transport import TelegramTransport
from bot.engine import Engine
from bot.engine.messages import Incoming
from bot.storage.outbox import Recipient, recipient_of
from tests.conftest import Clock
from tests.fake_telegram import TOKEN, FakeBotAPI

TEAM_CHAT = -1001
USER_CHAT = 777


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    fake = FakeBotAPI(slow_seconds=1.0)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def loop(api: FakeBotAPI, engine: Engine, clock: Clock) -> AsyncIterator[DeliveryLoop]:
    config = engine.desk.config
    teams = {k: dataclasses.replace(t, chat=f"telegram:{TEAM_CHAT}") for k, t in config.teams.items()}
    request = HTTPXRequest(read_timeout=0.4, connect_timeout=1.0)
    bot = Bot(TOKEN, base_url=api.base_url, request=request)
    async with bot:
        transport = TelegramTransport(bot, dataclasses.replace(config, teams=teams), lambda _: USER_CHAT)
        yield DeliveryLoop(engine.store.db, engine.desk, transport, clock, engine.lock)


async def rounds(loop: DeliveryLoop, clock: Clock, count: int, minutes: float = 1.0) -> None:
    """Delivery rounds a minute apart (the clock moves; real time barely)."""
    for _ in range(count):
        await loop.run_once()
        clock.advance(minutes)


def status(engine: Engine) -> list[tuple[str, str]]:
    return engine.store.db.execute("SELECT kind, status FROM outbox ORDER BY id").fetchall()


async def test_a_failing_channel_only_delays_the_alert(api, engine, loop, clock) -> None:
    api.plan.extend(["500", "429:3", "timeout", "500", "ok"])
    await engine.handle(Incoming("c", text="ik wil er een eind aan maken"))
    await rounds(loop, clock, 8)
    assert status(engine) == [("alert", "sent")]
    alerts = [m for m in api.delivered if m["chat_id"] == TEAM_CHAT]
    assert 1 <= len(alerts) <= 2 and all("Casus #1" in m["text"] for m in alerts)  # a repeat shows its number
    assert alerts[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "claim:1"


async def test_retry_after_is_respected(api, engine, loop, clock) -> None:
    api.plan.extend(["429:120"])
    await engine.handle(Incoming("c", text="ik wil er een eind aan maken"))
    await rounds(loop, clock, 1, minutes=1)
    await rounds(loop, clock, 1, minutes=0)
    assert not api.delivered  # 60 s later, the server asked for 120
    clock.advance(1.1)
    await rounds(loop, clock, 1)
    assert len(api.delivered) == 1


async def test_a_reply_to_a_young_person_is_retried_at_most_once_after_a_timeout(
    api, engine, loop, clock
) -> None:
    await engine.handle(Incoming("c", text="ik wil er een eind aan maken"))
    await rounds(loop, clock, 1)
    engine.desk.claim("anna", 1, clock())
    api.plan.extend(["ok", "ok", "timeout", "timeout"])  # claimed (staff), joined (user), the reply
    engine.desk.reply("anna", 1, "Hoi, met Anna.", clock())
    await rounds(loop, clock, 6)
    to_user = [m for m in api.delivered if m["chat_id"] == USER_CHAT]
    assert [m["text"] for m in to_user].count("Anna (werkgroep): Hoi, met Anna.") == 2
    assert ("staff_reply", "uncertain") in status(engine)


async def test_a_blocked_bot_marks_the_reply_failed(api, engine, loop, clock) -> None:
    await engine.handle(Incoming("c", text="ik wil er een eind aan maken"))
    await rounds(loop, clock, 1)
    engine.desk.claim("anna", 1, clock())
    api.plan.extend(["ok", "403"])  # the claimed notice goes to staff; the user blocked the bot
    await rounds(loop, clock, 2)
    assert ("staff_joined", "failed") in status(engine)


async def test_staff_replies_arrive_in_order(api, engine, loop, clock) -> None:
    await engine.handle(Incoming("c", text="ik wil er een eind aan maken"))
    await rounds(loop, clock, 1)
    engine.desk.claim("anna", 1, clock())
    for n in range(1, 6):
        engine.desk.reply("anna", 1, f"bericht {n}", clock())
    api.plan.extend(["ok", "500", "ok", "429:1", "ok", "500", "500", "ok"])
    await rounds(loop, clock, 20)
    texts = [m["text"] for m in api.delivered if m["chat_id"] == USER_CHAT and "bericht" in m["text"]]
    assert texts == [f"Anna (werkgroep): bericht {n}" for n in range(1, 6)]


async def test_a_young_persons_reply_is_retried_until_delivered(api, engine, loop, clock) -> None:
    """5xx, 429 and the 502 page of Telegram's front end for half an hour: no cap, one copy."""
    api.plan.extend(["ok", *(["500", "502", "429:5"] * 10), "ok"])  # the alert first, then the reply
    await engine.handle(Incoming("c", text="ik wil er een eind aan maken", deliver_via_outbox=True))
    await rounds(loop, clock, 40, minutes=0.1)  # 6 s apart: longer than the 4 s backoff cap
    to_user = [m["text"] for m in api.delivered if m["chat_id"] == USER_CHAT]
    assert "113" in to_user[0] and len(to_user) == len(set(to_user))  # each reply once
    assert status(engine) == [("alert", "sent"), ("reply", "sent")]  # the crisis text, one bubble
    assert len(api.calls_of("sendMessage")) >= 30  # the failures really happened


async def test_only_a_definitive_refusal_is_final(api, engine, loop, clock) -> None:
    api.plan.extend(["ok", "400:Bad Request: chat not found"])
    await engine.handle(Incoming("c", text="ik wil er een eind aan maken", deliver_via_outbox=True))
    await rounds(loop, clock, 3)
    assert ("reply", "failed") in status(engine)
    kinds = [kind for kind, _ in status(engine)]
    assert "user_unreachable" in kinds  # the reply belonged to a person with a case: staff are told


async def test_alerts_go_out_before_ordinary_replies(api, engine, clock) -> None:
    config = engine.desk.config
    teams = {k: dataclasses.replace(t, chat=f"telegram:{TEAM_CHAT}") for k, t in config.teams.items()}
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        transport = TelegramTransport(
            bot, dataclasses.replace(config, teams=teams), lambda c: 1000 + int(c[1:])
        )
        one_at_a_time = DeliveryLoop(engine.store.db, engine.desk, transport, clock, engine.lock, parallel=1)
        for n in range(5):
            await engine.handle(Incoming(f"u{n}", text="wat is sexting", deliver_via_outbox=True))
        await engine.handle(Incoming("u9", text="ik wil er een eind aan maken", deliver_via_outbox=True))
        await rounds(one_at_a_time, clock, 3, minutes=0)
    order = [m["chat_id"] for m in api.delivered]
    assert order[:2] == [TEAM_CHAT, 1009]  # the alert, then the crisis reply, then the rest


async def test_an_undelivered_reply_to_a_person_with_a_case_is_reported_once(api, engine, clock) -> None:
    config = engine.desk.config
    teams = {k: dataclasses.replace(t, chat=f"telegram:{TEAM_CHAT}") for k, t in config.teams.items()}
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        transport = TelegramTransport(bot, dataclasses.replace(config, teams=teams), lambda _: USER_CHAT)
        watched = DeliveryLoop(
            engine.store.db,
            engine.desk,
            transport,
            clock,
            engine.lock,
            undelivered_after=timedelta(minutes=1),
        )
        api.fail("sendMessage", kinds=("502",))  # Telegram's front end is down
        await engine.handle(Incoming("c", text="ik wil er een eind aan maken", deliver_via_outbox=True))
        await rounds(watched, clock, 4, minutes=0.5)
        api.clear_failures()
        await rounds(watched, clock, 3, minutes=0.1)
    reported = [m for m in api.delivered if m["chat_id"] == TEAM_CHAT and "niet aan" in m["text"]]
    assert len(reported) == 1 and "Casus #1" in reported[0]["text"]
    events = engine.store.db.execute("SELECT COUNT(*) FROM case_events WHERE kind = 'reply_undelivered'")
    assert events.fetchone()[0] == 1
    backup = engine.store.db.execute(
        "SELECT recipient FROM outbox WHERE kind = 'reply_undelivered'"
    ).fetchall()
    assert len(backup) == 2
    assert {recipient_of(r[0]) for r in backup} == {Recipient.staff("coordinator"), Recipient.team("helmond")}
