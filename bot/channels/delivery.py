"""The delivery loop: send what the outbox holds, record what happened, run the desk's timers.

Sending happens outside any transaction (the network must never hold the database
lock); the result is recorded right after. A crash in between means the message is
sent again after restart: at least once for staff alerts, which carry their case
number, and at most one extra copy for a young person.

Each send runs on its own: one slow or hanging chat never holds up the others, and the
next message to a person goes out as soon as the one before it is recorded. Staff alerts
and messages to a person with an acute case are picked first. A reply to a person with a
case that waited longer than `undelivered_after` is reported to the case's team and its
backup (once per waiting message), so staff know the crisis reply did not arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from sqlite_utils import Database

from bot.channels.faults import NO_SEAMS, Seams, describe
from bot.channels.health import Health
from bot.desk.desk import Desk
from bot.storage.cases import CaseStore
from bot.storage.db import transaction
from bot.storage.outbox import LAST_WORD_KIND, UNDELIVERED_KIND, Outbox, OutboxMessage, Recipient
from bot.storage.purge import Housekeeper, checkpoint, forget_address

log = logging.getLogger(__name__)
PARALLEL_SENDS = 16
TIMER_SECONDS = 1.0  # the desk's timers and the undelivered check, at most this often


@dataclass(frozen=True, slots=True)
class Delivery:
    """sent; retry (surely not delivered: 5xx, 429, network down); timeout (maybe delivered);
    failed (never will be: blocked bot, chat gone)."""

    outcome: Literal["sent", "retry", "timeout", "failed"]
    wait_seconds: float | None = None  # the server's retry_after
    error: str = ""  # the kind of failure, for health and the log (never content)


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
        recipients: Sequence[Recipient] | None = None,
        housekeeper: Housekeeper | None = None,
        *,
        parallel: int = PARALLEL_SENDS,
        health: Health | None = None,
        seams: Seams = NO_SEAMS,
        undelivered_after: timedelta | None = None,
        accepts: Callable[[Recipient], bool] | None = None,
    ) -> None:
        self.housekeeper = housekeeper  # the purge of text past its retention runs from here too
        self.db = db
        self.desk = desk
        self.outbox = Outbox(db)
        self.cases = CaseStore(db)
        self.transport = transport
        self.clock = clock
        self.lock = lock  # the connection is shared with the engine in this process
        self.recipients = tuple(recipients) if recipients is not None else None
        self.parallel = parallel
        self.health = health
        self.seams = seams
        self.undelivered_after = undelivered_after
        self.accepts = accepts  # recipients another loop delivers (the terminal) are left alone
        self.wake = asyncio.Event()  # set when a send ends: the next message of that person is due
        self._inflight: dict[Recipient, asyncio.Task] = {}  # recipient -> its send under way
        self._timers_at = float("-inf")

    async def run_once(self) -> int:
        """One round that waits for its sends: timers, then every due message once."""
        started = await self.dispatch(timers=True)
        await self.settle()
        return started

    async def dispatch(self, timers: bool | None = None) -> int:
        """Timers (at most once a second unless `timers`), then start a send for every due
        message whose recipient has none under way. Returns how many sends were started;
        they finish on their own."""
        now = self.clock()
        moment = asyncio.get_running_loop().time()
        if timers or (timers is None and moment - self._timers_at >= TIMER_SECONDS):
            self._timers_at = moment
            await self._timers(now)
        room = self.parallel - len(self._inflight)
        if room <= 0:
            return 0
        async with self.lock:
            due = self.outbox.due(
                now, self.recipients, busy=set(self._inflight), limit=room, accepts=self.accepts
            )
        for message in due:
            self._inflight[message.recipient] = asyncio.create_task(self._deliver(message))
        return len(due)

    async def settle(self) -> None:
        """Wait for the sends under way."""
        while self._inflight:
            await asyncio.gather(*self._inflight.values(), return_exceptions=True)

    async def run(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        """Deliver until stopped; between rounds wait for a send to end, or `interval`."""
        try:
            while not stop.is_set():
                self.wake.clear()
                if not await self.dispatch() or self._inflight:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._woken(stop), interval)
        finally:
            await self.cancel()

    async def cancel(self) -> None:
        """Stop the sends under way (at shutdown); unrecorded ones are sent again after a restart."""
        tasks = list(self._inflight.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._inflight.clear()

    async def _woken(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.create_task(self.wake.wait()), asyncio.create_task(stop.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _timers(self, now: datetime) -> None:
        purging = self.housekeeper if self.housekeeper is not None and self.housekeeper.due(now) else None
        async with self.lock:
            async with transaction(self.db):  # a lost tick is redone by the next one
                self.desk.tick(now)
                if self.undelivered_after is not None:
                    self._report_undelivered(now)
                if purging is not None:
                    purging.run(self.db, now)
            if purging is not None:
                checkpoint(self.db)

    async def _deliver(self, message: OutboxMessage) -> None:
        try:
            try:
                if self.seams.before_send is not None:
                    self.seams.before_send(message)
                result = await self.transport.send(message)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a transport bug must not stop alerts for everyone else
                log.error("delivery: outbox %s (%s) failed: %s", message.id, message.kind, describe(error))
                result = Delivery("retry", error=type(error).__name__)
            async with self.lock, transaction(self.db):  # lost in a power cut: sent again, at least once
                self._record(message, result)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.error("delivery: recording outbox %s failed: %s", message.id, describe(error))
        finally:
            self._inflight.pop(message.recipient, None)
            self.wake.set()

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
        if self.health is not None:
            if result.outcome in ("sent", "failed"):
                self.health.telegram_ok()
            else:
                self.health.telegram_failed(result.error or result.outcome)
        log.info("outbox %s (%s): %s", message.id, message.kind, result.outcome)
        if message.kind == LAST_WORD_KIND and result.outcome in ("sent", "failed"):
            forget_address(self.db, message.recipient.id)  # erased: now the address too
        if message.to_user and message.case_id and result.outcome == "failed":
            self.desk.user_unreachable(message.case_id, now)

    def _report_undelivered(self, now: datetime) -> None:
        """Tell the team and its backup about a reply that has not reached a person with a case."""
        assert self.undelivered_after is not None
        minutes = max(1, round(self.undelivered_after.total_seconds() / 60))
        for waiting in self.outbox.undelivered(now, self.undelivered_after):
            case = self.cases.get(waiting.case_id)
            if case is None or not case.team or case.team not in self.desk.config.teams:
                continue
            self.cases.log(case.id, UNDELIVERED_KIND, "system", now, waiting.kind)
            text = self.desk.config.watchdog.reply_undelivered.format(case=case.id, minutes=minutes)
            self.outbox.add(Recipient.team(case.team), UNDELIVERED_KIND, text, now, case.id)
            backup = self.desk.config.teams[case.team].backup
            if backup and not case.backup_alerted:
                self.cases.update(case.id, backup_alerted=1)
                self.outbox.add(Recipient.staff(backup), UNDELIVERED_KIND, text, now, case.id)
            log.warning("delivery: a reply to the person of case %s has waited over %s min", case.id, minutes)
