"""Every count the report may show, suppressed once and together, so tables, indicators and text agree.

If the indicator section computed its own numbers it could show a cell that a table hid
by secondary suppression; so all of them read from here. One Ledger holds every table,
key figure and series, with the sums and equalities a reader can see between them
(bot/report/suppress.py), so no subtraction across tables gives a small count back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.engine.commands import BUTTON_INTENTS
from bot.report.data import Counts, buckets, month_start, week_start
from bot.report.metrics import FIXED_KEYS, RISK_LEVELS
from bot.report.suppress import Cell, Ledger, grid_into

# Metrics whose keys split one whole (every message has one topic), so their total is published.
ADDITIVE = ("topic", "language", "audience", "outcome", "feedback", "next_step")
SINGLE = ("conversations", "messages", "media_refused", "erasures")
# Counted once per message, so their totals are the number of messages: one node.
PER_MESSAGE = ("topic", "language", "audience")
# The series the report draws and lists; each adds up to its metric's total.
SERIES = {
    ("messages", "week"): week_start,
    ("conversations", "month"): month_start,
    ("risk", "month"): month_start,
}
BUTTONS_KEY = "knoppen"  # button and command turns counted as a topic by older versions of the bot


@dataclass(frozen=True, slots=True)
class MetricCells:
    cells: dict[str, Cell]  # key -> cell, in display order of the catalogue
    total: Cell

    def get(self, key: str | None) -> Cell:
        return self.total if key is None else self.cells.get(key, Cell(0))


@dataclass(frozen=True, slots=True)
class Published:
    metrics: dict[str, MetricCells]
    risk_grid: list[list[Cell]]  # categories x (levels + total), then a total row
    risk_categories: tuple[str, ...]
    series: dict[tuple[str, str], list[tuple[date, Cell]]]  # (metric, "week"/"month") -> buckets

    def get(self, metric: str, key: str | None = None) -> Cell:
        return self.metrics[metric].get(key) if metric in self.metrics else Cell(0)


def publish(
    counts: Counts, keys_of: Callable[[str], tuple[str, ...]], categories: tuple[str, ...]
) -> Published:
    """Suppress the whole report at once; `keys_of` lists a metric's keys (content decides some)."""
    ledger = Ledger()
    for metric in SINGLE:
        ledger.add(metric, counts.total(metric))
    keyed = {metric: _keyed(ledger, counts, metric, keys_of(metric)) for metric in ADDITIVE}
    for key in FIXED_KEYS["handover"]:  # offered, accepted, alerted: no whole, no total
        ledger.add(f"handover/{key}", counts.total("handover", key))
    body = [[counts.total("risk", f"{level}/{cat}") for level in RISK_LEVELS] for cat in categories]
    grid = grid_into(ledger, "risk", body, row_totals=True, column_totals=True)
    buckets_of = {
        (metric, kind): _series(ledger, counts, metric, kind, grid[-1][-1] if metric == "risk" else metric)
        for metric, kind in SERIES
    }
    for metric in PER_MESSAGE:  # a reader knows each of these adds up to the messages
        ledger.same(f"{metric}/*", "messages")
    ledger.same("handover/alerted", grid[-1][RISK_LEVELS.index("acute")])  # every acute turn alerts
    cells = ledger.protect()
    metrics = {metric: MetricCells({"": cells[metric]}, cells[metric]) for metric in SINGLE}
    for metric, keys in keyed.items():
        metrics[metric] = MetricCells({k: cells[f"{metric}/{k}"] for k in keys}, cells[f"{metric}/*"])
    handover = {k: cells[f"handover/{k}"] for k in FIXED_KEYS["handover"]}
    metrics["handover"] = MetricCells(handover, Cell(counts.total("handover"), "x"))  # never published
    risk_cells = {
        f"{level}/{cat}": cells[grid[r][c]]
        for r, cat in enumerate(categories)
        for c, level in enumerate(RISK_LEVELS)
    }
    metrics["risk"] = MetricCells(risk_cells, cells[grid[-1][-1]])
    risk_grid = [[cells[name] for name in row] for row in grid]
    series = {sk: [(start, cells[name]) for start, name in rows] for sk, rows in buckets_of.items()}
    return Published(metrics, risk_grid, categories, series)


def _keyed(ledger: Ledger, counts: Counts, metric: str, known: tuple[str, ...]) -> list[str]:
    """One node per key and one for the total, with the line that ties them."""
    values = _values(counts, metric, known)
    parts = [ledger.add(f"{metric}/{key}", n) for key, n in values.items()]
    ledger.line(parts, ledger.add(f"{metric}/*", sum(values.values())))
    return list(values)


def _values(counts: Counts, metric: str, known: tuple[str, ...]) -> dict[str, int]:
    """The known keys, then any the data holds beyond them (a topic renamed since); button and
    command turns that older versions counted as topics are one line, not a topic each."""
    values = {key: counts.total(metric, key) for key in known}
    for key in sorted(set(counts.totals.get(metric, {})) - set(known)):
        folded = BUTTONS_KEY if metric == "topic" and key in BUTTON_INTENTS else key
        values[folded] = values.get(folded, 0) + counts.total(metric, key)
    return values


def _series(ledger: Ledger, counts: Counts, metric: str, kind: str, total: str) -> list[tuple[date, str]]:
    """Weeks or months of one metric; their sum is the metric's total."""
    rows = buckets(counts.daily.get(metric, {}), counts.period, SERIES[(metric, kind)])
    names = [(start, ledger.add(f"series/{metric}/{kind}/{start.isoformat()}", n)) for start, n in rows]
    if sum(n for _, n in rows) == ledger.values[total]:  # else no reader can add them up to it
        ledger.line([name for _, name in names], total)
    return names


def series(counts: Counts, metric: str, start_of: Callable[[date], date]) -> list[tuple[date, Cell]]:
    """One series suppressed on its own (the report uses Published.series, suppressed together)."""
    ledger = Ledger()
    rows = buckets(counts.daily.get(metric, {}), counts.period, start_of)
    names = [(start, ledger.add(f"s/{start.isoformat()}", n)) for start, n in rows]
    ledger.line([name for _, name in names], ledger.add("total", sum(n for _, n in rows)))
    cells = ledger.protect()
    return [(start, cells[name]) for start, name in names]
