"""The shape of each Rasa 3.x project file, checked here because Rasa cannot be installed beside us.

Written from Rasa's 3.x documentation (Domain; Responses and conditional response variations;
Slots and slot mappings; NLU training data; Rules; Model configuration; Action server endpoint)
and the pykwalify schemas Rasa 3.x validates with (domain.yml, responses.yml, nlu.yml,
stories.yml). consistency.py then checks the files against each other, as `rasa data validate`
does. validate_project() is what the export and the tests call.
"""

from __future__ import annotations

from typing import Any

from bot.rasa.checker import Checker, Problem, join
from bot.rasa.consistency import check_consistency

FORMAT_VERSION = "3.1"
DOMAIN_KEYS = frozenset(
    {"version", "intents", "entities", "slots", "responses", "actions", "forms", "config", "session_config"}
)
SLOT_KEYS = frozenset(
    {"type", "influence_conversation", "values", "min_value", "max_value", "initial_value", "mappings"}
)
SLOT_TYPES = frozenset({"text", "bool", "categorical", "float", "list", "any"})  # or a custom class path
MAPPING_KEYS = frozenset(
    {"type", "intent", "not_intent", "entity", "role", "group", "value", "action", "conditions"}
)
MAPPING_REQUIRES = {
    "from_entity": ("entity",),
    "from_intent": ("value",),
    "from_trigger_intent": ("value",),
    "from_text": (),
    "custom": (),
}
VARIATION_KEYS = frozenset(
    {
        "id",
        "text",
        "image",
        "custom",
        "buttons",
        "button_type",
        "quick_replies",
        "attachment",
        "elements",
        "channel",
        "metadata",
        "condition",
    }
)
RULE_KEYS = frozenset({"rule", "metadata", "steps", "condition", "conversation_start", "wait_for_user_input"})
RULE_STEP_KEYS = ("intent", "user", "action", "active_loop", "slot_was_set", "or")
NLU_KINDS = ("intent", "synonym", "regex", "lookup")
_SESSION_KEYS = ("session_expiration_time", "carry_over_slots_to_new_session")


def check_domain(domain: Any) -> list[Problem]:
    c = Checker("domain.yml")
    d = c.mapping(domain, "", DOMAIN_KEYS)
    c.version(d, FORMAT_VERSION)
    for i, item in enumerate(c.sequence(d.get("intents", []), "intents")):
        _named_entry(c, item, join("intents", i), frozenset({"use_entities", "ignore_entities"}))
    for i, item in enumerate(c.sequence(d.get("entities", []), "entities")):
        _named_entry(c, item, join("entities", i), frozenset({"roles", "groups", "influence_conversation"}))
    for name, slot in c.mapping(d.get("slots", {}), "slots").items():
        _slot(c, slot, join("slots", name))
    for name, variations in c.mapping(d.get("responses", {}), "responses").items():
        _response(c, str(name), variations, join("responses", name))
    for i, item in enumerate(c.sequence(d.get("actions", []), "actions")):
        _named_entry(c, item, join("actions", i), frozenset({"send_domain"}))
    session = c.mapping(d.get("session_config", {}), "session_config", frozenset(_SESSION_KEYS))
    _session(c, session)
    return c.problems


def _session(c: Checker, session: dict[str, Any]) -> None:
    expiry = session.get("session_expiration_time", 0)
    if not isinstance(expiry, int | float) or isinstance(expiry, bool) or expiry < 0:
        c.fail("session_config.session_expiration_time", "must be a number of minutes >= 0")
    if "carry_over_slots_to_new_session" in session:
        c.boolean(
            session["carry_over_slots_to_new_session"], "session_config.carry_over_slots_to_new_session"
        )


def _named_entry(c: Checker, item: Any, where: str, options: frozenset[str]) -> None:
    """A name, or a one-key mapping from a name to its options (intents, entities, actions)."""
    if isinstance(item, str):
        c.text(item, where)
        return
    entry = c.mapping(item, where)
    if len(entry) != 1:
        c.fail(where, "must be a name or a mapping with exactly one name")
        return
    ((_, value),) = entry.items()
    c.mapping(value or {}, where, options)


def _slot(c: Checker, slot: Any, where: str) -> None:
    s = c.mapping(slot, where, SLOT_KEYS, required=("type",))
    kind = s.get("type")
    if isinstance(kind, str) and kind not in SLOT_TYPES and "." not in kind:
        c.fail(join(where, "type"), f"unknown slot type '{kind}'")
    if "influence_conversation" in s:
        c.boolean(s["influence_conversation"], join(where, "influence_conversation"))
    if kind == "categorical":
        values = c.sequence(s.get("values"), join(where, "values"), non_empty=True)
        if s.get("initial_value") is not None and s["initial_value"] not in values:
            c.fail(join(where, "initial_value"), "must be one of the slot's values")
    if kind == "any" and s.get("influence_conversation"):
        c.fail(where, "a slot of type 'any' cannot influence the conversation")
    if "mappings" not in s:
        c.fail(where, "'mappings' is required in Rasa 3.x (slots are no longer auto-filled)")
    mappings = c.sequence(s.get("mappings", []), join(where, "mappings"), non_empty="mappings" in s)
    for i, mapping in enumerate(mappings):
        _slot_mapping(c, mapping, join(join(where, "mappings"), i))


def _slot_mapping(c: Checker, mapping: Any, where: str) -> None:
    m = c.mapping(mapping, where, MAPPING_KEYS, required=("type",))
    kind = m.get("type")
    if kind is None:
        return
    if kind not in MAPPING_REQUIRES:
        c.fail(join(where, "type"), f"unknown slot mapping type '{kind}'")
        return
    c.mapping(m, where, required=MAPPING_REQUIRES[kind])
    for i, condition in enumerate(c.sequence(m.get("conditions", []), join(where, "conditions"))):
        c.mapping(condition, join(join(where, "conditions"), i), frozenset({"active_loop", "requested_slot"}))


def _response(c: Checker, name: str, variations: Any, where: str) -> None:
    if not name.startswith("utter_"):
        c.fail(where, "a response name must start with 'utter_'")
    for i, variation in enumerate(c.sequence(variations, where, non_empty=True)):
        _variation(c, variation, join(where, i))


def _variation(c: Checker, variation: Any, where: str) -> None:
    v = c.mapping(variation, where, VARIATION_KEYS)
    if v.get("text") is None and not v.get("custom"):  # Rasa's require_response_keys
        c.fail(where, "needs 'text' or 'custom'")
    if "text" in v and not isinstance(v["text"], str):
        c.fail(join(where, "text"), "must be a string")
    for i, button in enumerate(c.sequence(v.get("buttons", []), join(where, "buttons"))):
        b = c.mapping(button, join(join(where, "buttons"), i), frozenset({"title", "payload"}))
        for key in ("title", "payload"):
            c.text(b.get(key), join(join(join(where, "buttons"), i), key))
    for i, cond in enumerate(c.sequence(v.get("condition", []), join(where, "condition"))):
        cw = join(join(where, "condition"), i)
        cond = c.mapping(cond, cw, frozenset({"type", "name", "value"}), required=("type", "name"))
        if cond and cond.get("type") != "slot":
            c.fail(join(cw, "type"), "the only condition type is 'slot'")


def check_nlu(nlu: Any, file: str = "data/nlu.yml") -> list[Problem]:
    c = Checker(file)
    d = c.mapping(nlu, "")
    c.version(d, FORMAT_VERSION)
    for i, item in enumerate(c.sequence(d.get("nlu"), "nlu", non_empty=True)):
        where = join("nlu", i)
        entry = c.mapping(item, where)
        kinds = [k for k in NLU_KINDS if k in entry]
        if len(kinds) != 1:
            c.fail(where, f"needs exactly one of {', '.join(NLU_KINDS)}")
            continue
        c.mapping(entry, where, frozenset({kinds[0], "examples", "metadata"}), required=("examples",))
        c.text(entry[kinds[0]], join(where, kinds[0]))
        _examples(c, entry.get("examples"), join(where, "examples"))
    return c.problems


def _examples(c: Checker, block: Any, where: str) -> None:
    """A block of '- example' lines, or a list of {text, metadata}."""
    if isinstance(block, list):
        for i, item in enumerate(block):
            c.text(
                c.mapping(item, join(where, i), frozenset({"text", "metadata"})).get("text"), join(where, i)
            )
        return
    if not isinstance(block, str) or not block.strip():
        c.fail(where, "must be a '|' block of '- example' lines")
        return
    for n, line in enumerate(block.splitlines(), start=1):
        if line.strip() and not (line.startswith("- ") and line[2:].strip()):
            c.fail(where, f"line {n} must start with '- ' and hold an example")


def check_rules(data: Any, file: str = "data/rules.yml") -> list[Problem]:
    c = Checker(file)
    d = c.mapping(data, "")
    c.version(d, FORMAT_VERSION)
    for i, item in enumerate(c.sequence(d.get("rules"), "rules", non_empty=True)):
        where = join("rules", i)
        rule = c.mapping(item, where, RULE_KEYS, required=("rule", "steps"))
        c.text(rule.get("rule"), join(where, "rule"))
        for key in ("conversation_start", "wait_for_user_input"):
            if key in rule:
                c.boolean(rule[key], join(where, key))
        steps = c.sequence(rule.get("steps"), join(where, "steps"), non_empty=True)
        for n, step in enumerate(steps):
            _rule_step(c, step, join(join(where, "steps"), n))
        users = sum(1 for s in steps if isinstance(s, dict) and ({"intent", "user", "or"} & s.keys()))
        if users > 1:  # RulePolicy refuses these: rules are not meant to hardcode a state machine
            c.fail(where, "a rule may hold at most one user message; use a story")
        for n, cond in enumerate(c.sequence(rule.get("condition", []), join(where, "condition"))):
            c.mapping(cond, join(join(where, "condition"), n), frozenset({"active_loop", "slot_was_set"}))
    return c.problems


def _rule_step(c: Checker, step: Any, where: str) -> None:
    if isinstance(step, dict) and "checkpoint" in step:
        c.fail(where, "checkpoints are for stories, not rules")
        return
    s = c.mapping(step, where, frozenset({*RULE_STEP_KEYS, "entities"}))
    kinds = {k for k in RULE_STEP_KEYS if k in s}
    if s and not (len(kinds) == 1 or kinds == {"intent", "user"}):
        c.fail(where, "a step is one of: intent, action, active_loop, slot_was_set, or")
    for key in ("intent", "action"):
        if key in s:
            c.text(s[key], join(where, key))


def check_endpoints(data: Any) -> list[Problem]:
    c = Checker("endpoints.yml")
    d = c.mapping(data, "")
    endpoint = c.mapping(d.get("action_endpoint"), "action_endpoint", required=("url",))
    url = endpoint.get("url")
    if isinstance(url, str) and not url.startswith(("http://", "https://")):
        c.fail("action_endpoint.url", "must be an http(s) URL, like http://127.0.0.1:5055/webhook")
    return c.problems


def check_config(data: Any) -> list[Problem]:
    """Left-out pipeline or policies are filled by Rasa's auto-configuration, so both are optional."""
    c = Checker("config.yml")
    d = c.mapping(data, "")
    if "language" in d:
        c.text(d["language"], "language")
    for key in ("pipeline", "policies"):
        for i, item in enumerate(c.sequence(d.get(key, []), key)):
            c.mapping(item, join(key, i), required=("name",))
    return c.problems


def validate_project(files: dict[str, Any]) -> list[Problem]:
    """Every file's shape, then, when the shapes hold, the files against each other."""
    problems = [
        *check_domain(files.get("domain.yml")),
        *check_nlu(files.get("data/nlu.yml")),
        *check_rules(files.get("data/rules.yml")),
        *check_endpoints(files.get("endpoints.yml")),
        *check_config(files.get("config.yml")),
    ]
    return problems or check_consistency(files)
