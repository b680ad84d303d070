"""Our own getUpdates loop: an update is stored in SQLite before Telegram is told it arrived.

python-telegram-bot's Updater confirms an update (the next offset) as soon as it is
queued, before any handler ran, so a crash mid-handler loses that message for good.
Here an update is confirmed only by the next getUpdates call, with the offset written
in the same transaction as the inbox rows. Two things happen at once, before storing,
because a young person should not wait for them: a button tap is answered (no spinning
button), and an incoming photo, video or file is deleted from the chat (never fetched).
Both are harmless to repeat after a crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlite_utils import Database
from telegram import Bot, Update
from telegram.error import TelegramError

from bot.channels.telegram.updates import CHANNEL, Item, reduce
from bot.common.clock import iso
from bot.content.escalation import EscalationConfig
from bot.storage.addresses import AddressBook
from bot.storage.db import immediate

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


class Ingestor:
    def __init__(
        self,
        bot: Bot,
        db: Database,
        lock: asyncio.Lock,
        key: bytes,
        config: EscalationConfig,
        clock: Callable[[], datetime],
        poll_seconds: int = 25,
    ) -> None:
        self.bot = bot
        self.db = db
        self.lock = lock
        self.key = key
        self.config = config
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.addresses = AddressBook(db, key)

    async def poll_once(self) -> int:
        """One getUpdates; returns how many updates were stored."""
        updates = await self.bot.get_updates(
            offset=self._offset(),
            timeout=self.poll_seconds,
            allowed_updates=ALLOWED_UPDATES,
            read_timeout=self.poll_seconds + 10,
        )
        if not updates:
            return 0
        return await self.ingest(updates, advance_offset=True)

    async def ingest(self, updates: list[Update], advance_offset: bool = False) -> int:
        """Act at once where needed, then store; with polling, the next offset in the same commit.

        A webhook answers Telegram only after this returns, so there too nothing is
        confirmed before it is stored.
        """
        items = [reduce(u, self.key, self.config) for u in updates]
        for item in items:
            await self._at_once(item)
        async with self.lock:
            with immediate(self.db, durable=True):
                for item in items:
                    self._store(item)
                if advance_offset:
                    self.db.conn.execute(
                        "INSERT INTO channel_offsets (channel, next_offset) VALUES (?, ?) "
                        "ON CONFLICT(channel) DO UPDATE SET next_offset = excluded.next_offset",
                        [CHANNEL, max(i.update_id for i in items) + 1],
                    )
        log.info("stored %d updates", len(items))
        return len(items)

    def _offset(self) -> int | None:
        row = self.db.execute(
            "SELECT next_offset FROM channel_offsets WHERE channel = ?", [CHANNEL]
        ).fetchone()
        return row[0] if row else None

    async def _at_once(self, item: Item) -> None:
        try:
            if item.callback_id:
                await self.bot.answer_callback_query(item.callback_id)
            if item.kind == "media" and item.chat_id is not None and item.message_id is not None:
                await self.bot.delete_message(item.chat_id, item.message_id)
        except TelegramError as error:  # too old, already answered or deleted: nothing to undo
            log.info("update %d: %s", item.update_id, type(error).__name__)

    def _store(self, item: Item) -> None:
        if item.kind == "ignored":
            return
        now = iso(self.clock())
        if item.conversation_id and item.chat_id is not None:
            self.addresses.remember(item.conversation_id, str(item.chat_id), now)
        self.db.conn.execute(
            "INSERT INTO inbox (key, update_id, kind, conversation_id, text, payload, language, staff_id,"
            " staff_chat, thread, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(key) DO NOTHING",
            [
                item.key,
                item.update_id,
                item.kind,
                item.conversation_id,
                item.text,
                item.payload,
                item.language,
                item.staff_id,
                item.chat_id if item.kind.startswith("staff_") else None,
                item.thread,
                now,
            ],
        )
