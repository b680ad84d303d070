"""Never deaf, never silent: one bad update, a failing stage or a broken loop stops nothing.

Each test runs the real runner, worker, delivery loop and watchdog against the fake Bot
API on loopback. Failures are caused at the channel's own seams (bot/channels/faults.py)
or by what Telegram sends; our code is never mocked. Each test checks that every message
is answered, that an acute message still gets its crisis reply and its alert, that the
watchdog's second channel says what it should (and nothing else), and that no text,
chat id, name or token reaches the log.
"""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from bot.channels.faults import Seams
from bot.channels.health import ask_health
from tests.fake_telegram_bot import ACUTE, ANNA, GROUP, QUIET, running_bot

pytestmark = pytest.mark.filterwarnings("ignore:Please use 'Bot.getUpdates'")


def crisis(text: str) -> bool:
    return "113" in text and "112" in text


def raising_for(marker: str):
    def hook(incoming) -> None:
        if marker in incoming.text:
            raise RuntimeError("injected at the channel seam")

    return hook


async def test_forged_staff_buttons_do_not_stop_the_bot(parts, tmp_path) -> None:
    async with running_bot(parts, tmp_path) as bot:
        api = bot.api
        api.user_message(7310001, "ik wil dood")
        await bot.until(lambda: api.topics, "the first case's topic")
        for data in ("claim:99999999999999999999999", "claim:²", "close:٣", "outcome:1:x:y:z"):
            api.callback(GROUP, data, user_id=ANNA, chat_type="supergroup")
        api.user_message(7310002, ACUTE)
        await bot.until(lambda: any(crisis(t) for t in bot.texts_to(7310002)), "the crisis reply")
        await bot.until(lambda: any("Casus #2" in t for t in bot.texts_to(GROUP)), "the second alert")
        await bot.until(lambda: sum("Niet gelukt" in t for t in bot.texts_to(GROUP)) >= 3, "refusals")
        assert not bot.rows("SELECT key FROM inbox")  # nothing stuck, nothing parked
        bot.assert_no_leak("7310001", "7310002", "ik wil dood", "pillen")


async def test_an_engine_error_on_one_message_and_the_next_one_acute(parts, tmp_path) -> None:
    seams = Seams(before_turn=raising_for("boem"))
    async with running_bot(parts, tmp_path, seams=seams) as bot:
        api = bot.api
        api.user_message(7320001, "boem, wat is sexting")
        api.user_message(7320002, ACUTE)
        api.user_message(7320003, "boem " + ACUTE)  # the acute message itself fails in the engine
        await bot.until(lambda: bot.texts_to(7320001), "the calm reply")
        calm = bot.texts_to(7320001)[0]
        assert "Sorry" in calm and crisis(calm)
        await bot.until(lambda: any(crisis(t) for t in bot.texts_to(7320002)), "the crisis reply")
        await bot.until(lambda: any(crisis(t) for t in bot.texts_to(7320003)), "the fail-safe crisis")
        assert "Sorry" not in bot.texts_to(7320003)[0]  # at acute risk: the crisis text itself
        await bot.until(lambda: sum("ACUUT" in t for t in bot.texts_to(GROUP)) >= 2, "both alerts")
        api.user_message(7320001, "wat is sexting")  # the first person, again: normal service
        await bot.until(lambda: len(bot.texts_to(7320001)) >= 2, "the next answer")
        assert "Sorry" not in bot.texts_to(7320001)[-1]
        assert all(len(bot.texts_to(c)) == len(set(bot.texts_to(c))) for c in (7320001, 7320002, 7320003))
        assert "worker: update telegram:" in bot.log_text() and "RuntimeError at bot/" in bot.log_text()
        bot.assert_no_leak("7320001", "7320002", "7320003", "boem", "pillen", "sexting")


async def test_an_update_that_fails_again_is_parked_and_the_werkgroep_told(parts, tmp_path) -> None:
    seams = Seams(before_turn=raising_for("kapot"), before_safe_answer=raising_for("kapot"))
    watch = dataclasses.replace(QUIET, check_seconds=0.1)
    async with running_bot(parts, tmp_path, seams=seams, watch=watch) as bot:
        api = bot.api
        api.user_message(7330001, "kapot: wat is grooming")
        api.user_message(7330002, "kapot: ik wil dood")
        api.user_message(7330003, "wat is grooming")
        await bot.until(lambda: bot.texts_to(7330003), "the message after them")
        await bot.until(lambda: bot.texts_to(7330001) and bot.texts_to(7330002), "fixed replies")
        assert all(crisis(bot.texts_to(c)[0]) for c in (7330001, 7330002))
        parked = bot.rows(
            "SELECT failure, text, payload FROM inbox WHERE state = 'parked' ORDER BY update_id"
        )
        assert [p[0].startswith("RuntimeError, then RuntimeError") for p in parked] == [True, True]
        assert parked[1][0].endswith("risk acute") and all(p[1] is None and p[2] is None for p in parked)
        await bot.until(lambda: any("risico" in t for t in bot.receiver.titles()), "the second channel")
        assert len(bot.receiver.notes) == 1  # only the risky one, once
        await asyncio.sleep(0.5)
        assert bot.api.calls_of("getUpdates") and len(bot.receiver.notes) == 1
        code, line = await asyncio.to_thread(ask_health, f"127.0.0.1:{bot.health.port}")
        assert code == 0 and "2 parked" in line
        bot.assert_no_leak("7330001", "7330002", "kapot", "grooming")


async def test_unreadable_updates_are_parked_never_logged(parts, tmp_path) -> None:
    sender = {"id": 7340001, "is_bot": False, "first_name": "Noor", "username": "noor_geheim"}
    chat = {"id": 7340001, "type": "private", "first_name": "Noor", "username": "noor_geheim"}
    poll = {"id": "1", "question": "geheime peiling?"}  # a poll missing the fields Bot API 9 requires
    raws = [
        {"message": {"message_id": 1, "date": 0, "from": sender, "text": "geheim zonder chat"}},
        {"message": {"message_id": 2, "date": 0, "chat": chat, "from": sender, "poll": poll}},
        {"message": {"message_id": 3, "date": "gisteren", "chat": chat, "from": sender, "text": ACUTE}},
        {"message": {"message_id": 4, "date": 0, "chat": {**chat, "id": "7340002"}, "from": sender}},
        {"callback_query": {"id": 5, "from": sender, "data": {"geheim": 1}}},
        {"message": ["geheim"]},
    ]
    async with running_bot(parts, tmp_path) as bot:
        for raw in raws:
            bot.api.raw_update(raw)
        bot.api.user_message(7340003, "wat is sexting")
        await bot.until(lambda: bot.texts_to(7340003), "the normal message after them")
        await bot.until(lambda: bot.rows("SELECT 1 FROM outbox WHERE kind = 'alert'"), "the acute alert")
        await bot.until(lambda: len(bot.texts_to(7340001)) == 2, "two fail-safe replies")
        assert crisis(bot.texts_to(7340001)[0]) and crisis(bot.texts_to(7340001)[1])
        await bot.until(lambda: bot.texts_to(7340002), "an answer to the chat whose id was a string")
        parked = bot.rows("SELECT COUNT(*) FROM inbox WHERE state = 'parked'")[0][0]
        assert parked == len(raws) - 1  # PTB reads a chat id given as a string: answered
        assert not bot.api.pending_ids  # every update confirmed: polling goes on
        bot.assert_no_leak("7340001", "7340002", "Noor", "noor_geheim", "geheim", "pillen")
