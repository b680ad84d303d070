"""The anonymous daily counters behind the Kwaliteitskompas report, against a scripted day."""

from __future__ import annotations

from pathlib import Path

from bot.engine import Engine
from bot.engine.messages import Incoming
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database
from tests.conftest import MONDAY_10, Clock


async def test_a_scripted_day_is_counted(parts, tmp_path: Path) -> None:
    clock = Clock(MONDAY_10)
    engine = Engine(parts, ConversationStore(open_database(tmp_path / "b.db"), "t"), clock)
    for who, text in [
        ("a", "wat is sexting"),
        ("a", "is dat strafbaar"),
        ("b", "mijn dochter heeft een nude gestuurd"),
    ]:
        await engine.handle(Incoming(who, text=text))
    await engine.handle(Incoming("c", text="iemand chanteert me met mn nudes"))
    await engine.handle(Incoming("c", payload="/handover_ja"))
    await engine.handle(Incoming("c", payload='/gemeente{"gemeente": "Helmond"}'))
    clock.advance(7)
    engine.desk.claim("anna", 1, clock())
    clock.advance(3)
    engine.desk.reply("anna", 1, "hoi", clock())
    engine.desk.reply("anna", 1, "nog een", clock())
    engine.desk.close("anna", 1, "advies-gegeven", clock())

    counts = {(m, k): n for _, m, k, n in engine.store.db.execute("SELECT * FROM daily_counts")}
    assert counts[("conversations", "")] == 3 and counts[("messages", "")] == 6
    assert counts[("topic", "sexting-wat-is")] == 1 and counts[("audience", "ouder")] == 1
    assert counts[("risk", "high/sextortion")] == 1
    assert counts[("handover", "offered")] == 1 and counts[("handover", "accepted")] == 1
    assert counts[("outcome", "advies-gegeven")] == 1
    assert {d for d, *_ in engine.store.db.execute("SELECT day FROM daily_counts")} == {"2026-11-23"}
    durations = engine.store.db.execute("SELECT kind, seconds FROM case_durations ORDER BY id").fetchall()
    assert durations == [("alert_to_claim", 420.0), ("alert_to_first_reply", 600.0)]


async def test_the_outcome_questions_are_asked_once_and_counted(engine: Engine) -> None:
    await engine.handle(Incoming("e", text="wat is sexting"))
    thanks = await engine.handle(Incoming("e", text="bedankt!"))
    assert "Heb je hier iets aan gehad?" in thanks.text
    payloads = [b.payload for r in thanks.replies for b in r.buttons]
    assert '/feedback{"antwoord": "weet-wat-ik-kan-doen"}' in payloads
    step = await engine.handle(Incoming("e", payload=payloads[-1]))
    assert "Wat ga je nu doen?" in step.text
    await engine.handle(Incoming("e", payload='/volgende_stap{"stap": "melden"}'))
    await engine.handle(Incoming("e", payload='/volgende_stap{"stap": "<script>"}'))  # forged: not counted
    again = await engine.handle(Incoming("e", text="dankjewel"))
    assert "iets aan gehad" not in again.text
    counts = {(m, k): n for _, m, k, n in engine.store.db.execute("SELECT * FROM daily_counts")}
    assert counts[("feedback", "weet-wat-ik-kan-doen")] == 1 and counts[("next_step", "melden")] == 1
    assert not [k for m, k in counts if m == "next_step" and k != "melden"]
