"""The shape of the werkgroep's escalation settings (escalation/routes.yml, office_hours.yml,
outcomes.yml, staff_messages.yml) as pydantic models, with the rules that span fields.
bot.content.escalation turns them into EscalationConfig.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from string import Formatter
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator, Field

from bot.content.typed import Location, Model, Text, WholeAboveZero

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


def _chat(value: str) -> str:
    if not CHAT.match(value):
        raise ValueError("must be 'terminal' or 'telegram:<id>'")
    return value


class TeamModel(Model):
    name: Text | None = None
    chat: Annotated[str, AfterValidator(_chat)]
    backup: Text


class StaffModel(Model):
    id: Text
    name: Text
    organisation: str = ""
    teams: tuple[Text, ...] = ()
    coordinator: bool = False
    telegram_user_id: int | None = None


class RealertLevel(Model):
    realert_minutes: WholeAboveZero
    backup_minutes: WholeAboveZero


class RealertModel(Model):
    acute: RealertLevel
    high: RealertLevel


class RoutesFile(Model):
    version: int | None = None
    default_municipality: Text
    municipalities: dict[str, Text] = Field(min_length=1)
    teams: dict[str, TeamModel] = Field(min_length=1)
    staff: list[StaffModel] = Field(min_length=1)
    realert: RealertModel
    route_wait_minutes: WholeAboveZero
    case_retention_days: WholeAboveZero

    def rule_staff(self) -> Iterable[tuple[Location, str]]:
        ids = [s.id if s else None for s in self.staff]  # a part that did not validate is None
        for i, member in enumerate(self.staff):
            if member is None:
                continue
            if member.id in ids[:i]:
                yield ("staff", i), f"staff '{member.id}': needs a unique 'id' ('{member.id}' is used twice)"
            for unknown in sorted(set(member.teams) - set(self.teams)):
                yield ("staff", i, "teams"), f"staff '{member.id}': unknown team '{unknown}'"

    def rule_backup(self) -> Iterable[tuple[Location, str]]:
        ids = {s.id for s in self.staff if s}
        for key, team in self.teams.items():
            if team.backup not in ids:
                yield ("teams", key), f"team '{key}': backup '{team.backup}' is no staff"

    def rule_municipalities(self) -> Iterable[tuple[Location, str]]:
        for place, team_key in self.municipalities.items():
            if team_key not in self.teams:
                yield ("municipalities", place), f"municipality '{place}': unknown team '{team_key}'"

    def rule_default(self) -> Iterable[tuple[Location, str]]:
        default = self.default_municipality
        if default not in self.municipalities:
            yield ("default_municipality",), f"default_municipality '{default}' is not listed"


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be a zone name such as Europe/Amsterdam") from None
    return value


def _span(value: Any) -> Any:
    ok = isinstance(value, list) and len(value) == 2 and all(HH_MM.match(str(t)) for t in value)
    if not ok or str(value[0]) >= str(value[1]):
        raise ValueError('must be ["09:00", "17:00"]: opening before closing')
    return tuple(str(t) for t in value)


def _day(value: Any) -> str:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        raise ValueError("must be a date YYYY-MM-DD") from None
    return str(value)


class HolidayModel(Model):
    date: Annotated[str, BeforeValidator(_day)]
    name: str = ""


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class OfficeHoursFile(Model):
    version: int | None = None
    timezone: Annotated[str, AfterValidator(_zone)]
    weekly: dict[Weekday, Annotated[tuple[str, str], BeforeValidator(_span)]] = Field(min_length=1)
    holidays: tuple[HolidayModel, ...] | None = None


class OutcomesFile(Model):
    version: int | None = None
    outcomes: dict[str, Text] = Field(min_length=1)


class StaffMessagesFile(Model):
    version: int | None = None
    messages: dict[str, str]

    def rule_texts(self) -> Iterable[tuple[Location, str]]:
        for name in sorted(STAFF_TEXTS - self.messages.keys()):
            yield ("messages",), f"staff message '{name}' is missing"
        for name, text in self.messages.items():
            try:
                unknown = {f for _, f, _, _ in Formatter().parse(text) if f} - STAFF_FIELDS
            except ValueError:
                yield ("messages", name), f"staff message '{name}': a '{{' or '}}' without its partner"
                continue
            if unknown:
                yield ("messages", name), f"staff message '{name}': unknown {{{sorted(unknown)[0]}}}"


# --- escalation/watchdog.yml ------------------------------------------------------------------

NOTIFY_URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$")
LISTEN = re.compile(r"^[^\s:]+:\d{1,5}$")


def _above_zero(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError("must be a number above 0")
    return float(value)


def _notify(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(u, str) and NOTIFY_URL.match(u) for u in value):
        raise ValueError("must list notification URLs such as mailtos://...")
    return tuple(value)


def _listen(value: Any) -> Any:
    if not isinstance(value, str) or not LISTEN.match(value):
        raise ValueError("must be host:port, e.g. 127.0.0.1:8079")
    return value


def _undelivered(value: Any) -> Any:
    unknown = {f for _, f, _, _ in Formatter().parse(str(value)) if f} - {"case", "minutes"}
    if unknown:
        raise ValueError(f"unknown {{{sorted(unknown)[0]}}}")
    return str(value)


AboveZero = Annotated[float, BeforeValidator(_above_zero)]


class WatchdogFile(Model):
    """When the werkgroep hears of trouble by a channel other than Telegram (the defaults are
    those of bot.content.escalation.WatchdogConfig, repeated here as the file's defaults)."""

    version: int | None = None
    notify: Annotated[tuple[str, ...], BeforeValidator(_notify)] = ()
    telegram_down_minutes: AboveZero = 5.0
    loop_down_minutes: AboveZero = 1.0
    acute_unclaimed_minutes: AboveZero = 30.0
    undelivered_minutes: AboveZero = 1.0
    check_seconds: AboveZero = 15.0
    health_listen: Annotated[str, BeforeValidator(_listen)] = "127.0.0.1:8079"
    reply_undelivered: Annotated[str, BeforeValidator(_undelivered)] = (
        "Casus #{case}: een bericht aan de jongere kwam na {minutes} minuut niet aan."
    )
