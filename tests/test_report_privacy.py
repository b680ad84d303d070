"""No count from 1 to 4 leaves the report, in the HTML or the CSV, not even as a total minus the rest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.report import write_report
from bot.report.suppress import PRIMARY, SECONDARY, protect_grid, protect_list
from tests.report_helpers import read_csv, report_of, write_counts
from tests.test_report_data import DURATIONS, SCRIPT
from tests.test_report_html import parse

INTEGER = re.compile(r"^\d[\d.]*$")


@pytest.fixture
def written(tmp_path: Path) -> Path:
    write_counts(tmp_path / "r.db", SCRIPT, DURATIONS)
    write_report(report_of(tmp_path / "r.db"), tmp_path / "out")
    return tmp_path / "out"


def test_one_small_cell_beside_a_total_hides_a_second_one() -> None:
    cells, total = protect_list([3, 100, 50])
    assert [c.text for c in cells] == [PRIMARY, "100", SECONDARY] and total.text == "153"
    cells, total = protect_list([3, 4, 50])  # two hidden already: total minus 50 is only their sum
    assert [c.text for c in cells] == [PRIMARY, PRIMARY, "50"]
    cells, total = protect_list([0, 2])  # the total is itself small
    assert [c.text for c in cells] == ["0", PRIMARY] and total.text == PRIMARY


def test_two_way_tables_have_no_line_with_one_hidden_cell() -> None:
    grid = protect_grid([[2, 0], [0, 12], [0, 6]], row_totals=True, column_totals=True)
    lines = [*grid, *zip(*grid, strict=True)]
    for line in lines:
        assert sum(not c.shown for c in line) != 1, [c.text for c in line]
    assert grid[-1][-1].text == "20" and grid[1][1].text == "12"


def test_html_shows_no_count_below_five(written: Path) -> None:
    page = parse((written / "index.html").read_text(encoding="utf-8"))
    small = [c for cells in page.cells.values() for c in cells if INTEGER.match(c) and 0 < int(c) < 5]
    assert small == []
    topics = page.column("onderwerp")
    assert topics["Halt"] == PRIMARY and topics["Niet begrepen"] == SECONDARY and topics["Totaal"] == "250"
    assert page.column("reactietijden")["Van alarm tot eerste antwoord"] == PRIMARY


def test_csv_shows_no_count_below_five_and_no_derivable_one(written: Path) -> None:
    files = sorted(written.glob("*.csv"))
    assert len(files) >= 10
    for path in files:
        rows = read_csv(path)
        small = [c for row in rows[1:] for c in row[1:] if INTEGER.match(c) and 0 < int(c) < 5]
        assert small == [], path.name
        if rows[-1][0] == "Totaal":  # published totals: no line may hold exactly one hidden number
            for line in _lines(rows):
                assert sum(c in (PRIMARY, SECONDARY) for c in line) != 1, (path.name, line)
    topics = {row[0]: row[1] for row in read_csv(written / "onderwerp.csv")}
    assert (topics["Halt"], topics["Niet begrepen"], topics["Totaal"]) == (PRIMARY, SECONDARY, "250")
    risk = read_csv(written / "risicosignalen.csv")
    assert risk[-1] == ["Totaal", PRIMARY, SECONDARY, "20"]  # acute total is 2, so the high total hides


def test_shares_of_hidden_counts_are_hidden_too(written: Path) -> None:
    topics = {row[0]: row[2] for row in read_csv(written / "onderwerp.csv")}
    assert topics["Halt"] == PRIMARY and topics["Niet begrepen"] == SECONDARY
    html = (written / "index.html").read_text(encoding="utf-8")
    assert "8,0%" not in html  # onbegrepen 20 of 250: hidden, so its share is too


def _lines(rows: list[list[str]]) -> list[list[str]]:
    """Every column of counts (with its total), and every row when a table has a total column."""
    header, body = rows[0], rows[1:]
    counted = [j for j, name in enumerate(header) if j and name != "deel"]
    columns = [[row[j] for row in body] for j in counted]
    return columns + ([[row[j] for j in counted] for row in body] if len(counted) > 1 else [])
