"""The werkgroep's own settings for escalation, read from escalation/*.yml with file:line problems.

routes.yml (municipalities, teams, staff, re-alert times), office_hours.yml,
outcomes.yml, staff_messages.yml and watchdog.yml (the second channel for trouble). A
coordinator edits these; `python -m bot check` validates them and the bot refuses to
start when they are wrong, so a typo never silently drops an alert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo

from bot.content.escalation_schema import (
    LEVELS,
    WEEKDAYS,
    OfficeHoursFile,
    OutcomesFile,
    RoutesFile,
    StaffMessagesFile,
)
from bot.content.typed import read_file
from bot.content.yamlsrc import ContentError, LineDict, Problem, load_yaml

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


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: Path, line: int, message: str) -> None:
        self.items.append(Problem(path, line, message))

    def mapping(self, node: object, path: Path, line: int, what: str) -> LineDict:
        if isinstance(node, LineDict):
            return node
        self.add(path, line, f"{what} must be a mapping")
        return LineDict()

    def minutes(self, node: LineDict, key: str, path: Path, what: str) -> int:
        value = node.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        self.add(path, node.line_of(key), f"{what}: '{key}' must be a whole number above 0")
        return 1


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


WATCHDOG_MINUTES = (
    "telegram_down_minutes",
    "loop_down_minutes",
    "acute_unclaimed_minutes",
    "undelivered_minutes",
)
NOTIFY_URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$")
LISTEN = re.compile(r"^[^\s:]+:\d{1,5}$")


def load_watchdog(root: Path, problems: list[Problem] | None = None) -> WatchdogConfig:
    """escalation/watchdog.yml, with its problems added to `problems`."""
    p = _Problems()
    path = root / "escalation" / "watchdog.yml"
    if not path.exists():
        warning = "missing: the defaults apply, and nobody hears when Telegram is down"
        if problems is not None:
            problems.append(Problem(path, 1, warning, True))
        return WatchdogConfig()
    try:
        data = p.mapping(load_yaml(path), path, 1, "watchdog.yml")
    except ContentError as exc:
        p.items += exc.problems
        data = LineDict()
    default = WatchdogConfig()
    values: dict = {}
    for key in (*WATCHDOG_MINUTES, "check_seconds"):
        value = data.get(key, getattr(default, key))
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            p.add(path, data.line_of(key), f"'{key}' must be a number above 0")
            continue
        values[key] = float(value)
    notify = data.get("notify") or []
    if not isinstance(notify, list) or not all(isinstance(u, str) and NOTIFY_URL.match(u) for u in notify):
        p.add(path, data.line_of("notify"), "'notify' must list notification URLs such as mailtos://...")
        notify = []
    elif not notify:
        p.items.append(
            Problem(path, data.line_of("notify"), "no 'notify' URL: nobody hears when Telegram is down", True)
        )
    values["notify"] = tuple(notify)
    listen = str(data.get("health_listen", default.health_listen))
    if not LISTEN.match(listen):
        p.add(path, data.line_of("health_listen"), "'health_listen' must be host:port, e.g. 127.0.0.1:8079")
    else:
        values["health_listen"] = listen
    text = data.get("reply_undelivered", default.reply_undelivered)
    unknown = {f for _, f, _, _ in Formatter().parse(str(text)) if f} - {"case", "minutes"}
    if unknown:
        name = sorted(unknown)[0]
        p.add(path, data.line_of("reply_undelivered"), f"'reply_undelivered': unknown {{{name}}}")
    else:
        values["reply_undelivered"] = str(text)
    if problems is not None:
        problems += p.items
    return WatchdogConfig(**values)


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
