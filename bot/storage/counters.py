"""Anonymous daily counters: what the bot did (output) and what it changed (outcome).

Written in the same transaction as the turn or staff action they count; they hold
no conversation id and no text, so erasing a conversation leaves them intact.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from sqlite_utils import Database


class Counters:
    def __init__(self, db: Database, zone: tzinfo) -> None:
        self.db = db
        self.zone = zone  # a day is the werkgroep's day, not UTC's

    def day(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).date().isoformat()

    def add(self, moment: datetime, metric: str, key: str = "", n: int = 1) -> None:
        self._upsert(moment, [(metric, key, n)])

    def add_all(self, moment: datetime, counted: Iterable[tuple[str, str]]) -> None:
        """One more of each (metric, key), in one statement: a turn counts several things."""
        self._upsert(moment, [(metric, key, 1) for metric, key in counted])

    def _upsert(self, moment: datetime, rows: list[tuple[str, str, int]]) -> None:
        day = self.day(moment)
        self.db.conn.executemany(
            "INSERT INTO daily_counts (day, metric, key, count) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(day, metric, key) DO UPDATE SET count = count + excluded.count",
            [(day, metric, key, n) for metric, key, n in rows],
        )

    def duration(self, moment: datetime, kind: str, seconds: float) -> None:
        self.db.conn.execute(
            "INSERT INTO case_durations (day, kind, seconds) VALUES (?, ?, ?)",
            [self.day(moment), kind, round(seconds, 1)],
        )
