"""The project files against each other, as `rasa data validate` and `rasa train` would find them.

Runs only on files whose shape schema.py accepted, so lookups here may assume it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.rasa.checker import Checker, Problem, join

# Rasa 3.x defaults: usable in data and rules without declaring them in the domain.
DEFAULT_INTENTS = frozenset({"restart", "back", "out_of_scope", "session_start", "nlu_fallback"})
DEFAULT_ACTIONS = frozenset(
    {
        "action_listen",
        "action_restart",
        "action_session_start",
        "action_default_fallback",
        "action_deactivate_loop",
        "action_revert_fallback_events",
        "action_default_ask_affirmation",
        "action_default_ask_rephrase",
        "action_two_stage_fallback",
        "action_unlikely_intent",
        "action_back",
        "action_extract_slots",
    }
)
_TRIGGER = re.compile(r"^/([^{@\s]+)")  # a button payload /intent{"entity": "value"}@confidence
_VARIABLE = re.compile(r"\{(\w+)\}")  # Rasa fills {slot} in a response text, "None" when unknown


@dataclass(frozen=True, slots=True)
class Names:
    """What the domain declares."""

    intents: frozenset[str]
    entities: frozenset[str]
    slots: dict[str, dict[str, Any]]
    responses: frozenset[str]
    actions: frozenset[str]

    @classmethod
    def of(cls, domain: dict[str, Any]) -> Names:
        return cls(
            frozenset(_name(i) for i in domain.get("intents", [])) | DEFAULT_INTENTS,
            frozenset(_name(e) for e in domain.get("entities", [])),
            dict(domain.get("slots") or {}),
            frozenset(domain.get("responses") or {}),
            frozenset(_name(a) for a in domain.get("actions", [])) | DEFAULT_ACTIONS,
        )

    def knows_action(self, action: str) -> bool:
        return action in self.responses if action.startswith("utter_") else action in self.actions


def _name(entry: str | dict[str, Any]) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def check_consistency(files: dict[str, Any]) -> list[Problem]:
    domain = files["domain.yml"]
    names = Names.of(domain)
    rules = files["data/rules.yml"]["rules"]
    return [
        *_domain(domain, names),
        *_nlu(files["data/nlu.yml"]["nlu"], names),
        *_rules(rules, names),
        *_config(files["config.yml"], rules),
    ]


def _domain(domain: dict[str, Any], names: Names) -> list[Problem]:
    c = Checker("domain.yml")
    for kind in ("intents", "actions"):
        seen: set[str] = set()
        for i, entry in enumerate(domain.get(kind, [])):
            if _name(entry) in seen:
                c.fail(join(kind, i), f"'{_name(entry)}' is declared twice")
            seen.add(_name(entry))
    for i, entry in enumerate(domain.get("intents", [])):
        if "/" in _name(entry):
            c.fail(join("intents", i), "declare a retrieval intent by its base name, before the '/'")
    for slot, spec in names.slots.items():
        for i, mapping in enumerate(spec.get("mappings", [])):
            where = join(join(join("slots", slot), "mappings"), i)
            if mapping["type"] == "from_entity" and mapping["entity"] not in names.entities:
                c.fail(where, f"entity '{mapping['entity']}' is not declared under entities")
            if mapping.get("intent") is not None and mapping["intent"] not in names.intents:
                c.fail(where, f"intent '{mapping['intent']}' is not declared")
    for name, variations in (domain.get("responses") or {}).items():
        for i, variation in enumerate(variations):
            _variation(c, variation, join(join("responses", name), i), names)
    return c.problems


def _variation(c: Checker, variation: dict[str, Any], where: str, names: Names) -> None:
    for i, cond in enumerate(variation.get("condition", [])):
        slot = names.slots.get(cond["name"])
        cw = join(join(where, "condition"), i)
        if slot is None:
            c.fail(cw, f"slot '{cond['name']}' is not declared")
        elif slot.get("type") == "categorical" and cond.get("value") not in [*slot["values"], None]:
            c.fail(cw, f"'{cond.get('value')}' is not a value of slot '{cond['name']}'")
    for variable in _VARIABLE.findall(variation.get("text") or ""):
        if variable not in names.slots:
            c.fail(join(where, "text"), f"{{{variable}}} is no slot: Rasa would print None")
    for i, button in enumerate(variation.get("buttons", [])):
        trigger = _TRIGGER.match(button["payload"])
        if trigger and trigger.group(1).split("/")[0] not in names.intents:
            c.fail(join(join(where, "buttons"), i), f"payload intent '{trigger.group(1)}' is not declared")


def _nlu(entries: list[dict[str, Any]], names: Names) -> list[Problem]:
    c = Checker("data/nlu.yml")
    labels: dict[str, str] = {}
    for i, entry in enumerate(entries):
        intent = entry.get("intent")
        if intent is None:
            continue
        where = join("nlu", i)
        if intent.split("/")[0] not in names.intents:
            c.fail(where, f"intent '{intent}' is not declared in the domain")
        if "/" in intent and f"utter_{intent}" not in names.responses:
            c.fail(where, f"retrieval intent '{intent}' needs the response 'utter_{intent}'")
        for text in _example_texts(entry["examples"]):
            other = labels.setdefault(text, intent)
            if other != intent:
                c.fail(where, f"example '{text}' is also labelled '{other}'")
    return c.problems


def _example_texts(examples: str | list[dict[str, Any]]) -> Iterator[str]:
    if isinstance(examples, list):
        yield from (str(e["text"]).strip() for e in examples)
        return
    yield from (line[2:].strip() for line in examples.splitlines() if line.strip())


def _rules(rules: list[dict[str, Any]], names: Names) -> list[Problem]:
    c = Checker("data/rules.yml")
    answers: dict[str, tuple[str, list[str]]] = {}
    for i, rule in enumerate(rules):
        where = join("rules", i)
        for n, step in enumerate(rule["steps"]):
            _rule_step(c, step, join(join(where, "steps"), n), names)
        intents = [s["intent"] for s in rule["steps"] if "intent" in s]
        actions = [s["action"] for s in rule["steps"] if "action" in s]
        if len(intents) == 1 and not rule.get("condition"):
            first = answers.setdefault(intents[0], (rule["rule"], actions))
            if first[1] != actions:  # RulePolicy fails training on contradicting rules
                c.fail(where, f"contradicts rule '{first[0]}' for intent '{intents[0]}'")
    return c.problems


def _rule_step(c: Checker, step: dict[str, Any], where: str, names: Names) -> None:
    for intent in [step.get("intent")] + [o.get("intent") for o in step.get("or", [])]:
        if intent is not None and intent not in names.intents:
            c.fail(where, f"intent '{intent}' is not declared in the domain")
    action = step.get("action")
    if action is not None and not names.knows_action(action):
        c.fail(where, f"action '{action}' is neither a response nor a declared action")
    for event in step.get("slot_was_set", []):
        slot = event if isinstance(event, str) else next(iter(event))
        if slot not in names.slots:
            c.fail(where, f"slot '{slot}' is not declared")


def _config(config: dict[str, Any], rules: list[dict[str, Any]]) -> list[Problem]:
    """A left-out list means Rasa's default one, which has both the RulePolicy and the FallbackClassifier."""
    c = Checker("config.yml")
    policies = {p["name"] for p in config.get("policies", [{"name": "RulePolicy"}])}
    pipeline = {p["name"] for p in config.get("pipeline", [{"name": "FallbackClassifier"}])}
    if rules and "RulePolicy" not in policies:
        c.fail("policies", "rules need the RulePolicy")
    uses_fallback = any(s.get("intent") == "nlu_fallback" for r in rules for s in r["steps"])
    if uses_fallback and "FallbackClassifier" not in pipeline:
        c.fail("pipeline", "a rule for nlu_fallback needs the FallbackClassifier")
    return c.problems
