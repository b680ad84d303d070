"""Button payloads and typed commands in Rasa's trigger syntax: /intent or /intent{"entity": "value"}.

A payload comes from the client and can be forged, so it only ever selects content;
it never skips the risk check of typed text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

# Intents that come only from buttons and commands, never from typed text.
BUTTON_INTENTS = frozenset(
    {
        "meer",
        "kies_doelgroep",
        "start",
        "onderwerpen",
        "handover_ja",
        "handover_nee",
        "handover_uitleg",
        "gemeente",
        "stop_handover",
        "wis",
        "wis_ja",
        "wis_nee",
        "feedback",
        "volgende_stap",
    }
)
# Typed commands with their intent; /start takes a deep-link word (ouder, school, ...).
COMMAND_INTENTS = {
    "start": "start",
    "help": "wat-kan-jij",
    "hulp": "wat-kan-jij",
    "onderwerpen": "onderwerpen",
    "topics": "onderwerpen",
    "mens": "praten-met-iemand",
    "human": "praten-met-iemand",
    "privacy": "privacy",
    "meer": "meer",
    "more": "meer",
    "stop": "stop_handover",
    "wis": "wis",
    "erase": "wis",
}
START_AUDIENCES = {
    "ouder": "ouder",
    "ouders": "ouder",
    "parent": "ouder",
    "school": "professional",
    "professional": "professional",
    "prof": "professional",
    "jongere": "jongere",
}
_PAYLOAD = re.compile(r"^/([a-z][a-z0-9_/-]*)(\{.*\})?(?:\s+(\S+))?\s*$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Command:
    intent: str
    entities: dict[str, str] = field(default_factory=dict)


def parse_command(text: str, known_intents: set[str]) -> Command | None:
    """A payload or command, or None when the text is ordinary chat."""
    match = _PAYLOAD.match(text.strip().lower())
    if not match:
        return None
    name, raw_entities, argument = match.groups()
    entities: dict[str, str] = {}
    if raw_entities:
        try:
            loaded = json.loads(raw_entities)
        except json.JSONDecodeError:
            loaded = {}
        entities = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
    if name == "start" and argument in START_AUDIENCES:
        entities["audience"] = START_AUDIENCES[argument]
    intent = COMMAND_INTENTS.get(name, name)
    if intent in COMMAND_INTENTS.values() or intent in known_intents:
        return Command(intent, entities)
    return None
