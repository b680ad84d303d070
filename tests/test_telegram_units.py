"""The Telegram channel's small parts: what is kept of an update, and sealed addresses."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from telegram import Bot, Update

from bot.channels.telegram.updates import reduce
from bot.storage.addresses import AddressBook
from bot.storage.db import open_database
from tests.conftest import TEST_KEY

USER = {
    "id": 4242424242,
    "is_bot": False,
    "first_name": "Sam",
    "username": "sam_123",
    "language_code": "en-GB",
}
PRIVATE = {"id": 4242424242, "type": "private", "first_name": "Sam", "username": "sam_123"}
STAFF_GROUP = {"id": -100777, "type": "supergroup", "title": "Werkgroep", "is_forum": True}


def update(parts, payload: dict):
    bot = Bot("123456:TEST-token-not-real")
    config = parts.escalation
    teams = {k: dataclasses.replace(t, chat="telegram:-100777") for k, t in config.teams.items()}
    staff = {
        k: dataclasses.replace(s, telegram_user_id=11) if k == "anna" else s for k, s in config.staff.items()
    }
    config = dataclasses.replace(config, teams=teams, staff=staff)
    return reduce(Update.de_json(payload, bot), TEST_KEY, config)


def message(**fields) -> dict:
    return {"message_id": 5, "date": 0, "chat": PRIVATE, "from": USER, **fields}


def test_a_photo_keeps_only_its_caption_and_the_fact(parts) -> None:
    photo = [{"file_id": "AgAD-secret-file", "file_unique_id": "u1", "width": 9, "height": 9}]
    item = update(parts, {"update_id": 7, "message": message(photo=photo, caption="is dit strafbaar")})
    assert item.kind == "media" and item.text == "is dit strafbaar" and item.message_id == 5
    assert "AgAD-secret-file" not in repr(item) and "sam_123" not in repr(item) and "Sam" not in repr(item)
    assert item.conversation_id and "4242424242" not in item.conversation_id
    assert item.language == "en"


def test_an_edited_message_with_a_photo_is_media_too(parts) -> None:
    video = {"file_id": "BAAD", "file_unique_id": "u2", "width": 1, "height": 1, "duration": 1}
    item = update(parts, {"update_id": 8, "edited_message": message(video=video, edit_date=1)})
    assert item.kind == "media"


def test_text_button_and_other_chats(parts) -> None:
    assert update(parts, {"update_id": 9, "message": message(text="/start ouder")}).text == "/start ouder"
    query = {"id": "q1", "from": USER, "chat_instance": "x", "data": "/meer", "message": message(text="a")}
    tap = update(parts, {"update_id": 10, "callback_query": query})
    assert (tap.kind, tap.payload, tap.callback_id) == ("callback", "/meer", "q1")
    group = {"message_id": 1, "date": 0, "chat": {"id": -5, "type": "group", "title": "klas"}, "from": USER}
    assert update(parts, {"update_id": 11, "message": {**group, "text": "hoi"}}).kind == "ignored"


def test_staff_group_messages_name_the_staff_member_or_nobody(parts) -> None:
    base = {"message_id": 1, "date": 0, "chat": STAFF_GROUP, "message_thread_id": 3, "is_topic_message": True}
    anna = {"id": 11, "is_bot": False, "first_name": "Anna"}
    item = update(parts, {"update_id": 12, "message": {**base, "from": anna, "text": "Hoi"}})
    assert (item.kind, item.staff_id, item.thread) == ("staff_message", "anna", 3)
    stranger = update(parts, {"update_id": 13, "message": {**base, "from": USER, "text": "Hoi"}})
    assert stranger.kind == "staff_message" and stranger.staff_id is None


def test_a_sealed_address_opens_only_for_its_own_conversation(tmp_path: Path) -> None:
    db = open_database(tmp_path / "a.db")
    book = AddressBook(db, TEST_KEY)
    book.remember("conv-a", "4242424242", "now")
    book.remember("conv-b", "5353535353", "now")
    assert book.lookup("conv-a") == "4242424242"
    assert b"4242424242" not in (tmp_path / "a.db").read_bytes() + (tmp_path / "a.db-wal").read_bytes()
    db.conn.execute(
        "UPDATE addresses SET sealed = (SELECT sealed FROM addresses WHERE conversation_id = 'conv-b')"
        " WHERE conversation_id = 'conv-a'"
    )
    assert book.lookup("conv-a") is None  # a swapped row does not open: no reply to the wrong person
    assert AddressBook(db, bytes(32)).lookup("conv-b") is None  # another key opens nothing
