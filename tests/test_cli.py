"""The CLI contract that ../shared/eval/score.py relies on, and the architecture rules."""

import argparse
import json
import re
import subprocess
import sys

from bot.cli import COMMANDS, build_parser
from bot.common.settings import PROJECT_ROOT

ENV = {"BOT_PSEUDONYM_KEY": "cd" * 32, "PATH": "/usr/bin:/bin"}


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=ENV,
        input=stdin,
        capture_output=True,
        text=True,
    )


def test_ask_jsonl_answers_every_line_in_order() -> None:
    lines = ["ik denk aan zelfmoord", "hallo", "", "someone posted my nudes on instagram", "{not json"]
    stdin = "\n".join(json.dumps({"text": t}) if t != "{not json" else t for t in lines) + "\n"
    result = run("ask", "--jsonl", stdin=stdin)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 5
    assert answers[0]["risk"] == {"level": "acute", "category": "zelfdoding"} and "113" in answers[0]["reply"]
    assert answers[0]["handover"] == "alerted"
    assert answers[1]["topic"] == "groet" and answers[1]["risk"]["level"] == "none"
    assert answers[3]["language"] == "en" and answers[3]["handover"] == "offered"
    assert set(answers[1]) >= {
        "topic",
        "confidence",
        "risk",
        "handover",
        "reply",
        "buttons",
        "language",
        "audience",
    }


def test_engine_never_imports_a_channel() -> None:
    code = (
        "import sys, bot.app, bot.engine; "
        "print(any(m.startswith(('telegram', 'bot.channels')) for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_taxonomy_copy_matches_shared() -> None:
    shared = PROJECT_ROOT.parent / "shared" / "taxonomy.yml"
    if shared.exists():
        assert shared.read_text(encoding="utf-8") == (PROJECT_ROOT / "bot" / "taxonomy.yml").read_text(
            encoding="utf-8"
        )


def readme_commands() -> list[str]:
    """The command of every row of the README's "Commands" table, in order."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]  # past header and rule
    assert rows, "no table under '## Commands'"
    commands = []
    for row in rows:
        cell = re.split(r"(?<!\\)\|", row)[1].strip()  # "\|" is a pipe inside a cell
        found = re.fullmatch(r"`python -m bot ([a-z][a-z-]*)\b[^`]*`", cell)
        assert found, f"README command table: {cell!r} is not `python -m bot <command> ...`"
        commands.append(found.group(1))
    return commands


def test_the_readme_command_table_is_the_clis() -> None:
    (subcommands,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    real = set(subcommands.choices)
    table = readme_commands()
    assert sorted(real - set(table)) == [], "commands of `python -m bot` missing from the README table"
    assert sorted(set(table) - real) == [], "README table rows for commands the CLI does not have"
    assert set(COMMANDS) == real  # every subcommand has its handler
