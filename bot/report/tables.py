"""The report's tables as plain data: the HTML and the CSV files are two views of the same rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.report.metrics import LABELS, RISK_LEVELS
from bot.report.published import MetricCells, Published
from bot.report.suppress import Cell

MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTH_NAMES = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    cells: tuple[Cell | str, ...]
    total: bool = False  # the total line, set apart in print


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # CSV file name, without .csv
    title: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""


def text(cell: Cell | str) -> str:
    return cell if isinstance(cell, str) else cell.text


def percent(part: float, whole: float, decimals: int = 1) -> str:
    return f"{100 * part / whole:.{decimals}f}%".replace(".", ",")


def share(cell: Cell, total: Cell) -> str:
    """A share only of published numbers: a percentage could otherwise give a hidden count back."""
    if not cell.shown:
        return cell.mark
    if not total.shown or total.value == 0:
        return "–"
    return percent(cell.value, total.value)


def keyed_table(
    name: str, title: str, what: str, cells: MetricCells, label: Callable[[str], str], by_size: bool
) -> Table:
    """Key, count and share, with a total line; large tables biggest first, hidden cells last."""
    items = list(cells.cells.items())
    if by_size:
        items.sort(key=lambda kc: (not kc[1].shown, -kc[1].value if kc[1].shown else 0, label(kc[0])))
    rows = [Row(label(k), (c, share(c, cells.total))) for k, c in items]
    rows.append(Row("Totaal", (cells.total, "100%" if cells.total.shown else "–"), total=True))
    return Table(name, title, (what, "aantal", "deel"), tuple(rows))


def plain_table(name: str, title: str, what: str, cells: MetricCells, label: Callable[[str], str]) -> Table:
    """Counts that do not add up to one whole, so no total and no shares."""
    return Table(name, title, (what, "aantal"), tuple(Row(label(k), (c,)) for k, c in cells.cells.items()))


def risk_table(published: Published) -> Table:
    """Risk signals by category and level, with both margins (the grid was protected with them)."""
    levels = LABELS["risk_level"]
    header = ("categorie", *(levels[level] for level in RISK_LEVELS), "totaal")
    names = [*(LABELS["risk_category"].get(c, c) for c in published.risk_categories), "Totaal"]
    rows = tuple(
        Row(name, tuple(cells), total=name == "Totaal")
        for name, cells in zip(names, published.risk_grid, strict=True)
    )
    return Table("risicosignalen", "Risicosignalen naar categorie en niveau", header, rows)


def series_table(name: str, title: str, what: str, rows: list[tuple[date, Cell]], weekly: bool) -> Table:
    label = week_label if weekly else month_label
    return Table(name, title, (what, "aantal"), tuple(Row(label(start), (cell,)) for start, cell in rows))


def week_label(start: date) -> str:
    return f"week {start.isocalendar().week}, {start.day} {MONTHS[start.month - 1]} {start.year}"


def month_label(start: date, full: bool = False) -> str:
    return f"{(MONTH_NAMES if full else MONTHS)[start.month - 1]} {start.year}"
