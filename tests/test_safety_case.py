"""The hazard log (docs/safety.md) names real tests, and the engine cannot hold a file."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from pathlib import Path

from bot.engine.messages import Incoming
from bot.storage.db import open_database

ROOT = Path(__file__).resolve().parent.parent
RATED = ("medium", "high", "very high")


def hazards() -> list[tuple[str, str, list[str]]]:
    """(title, rating, test ids) per '### H..' entry."""
    text = (ROOT / "docs" / "safety.md").read_text(encoding="utf-8")
    out = []
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        title = block.splitlines()[0]
        rating = re.search(r"Rating:\s*([a-z ]+?)\s*$", block, re.M)
        tests = re.search(r"^- Tests:\s*(.*)$", block, re.M)
        ids = [t.strip() for t in tests.group(1).split(",") if t.strip()] if tests else []
        out.append((title, rating.group(1) if rating else "", ids))
    return out


def test_every_serious_hazard_names_tests_that_exist() -> None:
    entries = hazards()
    assert len(entries) >= 10
    for title, rating, ids in entries:
        assert rating, f"{title}: no rating"
        if rating in RATED:
            assert ids, f"{title}: rated {rating} but names no test"
        for test_id in ids:
            path, _, name = test_id.partition("::")
            source = (ROOT / path).read_text(encoding="utf-8") if (ROOT / path).exists() else ""
            assert re.search(rf"^(async )?def {re.escape(name)}\(", source, re.M), (
                f"{title}: {test_id} missing"
            )


def test_no_part_of_the_engine_can_hold_a_file(tmp_path: Path) -> None:
    """An incoming message has no field for a file, and no table a column for one."""
    fields = {f.name for f in dataclasses.fields(Incoming)}
    assert not fields & {"photo", "file", "file_id", "media", "document", "attachment", "image"}
    open_database(tmp_path / "b.db")
    conn = sqlite3.connect(tmp_path / "b.db")
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for _, name, kind, *_ in conn.execute(f"PRAGMA table_info('{table}')"):
            assert kind.upper() != "BLOB", f"{table}.{name}"
            assert not re.search(r"file|photo|media|image", name), f"{table}.{name}"
