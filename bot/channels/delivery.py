"""The delivery loop: send what the outbox holds, record what happened, run the desk's timers.

Sending happens outside any transaction (the network must never hold the database
lock); the result is recorded right after. A crash in between means the message is
sent again after restart: at least once for staff alerts, which carry their case
number, and at most one extra copy for a young person.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from sqlite_utils import Database

from bot.desk.desk import Desk
from bot.storage.db import immediate
from bot.storage.outbox import Outbox, OutboxMessage
from bot.storage.purge import Housekeeper, checkpoint

log = logging.getLogger(__name__)
PARALLEL_SENDS = 8


@dataclass(frozen=True, slots=True)
class Delivery:
    """sent; retry (surely not delivered: 5xx, 429, network down); timeout (maybe delivered);
    failed (never will be: blocked bot, chat gone)."""

    outcome: Literal["sent", "retry", "timeout", "failed"]
    wait_seconds: float | None = None  # the server's retry_after


class Transport(Protocol):
    async def send(self, message: OutboxMessage) -> Delivery: ...


class DeliveryLoop:
    def __init__(
        self,
        db: Database,
        desk: Desk,
        transport: Transport,
        clock: Callable[[], datetime],
        lock: asyncio.Lock,
        recipients: Sequence[str] | None = None,
        housekeeper: Housekeeper | None = None,
    ) -> None:
        self.housekeeper = housekeeper  # the purge of text past its retention runs from here too
        self.db = db
        self.desk = desk
        self.outbox = Outbox(db)
        self.transport = transport
        self.clock = clock
        self.lock = lock  # the connection is shared with the engine in this process
        self.recipients = tuple(recipients) if recipients is not None else None

    async def run_once(self) -> int:
        """One round: timers, then every due message once. Returns messages tried."""
        now = self.clock()
        purging = self.housekeeper is not None and self.housekeeper.due(now)
        async with self.lock:
            with immediate(self.db):  # a lost tick is redone by the next one
                self.desk.tick(now)
                if purging:
                    self.housekeeper.run(self.db, now)
            if purging:
                checkpoint(self.db)
            due = self.outbox.due(now, self.recipients)
        # At most one message per recipient is due, so sending them side by side keeps each
        # person's messages in order while one slow chat does not hold up the others.
        gate = asyncio.Semaphore(PARALLEL_SENDS)
        await asyncio.gather(*(self._deliver(message, gate) for message in due))
        return len(due)

    async def _deliver(self, message: OutboxMessage, gate: asyncio.Semaphore) -> None:
        async with gate:
            try:
                result = await self.transport.send(message)
            except Exception:  # a transport bug must not stop alerts for everyone else
                log.exception("transport failed on outbox message %s", message.id)
                result = Delivery("retry")
        async with self.lock:
            with immediate(self.db):  # lost in a power cut, it is sent again: at least once
                self._record(message, result)

    async def run(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        """Deliver until stopped; rounds `interval` apart while there is nothing to send."""
        while not stop.is_set():
            tried = await self.run_once()
            if not tried:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), interval)

    def _record(self, message: OutboxMessage, result: Delivery) -> None:
        now = self.clock()
        if result.outcome == "sent":
            self.outbox.sent(message.id, now)
        elif result.outcome == "failed":
            self.outbox.failed(message.id, now)
        elif result.outcome == "timeout":
            self.outbox.timed_out(message, now)
        else:
            self.outbox.retry(message, now, result.wait_seconds)
        log.info("outbox %s (%s): %s", message.id, message.kind, result.outcome)
        if message.to_user and message.case_id and self.outbox.status(message.id) == "failed":
            self.desk.user_unreachable(message.case_id, now)
