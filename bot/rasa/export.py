"""`python -m bot export-rasa`: a Rasa 3.x project skeleton from our content, checked before writing.

The files are dumped to YAML, read back and validated as Rasa would read them; on any problem
nothing is written, so a municipality never receives a project that Rasa would refuse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.content.model import Content
from bot.engine import EngineParts
from bot.nlu.intent import DEFAULT_THRESHOLD
from bot.rasa.checker import Problem
from bot.rasa.domain import DEFAULT_LANGUAGE, build_domain
from bot.rasa.intents import RasaIntent, project_intents
from bot.rasa.schema import FORMAT_VERSION, validate_project

DEFAULT_ACTION_URL = "http://127.0.0.1:5055/webhook"
# Character and word n-grams, as our own classifier uses; the fallback threshold is ours too.
CONFIG: dict[str, Any] = {
    "recipe": "default.v1",
    "assistant_id": "weerbaarheid-bot",
    "language": DEFAULT_LANGUAGE,
    "pipeline": [
        {"name": "WhitespaceTokenizer"},
        {"name": "CountVectorsFeaturizer"},
        {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5},
        {"name": "DIETClassifier", "epochs": 100, "entity_recognition": False},
        {"name": "FallbackClassifier", "threshold": DEFAULT_THRESHOLD},
    ],
    "policies": [{"name": "RulePolicy"}],
}


def build_project(
    parts: EngineParts, content: Content, action_url: str = DEFAULT_ACTION_URL
) -> dict[str, dict[str, Any]]:
    """File name (relative to the project folder) -> its YAML data."""
    intents = project_intents(parts, content)
    return {
        "domain.yml": build_domain(parts.knowledge, intents),
        "data/nlu.yml": {"version": FORMAT_VERSION, "nlu": [_nlu_entry(i) for i in intents if i.examples]},
        "data/rules.yml": {"version": FORMAT_VERSION, "rules": _rules(intents, content)},
        "endpoints.yml": {"action_endpoint": {"url": action_url}},
        "config.yml": CONFIG,
    }


def _nlu_entry(intent: RasaIntent) -> dict[str, Any]:
    return {"intent": intent.name, "examples": "".join(f"- {text}\n" for text in intent.examples)}


def _rules(intents: list[RasaIntent], content: Content) -> list[dict[str, Any]]:
    named = {r.intent: r.name for r in content.rules}
    return [
        {
            "rule": named.get(i.name, f"Intent {i.name}"),
            "steps": [{"intent": i.name}, *({"action": a} for a in i.actions)],
        }
        for i in intents
        if i.actions
    ]


def export_project(parts: EngineParts, content: Content, out: Path, action_url: str) -> list[Problem]:
    """Write the project under `out`; return the problems instead when it would not validate."""
    texts = {name: dump_yaml(data) for name, data in build_project(parts, content, action_url).items()}
    problems = validate_project({name: yaml.safe_load(text) for name, text in texts.items()})
    if problems:
        return problems
    for name, text in texts.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return []


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as '|' blocks, the way Rasa's docs write NLU examples and responses."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
