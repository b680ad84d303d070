"""kwaliteitskompas/kwaliteitskompas.yml: the shipped file loads, and a broken one is named by file:line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.common.settings import PROJECT_ROOT
from bot.content.escalation import load_escalation
from bot.content.taxonomy import load_taxonomy
from bot.report.kompas import KOMPAS_FILE, load_kompas


def problems(root: Path) -> list[str]:
    outcomes = load_escalation(root)[0].outcomes
    return [str(p) for p in load_kompas(root, load_taxonomy(), outcomes)[1]]


def break_line(root: Path, old: str, new: str) -> tuple[Path, int]:
    """Replace the first line (not a comment) containing `old`; returns the file and that line's number."""
    path = root / KOMPAS_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if old in line and not line.lstrip().startswith("#"))
    lines[number - 1] = lines[number - 1].replace(old, new)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, number


def test_shipped_kompas_is_clean_and_complete() -> None:
    kompas, found = load_kompas(PROJECT_ROOT, load_taxonomy(), load_escalation(PROJECT_ROOT)[0].outcomes)
    assert found == [] and kompas is not None
    assert {i.type for i in kompas.indicators} == {"output", "outcome"}
    assert {i.goal for i in kompas.indicators} == set(kompas.goals)


def test_broken_target_names_file_and_line(content_copy: Path) -> None:
    path, line = break_line(content_copy, "target: {at_least: 1000}", "target: {at_least: veel}")
    assert (
        f"{path}:{line}: indicator 'gesprekken': target at_least must be a number of 0 or more"
        in problems(content_copy)
    )


def test_unknown_key_goal_and_percentage(content_copy: Path) -> None:
    path, key_line = break_line(content_copy, "share: audience/jongere", "share: audience/kinderen")
    _, goal_line = break_line(content_copy, "goal: handelen", "goal: geluk")
    _, pct_line = break_line(content_copy, "target: {at_least: 50}", "target: {at_least: 150}")
    found = problems(content_copy)
    assert (
        f"{path}:{key_line}: indicator 'jongeren': 'audience/kinderen': 'kinderen' is not a key of audience"
        in found
    )
    assert (
        f"{path}:{goal_line}: indicator 'iets-aan-gehad': goal 'geluk' is not listed under 'goals'" in found
    )
    assert f"{path}:{pct_line}: indicator 'jongeren': target at_least is a percentage, at most 100" in found


def test_bot_check_reports_the_kompas(content_copy: Path) -> None:
    path, line = break_line(content_copy, "median_minutes: alert_to_claim", "median_minutes: alert_to_koffie")
    env = {**os.environ, "BOT_CONTENT_DIR": str(content_copy), "BOT_PSEUDONYM_KEY": "cd" * 32}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--no-key"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{path}:{line}: indicator 'oppakken-mediaan': median_minutes must be one of" in result.stdout
