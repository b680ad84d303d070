"""The {setting.x} values a content check fills in, without a running bot's .env."""

from __future__ import annotations

from bot.common.settings import default_placeholder_settings
from bot.content.model import Content

DEFAULT_CASE_DAYS = 30  # only while escalation/routes.yml itself is broken


def content_placeholders(content: Content) -> dict[str, str]:
    """Declared defaults, and the werkgroep's own case retention from escalation/routes.yml."""
    escalation = content.escalation
    return default_placeholder_settings(escalation.case_retention_days if escalation else DEFAULT_CASE_DAYS)
