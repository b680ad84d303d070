"""Read the anonymous counters of a date range from SQLite, summed per metric and key.

Only daily_counts and case_durations are read: the report never touches a
conversation, a message or a case, so it can be run by anyone who may see the totals.
"""

from __future__ import annotations

import sqlite3
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

# Counts of the demo data set carry this metric, so a made-up report always says so.
DEMO_METRIC = "demo"
SERIES_METRICS = ("conversations", "messages", "risk")


@dataclass(frozen=True, slots=True)
class Period:
    """Both days included, in the werkgroep's time zone (as the counters are written)."""

    start: date
    end: date

    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(slots=True)
class Counts:
    period: Period
    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # metric -> key -> count
    daily: dict[str, dict[date, int]] = field(default_factory=dict)  # SERIES_METRICS -> day -> count
    durations: dict[str, list[float]] = field(default_factory=dict)  # kind -> seconds
    demo: bool = False

    def has(self, metric: str) -> bool:
        """Whether the bot wrote this metric at all in the period (feedback comes later)."""
        return bool(self.totals.get(metric))

    def total(self, metric: str, key: str | None = None) -> int:
        keys = self.totals.get(metric, {})
        return sum(keys.values()) if key is None else keys.get(key, 0)


def read_counts(conn: sqlite3.Connection, period: Period) -> Counts:
    """Everything the report shows, summed over the period."""
    span = [period.start.isoformat(), period.end.isoformat()]
    counts = Counts(period)
    rows = conn.execute(
        "SELECT day, metric, key, SUM(count) FROM daily_counts WHERE day BETWEEN ? AND ? "
        "GROUP BY day, metric, key",
        span,
    )
    for day, metric, key, n in rows:
        if metric == DEMO_METRIC:
            counts.demo = True
            continue
        keys = counts.totals.setdefault(metric, {})
        keys[key] = keys.get(key, 0) + n
        if metric in SERIES_METRICS:
            series = counts.daily.setdefault(metric, {})
            series[date.fromisoformat(day)] = series.get(date.fromisoformat(day), 0) + n
    for kind, seconds in conn.execute(
        "SELECT kind, seconds FROM case_durations WHERE day BETWEEN ? AND ? ORDER BY id", span
    ):
        counts.durations.setdefault(kind, []).append(seconds)
    return counts


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def buckets(
    daily: dict[date, int], period: Period, start_of: Callable[[date], date]
) -> list[tuple[date, int]]:
    """Sum days into weeks or months; every bucket of the period is listed, empty ones as 0.

    A bucket is dated by its first day inside the period: a year's first week starts on
    1 January, not on the Monday before it in the previous year."""
    sums: dict[date, int] = defaultdict(int)
    day = period.start
    while day <= period.end:
        sums[max(start_of(day), period.start)] += daily.get(day, 0)
        day += timedelta(days=1)
    return sorted(sums.items())


def median_and_p90(seconds: list[float]) -> tuple[float, float]:
    """Median and the 90th percentile (inclusive method), in minutes; needs at least two values."""
    minutes = [s / 60 for s in seconds]
    return statistics.median(minutes), statistics.quantiles(minutes, n=10, method="inclusive")[-1]
