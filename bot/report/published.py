"""Every count the report may show, suppressed once, so tables, indicators and text agree.

If the indicator section computed its own numbers it could show a cell that a table
hid by secondary suppression; so all of them read from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.report.data import Counts, buckets
from bot.report.metrics import FIXED_KEYS, RISK_LEVELS
from bot.report.suppress import Cell, primary, protect_grid, protect_list

# Metrics whose keys split one whole (every message has one topic), so their total is published.
ADDITIVE = ("topic", "language", "audience", "outcome", "feedback", "next_step")
SINGLE = ("conversations", "messages", "media_refused", "erasures")


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

    def get(self, metric: str, key: str | None = None) -> Cell:
        return self.metrics[metric].get(key) if metric in self.metrics else Cell(0)


def publish(
    counts: Counts, keys_of: Callable[[str], tuple[str, ...]], categories: tuple[str, ...]
) -> Published:
    """Suppress every table once; `keys_of` lists a metric's keys (content decides some)."""
    metrics: dict[str, MetricCells] = {}
    for metric in SINGLE:
        cell = primary(counts.total(metric))
        metrics[metric] = MetricCells({"": cell}, cell)
    for metric in ADDITIVE:
        keys = _keys(counts, metric, keys_of(metric))
        cells, total = protect_list([counts.total(metric, k) for k in keys])
        metrics[metric] = MetricCells(dict(zip(keys, cells, strict=True)), total)
    handover = FIXED_KEYS["handover"]  # offered, accepted, alerted: no whole, no total
    metrics["handover"] = MetricCells(
        {k: primary(counts.total("handover", k)) for k in handover}, primary(counts.total("handover"))
    )
    grid = protect_grid(
        [[counts.total("risk", f"{level}/{cat}") for level in RISK_LEVELS] for cat in categories],
        row_totals=True,
        column_totals=True,
    )
    risk_cells = {
        f"{level}/{cat}": grid[r][c]
        for r, cat in enumerate(categories)
        for c, level in enumerate(RISK_LEVELS)
    }
    metrics["risk"] = MetricCells(risk_cells, grid[-1][-1])
    return Published(metrics, grid, categories)


def series(counts: Counts, metric: str, start_of: Callable[[date], date]) -> list[tuple[date, Cell]]:
    """Weeks or months of one metric; their sum is the metric's total, so it is a line to protect."""
    rows = buckets(counts.daily.get(metric, {}), counts.period, start_of)
    cells, _ = protect_list([n for _, n in rows])
    return [(start, cell) for (start, _), cell in zip(rows, cells, strict=True)]


def _keys(counts: Counts, metric: str, known: tuple[str, ...]) -> list[str]:
    """The known keys, then any the data holds beyond them (a topic renamed since)."""
    return [*known, *sorted(set(counts.totals.get(metric, {})) - set(known))]
