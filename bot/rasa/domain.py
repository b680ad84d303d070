"""domain.yml of the exported project: intents, entities, slots, responses and our actions.

Responses are rendered with our Renderer first ({kindertelefoon} becomes a name and number),
because Rasa would read any {placeholder} as a slot. Each text has one conditional variation per
language (and per audience for articles), plus an unconditioned Dutch default, as Rasa's docs advise.
"""

from __future__ import annotations

from typing import Any

from bot.content.knowledge import MORE_PAYLOAD, Knowledge, Text
from bot.content.model import AUDIENCES, LANGUAGES
from bot.engine.actions import action_names
from bot.engine.actions.base import DEFAULT_AUDIENCE_BY_TOPIC
from bot.rasa.actions import MUNICIPALITY_ENTITY, MUNICIPALITY_SLOT, STOPPED, rasa_only_action_names
from bot.rasa.intents import FALLBACK_INTENT, RasaIntent
from bot.rasa.schema import FORMAT_VERSION

DEFAULT_LANGUAGE = "nl"
_CUSTOM = [{"type": "custom"}]  # set by our actions (SlotSet events), never by Rasa's extraction
SLOTS: dict[str, dict[str, Any]] = {
    "language": {
        "type": "categorical",
        "values": list(LANGUAGES),
        "initial_value": DEFAULT_LANGUAGE,
        "influence_conversation": False,
        "mappings": [{"type": "from_entity", "entity": "language"}, *_CUSTOM],
    },
    "audience": {
        "type": "categorical",
        "values": list(AUDIENCES),
        "influence_conversation": False,
        "mappings": [{"type": "from_entity", "entity": "audience"}, *_CUSTOM],
    },
    "audience_asked": {"type": "bool", "influence_conversation": False, "mappings": _CUSTOM},
    "last_topic": {"type": "text", "influence_conversation": False, "mappings": _CUSTOM},
    "more_index": {"type": "any", "influence_conversation": False, "mappings": _CUSTOM},
    "handover": {
        "type": "categorical",
        "values": ["offered", "alerted", "accepted", STOPPED],
        "influence_conversation": False,
        "mappings": _CUSTOM,
    },
    # The municipality chosen with a button (/gemeente{"gemeente": "Deurne"}) or typed; an acute
    # case later in the conversation goes to its team.
    MUNICIPALITY_SLOT: {
        "type": "text",
        "influence_conversation": False,
        "mappings": [{"type": "from_entity", "entity": MUNICIPALITY_ENTITY}, *_CUSTOM],
    },
}


def build_domain(knowledge: Knowledge, intents: list[RasaIntent]) -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "intents": [i.name for i in intents if i.name != FALLBACK_INTENT],  # Rasa declares it itself
        "entities": ["audience", "language", MUNICIPALITY_ENTITY],
        "slots": SLOTS,
        "responses": {**_short_responses(knowledge), **_article_responses(knowledge)},
        "actions": sorted(action_names() | rasa_only_action_names()),
    }


def _short_responses(knowledge: Knowledge) -> dict[str, list[dict[str, Any]]]:
    """intents/responses.yml, one variation per language; label_* are button labels, not responses."""
    out = {}
    for name in sorted(knowledge.content.responses):
        if name.startswith("utter_"):
            texts = {lang: knowledge.response(name, lang) for lang in LANGUAGES}
            out[name] = [
                *(_variation(t, language=lang) for lang, t in texts.items()),
                _variation(texts["nl"]),
            ]
    return out


def _article_responses(knowledge: Knowledge) -> dict[str, list[dict[str, Any]]]:
    """utter_<topic>: the article's short answer per language and audience; unknown audience last."""
    out = {}
    for topic in sorted(knowledge.content.articles):
        default = DEFAULT_AUDIENCE_BY_TOPIC.get(topic, "jongere")  # what our actions pick, too
        variations = [
            _variation(_answer(knowledge, topic, audience, lang), language=lang, audience=audience)
            for lang in LANGUAGES
            for audience in (*AUDIENCES, None)
        ]
        out[f"utter_{topic}"] = [
            *variations,
            _variation(_answer(knowledge, topic, default, DEFAULT_LANGUAGE)),
        ]
    return out


def _answer(knowledge: Knowledge, topic: str, audience: str | None, language: str) -> Text:
    """The answer our action gives, without "Meer": that button needs the slots our action sets."""
    text = knowledge.answer(topic, audience or DEFAULT_AUDIENCE_BY_TOPIC.get(topic, "jongere"), language)
    return Text(text.text, tuple(b for b in text.buttons if b.payload != MORE_PAYLOAD))


def _variation(text: Text, **condition: str | None) -> dict[str, Any]:
    """A response variation; every keyword becomes a slot condition (None matches an empty slot)."""
    variation: dict[str, Any] = {}
    if condition:
        variation["condition"] = [{"type": "slot", "name": k, "value": v} for k, v in condition.items()]
    variation["text"] = text.text
    if text.buttons:
        variation["buttons"] = [{"title": b.title, "payload": b.payload} for b in text.buttons]
    return variation
