"""`python -m bot demo-data` and `python -m bot report` as a newcomer runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.common.settings import PROJECT_ROOT
from bot.content.taxonomy import load_taxonomy
from bot.engine import Engine
from bot.engine.messages import Incoming
from bot.report.data import Period, read_counts, week_start
from bot.report.demo import fill_demo
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database
from tests.conftest import MONDAY_10, Clock
from tests.report_helpers import AMS, read_csv

CSV_FILES = {
    "indicatoren", "gesprekken-per-maand", "doelgroep", "taal", "risicosignalen", "overdracht",
    "reactietijden", "iets-aan-gehad", "volgende-stap", "afsluiting-zaken", "onderwerp",
    "berichten-per-week", "risicosignalen-per-maand",
}  # fmt: skip


def bot(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BOT_PSEUDONYM_KEY": "cd" * 32, "BOT_DB_PATH": str(tmp / "default.db")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )


def test_demo_data_then_report_writes_html_and_csv(tmp_path: Path) -> None:
    db, out = str(tmp_path / "demo.db"), tmp_path / "report"
    made = bot(tmp_path, "demo-data", "--db", db, "--days", "90", "--end", "2026-03-31")
    assert made.returncode == 0, made.stderr
    result = bot(
        tmp_path, "report", "--from", "2026-01-01", "--to", "2026-03-31", "--db", db, "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<svg" in html and "verzonnen demogegevens" in html
    assert {p.stem for p in out.glob("*.csv")} == CSV_FILES
    months = read_csv(out / "gesprekken-per-maand.csv")
    assert months[0] == ["maand", "aantal"] and [m[0] for m in months[1:]] == [
        "jan 2026",
        "feb 2026",
        "mrt 2026",
    ]


def test_report_refuses_calmly(tmp_path: Path) -> None:
    year = ("--from", "2026-01-01", "--to", "2026-12-31")
    missing = bot(tmp_path, "report", *year, "--db", str(tmp_path / "x.db"), "--out", str(tmp_path / "r"))
    assert missing.returncode == 1 and "no database" in missing.stderr and "Traceback" not in missing.stderr
    backwards = bot(
        tmp_path, "report", "--from", "2026-12-31", "--to", "2026-01-01", "--out", str(tmp_path / "r")
    )
    assert backwards.returncode == 1 and "--from must not be after --to" in backwards.stderr
    assert not (tmp_path / "r").exists()


async def test_demo_data_refuses_a_database_with_real_conversations(parts, tmp_path: Path) -> None:
    engine = Engine(parts, ConversationStore(open_database(tmp_path / "real.db"), "t"), Clock(MONDAY_10))
    await engine.handle(Incoming("a", text="wat is sexting"))
    engine.store.db.conn.close()
    refused = bot(tmp_path, "demo-data", "--db", str(tmp_path / "real.db"))
    assert refused.returncode == 1 and "real conversations" in refused.stderr
    counts = read_counts(
        open_database(tmp_path / "real.db").conn, Period(date(2026, 1, 1), date(2026, 12, 31))
    )
    assert not counts.demo and counts.total("conversations") == 1


def test_demo_data_is_seeded_and_shaped_like_a_school_year(tmp_path: Path) -> None:
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    runs = []
    for name, times in (("a.db", 1), ("b.db", 2)):  # a second run replaces the first, never adds
        db = open_database(tmp_path / name)
        for _ in range(times):
            fill_demo(db, load_taxonomy(), ("advies-gegeven", "geen-contact"), AMS, year.end, 365)
        runs.append(read_counts(db.conn, year))
    assert runs[0].totals == runs[1].totals and runs[0].demo
    daily = runs[0].daily["messages"]
    summer = [n for d, n in daily.items() if date(2026, 7, 20) <= d <= date(2026, 8, 16)]
    autumn = [n for d, n in daily.items() if date(2026, 9, 7) <= d <= date(2026, 10, 4)]
    assert sum(summer) < 0.8 * sum(autumn)  # the summer holiday is quieter than school weeks
    assert runs[0].total("outcome") > 0 and len(runs[0].durations["alert_to_claim"]) >= 5
    weeks = {week_start(d) for d in daily}
    assert len(weeks) == 53  # every week of the year has counts


def test_both_commands_are_in_the_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m bot report --from" in readme and "python -m bot demo-data" in readme
    assert "## Kwaliteitskompas report" in readme


def test_the_readme_demo_commands_show_a_full_year_whenever_they_run(tmp_path: Path) -> None:
    """demo-data without --end fills 2026, the year the README's report command asks for; the
    year's first week row starts on 1 January, not on the Monday in the year before."""
    db, out = str(tmp_path / "demo.db"), tmp_path / "report"
    made = bot(tmp_path, "demo-data", "--db", db)
    assert made.returncode == 0 and "up to 2026-12-31" in made.stdout, made.stderr
    year = ("--from", "2026-01-01", "--to", "2026-12-31")
    assert bot(tmp_path, "report", *year, "--db", db, "--out", str(out)).returncode == 0
    weeks = read_csv(out / "berichten-per-week.csv")[1:]
    assert weeks[0][0] == "week 1, 1 jan 2026" and weeks[1][0] == "week 2, 5 jan 2026"
    assert all(row[1] not in ("0", "<5") for row in weeks[:3])  # the demo year has data from day one
    months = read_csv(out / "gesprekken-per-maand.csv")[1:]
    assert len(months) == 12 and all(row[1] != "0" for row in months)
