"""`python -m bot export-rasa`: a Rasa 3.x project that validates and carries our content unchanged."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.common.settings import PROJECT_ROOT
from bot.engine.actions import action_names
from bot.engine.dialogue import TurnFacts
from bot.nlu.intent import IntentGuess
from bot.rasa.actions import DESK_RULES, REPLY_ACTION, rasa_only_action_names
from bot.rasa.export import build_project, dump_yaml, export_project
from bot.rasa.schema import validate_project
from bot.risk.lexicon import NO_RISK
from bot.risk.model import ACUTE_CATEGORIES
from tests.conftest import TEST_KEY

FILES = ("domain.yml", "data/nlu.yml", "data/rules.yml", "endpoints.yml", "config.yml")


@pytest.fixture(scope="module")
def project(parts) -> dict[str, Any]:
    """The project as Rasa would read it: dumped to YAML and parsed back."""
    built = build_project(parts, parts.knowledge.content)
    return {name: yaml.safe_load(dump_yaml(data)) for name, data in built.items()}


def nlu_pairs(project: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (entry["intent"], line[2:])
        for entry in project["data/nlu.yml"]["nlu"]
        for line in entry["examples"].splitlines()
    }


def test_cli_writes_a_project_that_validates(tmp_path: Path) -> None:
    env = {**os.environ, "BOT_PSEUDONYM_KEY": TEST_KEY.hex(), "BOT_DB_PATH": str(tmp_path / "bot.db")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "export-rasa", "--out", str(tmp_path / "rasa")],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    written = {name: yaml.safe_load((tmp_path / "rasa" / name).read_text(encoding="utf-8")) for name in FILES}
    assert validate_project(written) == []
    assert written["endpoints.yml"] == {"action_endpoint": {"url": "http://127.0.0.1:5055/webhook"}}
    assert written["domain.yml"]["version"] == "3.1"


def test_nlu_round_trips_our_intents(parts, project) -> None:
    content = parts.knowledge.content
    exported = nlu_pairs(project)
    crisis = {
        (f"risk_{ex.intent.removeprefix('risk/')}", ex.text)
        for ex in content.risk_examples
        if ex.intent.removeprefix("risk/") in ACUTE_CATEGORIES
    }
    crisis_texts = {text for _, text in crisis}
    topics = {(ex.topic, ex.text) for ex in content.examples if ex.text not in crisis_texts}
    assert exported == topics | crisis
    assert len(topics) >= len(content.examples) - 5  # a crisis label wins only for a handful of texts
    assert not any(intent.startswith("risk/") or intent == "risk_none" for intent, _ in exported)


def rules_of(project) -> dict[str, list[str]]:
    return {
        r["steps"][0]["intent"]: [s["action"] for s in r["steps"][1:]]
        for r in project["data/rules.yml"]["rules"]
    }


def test_rules_are_what_our_policy_plans(parts, project) -> None:
    """Responses only are served by action_reply (so the message passes our risk judge)."""
    rules = rules_of(project)
    for rule in parts.knowledge.content.rules:
        if "/" in rule.intent or rule.intent in DESK_RULES:
            continue  # a topic/detail intent is exported under its topic (Rasa reads "/" otherwise)
        facts = TurnFacts(NO_RISK, IntentGuess(rule.intent, 1.0), "")
        planned = parts.policy.plan(facts, {"audience_asked": True}).actions
        if all(name.startswith("utter_") for name in planned):
            planned = [REPLY_ACTION]
        assert rules[rule.intent] == planned
    assert rules["sextortion"] == ["action_answer_topic"]
    assert rules["praten-met-iemand"] == rules["mens"] == ["action_answer_topic", "action_offer_human"]
    assert rules["risk_zelfdoding"] == rules["risk_acuut-gevaar"] == ["action_crisis"]
    assert rules["nlu_fallback"] == rules["groet"] == [REPLY_ACTION]


def test_every_exported_intent_has_a_rule_that_runs_an_action_we_serve(project) -> None:
    """A response alone never reaches the action server, so it would skip our risk judge; and
    the steps our engine gives to the desk each have an action that does the same behind Rasa."""
    rules = rules_of(project)
    served = action_names() | rasa_only_action_names()
    intents = {i if isinstance(i, str) else next(iter(i)) for i in project["domain.yml"]["intents"]}
    assert intents | {"nlu_fallback"} == set(rules)
    for intent, actions in rules.items():
        assert actions and actions[0] in served, (intent, actions)
    assert rules["wis_ja"] == ["action_erase"]
    assert rules["gemeente"] == ["action_choose_municipality"]
    assert rules["stop_handover"] == rules["stop"] == ["action_stop_handover"]
    assert "gemeente" in project["domain.yml"]["entities"]
    assert project["domain.yml"]["slots"]["municipality"]["mappings"][0] == {
        "type": "from_entity",
        "entity": "gemeente",
    }


def test_article_answers_are_conditional_responses(parts, project) -> None:
    variations = project["domain.yml"]["responses"]["utter_sextortion"]

    def text_for(**slots: str | None) -> str:
        (match,) = [v for v in variations if {c["name"]: c["value"] for c in v.get("condition", [])} == slots]
        return match["text"]

    k = parts.knowledge
    assert text_for(language="en", audience="ouder") == k.answer("sextortion", "ouder", "en").text
    assert text_for(language="nl", audience=None) == k.answer("sextortion", "jongere", "nl").text
    assert text_for() == k.answer("sextortion", "jongere", "nl").text  # the unconditioned default
    assert "{" not in text_for(language="nl", audience="jongere")  # placeholders rendered


def test_slots_and_actions(project) -> None:
    domain = project["domain.yml"]
    assert domain["slots"]["audience"]["values"] == ["jongere", "ouder", "professional"]
    assert domain["slots"]["audience"]["mappings"][0] == {"type": "from_entity", "entity": "audience"}
    assert domain["slots"]["language"]["initial_value"] == "nl"
    assert "action_crisis" in domain["actions"] and "action_answer_topic" in domain["actions"]


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(project: dict[str, Any]) -> None:
        node = project
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _drop_slot_mappings(p: dict[str, Any]) -> None:
    del p["domain.yml"]["slots"]["audience"]["mappings"]


def _duplicate_example(p: dict[str, Any]) -> None:
    nlu = p["data/nlu.yml"]["nlu"]
    nlu[1]["examples"] += nlu[0]["examples"].splitlines(keepends=True)[0]


BROKEN = [
    ("unquoted version", _set(("domain.yml", "version"), 3.1), "version: must be the string"),
    ("slot without mappings", _drop_slot_mappings, "slots.audience: 'mappings' is required"),
    ("unknown slot type", _set(("domain.yml", "slots", "audience", "type"), "enum"), "unknown slot type"),
    (
        "response name",
        _set(("domain.yml", "responses", "groet"), [{"text": "hoi"}]),
        "must start with 'utter_'",
    ),
    (
        "variation without text",
        _set(("domain.yml", "responses", "utter_groet"), [{"image": "x"}]),
        "needs 'text'",
    ),
    (
        "condition value",
        _set(
            ("domain.yml", "responses", "utter_groet"),
            [{"condition": [{"type": "slot", "name": "audience", "value": "kind"}], "text": "hoi"}],
        ),
        "'kind' is not a value of slot 'audience'",
    ),
    (
        "slot variable",
        _set(("domain.yml", "responses", "utter_groet"), [{"text": "hoi {naam}"}]),
        "is no slot",
    ),
    (
        "undeclared payload",
        _set(
            ("domain.yml", "responses", "utter_groet"),
            [{"text": "hoi", "buttons": [{"title": "x", "payload": "/nergens"}]}],
        ),
        "payload intent 'nergens'",
    ),
    (
        "entity of mapping",
        _set(("domain.yml", "entities"), ["language"]),
        "entity 'audience' is not declared",
    ),
    (
        "undeclared rule action",
        _set(("data/rules.yml", "rules", 0, "steps", 1), {"action": "action_nope"}),
        "action_nope",
    ),
    (
        "two user turns in a rule",
        _set(("data/rules.yml", "rules", 0, "steps", 1), {"intent": "groet"}),
        "at most one user",
    ),
    ("duplicate example", _duplicate_example, "is also labelled"),
    ("no RulePolicy", _set(("config.yml", "policies"), [{"name": "TEDPolicy"}]), "RulePolicy"),
    ("endpoint url", _set(("endpoints.yml", "action_endpoint", "url"), "localhost:5055"), "http(s) URL"),
]


def test_the_exported_project_validates(project) -> None:
    assert validate_project(project) == []


@pytest.mark.parametrize(("change", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_project_fails_validation(project, change, expected: str) -> None:
    broken = copy.deepcopy(project)
    change(broken)
    problems = [str(p) for p in validate_project(broken)]
    assert any(expected in p for p in problems), problems


def test_export_refuses_to_write_an_invalid_project(parts, tmp_path: Path) -> None:
    problems = export_project(parts, parts.knowledge.content, tmp_path / "rasa", "ftp://rasa.example")
    assert problems and "endpoints.yml" in str(problems[0])
    assert not (tmp_path / "rasa").exists()


def test_readme_documents_the_rasa_commands() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m bot actions" in readme and "python -m bot export-rasa" in readme
