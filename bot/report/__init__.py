"""The Kwaliteitskompas report: anonymous counters in, one printable HTML page and CSV files out.

data.py reads a date range, published.py suppresses small numbers once, build.py puts
the sections together, html.py and csv_export.py write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.content.escalation import load_escalation
from bot.content.taxonomy import load_taxonomy
from bot.content.yamlsrc import Problem
from bot.report.build import Report, build_report
from bot.report.csv_export import write_csv
from bot.report.data import Period, read_counts
from bot.report.html import render
from bot.report.kompas import load_kompas
from bot.report.metrics import known_keys
from bot.report.published import publish
from bot.storage.db import open_database


@dataclass(frozen=True, slots=True)
class Written:
    html: Path
    csv: list[Path]


class ReportError(Exception):
    """The report cannot be made; carries the content problems (file:line) when there are any."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def make_report(db_path: Path, content_dir: Path, period: Period, made_on: date) -> Report:
    """Read the counters and the werkgroep's YAML; raises ReportError instead of guessing."""
    if not db_path.exists():
        raise ReportError(f"no database at {db_path} (try 'python -m bot demo-data' first)")
    taxonomy = load_taxonomy()
    escalation, problems = load_escalation(content_dir)
    outcomes = escalation.outcomes if escalation else {}
    kompas, kompas_problems = load_kompas(content_dir, taxonomy, outcomes)
    errors = [p for p in problems + kompas_problems if not p.warning]
    if kompas is None or errors:
        raise ReportError("escalation/ has problems (run 'python -m bot check')", errors)
    db = open_database(db_path)
    try:
        counts = read_counts(db.conn, period)
    finally:
        db.conn.close()
    published = publish(counts, lambda m: known_keys(m, taxonomy, outcomes) or (), taxonomy.risk_categories)
    return build_report(kompas, counts, published, outcomes, made_on)


def write_report(report: Report, out: Path) -> Written:
    out.mkdir(parents=True, exist_ok=True)
    html = out / "index.html"
    html.write_text(render(report), encoding="utf-8")
    return Written(html, [write_csv(table, out) for table in report.tables()])


__all__ = ["ReportError", "Written", "make_report", "write_report"]
