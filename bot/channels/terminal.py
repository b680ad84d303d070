"""The terminal channel: the same engine, typed at a prompt, buttons as numbered choices."""

from __future__ import annotations

import getpass
from collections.abc import Callable

from bot.engine import Engine
from bot.messages import Incoming, Outcome
from bot.pseudonym import pseudonymise

QUIT = {"/quit", "/exit", "exit", "quit"}


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


async def chat(
    engine: Engine,
    key: bytes,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
) -> None:
    conversation_id = pseudonymise(key, "terminal", getpass.getuser())
    write("Chat met de bot. Typ je vraag; kies een knop met het nummer; /quit om te stoppen.\n")
    payloads: list[str] = []
    outcome = await engine.handle(Incoming(conversation_id, payload="/start"))
    while True:
        text, payloads = render_outcome(outcome)
        write(text)
        try:
            typed = read("> ").strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if typed.lower() in QUIT:
            return
        if typed.isdigit() and 1 <= int(typed) <= len(payloads):
            outcome = await engine.handle(Incoming(conversation_id, payload=payloads[int(typed) - 1]))
        else:
            outcome = await engine.handle(Incoming(conversation_id, text=typed))
