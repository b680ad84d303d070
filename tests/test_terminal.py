"""The terminal channel end to end: a young person's chat and the staff console on one file."""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from bot.channels.staff_terminal import run_staff_command
from bot.channels.terminal import chat
from bot.engine import Engine
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database

KEY = bytes(range(32))


def button(output: list[str], title: str) -> str:
    """The number the terminal printed for a button, from the latest output."""
    numbers = re.findall(rf"\[(\d+)\] {re.escape(title)}\n", "\n".join(output) + "\n")
    assert numbers, f"no button {title!r}"
    return numbers[-1]


async def test_staff_reply_appears_in_the_young_persons_terminal(parts, tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    young = Engine(parts, ConversationStore(open_database(db), "t"))
    staff = Engine(parts, ConversationStore(open_database(db), "t"))  # another process, in real life
    output: list[str] = []
    staff_output: list[str] = []

    def staff_says(action: str, **extra) -> int:
        args = argparse.Namespace(staff="sanne", action=action, case=1, **extra)
        return run_staff_command(staff.desk, args, staff.clock(), write=staff_output.append)

    def wait_for(text: str) -> None:
        deadline = time.monotonic() + 10
        while not any(text in line for line in output):
            assert time.monotonic() < deadline, f"never saw {text!r}"
            time.sleep(0.05)

    def then_staff_replies() -> str:
        assert staff_says("claim") == 0
        assert staff_says("reply", text=["Hoi,", "ik", "ben", "Sanne."]) == 0
        wait_for("Sanne (werkgroep): Hoi, ik ben Sanne.")
        deadline = time.monotonic() + 10  # the chat records the delivery just after printing
        while not any("naar de jongere · staff_reply · sent" in line for line in staff_output):
            assert time.monotonic() < deadline, "the reply never showed as delivered"
            assert staff_says("show") == 0
            time.sleep(0.05)
        return "/quit"

    script = [
        lambda: "iemand chanteert me met mn nudes",
        lambda: button(output, "Ja"),
        lambda: button(output, "Deurne"),
        then_staff_replies,
    ]
    await chat(young, KEY, read=lambda _prompt: script.pop(0)(), write=output.append, user="tester")
    assert "Sanne van de werkgroep leest nu mee" in "\n".join(output)
