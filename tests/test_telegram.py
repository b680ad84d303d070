"""Telegram end to end: the real runner and python-telegram-bot against the fake Bot API.

Young people in private chats, the werkgroep in a forum supergroup; every check is on
what the fake Bot API received, as a phone would show it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.channels.telegram.runner import serve
from bot.common.logs import configure_logging
from bot.engine import Engine
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database
from tests.fake_telegram import TOKEN, FakeBotAPI
from tests.fake_telegram_bot import settings_for

pytestmark = pytest.mark.filterwarnings("ignore:Please use 'Bot.getUpdates'")  # read one by one on purpose
GROUP = -1001234
ANNA, STRANGER = 11, 99


@dataclass
class Running:
    api: FakeBotAPI
    engine: Engine

    def texts_to(self, chat: int) -> list[str]:
        return [m["text"] for m in self.api.effects_of("sendMessage") if m["chat_id"] == chat]

    def last_to(self, chat: int) -> dict:
        return [m for m in self.api.effects_of("sendMessage") if m["chat_id"] == chat][-1]

    async def until(self, check: Callable[[], bool], what: str, seconds: float = 8.0) -> None:
        deadline = time.monotonic() + seconds
        while not check():
            assert time.monotonic() < deadline, f"never: {what}"
            await asyncio.sleep(0.02)

    async def says(self, chat: int, words: str) -> None:
        await self.until(lambda: any(words in t for t in self.texts_to(chat)), f"{words!r} to {chat}")


def staff_config(parts):
    config = parts.escalation
    teams = {k: dataclasses.replace(t, chat=f"telegram:{GROUP}") for k, t in config.teams.items()}
    staff = dict(config.staff) | {"anna": dataclasses.replace(config.staff["anna"], telegram_user_id=ANNA)}
    return dataclasses.replace(config, teams=teams, staff=staff)


@pytest.fixture
async def bot(parts, tmp_path: Path) -> AsyncIterator[Running]:
    api = FakeBotAPI()
    await api.start()
    engine = Engine(
        dataclasses.replace(parts, escalation=staff_config(parts)),
        ConversationStore(open_database(tmp_path / "bot.db"), "t"),
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(engine, settings_for(tmp_path, api), stop, poll_seconds=1))
    try:
        yield Running(api, engine)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await api.stop()


async def test_a_question_is_answered_with_buttons_and_a_tap_goes_on(bot: Running) -> None:
    bot.api.user_message(501, "wat is sexting eigenlijk")
    await bot.says(501, "computer")
    first = bot.last_to(501)
    assert first["reply_markup"]["inline_keyboard"]  # buttons as an inline keyboard
    bot.api.callback(501, "/meer")
    await bot.until(lambda: len(bot.api.answers) == 1, "the tap answered at once")
    await bot.until(lambda: len(bot.texts_to(501)) >= 2, "the next part")
    assert bot.texts_to(501)[-1] != first["text"]
    assert {c["language_code"] for c in bot.api.effects_of("setMyCommands") if c.get("language_code")} == {
        "nl",
        "en",
    }


async def test_a_photo_is_deleted_never_fetched_and_explained(bot: Running) -> None:
    update = bot.api.user_photo(502, caption="is dit strafbaar?")
    await bot.says(502, "Ik kan geen foto's")
    assert len(bot.api.deleted) == 1 and bot.api.deleted[0][0] == 502
    assert not bot.api.file_requests and not bot.api.calls_of("getFile")
    stored = bot.engine.store.db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
    assert stored == 0 and update  # handled and gone; no file_id anywhere
    dump = "\n".join(bot.engine.store.db.conn.iterdump())
    assert "file_id" not in dump and "AgAC" not in dump


async def test_consent_alert_in_a_topic_claim_reply_and_close(bot: Running) -> None:
    api = bot.api
    api.user_message(503, "iemand chanteert me met mn nudes, hij wil geld")
    await bot.says(503, "Wil je dat iemand van de werkgroep met je meechat?")
    api.callback(503, "/handover_ja")
    await bot.says(503, "In welke gemeente")
    api.callback(503, '/gemeente{"gemeente": "Helmond"}')
    await bot.until(lambda: api.topics, "a forum topic for the case")
    thread = api.topics[0]["message_thread_id"]
    assert api.topics[0]["name"].startswith("#1 hoog risico Helmond")
    await bot.until(lambda: any("Casus #1" in t for t in bot.texts_to(GROUP)), "the alert")
    alert = next(m for m in api.effects_of("sendMessage") if m["chat_id"] == GROUP)
    assert alert["message_thread_id"] == thread and "503" not in alert["text"]

    api.callback(GROUP, "claim:1", user_id=ANNA, chat_type="supergroup")
    await bot.says(503, "Anna van de werkgroep leest nu mee")
    api.group_message(GROUP, ANNA, "Hoi, ik ben Anna. Wat is er gebeurd?", message_thread_id=thread)
    await bot.says(503, "Anna (werkgroep): Hoi, ik ben Anna. Wat is er gebeurd?")
    api.user_message(503, "hij heeft mn insta")
    await bot.says(GROUP, "Casus #1 · jongere: hij heeft mn insta")

    api.callback(GROUP, "close:1", user_id=ANNA, chat_type="supergroup")
    await bot.says(GROUP, "kies de uitkomst")
    api.callback(GROUP, "outcome:1:advies-gegeven", user_id=ANNA, chat_type="supergroup")
    await bot.says(503, "De medewerker heeft het gesprek afgesloten")


async def test_acute_alerts_without_asking(bot: Running) -> None:
    bot.api.user_message(504, "ik wil er een eind aan maken vannacht")
    await bot.says(504, "113")
    assert "?" not in bot.texts_to(504)[0].split("113")[0]  # no question before the number
    await bot.until(lambda: any("ACUUT" in t for t in bot.texts_to(GROUP)), "the acute alert")


async def test_strangers_and_forged_buttons_are_refused(bot: Running) -> None:
    bot.api.user_message(505, "ik wil dood")
    await bot.until(lambda: bot.api.topics, "the case topic")
    thread = bot.api.topics[0]["message_thread_id"]
    bot.api.group_message(GROUP, STRANGER, "hoi jongere, ik ben het", message_thread_id=thread)
    await bot.says(GROUP, "Niet gelukt: alleen medewerkers")
    bot.api.callback(GROUP, "claim:1", user_id=STRANGER, chat_type="supergroup")
    await bot.until(
        lambda: sum("Niet gelukt" in t for t in bot.texts_to(GROUP)) == 2, "the forged claim refused"
    )
    assert not any("ik ben het" in t for t in bot.texts_to(505))
    refused = bot.engine.store.db.execute(
        "SELECT COUNT(*) FROM case_events WHERE kind = 'refused'"
    ).fetchone()[0]
    assert refused == 2


async def test_a_flaky_api_delays_but_loses_no_reply(bot: Running) -> None:
    bot.api.fail(every=5, kinds=("429:1", "500", "hang"))
    bot.api.hang_seconds = 2.0
    chats = list(range(600, 612))
    for chat in chats:
        bot.api.user_message(chat, "wat doet halt")
    for chat in chats:
        await bot.until(lambda c=chat: bot.texts_to(c), f"an answer to {chat}", seconds=40)
    assert all(len(bot.texts_to(c)) <= 2 for c in chats)  # at most one repeat after a timeout
    failed = len(bot.api.calls) - len(bot.api.effects)
    assert failed >= 5  # the storm really happened


async def test_logs_at_debug_hold_no_text_token_id_or_name(bot: Running) -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("DEBUG", secrets=[TOKEN], stream=stream)
    try:
        bot.api.user_message(50777, "geheime-vraag-over-sexting", first_name="Noor", username="noor_2010")
        bot.api.user_photo(50777, caption="geheime-caption")
        bot.api.user_message(50777, "ik wil dood geheime-crisis")
        await bot.says(50777, "113")
        await bot.until(lambda: any("ACUUT" in t for t in bot.texts_to(GROUP)), "the alert")
    finally:
        root.handlers[:], root.level = saved
    logged = stream.getvalue()
    assert "stored" in logged and "outbox" in logged  # the bot did log, at DEBUG
    for leak in ("geheime", TOKEN, "50777", "Noor", "noor_2010", str(GROUP)):
        assert leak not in logged, leak


async def test_the_database_holds_no_telegram_id_name_or_token(bot: Running, tmp_path: Path) -> None:
    chat = 918273645
    bot.api.user_message(chat, "iemand chanteert me", first_name="Fenna", username="fenna_xx")
    await bot.says(chat, "Wil je dat iemand")
    bot.api.callback(chat, "/handover_ja", first_name="Fenna", username="fenna_xx")
    await bot.says(chat, "In welke gemeente")
    bot.api.callback(chat, '/gemeente{"gemeente": "Helmond"}', first_name="Fenna", username="fenna_xx")
    await bot.until(lambda: any("Casus #1" in t for t in bot.texts_to(GROUP)), "the alert")
    bot.api.callback(GROUP, "claim:1", user_id=ANNA, chat_type="supergroup")
    await bot.says(chat, "leest nu mee")
    db = tmp_path / "bot.db"
    data = db.read_bytes() + db.with_name("bot.db-wal").read_bytes()
    for secret in (str(chat), "Fenna", "fenna_xx", TOKEN):
        assert secret.encode() not in data, secret
    assert bot.engine.store.db.execute("SELECT COUNT(*) FROM addresses").fetchone()[0] == 1  # sealed


async def test_without_topics_a_case_is_a_reply_chain(bot: Running) -> None:
    bot.api.topics_enabled = False
    bot.api.user_message(506, "ik wil dood")
    await bot.until(lambda: any("Casus #1" in t for t in bot.texts_to(GROUP)), "the alert")
    bot.api.user_message(506, "ik ben zo bang")
    await bot.says(GROUP, "ik ben zo bang")
    alert, relayed = [m for m in bot.api.effects_of("sendMessage") if m["chat_id"] == GROUP][:2]
    assert "message_thread_id" not in alert or alert["message_thread_id"] is None
    anchor = next(
        m for (chat, _), m in bot.api.messages.items() if chat == GROUP and "Casus #1 —" in m.get("text", "")
    )
    assert relayed["reply_parameters"]["message_id"] == anchor["message_id"]


async def test_webhook_mode_checks_the_secret_and_answers_after_storing(parts, tmp_path: Path) -> None:
    import socket
    import urllib.error
    import urllib.request

    api = FakeBotAPI()
    await api.start()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    engine = Engine(parts, ConversationStore(open_database(tmp_path / "bot.db"), "t"))
    settings = settings_for(
        tmp_path,
        api,
        webhook_url="https://bot.example.nl/telegram",
        webhook_secret="s3cret-webhook",
        webhook_listen=f"127.0.0.1:{port}",
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(engine, settings, stop, poll_seconds=1))
    running = Running(api, engine)
    try:
        await running.until(lambda: api.calls_of("setWebhook"), "setWebhook")
        assert api.calls_of("setWebhook")[0]["secret_token"] == "s3cret-webhook"
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 777001, "type": "private"},
                "from": {"id": 777001, "is_bot": False, "first_name": "X"},
                "text": "wat is sexting",
            },
        }

        def post(secret: str | None) -> int:
            headers = {"Content-Type": "application/json"} | (
                {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
            )
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/telegram", json.dumps(update).encode(), headers
            )
            try:
                return urllib.request.urlopen(request, timeout=5).status
            except urllib.error.HTTPError as error:
                return error.code

        assert await asyncio.to_thread(post, None) == 403
        assert await asyncio.to_thread(post, "wrong") == 403
        assert await asyncio.to_thread(post, "s3cret-webhook") == 200
        await running.says(777001, "computer")
        assert not api.calls_of("getUpdates")  # webhook mode: no polling
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await api.stop()
