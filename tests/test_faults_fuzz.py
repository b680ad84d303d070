"""1,000 fuzzed updates through the whole Telegram path: no crash, no traceback, one answer each.

A seeded generator (the same 1,000 updates on every run, so a failure replays) writes what
young people's phones, a newer Bot API or an attacker could send to the fake Bot API: odd
Unicode (look-alikes, right-to-left marks, zero-width, emoji, a lone surrogate), commands
with junk, forged button data, media with captions, messages of 5,000 characters, and
updates python-telegram-bot cannot read (a poll missing fields, a date as text, a text that
is a number, entities in the wrong shape). Every update comes from a chat of its own, so
"one answer each" can be counted: each chat gets its replies exactly once.
"""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest

from bot.common.pseudonym import pseudonymise
from bot.storage.outbox import Recipient, recipient_of
from tests.conftest import TEST_KEY
from tests.fake_telegram_bot import running_bot

pytestmark = pytest.mark.filterwarnings("ignore:Please use 'Bot.getUpdates'")
COUNT = 1000
FIRST_CHAT = 8_100_000
PIECES = [
    "wat is sexting",
    "iemand chanteert me met mn nudes",
    "ik wil dood",
    "zеlfmооrd",  # Cyrillic look-alikes
    "ikwildood",
    "hij wil €200 anders stuurt hij m door",
    "mn foto gaat rond op snap",
    "wat doet halt",
    "hoi",
    "ok",
    "ja",
    "nee",
    "Deurne",
    "help",
    "/start ouder",
    "/start " + "x" * 70,
    '/gemeente{"gemeente": "Nergens"}',
    "/handover_ja",
    "/wis",
    "/stop",
    "/meer",
    "/onbekend_commando",
    "claim:99999999999999999999",
    "<b>vet</b> *ster* _lijn_ `code`",
    "\u202edraai om\u202c",
    "zero\u200bwidth\u200djoin",
    "💥🔥😈" * 5,
    "𝕳𝖊𝖑𝖕",
    "ölmek istiyorum",
    "أريد أن أموت",
    "chcę umrzeć",
    "\ud83d half an emoji",
    "tab\tnew\nline\r\n",
    "null\x00byte",
    "   ",
    "",
]
BUTTONS = [
    "/meer",
    "/handover_ja",
    "/handover_nee",
    '/gemeente{"gemeente": "Helmond"}',
    "/mens",
    "",
    "x" * 64,
]


def fuzzed(rng: random.Random, chat: int) -> tuple[str, dict]:
    """One update (without update_id) from `chat`, and its shape."""
    sender = {"id": chat, "is_bot": False, "first_name": rng.choice(["Sam", "Noor", "ﷺ", "🙂"])}
    if rng.random() < 0.5:
        sender["language_code"] = rng.choice(["nl", "en", "tr", "ar", "pl", "xx-YY", ""])
    private = {"id": chat, "type": "private", "first_name": sender["first_name"]}
    text = " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.03:
        text = (text + " ") * (5000 // max(1, len(text) + 1) + 1)
    message = {"message_id": rng.randint(1, 10**6), "date": int(time.time()), "chat": private, "from": sender}
    shape = rng.choices(["text", "button", "media", "unreadable", "odd"], [55, 15, 10, 12, 8])[0]
    return shape, _build(rng, shape, message, sender, text)


def _build(rng: random.Random, shape: str, message: dict, sender: dict, text: str) -> dict:
    if shape == "text":
        return {"message": {**message, "text": text}}
    if shape == "button":
        bot_message = {**message, "from": {"id": 1, "is_bot": True, "first_name": "Bot"}, "text": "menu"}
        query = {
            "id": str(rng.randint(1, 10**12)),
            "from": sender,
            "chat_instance": "1",
            "message": bot_message,
        }
        return {"callback_query": {**query, "data": rng.choice(BUTTONS)}}
    if shape == "media":
        photo = [{"file_id": "AgAD-fuzz", "file_unique_id": "u", "width": 1, "height": 1}]
        media = rng.choice([{"photo": photo}, {"sticker": {"file_id": "s", "file_unique_id": "u"}}])
        return {"message": {**message, **media, "caption": text}}
    if shape == "unreadable":
        broken = rng.choice(
            [
                {"poll": {"id": "1", "question": text}},  # missing fields a newer Bot API requires
                {"date": "gisteren", "text": text},
                {"text": rng.randint(0, 10**6)},
                {"entities": "geen lijst", "text": text},
                {"reply_to_message": "geen bericht", "text": text},
            ]
        )
        return {"message": {**message, **broken}}
    odd = rng.choice(
        [
            {"text": text, "entities": [{"type": "bot_command", "offset": 40, "length": 99}]},
            {"text": text, "some_field_of_bot_api_12": {"nested": [1, 2]}},
            {"text": text, "forward_origin": {"type": "hidden_user", "date": 0, "sender_user_name": "X"}},
            {"text": text, "is_topic_message": True, "message_thread_id": 7},
        ]
    )
    return {"message": {**message, **odd}}


async def test_a_thousand_fuzzed_updates_each_get_one_answer(parts, tmp_path) -> None:
    rng = random.Random(16)
    chats = [FIRST_CHAT + n for n in range(COUNT)]
    shaped = [fuzzed(rng, chat) for chat in chats]
    shapes = Counter(shape for shape, _ in shaped)
    updates = [update for _, update in shaped]
    async with running_bot(parts, tmp_path, rate_limited=False) as bot:
        started = time.monotonic()
        for update in updates:
            bot.api.raw_update(update)
        await bot.until(
            lambda: len(_sent(bot).keys() & set(chats)) == COUNT, f"all {COUNT} chats answered", 60
        )
        await bot.until(lambda: not bot.rows("SELECT 1 FROM outbox WHERE status = 'pending'"), "all sent", 30)
        took = time.monotonic() - started
        per_user = {
            recipient_of(r): n for r, n in bot.rows("SELECT recipient, COUNT(*) FROM outbox GROUP BY 1")
        }
        sent = _sent(bot)
        for chat in chats:
            rows = per_user.get(Recipient.user(pseudonymise(TEST_KEY, "telegram", chat)), 0)
            assert rows >= 1 and sent[chat] == rows, f"chat {chat}: {rows} replies written, {sent[chat]} sent"
        assert {s for (s,) in bot.rows("SELECT DISTINCT status FROM outbox")} == {"sent"}
        assert not bot.rows("SELECT key FROM inbox WHERE state = 'pending'")
        parked = bot.rows("SELECT COUNT(*) FROM inbox WHERE state = 'parked'")[0][0]
        safe = bot.log_text().count("answering it safely")
        print(
            f"\nfuzz: {COUNT} updates {dict(shapes)} answered in {took:.1f} s;"
            f" {parked} unreadable ones parked (answered by the fail-safe), {safe} turns failed and"
            f" were answered by the fail-safe, {sum(per_user.values())} replies sent"
        )
        assert "loop failed" not in bot.log_text()
        texts = {str(u.get("message", {}).get("text", "")) for u in updates}
        bot.assert_no_leak(*map(str, chats), *(t for t in texts if len(t.strip()) >= 8))


def _sent(bot) -> Counter:
    """Messages that reached each chat."""
    return Counter(m["chat_id"] for m in bot.api.effects_of("sendMessage"))
