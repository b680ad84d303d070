"""One forum topic per case in the staff supergroup, or a reply chain where topics are off.

The conversation about one young person stays in one thread, titled with the case
number, level and municipality, never anything that identifies the person.
"""

from __future__ import annotations

import asyncio

from sqlite_utils import Database
from telegram import Bot
from telegram.error import BadRequest

from bot.desk.desk import LEVEL_LABEL
from bot.storage.cases import CaseStore
from bot.storage.db import immediate


class TopicBook:
    def __init__(self, db: Database) -> None:
        self.db = db

    def of_case(self, case_id: int) -> tuple[int | None, int | None] | None:
        """(thread, anchor message) of a case's place in the group, or None before the first alert."""
        row = self.db.execute(
            "SELECT thread, anchor_message FROM case_topics WHERE case_id = ?", [case_id]
        ).fetchone()
        return (row[0], row[1]) if row else None

    def remember(self, case_id: int, chat: int, thread: int | None, anchor: int | None) -> None:
        self.db.conn.execute(
            "INSERT INTO case_topics (case_id, chat, thread, anchor_message) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(case_id) DO UPDATE SET"
            " anchor_message = COALESCE(case_topics.anchor_message, excluded.anchor_message)",
            [case_id, str(chat), thread, anchor],
        )

    def case_in(self, chat: int, thread: int | None) -> int | None:
        """The case a message in this topic is about (None outside a case topic)."""
        if thread is None:
            return None
        row = self.db.execute(
            "SELECT case_id FROM case_topics WHERE chat = ? AND thread = ?", [str(chat), thread]
        ).fetchone()
        return row[0] if row else None


class CaseThreads:
    """Where a case's staff messages go: its topic (created with the first alert), or,
    in a group without topics, as replies to the case's first alert."""

    def __init__(self, bot: Bot, db: Database, lock: asyncio.Lock) -> None:
        self.bot = bot
        self.db = db
        self.lock = lock
        self.book = TopicBook(db)
        self.cases = CaseStore(db)

    async def place(self, case_id: int, chat: int) -> tuple[int | None, int | None]:
        """(thread, message to reply to) for the next staff message of this case."""
        known = self.book.of_case(case_id)
        if known is not None:
            return known
        case = self.cases.require(case_id)
        title = (
            f"#{case_id} {LEVEL_LABEL.get(case.level, case.level)} {case.municipality or 'gemeente onbekend'}"
        )
        try:
            topic = await self.bot.create_forum_topic(chat, title[:128])
            thread = topic.message_thread_id
        except BadRequest:
            thread = None  # not a forum: a reply chain instead
        await self._remember(case_id, chat, thread, None)
        return thread, None

    async def sent(self, case_id: int, chat: int, message_id: int) -> None:
        """The first message of a case in a group without topics anchors its reply chain."""
        known = self.book.of_case(case_id)
        if known is not None and known[0] is None and known[1] is None:
            await self._remember(case_id, chat, None, message_id)

    async def _remember(self, case_id: int, chat: int, thread: int | None, anchor: int | None) -> None:
        async with self.lock:
            with immediate(self.db):
                self.book.remember(case_id, chat, thread, anchor)
