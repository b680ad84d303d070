"""Conversation transcripts in tests/conversations/*.yml, readable by werkgroep staff."""

from pathlib import Path

import pytest
import yaml

from bot.engine import Engine
from bot.engine.messages import Incoming
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database

FILES = sorted((Path(__file__).parent / "conversations").glob("*.yml"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_conversation(parts, tmp_path: Path, path: Path) -> None:
    script = yaml.safe_load(path.read_text(encoding="utf-8"))
    engine = Engine(parts, ConversationStore(open_database(tmp_path / "c.db"), "t"))
    for number, step in enumerate(script["steps"], 1):
        incoming = Incoming("conv", text=step.get("say", ""), payload=step.get("tap"))
        outcome = await engine.handle(incoming)
        where = f"{path.name} step {number}"
        assert outcome.topic == step.get("topic", outcome.topic), where
        assert outcome.risk.level == step.get("risk", outcome.risk.level), where
        assert outcome.handover == step.get("handover", outcome.handover), where
        assert outcome.audience == step.get("audience", outcome.audience), where
        for words in step.get("reply_has", []):
            assert words in outcome.text, f"{where}: reply lacks {words!r}"
        for words in step.get("reply_has_not", []):
            assert words not in outcome.text, f"{where}: reply has {words!r}"
