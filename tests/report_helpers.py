"""Shared by the report tests: write scripted counters into a real SQLite file, read tables back."""

from __future__ import annotations

import csv
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.common.settings import PROJECT_ROOT
from bot.report import make_report
from bot.report.build import Report
from bot.report.data import Period
from bot.storage.counters import Counters
from bot.storage.db import immediate, open_database

AMS = ZoneInfo("Europe/Amsterdam")
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
MADE_ON = date(2027, 1, 15)


def write_counts(
    path: Path, rows: list[tuple[str, str, str, int]], durations: list[tuple[str, str, float]] = ()
) -> None:
    """(day, metric, key, count) and (day, kind, seconds), through the bot's own Counters."""
    db = open_database(path)
    counters = Counters(db, AMS)
    with immediate(db):
        for day, metric, key, n in rows:
            counters.add(_noon(day), metric, key, n)
        for day, kind, seconds in durations:
            counters.duration(_noon(day), kind, seconds)
    db.conn.close()


def report_of(path: Path, period: Period = YEAR, content: Path = PROJECT_ROOT) -> Report:
    return make_report(path, content, period, MADE_ON)


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


def _noon(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(12), AMS)
