"""`python -m bot check` names file and line for each kind of broken content."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import load_checked_content
from bot.cli import main
from bot.common.settings import PROJECT_ROOT
from bot.content.loader import MOVED
from bot.content.schema import SlotModel


def errors(root: Path) -> list[str]:
    _, problems = load_checked_content(root, advice=False)  # advice gives only warnings
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
    assert any(e.startswith(f"{path}:5: intent 'voetbal' is not a taxonomy topic") for e in found)
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
        "routes.yml:57: 'realert.acute.realert_minutes' must be a whole number above 0",
        "team 'helmond': backup 'niemand' is no staff",
        'office_hours.yml:10: \'weekly.friday\' must be ["09:00", "17:00"]: opening before closing',
        "staff message 'realert': unknown {minuten}",
    ):
        assert any(fragment in e for e in found), fragment


SETTINGS_FILES = [
    "escalation/routes.yml",
    "escalation/office_hours.yml",
    "escalation/outcomes.yml",
    "escalation/staff_messages.yml",
    "escalation/messages.yml",
    "risk/risk.yml",
    "intents/rules.yml",
    "intents/responses.yml",
    "intents/audience.yml",
    "knowledge/contacts.yml",
]


@pytest.mark.parametrize("relative", SETTINGS_FILES)
@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.unlink(), "is missing: the bot needs this file"),
        (lambda p: p.write_text("# alleen commentaar\n", encoding="utf-8"), "is empty"),
    ],
    ids=["missing", "empty"],
)
def test_a_missing_or_empty_file_is_one_clear_problem(content_copy: Path, relative: str, make, says) -> None:
    path = content_copy / relative
    make(path)
    found = errors(content_copy)  # no exception, whatever the file
    assert [e for e in found if e.startswith(f"{path}:")] == [f"{path}:1: {path.name} {says}"]


@pytest.mark.parametrize("old", ["escalation/risk_examples", "escalation/kwaliteitskompas.yml"])
def test_a_file_left_in_its_old_place_is_named(content_copy: Path, old: str) -> None:
    new = MOVED[old]
    (content_copy / new).rename(content_copy / old)  # a content folder copied before the move
    assert f"{content_copy / old}:1: not read here any more: move it to {new}" in errors(content_copy)


def test_a_file_that_is_a_list_is_one_problem(content_copy: Path) -> None:
    path = content_copy / "escalation" / "routes.yml"
    path.write_text("- een\n- lijst\n", encoding="utf-8")
    assert [e for e in errors(content_copy) if "routes.yml" in e] == [
        f"{path}:1: routes.yml must be a mapping (key: value)"
    ]


def test_escalation_config_is_none_but_check_goes_on(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (content_copy / "escalation" / "routes.yml").write_text("", encoding="utf-8")
    content, _ = load_checked_content(content_copy, advice=False)
    assert content.escalation is None and content.articles  # the rest is still checked
    monkeypatch.setenv("BOT_CONTENT_DIR", str(content_copy))
    monkeypatch.setenv("BOT_PSEUDONYM_KEY", "ab" * 32)
    assert main(["check"]) == 1  # this was an AttributeError
    out = capsys.readouterr().out
    assert f"{content_copy}/escalation/routes.yml:1: routes.yml is empty" in out
    assert "content check: 1 error(s)" in out


ARTICLE_CASES = {
    "missing": ("      answer: |", "      antwoord: |", "    nl:", "'texts.jongere.nl.answer' is missing"),
    "typo": (
        "      answer: |",
        "      antwoord: |",
        "      antwoord: |",
        "unknown field 'texts.jongere.nl.antwoord' (a typo?)",
    ),
    "empty": (
        "      title: Wat is Halt?",
        "      title: ''",
        "      title: ''",
        "'texts.jongere.nl.title' must not be empty",
    ),
    "audience": (
        "  professional:",
        "  professionals:",
        "texts:",
        "'texts.professional' is missing (write it or say same_as)",
    ),
    "top typo": (
        "reviewed_by:",
        "reviewd_by: Jan\nreviewed_by:",
        "reviewd_by: Jan",
        "unknown field 'reviewd_by' (a typo?)",
    ),
    "not a list": ("sources:", "sources: geen\nxsources:", "sources: geen", "'sources' must be a list"),
    "topic": ("topic: halt", "topic: haltt", "topic: haltt", "topic 'haltt' differs from the file name"),
    "same_as": (
        "  professional:\n",
        "  professional:\n    same_as: leraar\n",
        "  professional:",
        "'professional' same_as 'leraar' must name a written audience",
    ),
}


@pytest.mark.parametrize(("old", "new", "line_of", "message"), ARTICLE_CASES.values(), ids=ARTICLE_CASES)
def test_article_problems_name_line_and_field(
    content_copy: Path, old: str, new: str, line_of: str, message: str
) -> None:
    path = content_copy / "knowledge" / "halt.yml"
    edit(path, old, new)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith(line_of))
    assert f"{path}:{line}: {message}" in errors(content_copy)


def test_a_broken_article_does_not_make_other_articles_complain(content_copy: Path) -> None:
    edit(content_copy / "knowledge" / "halt.yml", "      answer: |", "      antwoord: |")
    found = errors(content_copy)
    assert all("halt.yml:" in e for e in found), found  # no "related topic 'halt' has no article"


SLOT = '      - {days: [mon, tue, wed, thu, fri, sat, sun], from: "11:00", to: "21:00"}'
OPENING_CASES = {
    "time": ('to: "21:00"', 'to: "25:00"', "'contacts.kindertelefoon.open.to' must be a time \"HH:MM\""),
    "empty": (
        'from: "11:00", to: "21:00"',
        'from: "11:00", to: "11:00"',
        "contact 'kindertelefoon': opens and closes at 11:00",
    ),
    "day": (
        "days: [mon, tue, wed, thu, fri, sat, sun]",
        "days: [ma, di]",
        "'contacts.kindertelefoon.open.days' must be 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun'",
    ),
}


@pytest.mark.parametrize(("old", "new", "message"), OPENING_CASES.values(), ids=OPENING_CASES)
def test_opening_hours_problems(content_copy: Path, old: str, new: str, message: str) -> None:
    path = content_copy / "knowledge" / "contacts.yml"
    edit(path, SLOT, SLOT.replace(old, new))
    line = path.read_text(encoding="utf-8").splitlines().index(SLOT.replace(old, new)) + 1
    found = errors(content_copy)
    assert any(e.startswith(f"{path}:{line}: {message}") for e in found), found
    assert not any("unknown placeholder" in e for e in found)  # the contact is reported once


def test_open_must_be_always_or_slots(content_copy: Path) -> None:
    path = content_copy / "knowledge" / "contacts.yml"
    edit(path, "    open: always", "    open: soms")
    line = path.read_text(encoding="utf-8").splitlines().index("    open: soms") + 1
    assert f"{path}:{line}: 'contacts.veilig-thuis.open' must be 'always' or a list of " in " ".join(
        errors(content_copy)
    )


def test_contact_without_source_names_the_contact(content_copy: Path) -> None:
    path = content_copy / "knowledge" / "contacts.yml"
    edit(path, "    source: {organisation: Halt,", "    bron: {organisation: Halt,")
    found = errors(content_copy)
    assert any(e.startswith(f"{path}:") and "'contacts.halt.source' is missing" in e for e in found)
    assert any("unknown field 'contacts.halt.bron' (a typo?)" in e for e in found)


def test_an_example_line_and_a_rule_without_action(content_copy: Path) -> None:
    nlu = content_copy / "intents" / "nl" / "halt.yml"
    edit(nlu, "    - ", "    * ")
    rules = content_copy / "intents" / "rules.yml"
    rules.write_text(
        rules.read_text(encoding="utf-8") + "- rule: half\n  steps:\n  - intent: halt\n", encoding="utf-8"
    )
    found = errors(content_copy)
    assert f"{nlu}:5: an example must start with '- '" in found
    line = len(rules.read_text(encoding="utf-8").splitlines()) - 2
    assert f"{rules}:{line}: a rule needs one '- intent:' step and one '- action:' step" in found


def test_opening_hours_must_stand_in_the_contacts_source(content_copy: Path) -> None:
    path = content_copy / "knowledge" / "contacts.yml"
    edit(path, SLOT, SLOT.replace('from: "11:00"', 'from: "10:00"'))
    edit(path, 'nl: "elke dag van 11:00 tot 21:00', 'nl: "elke dag van 11:00 tot 22:00')
    edit(path, '"Het CSG is 24/7 bereikbaar op het telefoonnummer 0800-0188"', '"Bel 0800-0188"')
    found = " ".join(errors(content_copy))
    assert "contact 'kindertelefoon': opening time 10:00 does not appear in the source's supports" in found
    assert "contact 'kindertelefoon': hours (nl): 22:00 does not appear in the source's supports" in found
    assert "contact 'csg': 'open: always' but the source's supports do not say 24/7 or dag en nacht" in found


def test_a_slot_may_run_past_midnight() -> None:
    night = SlotModel.model_validate({"days": ["fri", "sat"], "from": "19:00", "to": "06:00"})
    assert list(night.problems()) == []


def test_conversation_files_are_checked_with_lines(content_copy: Path) -> None:
    """intents/answers.yml, follow_ups.yml, distress.yml and risk/conversation_risk.yml are
    typed: a typo'd key, a home that is no article and a missing file each get file:line."""
    answers = content_copy / "intents" / "answers.yml"
    answers.write_text(answers.read_text(encoding="utf-8") + "jaa:\n  nl: [jep]\n", encoding="utf-8")
    homes = content_copy / "intents" / "follow_ups.yml"
    homes.write_text("homes:\n  betalen: sextortion\n  bestaat: geen-artikel\n", encoding="utf-8")
    (content_copy / "intents" / "distress.yml").unlink()
    found = errors(content_copy)
    assert any(e.startswith(f"{answers}:") and "jaa" in e for e in found), found
    assert f"{homes}:3: home of 'bestaat' is not an article: 'geen-artikel'" in found
    assert any(e.startswith(f"{content_copy / 'intents' / 'distress.yml'}:1:") for e in found)
