"""Kill forked lives of the bot with SIGKILL at random moments: shared by the crash tests."""

from __future__ import annotations

import os
import random
import signal
import time
from collections.abc import Callable


def kill_lives(
    start_life: Callable[[], int], kills_wanted: int, seed: int, shortest: float, longest: float
) -> int:
    """Start a life, let it run a random while, SIGKILL it; until `kills_wanted` died that way.

    A life that ended by itself before the kill does not count.
    """
    rng = random.Random(seed)
    kills = 0
    while kills < kills_wanted:
        pid = start_life()
        time.sleep(rng.uniform(shortest, longest))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        kills += os.WIFSIGNALED(status)
    return kills
