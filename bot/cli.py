"""Command line: chat, ask, check, actions, export-rasa, report, demo-data, review-pack, review, backup.

Errors become one calm line, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import uuid
from datetime import date
from pathlib import Path

from bot.channels.staff_terminal import add_arguments as add_staff_arguments
from bot.common.settings import SettingsError, load_settings
from bot.content.model import Content
from bot.content.yamlsrc import ContentError
from bot.engine.messages import Incoming
from bot.report.commands import add_report_arguments, kompas_problems, run_demo_data, run_report


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.app import build_engine
    from bot.channels.terminal import chat

    settings = load_settings()
    engine = build_engine(settings)
    asyncio.run(chat(engine, settings.pseudonym_key))
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    """The werkgroep's side in the terminal, on the same database as the chat."""
    from bot.app import build_engine
    from bot.channels.staff_terminal import run_staff_command, watch
    from bot.desk.desk import NotAllowed

    engine = build_engine(load_settings())
    if args.action == "watch":
        try:
            asyncio.run(watch(engine.desk, args.staff, engine.clock))
        except NotAllowed as refusal:
            print(f"Niet gelukt: {refusal}.")
            return 1
        except KeyboardInterrupt:
            return 0
    return run_staff_command(engine.desk, args, engine.clock())


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.telegram_token:
        return cmd_chat(args)
    from bot.app import build_engine
    from bot.channels.telegram.runner import CannotStart, check_startable, serve, take_instance_locks

    def running(*_) -> None:
        print("Telegram: the bot is running (Ctrl-C stops).", flush=True)

    try:
        check_startable(settings)
        locks = take_instance_locks(settings.db_path, settings.telegram_token, settings.telegram_api_base_url)
    except CannotStart as refusal:
        print(f"The bot cannot start: {refusal}", file=sys.stderr)
        return 3
    try:
        engine = build_engine(settings)
        asyncio.run(_until_signal(lambda stop: serve(engine, settings, stop, on_ready=running, locked=True)))
    except CannotStart as refusal:
        print(f"The bot cannot start: {refusal}", file=sys.stderr)
        return 3
    finally:
        for lock in locks:
            lock.release()
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    """One line for a person or a process supervisor: exit 0 all well, 1 a problem, 2 no answer."""
    from bot.channels.health import ask_health
    from bot.content.escalation import load_watchdog

    listen = args.listen or load_watchdog(load_settings(create_key=False).content_dir).health_listen
    code, line = ask_health(listen)
    print(line)
    return code


async def _until_signal(main) -> None:
    """Run `main(stop)` until SIGINT or SIGTERM sets `stop`."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await main(stop)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answers on a throwaway database, so evaluation never alerts real staff."""
    from bot.app import build_engine

    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(settings, db_path=Path(tmp) / "ask.db")
        if args.jsonl:
            from bot.channels.jsonl import answer_lines, stdin_lines, stdout_text

            asyncio.run(answer_lines(engine, stdin_lines(), stdout_text()))
            return 0
        outcome = asyncio.run(engine.handle(Incoming(uuid.uuid4().hex, text=" ".join(args.text))))
        print(outcome.text)
        for reply in outcome.replies:
            for button in reply.buttons:
                print(f"  [{button.title}]")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from bot.app import load_checked_content
    from bot.content.check import describe

    settings = load_settings(create_key=False) if args.no_key else load_settings()
    content, problems = load_checked_content(settings.content_dir)
    problems += kompas_problems(
        settings.content_dir, content.escalation.outcomes if content.escalation else None
    )
    if args.readability or args.reviews:
        _print_reports(content, args)
    else:
        for problem in problems:
            print(problem)
    errors = [p for p in problems if not p.warning]
    print(f"content check: {describe(problems)}")
    return 1 if errors else 0


def _print_reports(content: Content, args: argparse.Namespace) -> None:
    """The reports replace the problem list; the summary line still says if content is broken."""
    from datetime import date

    from bot.content.readability import article_scores, format_table
    from bot.content.reviews import REVIEW_NOTICE, awaiting_review, format_report, reviews_due

    if args.readability:
        print(format_table(article_scores(content)))
    if args.reviews:
        today = date.today()
        due = reviews_due(content.articles.values(), today)
        unsigned = len(awaiting_review(content.articles.values()))
        print(format_report(due, today, unsigned, REVIEW_NOTICE in content.responses))


def cmd_actions(args: argparse.Namespace) -> int:
    """rasa-sdk's action server with our actions, for a municipality that already runs Rasa."""
    from bot.rasa.server import serve

    serve(load_settings(), args.host, args.port)
    return 0


def cmd_export_rasa(args: argparse.Namespace) -> int:
    """Write a Rasa 3.x project from our content; nothing is written when the check fails."""
    from bot.app import build_parts
    from bot.rasa.export import export_project

    parts, content = build_parts(load_settings())
    problems = export_project(parts, content, Path(args.out), args.action_url)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"export-rasa: {len(problems)} problems, nothing written", file=sys.stderr)
        return 1
    print(f"export-rasa: Rasa project written to {args.out}")
    return 0


def cmd_review_pack(args: argparse.Namespace) -> int:
    """The werkgroep's printable review pack; nothing is written while the content has errors."""
    from bot.app import load_checked_content
    from bot.content.reviewpack import write_review_pack

    content, problems = load_checked_content(load_settings().content_dir, advice=False)
    errors = [p for p in problems if not p.warning]
    for problem in errors:
        print(problem, file=sys.stderr)
    if errors:
        print(f"review-pack: {len(errors)} content errors, nothing written", file=sys.stderr)
        return 1
    written = write_review_pack(content, Path(args.out), date.today())
    print(f"review-pack: {written.index} and {len(written.pages)} pages")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Record that a werkgroep member reviewed an article (reviewed_by, reviewed_on)."""
    from bot.content.signoff import SignOffError, record_review

    path = load_settings(create_key=False).content_dir / "knowledge" / f"{args.article}.yml"
    if args.article == "contacts" or not path.is_file():
        print(f"review: no article '{args.article}' ({path} does not exist)", file=sys.stderr)
        return 1
    try:
        done = record_review(path, args.by, args.on or date.today(), date.today())
    except SignOffError as exc:
        print(f"review: {exc}", file=sys.stderr)
        return 1
    (by, on), (was_by, was_on) = done.after, done.before
    print(f"review: {path}: reviewed_by {by!r}, reviewed_on {on} (was {was_by!r}, {was_on})")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The werkgroep's Kwaliteitskompas report from the anonymous counters."""
    return run_report(args, load_settings())


def cmd_demo_data(args: argparse.Namespace) -> int:
    """A made-up year of counters, so a newcomer can see a full report."""
    return run_demo_data(args, load_settings())


def cmd_backup(args: argparse.Namespace) -> int:
    """A checked copy of the live database, made while the bot runs (SQLite's backup API)."""
    from bot.storage.backup import BackupError, backup_database

    source = Path(args.db) if args.db else load_settings(create_key=False).db_path
    try:
        done = backup_database(source, Path(args.out))
    except BackupError as exc:
        print(f"backup: {exc}", file=sys.stderr)
        return 1
    print(f"backup: {source} -> {done.path} ({done.size / 1e6:.1f} MB, {done.tables} tables, integrity ok)")
    return 0


def _logging(command: str | None) -> None:
    """Before anything can log: the level asked for, and the token known to the filter. A chat
    in this terminal shows only warnings unless BOT_LOG_LEVEL asks for more: delivery lines
    between the messages would confuse the person typing."""
    from bot.common.logs import configure_logging

    try:
        settings = load_settings(create_key=False)
    except SettingsError:
        configure_logging()
        return
    in_terminal = command == "chat" or (command in (None, "run") and not settings.telegram_token)
    quiet = in_terminal and "BOT_LOG_LEVEL" not in os.environ
    configure_logging("WARNING" if quiet else settings.log_level, secrets=[settings.telegram_token])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="Telegram when a token is set, else the terminal (default)")
    sub.add_parser("chat", help="talk with the bot in this terminal")
    health = sub.add_parser("health", help="is the running bot well? one line; exit 0 ok, 1 not, 2 no answer")
    health.add_argument("--listen", help="host:port of the health endpoint (default in watchdog.yml)")
    ask = sub.add_parser("ask", help="answer one question, or JSON lines on stdin with --jsonl")
    ask.add_argument("text", nargs="*")
    ask.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"text": ...} lines, write one JSON answer a line',
    )
    check = sub.add_parser(
        "check", help="validate intents/, knowledge/, risk/, escalation/ and kwaliteitskompas/"
    )
    check.add_argument("--no-key", action="store_true", help=argparse.SUPPRESS)
    check.add_argument(
        "--readability", action="store_true", help="table of readability scores per article, lowest first"
    )
    check.add_argument("--reviews", action="store_true", help="articles due for review, oldest first")
    add_staff_arguments(sub.add_parser("staff", help="werkgroep: list, claim, reply to and close cases"))
    actions = sub.add_parser("actions", help="serve our actions with rasa-sdk's action server")
    actions.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    actions.add_argument("--port", type=int, default=5055)
    export = sub.add_parser("export-rasa", help="write a Rasa 3.x project from our content")
    export.add_argument(
        "--out", required=True, help="folder for domain.yml, data/, endpoints.yml, config.yml"
    )
    export.add_argument(
        "--action-url", default="http://127.0.0.1:5055/webhook", help="where Rasa reaches our action server"
    )
    add_report_arguments(sub)
    backup = sub.add_parser("backup", help="a checked copy of the live database, also while the bot runs")
    backup.add_argument("--out", required=True, help="the backup file to write (readable by you only)")
    backup.add_argument("--db", help="the database to copy (default: the bot's own, BOT_DB_PATH)")
    pack = sub.add_parser("review-pack", help="printable review pages for the werkgroep, one per article")
    pack.add_argument("--out", required=True, help="folder for index.html and one page per article")
    review = sub.add_parser("review", help="record a werkgroep review of an article in its YAML")
    review.add_argument("article", help="topic id, e.g. sextortion")
    review.add_argument("--by", required=True, help="name of the reviewer")
    review.add_argument("--on", type=date.fromisoformat, help="day of the review, YYYY-MM-DD (default today)")
    return parser


COMMANDS = {
    "run": cmd_run,
    "chat": cmd_chat,
    "health": cmd_health,
    "ask": cmd_ask,
    "check": cmd_check,
    "staff": cmd_staff,
    "actions": cmd_actions,
    "export-rasa": cmd_export_rasa,
    "report": cmd_report,
    "demo-data": cmd_demo_data,
    "backup": cmd_backup,
    "review-pack": cmd_review_pack,
    "review": cmd_review,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _logging(args.command)
    try:
        return COMMANDS[args.command or "run"](args)
    except ContentError as exc:
        print(
            f"The bot cannot start: {exc} (run 'python -m bot check' for all problems)",
            file=sys.stderr,
        )
        return 2
    except SettingsError as exc:
        print(f"The bot cannot start: {exc}", file=sys.stderr)
        return 2
