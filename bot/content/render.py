"""Fill placeholders in content texts: contact details and settings, kept in one place each."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.content.model import Contact

PLACEHOLDER = re.compile(r"\{([a-z0-9-]+)(?:\.([a-z_]+))?\}")
CONTACT_FIELDS = ("name", "phone", "url", "hours")


class UnknownPlaceholder(KeyError):
    """A text names a contact, field or setting that does not exist."""


def display_url(url: str) -> str:
    """'https://www.kindertelefoon.nl/chat' -> 'kindertelefoon.nl/chat': shorter on a phone."""
    return re.sub(r"^https?://(www\.)?", "", url).rstrip("/")


def contact_line(contact: Contact, language: str) -> str:
    """'De Kindertelefoon (0800-0432, kindertelefoon.nl)'."""
    name = contact.name.get(language) or contact.name.get("nl", contact.key)
    details = [d for d in (contact.phone, display_url(contact.url) if contact.url else None) if d]
    return f"{name} ({', '.join(details)})" if details else name


class Renderer:
    def __init__(self, contacts: Mapping[str, Contact], settings: Mapping[str, str]) -> None:
        self.contacts = contacts
        self.settings = settings

    def render(self, text: str, language: str, values: Mapping[str, str] | None = None) -> str:
        """Fill contacts, settings and, for escalation texts, the values of this moment
        ({staff}, {when}, {text}); a value is inserted as is, never rendered again."""
        return PLACEHOLDER.sub(lambda m: self._value(m.group(1), m.group(2), language, values or {}), text)

    def _value(self, key: str, field: str | None, language: str, values: Mapping[str, str]) -> str:
        if field is None and key in values:
            return values[key]
        if key == "setting":
            if field not in self.settings:
                raise UnknownPlaceholder(f"setting.{field}")
            return self.settings[field]
        contact = self.contacts.get(key)
        if contact is None or (field is not None and field not in CONTACT_FIELDS):
            raise UnknownPlaceholder(f"{key}.{field}" if field else key)
        if field is None:
            return contact_line(contact, language)
        if field == "name":
            return contact.name.get(language) or contact.name.get("nl", key)
        if field == "hours":
            return contact.hours.get(language, "")
        if field == "url":
            return display_url(contact.url or "")
        return contact.phone or ""
