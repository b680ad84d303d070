"""The werkgroep's own settings for escalation, read from escalation/*.yml with file:line problems.

routes.yml (municipalities, teams, staff, re-alert times), office_hours.yml and
outcomes.yml. A coordinator edits these; `python -m bot check` validates them and the
bot refuses to start when they are wrong, so a typo never silently drops an alert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content.yamlsrc import ContentError, LineDict, LineList, Problem, load_yaml

LEVELS = ("acute", "high")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CHAT = re.compile(r"^(terminal|telegram:-?\d+)$")
STAFF_TEXTS = frozenset(
    {"alert", "realert", "backup", "escalated", "claimed", "user_message", "user_message_acute"}
    | {"user_stopped", "user_erased", "user_unreachable", "handed_over", "closed", "no_messages"}
)
STAFF_FIELDS = frozenset(
    {"case", "level", "category", "municipality", "team", "time", "messages"}
    | {"minutes", "staff", "target", "outcome", "text"}
)
HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


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
    """Read the three files; None (with the problems) when any of them is unusable."""
    p = _Problems()
    docs = {}
    for name in ("routes", "office_hours", "outcomes", "staff_messages"):
        path = root / "escalation" / f"{name}.yml"
        try:
            docs[name] = (path, p.mapping(load_yaml(path), path, 1, f"{name}.yml"))
        except ContentError as exc:
            p.items += exc.problems
            docs[name] = (path, LineDict())
    config = EscalationConfig(
        **_routes(p, *docs["routes"]),
        hours=_office_hours(p, *docs["office_hours"]),
        outcomes=_outcomes(p, *docs["outcomes"]),
        staff_texts=_staff_texts(p, *docs["staff_messages"]),
    )
    return (None if p.items else config), p.items


def _routes(p: _Problems, path: Path, data: LineDict) -> dict:
    teams = {}
    for key, node in p.mapping(data.get("teams"), path, data.line_of("teams"), "'teams'").items():
        node = p.mapping(node, path, data["teams"].line_of(key), f"team '{key}'")
        chat = str(node.get("chat", ""))
        if not CHAT.match(chat):
            p.add(path, node.line_of("chat"), f"team '{key}': chat must be 'terminal' or 'telegram:<id>'")
        teams[str(key)] = Team(str(key), str(node.get("name", key)), chat, str(node.get("backup", "")))
    staff = _staff(p, path, data, set(teams))
    for team in teams.values():
        if team.backup not in staff:
            p.add(
                path,
                data["teams"].line_of(team.key),
                f"team '{team.key}': backup '{team.backup}' is no staff",
            )
    municipalities = {
        str(m): str(t)
        for m, t in p.mapping(data.get("municipalities"), path, data.line_of("municipalities"), "x").items()
    }
    for m, t in municipalities.items():
        if t not in teams:
            p.add(path, data["municipalities"].line_of(m), f"municipality '{m}': unknown team '{t}'")
    default = str(data.get("default_municipality", ""))
    if default not in municipalities:
        p.add(path, data.line_of("default_municipality"), f"default_municipality '{default}' is not listed")
        municipalities.setdefault(default, next(iter(teams), ""))
    realert_node = p.mapping(data.get("realert"), path, data.line_of("realert"), "'realert'")
    realert = {}
    for level in LEVELS:
        node = p.mapping(realert_node.get(level), path, realert_node.line_of(level), f"realert '{level}'")
        realert[level] = Realert(
            p.minutes(node, "realert_minutes", path, f"realert {level}"),
            p.minutes(node, "backup_minutes", path, f"realert {level}"),
        )
    return {
        "default_municipality": default,
        "municipalities": municipalities,
        "teams": teams,
        "staff": staff,
        "realert": realert,
        "route_wait_minutes": p.minutes(data, "route_wait_minutes", path, "routes"),
        "case_retention_days": p.minutes(data, "case_retention_days", path, "routes"),
    }


def _staff(p: _Problems, path: Path, data: LineDict, teams: set[str]) -> dict[str, Staff]:
    out: dict[str, Staff] = {}
    items = data.get("staff")
    if not isinstance(items, LineList) or not items:
        p.add(path, data.line_of("staff"), "'staff' must list at least one staff member")
        return out
    for i, node in enumerate(items):
        node = p.mapping(node, path, items.line_of(i), "a staff member")
        sid, name = str(node.get("id", "")), str(node.get("name", "")).strip()
        if not sid or not name or sid in out:
            p.add(path, items.line_of(i), f"staff '{sid}': needs a unique 'id' and a 'name'")
            continue
        member_teams = frozenset(str(t) for t in node.get("teams") or [])
        for unknown in sorted(member_teams - teams):
            p.add(path, node.line_of("teams"), f"staff '{sid}': unknown team '{unknown}'")
        telegram = node.get("telegram_user_id")
        out[sid] = Staff(
            sid,
            name,
            str(node.get("organisation", "")),
            member_teams,
            bool(node.get("coordinator", False)),
            int(telegram) if isinstance(telegram, int) else None,
        )
    return out


def _office_hours(p: _Problems, path: Path, data: LineDict) -> OfficeHours:
    try:
        zone = ZoneInfo(str(data.get("timezone", "")))
    except (ZoneInfoNotFoundError, ValueError):
        p.add(path, data.line_of("timezone"), "timezone must be a zone name such as Europe/Amsterdam")
        zone = ZoneInfo("Europe/Amsterdam")
    weekly = {}
    weekly_node = p.mapping(data.get("weekly"), path, data.line_of("weekly"), "'weekly'")
    for day, span in weekly_node.items():
        line = weekly_node.line_of(day)
        ok = isinstance(span, list) and len(span) == 2 and all(HH_MM.match(str(t)) for t in span)
        if day not in WEEKDAYS or not ok or str(span[0]) >= str(span[1]):
            p.add(path, line, f'\'{day}\': write a weekday and ["09:00", "17:00"] (opening before closing)')
            continue
        weekly[WEEKDAYS.index(day)] = (time.fromisoformat(str(span[0])), time.fromisoformat(str(span[1])))
    holidays = {}
    items = data.get("holidays") or LineList()
    for i, node in enumerate(items):
        try:
            holidays[date.fromisoformat(str(node["date"]))] = str(node.get("name", ""))
        except (TypeError, KeyError, ValueError):
            p.add(path, items.line_of(i), "a holiday needs 'date: YYYY-MM-DD'")
    return OfficeHours(zone, weekly, holidays)


def _outcomes(p: _Problems, path: Path, data: LineDict) -> dict[str, str]:
    node = p.mapping(data.get("outcomes"), path, data.line_of("outcomes"), "'outcomes'")
    if not node:
        p.add(path, data.line, "'outcomes' must list at least one outcome code")
    return {str(code): str(label) for code, label in node.items()}


def _staff_texts(p: _Problems, path: Path, data: LineDict) -> dict[str, str]:
    """Every text the desk sends to staff, with only the {names} it fills in."""
    node = p.mapping(data.get("messages"), path, data.line_of("messages"), "'messages'")
    texts = {str(k): str(v) for k, v in node.items()}
    for name in sorted(STAFF_TEXTS - texts.keys()):
        p.add(path, node.line, f"staff message '{name}' is missing")
    for name, text in texts.items():
        unknown = {f for _, f, _, _ in Formatter().parse(text) if f} - STAFF_FIELDS
        if unknown:
            p.add(path, node.line_of(name), f"staff message '{name}': unknown {{{sorted(unknown)[0]}}}")
    return texts
