"""Anonymous daily counters: what the bot did (output) and what it changed (outcome).

Written in the same transaction as the turn or staff action they count; they hold
no conversation id and no text, so erasing a conversation leaves them intact.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlite_utils import Database


class Counters:
    def __init__(self, db: Database, zone: tzinfo) -> None:
        self.db = db
        self.zone = zone  # a day is the werkgroep's day, not UTC's

    def day(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).date().isoformat()

    def add(self, moment: datetime, metric: str, key: str = "", n: int = 1) -> None:
        self.db.conn.execute(
            "INSERT INTO daily_counts (day, metric, key, count) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(day, metric, key) DO UPDATE SET count = count + excluded.count",
            [self.day(moment), metric, key, n],
        )

    def duration(self, moment: datetime, kind: str, seconds: float) -> None:
        self.db.conn.execute(
            "INSERT INTO case_durations (day, kind, seconds) VALUES (?, ?, ?)",
            [self.day(moment), kind, round(seconds, 1)],
        )
