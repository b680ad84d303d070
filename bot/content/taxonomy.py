"""The shared vocabulary: topic ids and risk categories the bot reports, exactly.

bot/taxonomy.yml is a copy of ../shared/taxonomy.yml (a test keeps them equal), so a
fresh clone runs without the shared folder beside it. The shared file is written by
hand for people and is not always valid YAML (a description may hold ": "), so only its
ids are read, line by line: a section name at the margin, an id indented under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TAXONOMY_PATH = Path(__file__).parent.parent / "taxonomy.yml"
CONVERSATION_TOPICS = ("groet", "bedankt", "afscheid", "wat-kan-jij", "buiten-scope", "steun", "onbegrepen")
FALLBACK_TOPIC = "onbegrepen"
SUPPORT_TOPIC = "steun"
FOLLOW_UP_GROUP = "vervolg"  # intents vervolg/<detail>: a question that leans on the current topic
_SECTION = re.compile(r"^([a-z_]+):")
_ENTRY = re.compile(r"^\s+([a-z][a-z0-9-]*):")


@dataclass(frozen=True, slots=True)
class Taxonomy:
    topics: tuple[str, ...]
    risk_categories: tuple[str, ...]

    @property
    def article_topics(self) -> tuple[str, ...]:
        """Topics answered by a knowledge article (all but the conversation ones)."""
        return tuple(t for t in self.topics if t not in CONVERSATION_TOPICS)


def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        if section := _SECTION.match(line):
            current = sections.setdefault(section.group(1), [])
        elif (entry := _ENTRY.match(line)) and current is not None:
            current.append(entry.group(1))
    return Taxonomy(tuple(sections.get("topics", ())), tuple(sections.get("risk_categories", ())))
