"""The werkgroep's own settings for escalation, read from escalation/*.yml with file:line problems.

routes.yml (municipalities, teams, staff, re-alert times), office_hours.yml,
outcomes.yml, staff_messages.yml and watchdog.yml (the second channel for trouble). A
coordinator edits these; `python -m bot check` validates them and the bot refuses to
start when they are wrong, so a typo never silently drops an alert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.content.escalation_schema import (
    LEVELS,
    WEEKDAYS,
    OfficeHoursFile,
    OutcomesFile,
    RoutesFile,
    StaffMessagesFile,
    WatchdogFile,
)
from bot.content.typed import read_file
from bot.content.yamlsrc import Problem

__all__ = [
    "LEVELS",
    "EscalationConfig",
    "OfficeHours",
    "Realert",
    "Staff",
    "Team",
    "WatchdogConfig",
    "load_escalation",
    "load_watchdog",
]


@dataclass(frozen=True, slots=True)
class Team:
    key: str
    name: str
    chat: str  # "terminal" or "telegram:<chat id>"
    backup: str  # staff id


@dataclass(frozen=True, slots=True)
class Staff:
    id: str
    name: str  # first name or role: all a young person sees
    organisation: str
    teams: frozenset[str]
    coordinator: bool = False
    telegram_user_id: int | None = None

    def may_act_on(self, team: str) -> bool:
        return self.coordinator or team in self.teams


@dataclass(frozen=True, slots=True)
class Realert:
    realert_minutes: int
    backup_minutes: int


@dataclass(frozen=True, slots=True)
class OfficeHours:
    zone: ZoneInfo
    weekly: dict[int, tuple[time, time]]  # weekday (0 = Monday) -> opening, closing
    holidays: dict[date, str]


@dataclass(frozen=True, slots=True)
class WatchdogConfig:
    """escalation/watchdog.yml: when the werkgroep hears of trouble by a channel other than
    Telegram, and where the health endpoint listens. Minutes may be fractions."""

    notify: tuple[str, ...] = ()  # apprise URLs; ${NAME} is read from the environment or .env
    telegram_down_minutes: float = 5.0
    loop_down_minutes: float = 1.0
    acute_unclaimed_minutes: float = 30.0  # office minutes, as the re-alert times
    undelivered_minutes: float = 1.0  # a reply to a person with a case not delivered by then: staff told
    check_seconds: float = 15.0
    health_listen: str = "127.0.0.1:8079"
    reply_undelivered: str = "Casus #{case}: een bericht aan de jongere kwam na {minutes} minuut niet aan."


@dataclass(frozen=True, slots=True)
class EscalationConfig:
    default_municipality: str
    municipalities: dict[str, str]  # municipality -> team key
    teams: dict[str, Team]
    staff: dict[str, Staff]
    realert: dict[str, Realert]  # level -> times
    route_wait_minutes: int
    case_retention_days: int
    hours: OfficeHours
    outcomes: dict[str, str]  # code -> label
    staff_texts: dict[str, str] = field(default_factory=dict)
    watchdog: WatchdogConfig = field(default_factory=lambda: WatchdogConfig())

    def team_of(self, municipality: str | None) -> str:
        return self.municipalities.get(municipality or "", self.municipalities[self.default_municipality])

    def staff_by_telegram(self, user_id: int) -> Staff | None:
        return next((s for s in self.staff.values() if s.telegram_user_id == user_id), None)


def load_escalation(root: Path) -> tuple[EscalationConfig | None, list[Problem]]:
    """Read the settings files; None (with the problems) when any of them has an error."""
    folder = root / "escalation"
    problems: list[Problem] = []
    routes, found = read_file(folder / "routes.yml", RoutesFile, "routes.yml")
    problems += found
    hours, found = read_file(folder / "office_hours.yml", OfficeHoursFile, "office_hours.yml")
    problems += found
    outcomes, found = read_file(folder / "outcomes.yml", OutcomesFile, "outcomes.yml")
    problems += found
    texts, found = read_file(folder / "staff_messages.yml", StaffMessagesFile, "staff_messages.yml")
    problems += found
    watchdog = load_watchdog(root, problems)
    if any(not p.warning for p in problems):
        return None, problems
    assert routes.model and hours.model and outcomes.model and texts.model  # no errors: all read
    config = EscalationConfig(
        **_routes(routes.model),
        hours=_office_hours(hours.model),
        outcomes=dict(outcomes.model.outcomes),
        staff_texts=dict(texts.model.messages),
        watchdog=watchdog,
    )
    return config, problems


NOBODY_HEARS = "nobody hears when Telegram is down"


def load_watchdog(root: Path, problems: list[Problem] | None = None) -> WatchdogConfig:
    """escalation/watchdog.yml, with its problems added to `problems`. A missing file or no
    notification URL are warnings: the bot runs, but nobody hears when Telegram is down."""
    path = root / "escalation" / "watchdog.yml"
    found: list[Problem] = []
    if not path.exists():
        found.append(Problem(path, 1, f"missing: the defaults apply, and {NOBODY_HEARS}", True))
        read = None
    else:
        read, found = read_file(path, WatchdogFile, "watchdog.yml")
        model = read.model
        if model is not None and not model.notify:
            found.append(Problem(path, read.line("notify"), f"no 'notify' URL: {NOBODY_HEARS}", True))
    if problems is not None:
        problems += found
    model = read.model if read is not None else None
    if model is None:
        return WatchdogConfig()
    return WatchdogConfig(**model.model_dump(exclude={"version"}))


def _routes(data: RoutesFile) -> dict:
    staff = {
        m.id: Staff(m.id, m.name, m.organisation, frozenset(m.teams), m.coordinator, m.telegram_user_id)
        for m in data.staff
    }
    return {
        "default_municipality": data.default_municipality,
        "municipalities": dict(data.municipalities),
        "teams": {k: Team(k, t.name or k, t.chat, t.backup) for k, t in data.teams.items()},
        "staff": staff,
        "realert": {
            level: Realert(times.realert_minutes, times.backup_minutes)
            for level, times in (("acute", data.realert.acute), ("high", data.realert.high))
        },
        "route_wait_minutes": data.route_wait_minutes,
        "case_retention_days": data.case_retention_days,
    }


def _office_hours(data: OfficeHoursFile) -> OfficeHours:
    weekly = {
        WEEKDAYS.index(day): (time.fromisoformat(opening), time.fromisoformat(closing))
        for day, (opening, closing) in data.weekly.items()
    }
    holidays = {date.fromisoformat(h.date): h.name for h in data.holidays or ()}
    return OfficeHours(ZoneInfo(data.timezone), weekly, holidays)
