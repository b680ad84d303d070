"""`python -m bot report` and `python -m bot demo-data`: arguments and the calm one-line answers.

bot/cli.py only wires these in, so the report's options live beside the report.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from bot.common.settings import Settings
from bot.content.escalation import load_escalation
from bot.content.taxonomy import load_taxonomy
from bot.content.yamlsrc import Problem
from bot.report import ReportError, make_report, write_report
from bot.report.data import Period
from bot.report.demo import DEMO_END, RealDataError, fill_demo
from bot.report.kompas import load_kompas
from bot.storage.db import open_database


def add_report_arguments(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help="Kwaliteitskompas report: index.html and CSV files")
    report.add_argument("--from", dest="start", type=_day, required=True, help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="end", type=_day, required=True, help="last day (included), YYYY-MM-DD")
    report.add_argument("--out", required=True, help="folder for index.html and the CSV files")
    report.add_argument("--db", help="SQLite file (default: the bot's, BOT_DB_PATH)")
    demo = sub.add_parser("demo-data", help="fill a database with a made-up year of counters")
    demo.add_argument("--db", help="SQLite file (default: the bot's, BOT_DB_PATH)")
    demo.add_argument("--days", type=int, default=365, help="number of days (default 365)")
    demo.add_argument(
        "--end", type=_day, default=DEMO_END, help=f"last day (default {DEMO_END}: the README's demo year)"
    )
    demo.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same numbers)")
    demo.add_argument("--force", action="store_true", help="write even beside real conversations")


def run_report(args: argparse.Namespace, settings: Settings) -> int:
    if args.start > args.end:
        print("report: --from must not be after --to", file=sys.stderr)
        return 1
    db_path = Path(args.db) if args.db else settings.db_path
    try:
        report = make_report(db_path, settings.content_dir, Period(args.start, args.end), date.today())
    except ReportError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"report: {exc}", file=sys.stderr)
        return 1
    written = write_report(report, Path(args.out))
    print(f"report: {written.html} and {len(written.csv)} CSV files in {written.html.parent}")
    return 0


def run_demo_data(args: argparse.Namespace, settings: Settings) -> int:
    escalation, problems = load_escalation(settings.content_dir)
    if escalation is None or args.days < 1:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("demo-data: escalation/ has problems, or --days is below 1", file=sys.stderr)
        return 1
    db_path = Path(args.db) if args.db else settings.db_path
    end = args.end
    db = open_database(db_path)
    try:
        made = fill_demo(
            db, load_taxonomy(), tuple(escalation.outcomes), escalation.hours.zone, end, args.days,
            args.seed, args.force,
        )  # fmt: skip
    except RealDataError as exc:
        print(f"demo-data: {db_path}: {exc}; nothing written (use --db for another file)", file=sys.stderr)
        return 1
    finally:
        db.conn.close()
    print(f"demo-data: {made} made-up conversations over {args.days} days up to {end} in {db_path}")
    return 0


def kompas_problems(root: Path, outcomes: dict[str, str] | None) -> list[Problem]:
    """For `python -m bot check`; outcome codes are only checked when outcomes.yml itself loaded."""
    return load_kompas(root, load_taxonomy(), outcomes)[1]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-01-31") from None
