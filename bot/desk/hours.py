"""Office hours: is the werkgroep reading now, and when does it open next.

Times are stored in UTC and judged in the werkgroep's own time zone, so summer time
and a case opened at 23:00 on a Friday come out right.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.content.escalation import OfficeHours

DAY_NAMES = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
TODAY = {"nl": "vandaag", "en": "today"}
TOMORROW = {"nl": "morgen", "en": "tomorrow"}
FROM = {"nl": "vanaf", "en": "from"}


def is_open(hours: OfficeHours, now: datetime) -> bool:
    local = now.astimezone(hours.zone)
    span = hours.weekly.get(local.weekday())
    if span is None or local.date() in hours.holidays:
        return False
    return span[0] <= local.time().replace(tzinfo=None) < span[1]


def next_opening(hours: OfficeHours, now: datetime) -> datetime | None:
    """The next moment the werkgroep opens (now itself when open); None without any hours."""
    if is_open(hours, now):
        return now
    local = now.astimezone(hours.zone)
    for days in range(0, 370):
        day = local.date() + timedelta(days=days)
        span = hours.weekly.get(day.weekday())
        if span is None or day in hours.holidays:
            continue
        opening = datetime.combine(day, span[0], tzinfo=hours.zone)
        if opening > local:
            return opening.astimezone(UTC)
    return None


def office_minutes_between(hours: OfficeHours, start: datetime, end: datetime) -> float:
    """Minutes of office time from start to end: the clock for re-alerts stands still at night."""
    total = 0.0
    local_start, local_end = start.astimezone(hours.zone), end.astimezone(hours.zone)
    day = local_start.date()
    while day <= local_end.date():
        span = hours.weekly.get(day.weekday())
        if span is not None and day not in hours.holidays:
            opening = datetime.combine(day, span[0], tzinfo=hours.zone)
            closing = datetime.combine(day, span[1], tzinfo=hours.zone)
            lo, hi = max(opening, local_start), min(closing, local_end)
            if hi > lo:
                total += (hi - lo).total_seconds() / 60
        day += timedelta(days=1)
    return total


def describe_opening(hours: OfficeHours, now: datetime, language: str) -> str:
    """'morgen vanaf 9:00', 'maandag vanaf 9:00', 'vandaag vanaf 9:00'."""
    opening = next_opening(hours, now)
    if opening is None:
        return ""
    local_now, local = now.astimezone(hours.zone), opening.astimezone(hours.zone)
    days = (local.date() - local_now.date()).days
    lang = language if language in DAY_NAMES else "nl"
    if days == 0:
        day = TODAY[lang]
    elif days == 1:
        day = TOMORROW[lang]
    else:
        day = DAY_NAMES[lang][local.weekday()]
    return f"{day} {FROM[lang]} {local.hour}:{local.minute:02d}"
