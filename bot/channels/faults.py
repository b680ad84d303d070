"""Faults: how an error is described in the log, and the seams where a drill can cause one.

An exception's message can hold what a young person typed (`int('²')` puts the '²' in
it) and a traceback shows local values in some formatters, so the log gets only the
kind of error and where it happened: "ValueError at bot/channels/telegram/staff_group.py:83".

`Seams` are the channel's own hooks, called at each stage with what that stage is about
to handle. They do nothing unless set: a fault test (or a drill on a test server) sets
one that raises, to prove that the next message, and an acute one, is still handled.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.engine.messages import Incoming
from bot.storage.outbox import OutboxMessage

_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Seams:
    before_turn: Callable[[Incoming], None] | None = None  # worker: a young person's update
    before_safe_answer: Callable[[Incoming], None] | None = None  # worker: the fail-safe, after a failure
    before_staff: Callable[[str], None] | None = None  # worker: a staff update (its key)
    before_store: Callable[[int], None] | None = None  # ingest: one update (its update_id)
    before_send: Callable[[OutboxMessage], None] | None = None  # delivery: one outbox message
    before_round: Callable[[str], None] | None = None  # each loop: "ingest", "worker", "delivery"


NO_SEAMS = Seams()


def describe(error: BaseException) -> str:
    """The kind of an error and the innermost place in our code (or anywhere) it came from."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if _is_ours(f.filename)]
    candidates = ours or frames
    where = f" at {_short(candidates[-1].filename)}:{candidates[-1].lineno}" if candidates else ""
    return f"{type(error).__name__}{where}"


def _is_ours(filename: str) -> bool:
    try:
        relative = Path(filename).resolve().relative_to(_ROOT)
    except ValueError:
        return False
    return relative.parts[:1] == ("bot",)


def _short(filename: str) -> str:
    try:
        return str(Path(filename).resolve().relative_to(_ROOT))
    except ValueError:
        return Path(filename).name
