"""Outbox messages to the Telegram Bot API, and what each answer means for a retry.

Staff chats and staff members come from escalation/routes.yml; a young person's chat is
looked up by the channel (it is never stored in plain form). python-telegram-bot is
used only to make the call.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta

# python-telegram-bot 22 gives retry_after as a number unless this opts into the
# timedelta it will use in its next major version; we accept both.
os.environ.setdefault("PTB_TIMEDELTA", "1")

import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError, TimedOut

from bot.channels.delivery import Delivery
from bot.channels.telegram.topics import CaseThreads
from bot.content.escalation import EscalationConfig
from bot.storage.outbox import OutboxMessage, Recipient

MAX_TEXT = 4096


def fit(text: str) -> str:
    """At most MAX_TEXT UTF-16 code units, as Telegram counts (an emoji counts two)."""
    text = text[:MAX_TEXT]
    while len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
        text = text[: -max(1, (len(text.encode("utf-16-le")) // 2 - MAX_TEXT) // 2)]
    return text


def retry_seconds(error: RetryAfter) -> float:
    """Telegram's retry_after, as a timedelta (PTB's next major version) or a number."""
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class TelegramTransport:
    def __init__(
        self,
        bot: Bot,
        config: EscalationConfig,
        user_chat: Callable[[str], int | None],
        threads: CaseThreads | None = None,
    ) -> None:
        self.bot = bot
        self.config = config
        self.user_chat = user_chat  # conversation id -> Telegram chat id, or None when unknown
        self.threads = threads  # one forum topic per case in the staff group

    def delivers(self, recipient: Recipient) -> bool:
        """Whether this recipient reads Telegram: a team whose chat is the terminal, or staff
        without a Telegram account, get their messages from `python -m bot staff watch`."""
        key = recipient.id
        if recipient.kind == "team":
            return key not in self.config.teams or self.config.teams[key].chat != "terminal"
        if recipient.kind == "staff":
            return key not in self.config.staff or self.config.staff[key].telegram_user_id is not None
        return True

    def chat_of(self, recipient: Recipient) -> int | None:
        key = recipient.id
        if recipient.kind == "team" and key in self.config.teams:
            chat = self.config.teams[key].chat
            return int(chat.removeprefix("telegram:")) if chat.startswith("telegram:") else None
        if recipient.kind == "staff" and key in self.config.staff:
            return self.config.staff[key].telegram_user_id
        if recipient.kind == "user":
            return self.user_chat(key)
        if recipient.kind == "group":  # a direct answer in the staff group (its thread: _place)
            return int(key)
        return None

    async def send(self, message: OutboxMessage) -> Delivery:
        """One sendMessage, and what its answer means (bot/channels/delivery.py, Delivery)."""
        chat_id = self.chat_of(message.recipient)
        if chat_id is None:
            return Delivery("failed", error="no chat")
        try:
            thread, reply_to = await self._place(message, chat_id)
            try:
                sent = await self._send(message, chat_id, thread, reply_to)
            except BadRequest:
                if thread is None and reply_to is None:
                    raise
                # the case's topic was deleted, or the anchor message: the alert still goes out
                sent = await self._send(message, chat_id, None, None)
            if self.threads and message.case_id and message.recipient.kind == "team":
                await self.threads.sent(message.case_id, chat_id, sent.message_id)
        except RetryAfter as exc:
            return Delivery("retry", retry_seconds(exc), "RetryAfter")
        except TimedOut as exc:
            if isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout):
                return Delivery("retry", error="ConnectTimeout")  # never left this machine
            return Delivery("timeout", error="TimedOut")  # it may have arrived: no idempotent send
        except (Forbidden, BadRequest) as exc:
            return Delivery("failed", error=type(exc).__name__)  # blocked, chat gone, refused for good
        except TelegramError as exc:  # 5xx, no connection, a conflict: surely not delivered
            return Delivery("retry", error=type(exc).__name__)
        return Delivery("sent")

    async def _send(self, message: OutboxMessage, chat_id: int, thread: int | None, reply_to: int | None):
        keyboard = (
            InlineKeyboardMarkup(
                [[InlineKeyboardButton(b.title, callback_data=b.payload)] for b in message.buttons]
            )
            if message.buttons
            else None
        )
        return await self.bot.send_message(
            chat_id,
            fit(message.text),
            reply_markup=keyboard,
            message_thread_id=thread,
            reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to
            else None,
        )

    async def _place(self, message: OutboxMessage, chat_id: int) -> tuple[int | None, int | None]:
        """The forum topic (or reply chain) of the message's case, for the staff group."""
        if message.recipient.kind == "group":
            return (message.recipient.thread or None), None
        if self.threads and message.case_id and message.recipient.kind == "team":
            return await self.threads.place(message.case_id, chat_id)
        return None, None
