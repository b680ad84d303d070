"""What staff read of a case: the conversation so far with a time on every line, and the
order of the case list (the most urgent first).

The young person is told at the handover (and in the crisis reply) that the werkgroep member
can read the conversation; only what is still kept is shown (text retention, /wis).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.storage.cases import Case

WHO = {"in": "jongere", "out": "bot", "staff": "werkgroep"}
ALERT_LINES = 12  # the alert shows the latest lines; `staff show` shows them all
BOT_LINE_CHARS = 160  # the bot's long answers shortened in the alert; whole in `staff show`


def clock_time(stamp: str, zone: ZoneInfo, with_day: bool = False) -> str:
    """A stored UTC time as the werkgroep reads it: '09:58', or '24-11 09:58'."""
    moment = datetime.fromisoformat(stamp).astimezone(zone)
    return moment.strftime("%d-%m %H:%M" if with_day else "%H:%M")


def transcript_lines(
    rows: list[tuple[str, str, str]], zone: ZoneInfo, short: bool, with_day: bool = False
) -> list[str]:
    """One line per message: '10:02 jongere: …', '10:02 bot: …'; `short` cuts the bot's answers."""
    lines = []
    for at, who, text in rows:
        said = " ".join(text.split())
        if short and who == "out" and len(said) > BOT_LINE_CHARS:
            said = said[: BOT_LINE_CHARS - 1].rstrip() + "…"
        lines.append(f"{clock_time(at, zone, with_day)} {WHO.get(who, who)}: {said}")
    return lines


def current_line(text: str, now: datetime, zone: ZoneInfo) -> str:
    """The message of this very turn, not yet in the transcript."""
    return f"{now.astimezone(zone).strftime('%H:%M')} {WHO['in']}: {' '.join(text.split())}"


def urgency(case: Case) -> tuple[int, str]:
    """Sort key: acute first, then unclaimed high, then the rest; longest waiting first."""
    claimed = int(case.status == "claimed")
    rank = (0 if case.level == "acute" else 2) + claimed
    return rank, case.alerted_at or case.opened_at
