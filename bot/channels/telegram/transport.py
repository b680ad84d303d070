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

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.delivery import Delivery
from bot.channels.telegram.topics import CaseThreads
from bot.content.escalation import EscalationConfig
from bot.storage.outbox import OutboxMessage

MAX_TEXT = 4096


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

    def chat_of(self, recipient: str) -> int | None:
        kind, _, key = recipient.partition(":")
        if kind == "team" and key in self.config.teams:
            chat = self.config.teams[key].chat
            return int(chat.removeprefix("telegram:")) if chat.startswith("telegram:") else None
        if kind == "staff" and key in self.config.staff:
            return self.config.staff[key].telegram_user_id
        if kind == "user":
            return self.user_chat(key)
        if kind == "group":  # group:<chat>:<thread>, a direct answer in the staff group
            return int(key.split(":")[0])
        return None

    async def send(self, message: OutboxMessage) -> Delivery:
        chat_id = self.chat_of(message.recipient)
        if chat_id is None:
            return Delivery("failed")
        keyboard = (
            InlineKeyboardMarkup(
                [[InlineKeyboardButton(b.title, callback_data=b.payload)] for b in message.buttons]
            )
            if message.buttons
            else None
        )
        try:
            thread, reply_to = await self._place(message, chat_id)
            sent = await self.bot.send_message(
                chat_id,
                message.text[:MAX_TEXT],
                reply_markup=keyboard,
                message_thread_id=thread,
                reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
                if reply_to
                else None,
            )
            if self.threads and message.case_id and message.recipient.startswith("team:"):
                await self.threads.sent(message.case_id, chat_id, sent.message_id)
        except RetryAfter as exc:
            return Delivery("retry", retry_seconds(exc))
        except TimedOut:
            return Delivery("timeout")  # it may have arrived: Telegram has no idempotent send
        except (Forbidden, BadRequest):
            return Delivery("failed")  # blocked bot, chat gone, or a message Telegram refuses
        except NetworkError:
            return Delivery("retry")  # 5xx or no connection: surely not delivered
        return Delivery("sent")

    async def _place(self, message: OutboxMessage, chat_id: int) -> tuple[int | None, int | None]:
        """The forum topic (or reply chain) of the message's case, for the staff group."""
        if message.recipient.startswith("group:"):
            thread = int(message.recipient.split(":")[2])
            return (thread or None), None
        if self.threads and message.case_id and message.recipient.startswith("team:"):
            return await self.threads.place(message.case_id, chat_id)
        return None, None
