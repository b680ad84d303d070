"""Suppression holds across the whole report: no table, CSV, key figure or chart gives back a
count from 1 to 4, not even by subtracting numbers of one table from another.

The check reads only what the report publishes (the CSV files and the key figures of the
HTML), writes down every sum a reader can see (a table's total, the acute column that is also
the overdracht table's alert count, the weeks that add up to the messages, ...) and asks a
linear programme, for every "<5", which values it can still have given all visible numbers,
"<5" meaning 1 to 4 and "x" meaning 5 or more. At least two must remain.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from scipy.optimize import linprog

from bot.common.settings import PROJECT_ROOT
from bot.content.escalation import load_escalation
from bot.content.taxonomy import load_taxonomy
from bot.report import write_report
from bot.report.demo import DEMO_END, fill_demo
from bot.report.suppress import PRIMARY, SECONDARY, Ledger
from bot.storage.db import open_database
from tests.report_helpers import read_csv, report_of, write_counts

# The case: the risk table hides the acute total to protect a small "Hoog" total, while
# the overdracht table printed the same acute total as "Acuut: werkgroep direct gewaarschuwd".
LEAKY = [
    ("2026-03-02", "conversations", "", 40),
    ("2026-03-02", "messages", "", 120),
    ("2026-03-09", "messages", "", 80),
    ("2026-03-02", "topic", "sextortion", 100),
    ("2026-03-09", "topic", "groet", 97),
    ("2026-03-09", "topic", "halt", 3),
    ("2026-03-02", "language", "nl", 198),
    ("2026-03-02", "language", "en", 2),
    ("2026-03-02", "audience", "jongere", 200),
    ("2026-03-02", "risk", "acute/zelfdoding", 6),
    ("2026-03-02", "risk", "high/sextortion", 2),
    ("2026-03-02", "handover", "offered", 9),
    ("2026-03-02", "handover", "accepted", 3),
    ("2026-03-02", "handover", "alerted", 6),
    ("2026-03-02", "outcome", "advies-gegeven", 7),
    ("2026-03-09", "outcome", "geen-contact", 1),
]
NUMBER = re.compile(r"^\d[\d.]*$")
FIGURE = re.compile(r"<div><b>([^<]*)</b><span>([^<]*)</span></div>")


class Published:
    """Every number the report shows, as a variable: known, "<5" (1..4) or "x" (5 or more)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.known: dict[str, int] = {}
        self.small: set[str] = set()
        self.equations: list[dict[str, int]] = []

    def cell(self, name: str, shown: str) -> str | None:
        shown = shown.strip()
        if NUMBER.match(shown):
            self.known[name] = int(shown.replace(".", ""))
        elif shown in (PRIMARY, SECONDARY):
            if shown == PRIMARY:
                self.small.add(name)
        else:
            return None  # a share, a dash: not a count
        self.names.append(name)
        return name

    def sums(self, parts: list[str | None], total: str | None) -> None:
        if total is None or any(p is None for p in parts):
            return
        equation: dict[str, int] = {}
        for p in parts:
            equation[p] = equation.get(p, 0) + 1
        equation[total] = equation.get(total, 0) - 1
        self.equations.append(equation)

    def same(self, a: str | None, b: str | None) -> None:
        self.sums([a], b)

    def values_left(self, name: str) -> int:
        """How many whole values the "<5" `name` can still have."""
        unknown = [n for n in self.names if n not in self.known]
        index = {n: i for i, n in enumerate(unknown)}
        rows, rhs = [], []
        for equation in self.equations:
            row = [0.0] * len(unknown)
            constant = 0.0
            for n, coefficient in equation.items():
                if n in index:
                    row[index[n]] += coefficient
                else:
                    constant += coefficient * self.known[n]
            if any(row):
                rows.append(row)
                rhs.append(-constant)
        bounds = [(1, 4) if n in self.small else (5, None) for n in unknown]
        ends = []
        for sign in (1, -1):
            cost = [0.0] * len(unknown)
            cost[index[name]] = sign
            result = linprog(cost, A_eq=rows or None, b_eq=rhs or None, bounds=bounds, method="highs")
            assert result.success, result.message
            ends.append(sign * result.fun)
        return math.floor(ends[1] + 1e-6) - math.ceil(ends[0] - 1e-6) + 1


def read_published(folder: Path) -> Published:
    p = Published()
    tables = {path.stem: read_csv(path) for path in folder.glob("*.csv")}
    for name, rows in tables.items():
        header, body = rows[0], rows[1:]
        counted = [j for j, h in enumerate(header) if j and h not in ("deel", "mediaan", "9 van 10 binnen")]
        if name == "indicatoren":
            continue  # measured values of published cells, or "afgeschermd"
        grid = {
            (row[0], header[j]): p.cell(f"{name}:{row[0]}:{header[j]}", row[j])
            for row in body
            for j in counted
        }
        if body and body[-1][0] == "Totaal":
            for j in counted:
                p.sums([grid[(row[0], header[j])] for row in body[:-1]], grid[("Totaal", header[j])])
        if "totaal" in header:
            for row in body:
                p.sums(
                    [grid[(row[0], header[j])] for j in counted if header[j] != "totaal"],
                    grid[(row[0], "totaal")],
                )
    html = (folder / "index.html").read_text(encoding="utf-8")
    figures = {label: p.cell(f"kerncijfer:{label}", value) for value, label in FIGURE.findall(html)}
    first = {name: rows[0][1] for name, rows in tables.items()}

    def total(table: str, column: str | None = None) -> str | None:
        return f"{table}:Totaal:{column or first[table]}"

    def column(table: str) -> list[str | None]:
        return [f"{table}:{row[0]}:{first[table]}" for row in tables[table][1:] if row[0] != "Totaal"]

    messages = figures["berichten"]
    for table in ("onderwerp", "taal", "doelgroep"):
        if table in tables:
            p.same(total(table), messages)
    p.sums(column("berichten-per-week"), messages)
    p.sums(column("gesprekken-per-maand"), figures["gesprekken"])
    p.same(total("risicosignalen", "totaal"), figures["risicosignalen"])
    p.sums(column("risicosignalen-per-maand"), figures["risicosignalen"])
    p.same("overdracht:Acuut: werkgroep direct gewaarschuwd:aantal", total("risicosignalen", "Acuut"))
    p.same("overdracht:Gesprek met een mens aangeboden:aantal", figures["mens aangeboden"])
    if "afsluiting-zaken" in tables:
        p.same(total("afsluiting-zaken"), figures["zaken afgesloten"])
    return p


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    write_counts(tmp_path / "r.db", LEAKY)
    write_report(report_of(tmp_path / "r.db"), tmp_path / "out")
    return tmp_path / "out"


def test_the_acute_total_is_hidden_in_every_table_that_shows_it(leaky: Path) -> None:
    risk = {row[0]: row for row in read_csv(leaky / "risicosignalen.csv")}
    overdracht = {row[0]: row[1] for row in read_csv(leaky / "overdracht.csv")}
    assert risk["Totaal"][2] == PRIMARY  # the two high-risk signals
    assert risk["Totaal"][1] == overdracht["Acuut: werkgroep direct gewaarschuwd"] == SECONDARY
    assert risk["Totaal"][3] != "8" or risk["Totaal"][1] != "6"  # 8 - 6 would give the 2 back


def test_no_small_count_can_be_derived_from_everything_published(leaky: Path) -> None:
    published = read_published(leaky)
    assert published.small, "the script must make the report hide something"
    assert len(published.equations) > 10
    for name in sorted(published.small):
        assert published.values_left(name) >= 2, name


def test_the_same_holds_for_the_demo_year(tmp_path: Path) -> None:
    escalation, _ = load_escalation(PROJECT_ROOT)
    db = open_database(tmp_path / "demo.db")
    fill_demo(db, load_taxonomy(), tuple(escalation.outcomes), escalation.hours.zone, DEMO_END, 365, 7, False)
    db.conn.close()
    write_report(report_of(tmp_path / "demo.db"), tmp_path / "out")
    published = read_published(tmp_path / "out")
    for name in sorted(published.small):
        assert published.values_left(name) >= 2, name


def test_a_range_argument_cannot_pin_a_small_count_either() -> None:
    """1 and 1 beside 50 in a total of 52: the two "<5" add up to 2, so each is 1."""
    ledger = Ledger()
    parts = [ledger.add(n, v) for n, v in (("a", 1), ("b", 1), ("c", 50))]
    ledger.line(parts, ledger.add("t", 52))
    cells = ledger.protect()
    assert [cells[n].text for n in "abct"] == [PRIMARY, PRIMARY, SECONDARY, "52"]
