"""Small-number suppression: no count from 1 to 4 leaves the report, not even by subtraction.

A count under 5 may point at one young person in a small town, so it is shown as "<5"
(primary suppression). Where a row or column has a published total, hiding one cell
is not enough: total minus the others gives it back. So in every such line a second
cell (the smallest other one, else the total) is hidden too, marked "x" as CBS does
for "geheim" (secondary suppression). This is the simple rule, repeated until no line
has exactly one hidden number; it does not defend against every linear-algebra attack
on large two-way tables, which this report does not publish.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_COUNT = 5
PRIMARY = "<5"
SECONDARY = "x"


@dataclass(frozen=True, slots=True)
class Cell:
    """A count as published: its value only when `mark` is empty."""

    value: int
    mark: str = ""

    @property
    def shown(self) -> bool:
        return not self.mark

    @property
    def text(self) -> str:
        return self.mark or format_int(self.value)


def format_int(n: int) -> str:
    """Dutch thousands separator: 12.345."""
    return f"{n:,}".replace(",", ".")


def primary(n: int) -> Cell:
    """One count on its own, with no total beside it."""
    return Cell(n, PRIMARY if 0 < n < MIN_COUNT else "")


def protect_list(values: list[int]) -> tuple[list[Cell], Cell]:
    """Cells of a one-way table and its total, as published."""
    grid = protect_grid([values], row_totals=True, column_totals=False)
    return grid[0][:-1], grid[0][-1]


def protect_grid(body: list[list[int]], row_totals: bool, column_totals: bool) -> list[list[Cell]]:
    """The body with its margins appended (a total column, a total row), each cell protected.

    Zeros are shown: they describe nobody. Every line that adds up to a published total
    ends with that total, and no line may end with exactly one hidden cell.
    """
    grid = _with_margins(body, row_totals, column_totals)
    hidden = {(r, c): PRIMARY for r, row in enumerate(grid) for c, n in enumerate(row) if 0 < n < MIN_COUNT}
    lines = _lines(len(body), len(body[0]) if body else 0, row_totals, column_totals)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if len(line) > 1 and sum(p in hidden for p in line) == 1:
                hidden[_second(grid, line, hidden)] = SECONDARY
                changed = True
    return [[Cell(n, hidden.get((r, c), "")) for c, n in enumerate(row)] for r, row in enumerate(grid)]


def _with_margins(body: list[list[int]], row_totals: bool, column_totals: bool) -> list[list[int]]:
    grid = [[*row, sum(row)] if row_totals else list(row) for row in body]
    if column_totals and grid:
        grid.append([sum(col) for col in zip(*grid, strict=True)])
    return grid


def _lines(rows: int, cols: int, row_totals: bool, column_totals: bool) -> list[list[tuple[int, int]]]:
    """Positions of each line whose last position is the sum of the others."""
    lines = []
    width = cols + (1 if row_totals else 0)
    if row_totals:
        last_row = rows + (1 if column_totals else 0)
        lines += [[(r, c) for c in range(width)] for r in range(last_row)]
    if column_totals:
        lines += [[(r, c) for r in range(rows + 1)] for c in range(width)]
    return lines


def _second(grid: list[list[int]], line: list[tuple[int, int]], hidden: dict) -> tuple[int, int]:
    """The cell to hide beside the one hidden: the smallest non-zero other cell, else the total."""
    open_cells = [p for p in line[:-1] if p not in hidden and grid[p[0]][p[1]] > 0]
    if open_cells:
        return min(open_cells, key=lambda p: grid[p[0]][p[1]])
    total = line[-1]
    if total not in hidden:
        return total
    return next(p for p in line if p not in hidden)
