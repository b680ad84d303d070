"""Privacy by design: text past its retention and erased conversations are really gone.

A byte scan of the SQLite file and its -wal finds none of the erased text, because
secure_delete overwrites deleted rows and the purge checkpoints the WAL with TRUNCATE.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlite_utils import Database

from bot.channels.staff_terminal import run_staff_command
from bot.engine import Engine
from bot.engine.messages import Incoming
from bot.storage.db import immediate, open_database
from bot.storage.migrations import MIGRATIONS
from bot.storage.purge import checkpoint
from tests.conftest import Clock


def raw_bytes(db_path: Path) -> bytes:
    """The database, its -wal and its -shm, as they are on disk (the connection stays open)."""
    files = [db_path.with_name(db_path.name + suffix) for suffix in ("", "-wal", "-shm")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def housekeeping(engine: Engine, clock: Clock) -> int:
    with immediate(engine.store.db):
        erased = engine.housekeeper.run(engine.store.db, clock())
    checkpoint(engine.store.db)
    return erased


async def test_text_without_a_case_is_gone_after_24_hours(
    engine: Engine, clock: Clock, db_path: Path
) -> None:
    await engine.handle(Incoming("a", text="mijn geheime-zin-1 over sexting"))
    clock.advance(23 * 60)
    assert housekeeping(engine, clock) == 0
    assert b"geheime-zin-1" in raw_bytes(db_path)
    clock.advance(61)
    assert housekeeping(engine, clock) == 1
    assert b"geheime-zin-1" not in raw_bytes(db_path)
    counted = engine.store.db.execute("SELECT SUM(count) FROM daily_counts WHERE metric = 'messages'")
    assert counted.fetchone()[0] == 1  # the anonymous counters stay


async def test_a_case_transcript_is_kept_while_open_plus_the_retention(
    engine: Engine, clock: Clock, db_path: Path
) -> None:
    await engine.handle(Incoming("b", text="ik wil er niet meer zijn, geheime-zin-2"))
    args = argparse.Namespace(staff="anna", action="claim", case=1)
    run_staff_command(engine.desk, args, clock(), write=lambda _: None)
    clock.advance(3 * 24 * 60)
    assert housekeeping(engine, clock) == 0  # open case: kept
    args = argparse.Namespace(staff="anna", action="close", case=1, outcome="doorverwezen-113")
    run_staff_command(engine.desk, args, clock(), write=lambda _: None)
    clock.advance(29 * 24 * 60)
    assert housekeeping(engine, clock) == 0
    clock.advance(24 * 60 + 1)
    assert housekeeping(engine, clock) == 1
    assert b"geheime-zin-2" not in raw_bytes(db_path)
    case = engine.store.db.execute("SELECT conversation_id, outcome FROM cases").fetchone()
    assert case == ("gewist", "doorverwezen-113")  # the case stays, anonymous, for the audit


async def test_wis_erases_everything_after_a_confirmation(engine: Engine, db_path: Path) -> None:
    await engine.handle(Incoming("c", text="iemand chanteert me, geheime-zin-3"))
    await engine.handle(Incoming("c", payload="/handover_ja"))
    await engine.handle(Incoming("c", payload='/gemeente{"gemeente": "Asten"}'))
    asked = await engine.handle(Incoming("c", text="verwijder mijn gegevens"))
    assert [b.payload for b in asked.replies[-1].buttons] == ["/wis_ja", "/wis_nee"]
    kept = await engine.handle(Incoming("c", payload="/wis_nee"))
    assert "niets gewist" in kept.text
    done = await engine.handle(Incoming("c", payload="/wis_ja"))
    assert "gewist" in done.text
    assert b"geheime-zin-3" not in raw_bytes(db_path)  # no checkpoint of ours: the engine's own
    assert engine.store.load_slots("c") is None
    staff = engine.store.db.execute("SELECT kind FROM outbox ORDER BY id").fetchall()
    assert staff[-1] == ("user_erased",)  # the werkgroep is told the case is gone


async def test_wis_keeps_an_open_acute_case_until_staff_close_it(
    engine: Engine, clock: Clock, db_path: Path
) -> None:
    await engine.handle(Incoming("d", text="eerder-bericht-4 over school"))
    clock.advance(1)
    await engine.handle(Incoming("d", text="ik wil dood, crisis-zin-4"))
    clock.advance(1)
    done = await engine.handle(Incoming("d", payload="/wis_ja"))
    assert "bewaren we nog" in done.text and "112" in done.text
    data = raw_bytes(db_path)
    assert b"eerder-bericht-4" not in data and b"crisis-zin-4" in data
    close = argparse.Namespace(staff="anna", action="close", case=1, outcome="doorverwezen-113")
    assert run_staff_command(engine.desk, close, clock(), write=lambda _: None) == 0
    assert b"crisis-zin-4" not in raw_bytes(db_path)  # closing after /wis empties the -wal itself


def test_the_risk_rows_nothing_read_are_gone_from_an_old_database(tmp_path: Path) -> None:
    """escalation_events (a risk category and signal per conversation, read by nothing) is
    dropped by m007, and its rows leave the file."""
    path = tmp_path / "old.db"
    old = Database(path)
    MIGRATIONS.apply(old, stop_before="m007_drop_escalation_events")
    old["conversations"].insert({"id": "c", "key_id": "k", "channel": "t", "slots": "{}"})
    old["escalation_events"].insert({"conversation_id": "c", "kind": "alert", "signal": "signaal-geheim"})
    old.close()
    db = open_database(path)
    assert "escalation_events" not in db.table_names()
    assert checkpoint(db) and b"signaal-geheim" not in raw_bytes(path)
