"""`python -m bot check` names file and line for each kind of broken content."""

import subprocess
import sys
from pathlib import Path

from bot.app import load_checked_content
from bot.common.settings import PROJECT_ROOT


def errors(root: Path) -> list[str]:
    _, problems = load_checked_content(root)
    return [str(p) for p in problems if not p.warning]


def test_shipped_content_is_clean() -> None:
    assert errors(PROJECT_ROOT) == []


def test_yaml_syntax_error_names_file_and_line(content_copy: Path) -> None:
    path = content_copy / "intents" / "nl" / "halt.yml"
    path.write_text('version: "3.1"\nnlu:\n- intent: halt\n  examples: [unclosed\n', encoding="utf-8")
    assert any(e.startswith(f"{path}:") and "YAML syntax" in e for e in errors(content_copy))


def test_unknown_topic_and_duplicate_example(content_copy: Path) -> None:
    path = content_copy / "intents" / "nl" / "extra.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: voetbal\n  examples: |\n    - wat doet halt\n', encoding="utf-8"
    )
    found = errors(content_copy)
    assert f"{path}:5: intent 'voetbal' is not a taxonomy topic (or topic/detail)" in found
    assert any(e.startswith(f"{path}:5: example also under") for e in found) or any(
        "'voetbal' has no rule" in e for e in found
    )


def test_intent_without_examples(content_copy: Path) -> None:
    path = content_copy / "intents" / "nl" / "leeg.yml"
    path.write_text('version: "3.1"\nnlu:\n- intent: halt/leeg\n  examples: ""\n', encoding="utf-8")
    assert f"{path}:3: intent 'halt/leeg' has no examples" in errors(content_copy)


def test_rule_to_missing_action_or_article(content_copy: Path) -> None:
    rules = content_copy / "intents" / "rules.yml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text + "- rule: kapot\n  steps:\n  - intent: halt\n  - action: action_bestaat_niet\n",
        encoding="utf-8",
    )
    (content_copy / "knowledge" / "halt.yml").unlink()
    found = errors(content_copy)
    assert any("unknown action 'action_bestaat_niet'" in e for e in found)
    assert any("no article 'halt'" in e for e in found)


def test_unsourced_number_is_reported(content_copy: Path) -> None:
    path = content_copy / "knowledge" / "halt.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("answer: |", "answer: |\n        Bel 0612345678.", 1)
    )
    assert any("'0612345678' does not appear in a source" in e for e in errors(content_copy))


def test_bot_refuses_to_start_on_invalid_content(content_copy: Path) -> None:
    (content_copy / "knowledge" / "halt.yml").write_text("topic: [", encoding="utf-8")
    env = {"BOT_CONTENT_DIR": str(content_copy), "BOT_PSEUDONYM_KEY": "ab" * 32, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "hoi"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert (
        result.stderr.count("\n") == 1 and "halt.yml:" in result.stderr and "Traceback" not in result.stderr
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_escalation_settings_are_checked_with_file_and_line(content_copy: Path) -> None:
    routes = content_copy / "escalation" / "routes.yml"
    edit(routes, "  Deurne: peelregio", "  Deurne: peelregoi")
    edit(routes, "realert_minutes: 15", "realert_minutes: kwartier")
    edit(routes, "    backup: coordinator\n  peelregio", "    backup: niemand\n  peelregio")
    edit(
        content_copy / "escalation" / "office_hours.yml",
        'friday: ["09:00", "17:00"]',
        'friday: ["17:00", "09:00"]',
    )
    edit(content_copy / "escalation" / "staff_messages.yml", "{minutes} minuten", "{minuten} minuten")
    found = errors(content_copy)
    for fragment in (
        "routes.yml:12: municipality 'Deurne': unknown team 'peelregoi'",
        "routes.yml:57: realert acute: 'realert_minutes' must be a whole number above 0",
        "team 'helmond': backup 'niemand' is no staff",
        "office_hours.yml:10: 'friday'",
        "staff message 'realert': unknown {minuten}",
    ):
        assert any(fragment in e for e in found), fragment
