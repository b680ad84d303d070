"""The fake Bot API behaves as Telegram documents it, seen through the real python-telegram-bot.

Why test a test double: the delivery, ingestion and crash tests are only as good as the fake's
offset, long-poll and failure semantics; if the fake drifted from Telegram, those tests would
pass against behaviour the real service never shows. (PTB capitalises Telegram's error
descriptions, "Message thread not found", so error matches ignore case.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from tests.fake_telegram import MEDIA_FIELDS, TOKEN, FakeBotAPI

CHAT = 777  # a young person's private chat (its id is the user id)
STAFF = -1001234567890  # the staff supergroup
ANNA = 4242  # a staff member
READ_TIMEOUT = 0.5  # the client gives up on a request after this; a "hang" lasts longer


def request() -> HTTPXRequest:
    return HTTPXRequest(connect_timeout=1.0, read_timeout=READ_TIMEOUT, pool_timeout=1.0)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI(slow_seconds=1.0, hang_seconds=3.0)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, request=request(), get_updates_request=request()) as bot:
        yield bot


def ids(updates: tuple[Update, ...]) -> list[int]:
    return [u.update_id for u in updates]


async def test_an_unconfirmed_update_comes_back_and_a_confirmed_one_does_not(fake, bot) -> None:
    first = fake.user_message(CHAT, "hoi")
    second = fake.user_message(CHAT, "/start ouder")
    assert second == first + 1  # update_id grows by one
    assert ids(await bot.get_updates()) == [first, second]
    assert ids(await bot.get_updates()) == [first, second]  # nothing confirmed yet: sent again
    assert ids(await bot.get_updates(offset=first, limit=1)) == [first]
    assert ids(await bot.get_updates(offset=first + 1)) == [second]  # this confirmed the first
    assert ids(await bot.get_updates()) == [second]
    assert fake.pending_ids == [second]
    third = fake.user_message(CHAT, "nog iets")
    assert ids(await bot.get_updates(offset=-1)) == [third]  # a negative offset forgets the rest
    assert await bot.get_updates(offset=third + 1) == ()

    command = fake.updates[second]["message"]
    assert command["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert fake.updates[first]["message"]["from"]["language_code"] == "nl"


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(fake, bot) -> None:
    loop = asyncio.get_running_loop()
    loop.call_later(0.2, fake.user_message, CHAT, "hallo?")
    started = loop.time()
    updates = await bot.get_updates(timeout=5)
    assert loop.time() - started < 1.0
    assert updates[0].message.text == "hallo?"
    assert updates[0].message.chat.type == "private"


async def test_an_empty_long_poll_is_held_for_its_timeout(fake, bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < loop.time() - started < 1.5


async def test_a_second_poller_ends_the_held_poll_with_a_conflict(fake, bot) -> None:
    held = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    newer = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    update_id = fake.user_message(CHAT, "hoi")
    assert ids(await newer) == [update_id]
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await held


async def test_stop_releases_a_held_long_poll_promptly(fake, bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await fake.stop()
    assert await asyncio.wait_for(poll, 1.0) == ()
    assert loop.time() - started < 1.0


async def test_telegram_can_go_away_and_come_back_with_its_updates(fake, bot) -> None:
    update_id = fake.user_message(CHAT, "hoi")
    port = fake.port
    await fake.stop()
    with pytest.raises(NetworkError):
        await bot.get_me()
    await fake.start()
    assert fake.port == port
    assert ids(await bot.get_updates()) == [update_id]


async def test_a_webhook_blocks_polling_until_it_is_deleted(fake, bot) -> None:
    fake.user_message(CHAT, "hoi")
    await bot.set_webhook("https://bot.example.invalid/hook", secret_token="s3cret")
    assert fake.webhook["secret_token"] == "s3cret"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


async def test_media_updates_parse_into_ptb_objects_and_are_never_fetched_unasked(fake, bot) -> None:
    photo = fake.user_photo(CHAT, caption="kijk")
    for kind in MEDIA_FIELDS:
        getattr(fake, f"user_{kind}")(CHAT)
    edited = fake.edited_message(CHAT, fake.updates[photo]["message"]["message_id"], media="photo")
    updates = {u.update_id: u for u in await bot.get_updates()}

    message = updates[photo].message
    assert message.caption == "kijk"
    assert [size.width for size in message.photo] == [90, 320, 1280]
    assert all(size.file_id and size.file_unique_id for size in message.photo)
    for update, kind in zip(list(updates.values())[1:], MEDIA_FIELDS, strict=False):
        assert getattr(update.message, kind), kind
    animation = next(u.message for u in updates.values() if u.message and u.message.animation)
    assert animation.document  # Telegram sets both for an animation
    assert updates[edited].edited_message.photo and updates[edited].edited_message.edit_date
    assert updates[edited].edited_message.photo[0].file_id != message.photo[0].file_id
    assert not fake.calls_of("getFile") and not fake.file_requests

    file = await bot.get_file(message.photo[-1].file_id)  # it works, so "never called" means something
    assert file.file_size and fake.file_requests == [message.photo[-1].file_id]


async def test_sent_messages_are_recorded_edited_and_deleted_as_telegram_does(fake, bot) -> None:
    asked = fake.user_message(CHAT, "hoe werkt sextortion?")
    asked_id = fake.updates[asked]["message"]["message_id"]
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Meer", callback_data="more:1")]])
    sent = await bot.send_message(CHAT, "42", reply_markup=keyboard, reply_to_message_id=asked_id)
    record = fake.delivered[-1]
    assert record["text"] == "42"  # a String parameter stays text, though it looks like JSON
    assert record["reply_markup"] == {"inline_keyboard": [[{"text": "Meer", "callback_data": "more:1"}]]}
    assert record["reply_parameters"]["message_id"] == asked_id  # PTB 22 sends reply_parameters
    assert sent.message_id == asked_id + 1 and sent.reply_to_message.message_id == asked_id
    assert sent.reply_markup == keyboard

    edited = await bot.edit_message_text("43", CHAT, sent.message_id)
    assert edited.text == "43" and edited.reply_markup is None  # no reply_markup: the keyboard goes
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("43", CHAT, sent.message_id)
    await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard)
    assert fake.messages[(CHAT, sent.message_id)]["reply_markup"]["inline_keyboard"]
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("van de bot", CHAT, asked_id)

    assert await bot.delete_message(CHAT, asked_id) is True  # a user's message, in a private chat
    assert fake.deleted == [(CHAT, asked_id)]
    assert [m["message_id"] for m in fake.chat_messages(CHAT)] == [sent.message_id]
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(CHAT, asked_id)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(CHAT, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(
            CHAT,
            "x",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]]),
        )
    fake.blocked.add(CHAT)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(CHAT, "hallo")


async def test_commands_are_recorded_per_language(fake, bot) -> None:
    await bot.set_my_commands([("start", "Begin"), ("wis", "Wis mijn gegevens")], language_code="nl")
    await bot.set_my_commands([("start", "Start")])
    assert [c["command"] for c in fake.commands_for("nl")] == ["start", "wis"]
    assert fake.commands_for()[0]["description"] == "Start"
    assert [c.command for c in await bot.get_my_commands(language_code="nl")] == ["start", "wis"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Mens", "Praat met een mens")])


async def test_json_bodies_are_accepted_too(fake) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{fake.base_url}{TOKEN}/sendmessage", json={"chat_id": CHAT, "text": "42"}
        )
    assert answer.json()["result"]["text"] == "42"
    assert fake.calls[-1] == ("sendMessage", {"chat_id": CHAT, "text": "42"})  # the documented name


async def test_a_button_tap_parses_and_is_answered_once(fake, bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Sexting", callback_data="topic:sexting")]])
    sent = await bot.send_message(CHAT, "Waarover?", reply_markup=keyboard)
    tap = fake.callback(CHAT, "topic:sexting")
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert update.update_id == tap and query.data == "topic:sexting" and query.from_user.id == CHAT
    assert query.message.message_id == sent.message_id and query.message.reply_markup == keyboard
    assert await bot.answer_callback_query(query.id) is True
    assert tap in fake.answers
    with pytest.raises(BadRequest, match=r"(?i)query ID is invalid"):
        await bot.answer_callback_query(query.id)


async def test_cases_get_forum_topics_unless_topics_are_off(fake, bot) -> None:
    topic = await bot.create_forum_topic(STAFF, "Casus #1 · hoog · Helmond")
    assert topic.name == "Casus #1 · hoog · Helmond" and topic.icon_color == 7322096
    alert = await bot.send_message(STAFF, "Casus #1", message_thread_id=topic.message_thread_id)
    assert alert.is_topic_message and alert.message_thread_id == topic.message_thread_id
    assert alert.reply_to_message.forum_topic_created.name == topic.name  # as Telegram shows it
    assert fake.topics == [{"chat_id": STAFF, **topic.to_dict()}]

    fake.group_message(STAFF, ANNA, "Ik pak hem op", message_thread_id=topic.message_thread_id)
    (update,) = await bot.get_updates()
    message = update.message
    assert message.chat.type == "supergroup" and message.chat.is_forum
    assert message.message_thread_id == topic.message_thread_id and message.from_user.id == ANNA
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(STAFF, "Casus #2", message_thread_id=9999)

    fake.topics_enabled = False
    with pytest.raises(BadRequest, match=r"(?i)the chat is not a forum"):
        await bot.create_forum_topic(STAFF, "Casus #2")


async def test_a_fifth_of_all_calls_fail_with_429_500_and_hangs(fake, bot, monkeypatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB's opt-in to its next retry_after type, as the bot does
    rule = fake.fail(every=5, kinds=("429:1", "500", "hang"))
    calls = (lambda: bot.send_message(CHAT, "hoi"), bot.get_me, lambda: bot.send_chat_action(CHAT, "typing"))
    outcomes: list[str] = []
    for n in range(15):
        try:
            await calls[n % 3]()
            outcomes.append("ok")
        except (RetryAfter, TimedOut, NetworkError) as error:
            outcomes.append(type(error).__name__)
    assert outcomes[4::5] == ["RetryAfter", "NetworkError", "TimedOut"]  # getMe, sendMessage, a chat action
    assert outcomes.count("ok") == 12 and rule.failed == 3
    assert len(fake.delivered) == 4  # the failed sendMessage never arrived
    assert len(fake.effects_of("sendChatAction")) == 4  # nor did the hung one

    fake.clear_failures()
    fake.fail("deleteMessage", kinds=("502",), times=1)
    sent = await bot.send_message(CHAT, "weg")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.delete_message(CHAT, sent.message_id)
    assert await bot.delete_message(CHAT, sent.message_id)


async def test_a_real_application_polls_replies_and_confirms_on_stop(fake) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"Welkom ({' '.join(context.args)})")

    app = Application.builder().token(TOKEN).base_url(fake.base_url).request(request()).build()
    app.add_handler(CommandHandler("start", start))
    update_id = fake.user_message(CHAT, "/start ouder")
    async with app:
        await app.start()
        try:
            await app.updater.start_polling(timeout=1, poll_interval=0)
            for _ in range(50):
                if fake.delivered:
                    break
                await asyncio.sleep(0.02)
        finally:
            await app.updater.stop()
            await app.stop()
    assert fake.delivered[0]["text"] == "Welkom (ouder)"
    assert update_id not in fake.pending_ids  # the Updater confirmed it before stopping
    assert [m for m, _ in fake.calls][:2] == ["getMe", "deleteWebhook"]
