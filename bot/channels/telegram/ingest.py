"""Our own getUpdates loop: an update is stored in SQLite before Telegram is told it arrived.

python-telegram-bot's Updater confirms an update (the next offset) as soon as it is
queued, before any handler ran, so a crash mid-handler loses that message for good.
Here an update is confirmed only by the next getUpdates call, with the offset written
in the same transaction as the inbox rows. Two things happen at once, before storing,
because a young person should not wait for them: a button tap is answered (no spinning
button), and an incoming photo, video or file is deleted from the chat (never fetched).
Both are harmless to repeat after a crash.

Updates arrive as raw JSON and are read one by one: an update python-telegram-bot cannot
read (a field a newer Bot API added, a missing chat, a wrong type) is parked (a row
without content, for staff to see) instead of failing the whole batch, and never logged.
If its private chat and text can still be found, the person gets the fail-safe answer
(with its risk check) through a second row. An update that cannot be stored is parked
the same way, so one bad update never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlite_utils import Database
from telegram import Bot, Update
from telegram.warnings import PTBUserWarning

from bot.channels.faults import NO_SEAMS, Seams, describe
from bot.channels.telegram.updates import CHANNEL, Item, reduce
from bot.common.clock import iso
from bot.common.pseudonym import pseudonymise
from bot.content.escalation import EscalationConfig
from bot.storage.addresses import AddressBook
from bot.storage.db import transaction

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
PARKED = "parked"  # an inbox row kept for staff to see, never handled
SALVAGED = "unparsed"  # the readable part of an unreadable update: answered by the fail-safe
MAX_SALVAGED_TEXT = 20_000

# We call getUpdates through do_api_request to read each update on its own; PTB warns
# that get_updates exists, which is what we avoid on purpose.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)


class _NoRawUpdates(logging.Filter):
    """PTB's own get_updates logs the raw batch (ids, names, texts) at CRITICAL when one
    update cannot be parsed. We never call it, and drop that line should anything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Error while parsing updates")


logging.getLogger("telegram.Bot").addFilter(_NoRawUpdates())
logging.getLogger("telegram.ext.Updater").addFilter(_NoRawUpdates())


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
        seams: Seams = NO_SEAMS,
    ) -> None:
        self.bot = bot
        self.db = db
        self.lock = lock
        self.key = key
        self.config = config
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.seams = seams
        self.addresses = AddressBook(db, key)

    async def poll_once(self) -> int:
        """One getUpdates; returns how many updates were stored."""
        result = await self.bot.do_api_request(
            "getUpdates",
            api_kwargs={
                "offset": self._offset(),
                "timeout": self.poll_seconds,
                "allowed_updates": ALLOWED_UPDATES,
            },
            read_timeout=self.poll_seconds + 10,
        )
        if not isinstance(result, list):
            log.warning("getUpdates answered something that is not a list; ignored")
            return 0
        if not result:
            return 0
        return await self.ingest_raw(result, advance_offset=True)

    async def ingest_raw(self, updates: list[Any], advance_offset: bool = False) -> int:
        """Read each update on its own, then act and store (see the module's docstring)."""
        return await self.ingest([item for raw in updates for item in self.read(raw)], advance_offset)

    def read(self, raw: Any) -> list[Item]:
        """One raw update as Items: normally one; a parked row (and perhaps a salvaged one) when
        python-telegram-bot or our reduction cannot read it; none without an update_id."""
        update_id = _update_id(raw)
        try:
            update = Update.de_json(raw, self.bot)
            if update is None:
                raise ValueError("empty update")
            item = reduce(update, self.key, self.config)
            if not all(isinstance(v, str) for v in (item.text, item.payload)):  # PTB checks no types
                raise TypeError("text or button data is not text")
            return [item]
        except Exception as error:
            if update_id is None:
                log.warning(
                    "an update without update_id could not be read (%s); dropped", type(error).__name__
                )
                return []
            log.warning("update %d cannot be read (%s); parked", update_id, type(error).__name__)
            return [
                self._parked(update_id, f"unreadable: {type(error).__name__}"),
                *self._salvage(raw, update_id),
            ]

    async def ingest(self, items: list[Item], advance_offset: bool = False) -> int:
        """Act at once where needed, then store; with polling, the next offset in the same commit.

        A webhook answers Telegram only after this returns, so there too nothing is
        confirmed before it is stored.
        """
        if not items:
            return 0
        await asyncio.gather(
            *(self._at_once(item) for item in items if item.callback_id or item.kind == "media")
        )
        offset = max(i.update_id for i in items) + 1 if advance_offset else None
        async with self.lock:
            try:
                async with transaction(self.db, durable=True):
                    for item in items:
                        self._store(item)
                    self._advance(offset)
            except Exception as error:
                log.error(
                    "storing %d updates failed (%s); storing them one by one", len(items), describe(error)
                )
                await self._one_by_one(items, offset)
        log.info("stored %d updates", len(items))
        return len(items)

    async def _one_by_one(self, items: list[Item], offset: int | None) -> None:
        """Each update in its own transaction; one that cannot be stored is parked. If even
        that fails the error goes up, and the batch comes back with the next getUpdates."""
        for item in items:
            try:
                async with transaction(self.db, durable=True):
                    self._store(item)
            except Exception as error:
                log.error("update %d could not be stored (%s); parked", item.update_id, describe(error))
                async with transaction(self.db, durable=True):
                    self._store(self._parked(item.update_id, f"not stored: {type(error).__name__}", item.key))
        async with transaction(self.db, durable=True):
            self._advance(offset)

    def _advance(self, offset: int | None) -> None:
        if offset is None:
            return
        self.db.conn.execute(
            "INSERT INTO channel_offsets (channel, next_offset) VALUES (?, ?) "
            "ON CONFLICT(channel) DO UPDATE SET next_offset = MAX(next_offset, excluded.next_offset)",
            [CHANNEL, offset],
        )

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
        except Exception as error:  # too old, already answered or deleted, network: nothing to undo
            log.info("update %d: %s", item.update_id, type(error).__name__)

    def _store(self, item: Item) -> None:
        if item.kind == "ignored":
            return
        if self.seams.before_store is not None:
            self.seams.before_store(item.update_id)
        now = iso(self.clock())
        if item.conversation_id and item.chat_id is not None:
            self.addresses.remember(item.conversation_id, str(item.chat_id), now)
        parked = item.kind == PARKED
        self.db.conn.execute(
            "INSERT INTO inbox (key, update_id, kind, conversation_id, text, payload, language, staff_id,"
            " staff_chat, thread, received_at, state, failure, parked_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(key) DO NOTHING",
            [
                item.key,
                item.update_id,
                item.kind,
                item.conversation_id,
                _clean(item.text),
                _clean(item.payload),
                item.language,
                item.staff_id,
                item.chat_id if item.kind.startswith("staff_") else None,
                item.thread,
                now,
                PARKED if parked else "pending",
                item.payload if parked else None,
                now if parked else None,
            ],
        )

    def _parked(self, update_id: int, why: str, key: str | None = None) -> Item:
        """A row without content: the update's number and why (the kind of error)."""
        return Item(key=key or f"{CHANNEL}:{update_id}", update_id=update_id, kind=PARKED, payload=why)

    def _salvage(self, raw: Any, update_id: int) -> list[Item]:
        """The private chat and text of an unreadable update, read by hand, so the person
        still gets an answer (the fail-safe's, with its risk check). Staff chats: nothing."""
        message = _first_dict(raw, "message", "edited_message") or _first_dict(
            _first_dict(raw, "callback_query"), "message"
        )
        chat = _first_dict(message, "chat")
        chat_id = chat.get("id") if chat else None
        if not isinstance(chat_id, int) or isinstance(chat_id, bool) or chat.get("type") != "private":
            return []
        if any(t.chat == f"telegram:{chat_id}" for t in self.config.teams.values()):
            return []
        text = message.get("text") if isinstance(message.get("text"), str) else message.get("caption")
        sender = _first_dict(message, "from")
        code = sender.get("language_code") if sender else None
        language = code.split("-")[0].lower() if isinstance(code, str) else None
        return [
            Item(
                key=f"{CHANNEL}:{update_id}:salvaged",
                update_id=update_id,
                kind=SALVAGED,
                conversation_id=pseudonymise(self.key, CHANNEL, chat_id),
                chat_id=chat_id,
                text=text[:MAX_SALVAGED_TEXT] if isinstance(text, str) else "",
                language=language if language in ("nl", "en") else None,
            )
        ]


def _clean(text: str | None) -> str | None:
    """Text SQLite can store: a lone surrogate (valid JSON, not valid UTF-8) becomes '?'."""
    return text.encode("utf-8", "replace").decode("utf-8") if text else text


def _update_id(raw: Any) -> int | None:
    value = raw.get("update_id") if isinstance(raw, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _first_dict(node: Any, *keys: str) -> dict:
    if not isinstance(node, dict):
        return {}
    for key in keys:
        if isinstance(node.get(key), dict):
            return node[key]
    return {}
