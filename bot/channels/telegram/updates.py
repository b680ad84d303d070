"""A Telegram update reduced to what the bot needs, with who sent it pseudonymised.

Nothing of a file is kept: a photo, video, voice note, sticker or document becomes the
single fact "media" (its caption is kept as text, because a caption is checked for risk
like any message). Names, usernames and phone numbers are never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from telegram import Message, Update

from bot.common.pseudonym import pseudonymise
from bot.content.escalation import EscalationConfig

CHANNEL = "telegram"
MEDIA_FIELDS = (
    "photo",
    "video",
    "animation",
    "voice",
    "video_note",
    "document",
    "sticker",
    "audio",
    "contact",
    "location",
)


@dataclass(frozen=True, slots=True)
class Item:
    key: str  # the engine's update key
    update_id: int
    kind: str  # message, media, callback, staff_message, staff_callback, ignored
    conversation_id: str | None = None  # private chats only
    chat_id: int | None = None  # to seal, reply, delete: never stored in plain form
    text: str = ""
    payload: str = ""
    language: str | None = None
    staff_id: str | None = None  # staff group only; None for someone not on the list
    thread: int | None = None  # the forum topic a staff message was written in
    message_id: int | None = None  # an incoming media message, to delete it
    callback_id: str | None = None  # to answer a button tap at once


class _UpdateFields(TypedDict):
    """What every Item of one update starts with."""

    key: str
    update_id: int


def reduce(update: Update, key: bytes, config: EscalationConfig) -> Item:
    """The fields the bot needs from one update."""
    base: _UpdateFields = {"key": f"{CHANNEL}:{update.update_id}", "update_id": update.update_id}
    staff_chats = {
        int(t.chat.removeprefix("telegram:")) for t in config.teams.values() if t.chat.startswith("telegram:")
    }
    if update.callback_query is not None:
        query = update.callback_query
        chat = query.message.chat if query.message else None
        if chat is None:
            return Item(**base, kind="ignored", callback_id=query.id)
        if chat.id in staff_chats:
            staff = config.staff_by_telegram(query.from_user.id)
            return Item(
                **base,
                kind="staff_callback",
                payload=query.data or "",
                staff_id=staff.id if staff else None,
                callback_id=query.id,
                chat_id=chat.id,
            )
        return Item(
            **base,
            kind="callback",
            conversation_id=pseudonymise(key, CHANNEL, chat.id),
            chat_id=chat.id,
            payload=query.data or "",
            language=_language(query.from_user.language_code),
            callback_id=query.id,
        )
    message = update.message or update.edited_message
    if message is None or message.from_user is None:
        return Item(**base, kind="ignored")
    if message.chat.id in staff_chats:
        staff = config.staff_by_telegram(message.from_user.id)
        return Item(
            **base,
            kind="staff_message",
            text=message.text or "",
            staff_id=staff.id if staff else None,
            thread=message.message_thread_id if message.is_topic_message else None,
            chat_id=message.chat.id,
        )
    if message.chat.type != "private":
        return Item(**base, kind="ignored")  # a group the bot was added to: not a conversation
    media = has_media(message)
    # An edited text is a new text: someone may edit "hoi" into "ik wil dood", so it goes
    # through the risk check and is answered like any message (its own update key).
    return Item(
        **base,
        kind="media" if media else "message",
        conversation_id=pseudonymise(key, CHANNEL, message.chat.id),
        chat_id=message.chat.id,
        text=(message.caption if media else message.text) or "",
        language=_language(message.from_user.language_code),
        message_id=message.message_id if media else None,
    )


def has_media(message: Message) -> bool:
    return any(getattr(message, name, None) for name in MEDIA_FIELDS)


def _language(code: str | None) -> str | None:
    """Telegram's language_code as a hint: only the two languages the bot speaks."""
    if not code:
        return None
    base = code.split("-")[0].lower()
    return base if base in ("nl", "en") else None
