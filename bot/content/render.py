"""Fill placeholders in content texts: contact details and settings, kept in one place each."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.content.model import WEEKDAYS, Contact

PLACEHOLDER = re.compile(r"\{([a-z0-9-]+)(?:\.([a-z_]+))?\}")
CONTACT_FIELDS = ("name", "phone", "url", "hours")
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")  # the contacts' opening hours are Dutch local time
CLOSED_NOW = {"nl": "nu gesloten", "en": "closed now"}
MAYBE_CLOSED = {"nl": "'s nachts misschien gesloten", "en": "may be closed at night"}
NIGHT = ("21:00", "08:00")  # a staffed line whose hours are not known: at night, may be closed


class UnknownPlaceholder(KeyError):
    """A text names a contact, field or setting that does not exist."""


def display_url(url: str) -> str:
    """'https://www.kindertelefoon.nl/chat' -> 'kindertelefoon.nl/chat': shorter on a phone."""
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def open_now(contact: Contact, moment: datetime) -> bool | None:
    """Whether the contact is open at this moment; None when its hours are not known."""
    if contact.open is None:
        return None
    local = moment.astimezone(LOCAL_TIME)
    day, clock = WEEKDAYS[local.weekday()], local.strftime("%H:%M")
    return any(day in slot.days and _within(clock, slot.start, slot.end) for slot in contact.open)


def _within(clock: str, start: str, end: str) -> bool:
    """Times as "HH:MM" strings compare in order; a slot past midnight (22:00-02:00) wraps."""
    return start <= clock < end if start <= end else clock >= start or clock < end


def contact_line(contact: Contact, language: str, moment: datetime | None = None) -> str:
    """'De Kindertelefoon (0800-0432, kindertelefoon.nl)'; ', nu gesloten' added when its
    hours are known and it is closed at `moment`, so nobody is sent to a closed door."""
    name = contact.name.get(language) or contact.name.get("nl", contact.key)
    details = [d for d in (contact.phone, display_url(contact.url) if contact.url else None) if d]
    if moment is not None:
        state = open_now(contact, moment)
        if state is False:
            details.append(CLOSED_NOW.get(language, CLOSED_NOW["nl"]))
        elif (
            state is None
            and contact.phone
            and _within(moment.astimezone(LOCAL_TIME).strftime("%H:%M"), *NIGHT)
        ):
            details.append(MAYBE_CLOSED.get(language, MAYBE_CLOSED["nl"]))
    return f"{name} ({', '.join(details)})" if details else name


class Renderer:
    def __init__(
        self,
        contacts: Mapping[str, Contact],
        settings: Mapping[str, str],
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.contacts = contacts
        self.settings = settings
        self.clock = clock  # None: hours are not judged (the content check, the review pack)

    def render(self, text: str, language: str, values: Mapping[str, str] | None = None) -> str:
        """Fill contacts, settings and, for escalation texts, the values of this moment
        ({staff}, {when}, {text}); a value is inserted as is, never rendered again."""
        return PLACEHOLDER.sub(lambda m: self._value(m.group(1), m.group(2), language, values or {}), text)

    def _value(self, key: str, field: str | None, language: str, values: Mapping[str, str]) -> str:
        if field is None and key in values:
            return values[key]
        if key == "setting":
            if field is None or field not in self.settings:
                raise UnknownPlaceholder(f"setting.{field}")
            return self.settings[field]
        contact = self.contacts.get(key)
        if contact is None or (field is not None and field not in CONTACT_FIELDS):
            raise UnknownPlaceholder(f"{key}.{field}" if field else key)
        if field is None:
            return contact_line(contact, language, self.clock() if self.clock else None)
        if field == "name":
            return contact.name.get(language) or contact.name.get("nl", key)
        if field == "hours":
            return contact.hours.get(language, "")
        if field == "url":
            return display_url(contact.url or "")
        return contact.phone or ""
