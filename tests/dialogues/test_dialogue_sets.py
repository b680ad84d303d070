"""Our own sets of whole conversations (tests/dialogues/*.yml) keep the format of
../shared/eval/dialogues.py, so that the scorer reads them exactly as it reads the hidden set.

Only the format and the consistency of the expectations are checked here; how well the bot
does on them is measured with dialogues.py (see the comment at the top of each file).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.content.taxonomy import load_taxonomy

HERE = Path(__file__).parent
SETS = sorted(HERE.glob("*.yml"))
EXPECTATIONS = {"topic", "risk", "says", "says_any", "never", "distress", "replies"}
LEVELS = {"acute", "high", "none"}


def topic_ids() -> set[str]:
    return set(load_taxonomy().topics)


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def load(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{path.name}: a list of conversations"
    return data


def test_there_are_enough_conversations() -> None:
    assert sum(len(load(p)) for p in SETS) >= 60


def test_names_are_unique() -> None:
    names = [d.get("name") for p in SETS for d in load(p)]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_every_turn_uses_only_the_scorers_keys(path: Path) -> None:
    topics = topic_ids()
    for d in load(path):
        where = f"{path.name} [{d.get('name')}]"
        assert set(d) == {"name", "turns"}, where
        assert 3 <= len(d["turns"]) <= 8, f"{where}: 3-8 turns"
        for turn in d["turns"]:
            assert isinstance(turn.get("text"), str) and turn["text"].strip(), where
            keys = set(turn) - {"text"}
            assert keys <= EXPECTATIONS, f"{where} {turn['text']!r}: unknown {keys - EXPECTATIONS}"
            assert keys, f"{where} {turn['text']!r}: no expectation"
            assert set(as_list(turn.get("topic", []))) <= topics, f"{where} {turn['text']!r}: topic id"
            assert set(as_list(turn.get("risk", []))) <= LEVELS, f"{where} {turn['text']!r}: risk level"
            for key in ("says", "says_any", "never"):
                value = turn.get(key, [])
                assert isinstance(value, list) and all(isinstance(s, str) and s for s in value), where
            for flag in ("distress", "replies"):
                assert turn.get(flag, True) is True, f"{where}: {flag} is only ever true"


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_no_expectation_contradicts_itself(path: Path) -> None:
    for d in load(path):
        for turn in d["turns"]:
            where = f"{path.name} [{d['name']}] {turn['text']!r}"
            never = [n.lower() for n in turn.get("never", [])]
            for s in turn.get("says", []):
                assert not any(n in s.lower() for n in never), f"{where}: {s!r} required and forbidden"
            if turn.get("says_any"):
                assert any(not any(n in s.lower() for n in never) for s in turn["says_any"]), where
            if "distress" in turn and "topic" in turn:
                assert not set(as_list(turn["topic"])) & {"onbegrepen", "buiten-scope"}, where
