"""Small-number suppression: no count from 1 to 4 leaves the report, not even by subtraction.

A count under 5 may point at one young person in a small town, so it is shown as "<5"
(primary suppression). Where numbers add up to a published total, hiding one cell is not
enough: the total minus the others gives it back. So a second cell is hidden too, marked
"x" as CBS does for "geheim" (secondary suppression).

Suppression holds across the whole report, not per table: every published number is a
node of one Ledger, and every sum any table, CSV, key figure or chart publishes is a line
of it. A number that appears in two tables (the acute total of the risk table is also the
overdracht table's "werkgroep direct gewaarschuwd"; the messages total is the topic,
language and audience total and the sum of the weeks) is one node, so it is hidden
everywhere or nowhere. After the simple rule (no line with exactly one hidden cell) a
linear programme checks, for each hidden small count, the range a reader could still
derive from all published numbers together, knowing that "<5" is 1 to 4 and "x" is 5 or
more; while that range holds a single whole number, one more cell is hidden.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MIN_COUNT = 5
PRIMARY = "<5"
SECONDARY = "x"
_EPS = 1e-6


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
    """One count on its own, in no published sum."""
    return Cell(n, PRIMARY if 0 < n < MIN_COUNT else "")


def is_small(n: int) -> bool:
    return 0 < n < MIN_COUNT


@dataclass(slots=True)
class Ledger:
    """Every number of one report and the sums that tie them; protected together."""

    values: dict[str, int] = field(default_factory=dict)
    lines: list[tuple[tuple[str, ...], str]] = field(default_factory=list)  # (parts, total)
    parent: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, value: int) -> str:
        self.values[name] = value
        self.parent.setdefault(name, name)
        return name

    def line(self, parts: list[str], total: str) -> None:
        """`total` is published as the sum of `parts`."""
        self.lines.append((tuple(parts), total))

    def same(self, a: str, b: str) -> bool:
        """Two published numbers a reader knows to be equal (when they are): one node."""
        if self.values[a] != self.values[b]:
            return False
        self.parent[self._root(a)] = self._root(b)
        return True

    def _root(self, name: str) -> str:
        while self.parent[name] != name:
            name = self.parent[name]
        return name

    def protect(self) -> dict[str, Cell]:
        """Each number as published."""
        lines = [([self._root(p) for p in parts], self._root(total)) for parts, total in self.lines]
        roots = {self._root(n) for n in self.values}
        hidden = {r: PRIMARY for r in roots if is_small(self.values[r])}
        while True:
            self._secondary(lines, hidden)
            exposed = self._exposed(lines, hidden)
            if exposed is None or not self._hide_beside(exposed, lines, hidden):
                break
        return {n: Cell(v, hidden.get(self._root(n), "")) for n, v in self.values.items()}

    def _secondary(self, lines: list[tuple[list[str], str]], hidden: dict[str, str]) -> None:
        """No line may hold exactly one hidden number."""
        changed = True
        while changed:
            changed = False
            for parts, total in lines:
                line = [*dict.fromkeys([*parts, total])]
                if len(line) > 1 and sum(p in hidden for p in line) == 1:
                    hidden[self._second(parts, total, hidden)] = SECONDARY
                    changed = True

    def _second(self, parts: list[str], total: str, hidden: dict[str, str]) -> str:
        """Beside the one hidden: the smallest non-zero other part, else the total."""
        open_parts = [p for p in parts if p not in hidden and self.values[p] > 0]
        if open_parts:
            return min(open_parts, key=lambda p: self.values[p])
        if total not in hidden:
            return total
        return next(p for p in parts if p not in hidden)

    def _hide_beside(self, exposed: str, lines: list[tuple[list[str], str]], hidden: dict[str, str]) -> bool:
        """Hide the smallest shown non-zero number in a line with the exposed one."""
        near = {n for parts, total in lines if exposed in (*parts, total) for n in (*parts, total)}
        candidates = [n for n in near if n not in hidden and self.values[n] > 0]
        if not candidates:
            return False
        hidden[min(candidates, key=lambda n: (self.values[n], n))] = SECONDARY
        return True

    def _exposed(self, lines: list[tuple[list[str], str]], hidden: dict[str, str]) -> str | None:
        """A hidden small count whose value all published numbers together still give away."""
        from scipy.optimize import linprog  # only the report pays for scipy's import

        unknown = sorted(hidden)
        index = {n: i for i, n in enumerate(unknown)}
        rows, rhs = [], []
        for parts, total in lines:
            coeffs = [0.0] * len(unknown)
            known = 0.0
            for name, sign in [*((p, 1.0) for p in parts), (total, -1.0)]:
                if name in index:
                    coeffs[index[name]] += sign
                else:
                    known += sign * self.values[name]
            if any(coeffs):
                rows.append(coeffs)
                rhs.append(-known)
        bounds = [(1, MIN_COUNT - 1) if hidden[n] == PRIMARY else (MIN_COUNT, None) for n in unknown]
        linked = {i for row in rows for i, c in enumerate(row) if c}
        for name in unknown:
            i = index[name]
            if hidden[name] != PRIMARY or i not in linked:
                continue
            ends = []
            for sign in (1.0, -1.0):
                cost = [0.0] * len(unknown)
                cost[i] = sign
                found = linprog(cost, A_eq=rows, b_eq=rhs, bounds=bounds, method="highs")
                ends.append(sign * found.fun if found.success and found.fun is not None else None)
            low, high = ends
            if low is not None and high is not None and math.floor(high + _EPS) <= math.ceil(low - _EPS):
                return name
        return None


def protect_list(values: list[int]) -> tuple[list[Cell], Cell]:
    """Cells of a one-way table and its total, as published (a table on its own)."""
    grid = protect_grid([values], row_totals=True, column_totals=False)
    return grid[0][:-1], grid[0][-1]


def protect_grid(body: list[list[int]], row_totals: bool, column_totals: bool) -> list[list[Cell]]:
    """A table on its own: the body with its margins appended (a total column, a total row),
    each cell protected. Zeros are shown: they describe nobody."""
    ledger = Ledger()
    names = grid_into(ledger, "t", body, row_totals, column_totals)
    cells = ledger.protect()
    return [[cells[n] for n in row] for row in names]


def grid_into(
    ledger: Ledger, prefix: str, body: list[list[int]], row_totals: bool, column_totals: bool
) -> list[list[str]]:
    """Add a two-way table with its margins to the ledger; returns the node names, in place."""
    names = [[ledger.add(f"{prefix}/{r}/{c}", n) for c, n in enumerate(row)] for r, row in enumerate(body)]
    cols = len(body[0]) if body else 0
    if row_totals:
        for r, row in enumerate(names):
            total = ledger.add(f"{prefix}/{r}/*", sum(body[r]))
            ledger.line(row, total)
            row.append(total)
    if column_totals and names:
        width = cols + (1 if row_totals else 0)
        bottom = []
        for c in range(width):
            column = [row[c] for row in names]
            total = ledger.add(f"{prefix}/*/{c}", sum(ledger.values[n] for n in column))
            ledger.line(column, total)
            bottom.append(total)
        if row_totals:  # the corner: also the sum of the total row
            ledger.line(bottom[:-1], bottom[-1])
        names.append(bottom)
    return names
