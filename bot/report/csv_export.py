"""One CSV file per report table, for the subsidieverantwoording: the same suppressed cells as the HTML.

Semicolons and a byte-order mark, because the people who use these files open them in a
Dutch spreadsheet, where a comma is the decimal sign.
"""

from __future__ import annotations

import csv
from pathlib import Path

from bot.report.tables import Table, text


def write_csv(table: Table, folder: Path) -> Path:
    path = folder / f"{table.name}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(table.header)
        writer.writerows([row.label, *(text(c) for c in row.cells)] for row in table.rows)
    return path
