"""Conversation transcripts in tests/conversations/*.yml, readable by werkgroep staff.

Each step says or taps something and may expect: topic (one id or a list of accepted
ids), risk, handover, audience, reply_has / reply_has_not (texts), bubbles (how many
messages the bot sends: no surprise extra ones), staff_alert (true: a message to the
werkgroep was queued this step; false: none was), staff_sees (texts the werkgroep's
messages of this step must hold: the story, not only the last line). A script may say
`at:` (a local time such as "2026-11-30 23:00") to run at that hour. An unknown key fails
the test, so a typo never makes a step pass silently.
"""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.common.clock import utc_now
from bot.engine import Engine
from bot.engine.messages import Incoming
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database

FILES = sorted((Path(__file__).parent / "conversations").glob("*.yml"))
STEP_KEYS = {"say", "tap", "topic", "risk", "handover", "audience", "reply_has", "reply_has_not"}
STEP_KEYS |= {"bubbles", "staff_alert", "staff_sees", "note"}
SCRIPT_KEYS = {"name", "about", "at", "steps"}
HELMOND = ZoneInfo("Europe/Amsterdam")


def staff_messages(engine: Engine) -> list[str]:
    """Messages queued for the werkgroep (anything not addressed to the young person)."""
    rows = engine.store.db.execute("SELECT text FROM outbox WHERE recipient NOT LIKE 'user:%' ORDER BY id")
    return [text for (text,) in rows]


def read_script(path: Path) -> dict:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(script) <= SCRIPT_KEYS, f"{path.name}: unknown keys {sorted(set(script) - SCRIPT_KEYS)}"
    return script


def clock_of(script: dict):
    """The script's hour (`at:`, Dutch local time), or the real clock."""
    if "at" not in script:
        return utc_now
    moment = datetime.fromisoformat(str(script["at"])).replace(tzinfo=HELMOND)
    return lambda: moment


async def run_script(engine: Engine, path: Path) -> None:
    script = read_script(path)
    for number, step in enumerate(script["steps"], 1):
        where = f"{path.name} step {number}"
        assert set(step) <= STEP_KEYS, f"{where}: unknown keys {sorted(set(step) - STEP_KEYS)}"
        before = len(staff_messages(engine))
        incoming = Incoming("conv", text=step.get("say", ""), payload=step.get("tap"))
        outcome = await engine.handle(incoming)
        topics = step.get("topic", outcome.topic)
        accepted = topics if isinstance(topics, list) else [topics]
        assert outcome.topic in accepted, f"{where}: {outcome.topic}"
        assert outcome.risk.level == step.get("risk", outcome.risk.level), where
        assert outcome.handover == step.get("handover", outcome.handover), where
        assert outcome.audience == step.get("audience", outcome.audience), where
        assert len(outcome.replies) == step.get("bubbles", len(outcome.replies)), f"{where}: {outcome.text!r}"
        new_for_staff = "\n".join(staff_messages(engine)[before:])
        if "staff_alert" in step:
            assert bool(new_for_staff) == step["staff_alert"], where
        for words in step.get("staff_sees", []):
            assert words.lower() in new_for_staff.lower(), f"{where}: staff do not see {words!r}"
        for words in step.get("reply_has", []):
            assert words.lower() in outcome.text.lower(), f"{where}: reply lacks {words!r}: {outcome.text!r}"
        for words in step.get("reply_has_not", []):
            assert words.lower() not in outcome.text.lower(), f"{where}: reply has {words!r}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_conversation(parts, tmp_path: Path, path: Path) -> None:
    store = ConversationStore(open_database(tmp_path / "c.db"), "t")
    await run_script(Engine(parts, store, clock=clock_of(read_script(path))), path)


async def test_an_unknown_key_fails(parts, tmp_path: Path) -> None:
    """The runner itself: a misspelt expectation must not pass silently."""
    typo = tmp_path / "typo.yml"
    typo.write_text("name: x\nsteps:\n  - {say: hoi, reply_hass: [x]}\n", encoding="utf-8")
    engine = Engine(parts, ConversationStore(open_database(tmp_path / "c.db"), "t"))
    with pytest.raises(AssertionError, match="unknown keys"):
        await run_script(engine, typo)
