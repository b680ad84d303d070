"""The shared vocabulary: topic ids and risk categories the bot reports, exactly.

bot/taxonomy.yml is a copy of ../shared/taxonomy.yml (a test keeps them equal), so a
fresh clone runs without the shared folder beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yml")
CONVERSATION_TOPICS = ("groet", "bedankt", "afscheid", "wat-kan-jij", "buiten-scope", "onbegrepen")
FALLBACK_TOPIC = "onbegrepen"


@dataclass(frozen=True, slots=True)
class Taxonomy:
    topics: tuple[str, ...]
    risk_categories: tuple[str, ...]

    @property
    def article_topics(self) -> tuple[str, ...]:
        """Topics answered by a knowledge article (all but the conversation ones)."""
        return tuple(t for t in self.topics if t not in CONVERSATION_TOPICS)


def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Taxonomy(tuple(data["topics"]), tuple(data["risk_categories"]))
