"""The terminal channel: the same engine, typed at a prompt, buttons as numbered choices.

Messages from werkgroep staff (written with `python -m bot staff`) reach this chat
through the same outbox as on Telegram, and are printed as they come.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
from collections.abc import Callable

from bot.channels.delivery import Delivery, DeliveryLoop
from bot.channels.faults import describe
from bot.common.pseudonym import pseudonymise
from bot.engine import Engine
from bot.engine.failsafe import fail_safe
from bot.engine.messages import Incoming, Outcome
from bot.storage.outbox import OutboxMessage, Recipient

log = logging.getLogger(__name__)
QUIT = {"/quit", "/exit", "exit", "quit"}
STAFF_POLL_SECONDS = 1.0


def render_outcome(outcome: Outcome) -> tuple[str, list[str]]:
    """The text to print, and the payloads the numbers 1..n stand for."""
    lines: list[str] = []
    payloads: list[str] = []
    for reply in outcome.replies:
        lines.append(reply.text.strip())
        for button in reply.buttons:
            payloads.append(button.payload)
            lines.append(f"  [{len(payloads)}] {button.title}")
        lines.append("")
    return "\n".join(lines), payloads


class PrintTransport:
    """Delivers staff messages to this terminal by printing them."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write

    async def send(self, message: OutboxMessage) -> Delivery:
        self.write(f"\n{message.text.strip()}\n")
        return Delivery("sent")


async def chat(
    engine: Engine,
    key: bytes,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    user: str | None = None,
) -> None:
    conversation_id = pseudonymise(key, "terminal", user or getpass.getuser())
    write("Chat met de bot. Typ je vraag; kies een knop met het nummer; /quit om te stoppen.\n")
    stop = asyncio.Event()
    staff_messages = DeliveryLoop(
        engine.store.db,
        engine.desk,
        PrintTransport(write),
        engine.clock,
        engine.lock,
        recipients=[Recipient.user(conversation_id)],
        housekeeper=engine.housekeeper,
    )
    poller = asyncio.create_task(staff_messages.run(stop, STAFF_POLL_SECONDS))
    try:
        await _converse(engine, conversation_id, read, write)
    finally:
        stop.set()
        await poller


async def answer(engine: Engine, incoming: Incoming) -> Outcome:
    """The engine's answer; when the turn fails, the fail-safe's (risk judged, 112/113, staff
    told at risk). The log gets the kind and place of the error, never the text."""
    try:
        return await engine.handle(incoming)
    except Exception as error:
        log.error("terminal: a turn failed (%s); answering safely", describe(error))
        return await fail_safe(engine, incoming)


async def _converse(
    engine: Engine, conversation_id: str, read: Callable[[str], str], write: Callable[[str], None]
) -> None:
    loop = asyncio.get_running_loop()
    outcome = await answer(engine, Incoming(conversation_id, payload="/start"))
    while True:
        text, payloads = render_outcome(outcome)
        if text.strip():
            write(text)
        try:
            typed = (await loop.run_in_executor(None, read, "> ")).strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if typed.lower() in QUIT:
            return
        if typed.isascii() and typed.isdigit() and 1 <= int(typed) <= len(payloads):
            outcome = await answer(engine, Incoming(conversation_id, payload=payloads[int(typed) - 1]))
        else:
            outcome = await answer(engine, Incoming(conversation_id, text=typed))
