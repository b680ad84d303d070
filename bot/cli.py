"""Command line: chat, ask, check. Errors become one calm line, never a traceback."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import uuid
from pathlib import Path

from bot.content.yamlsrc import ContentError
from bot.messages import Incoming, Outcome
from bot.settings import SettingsError, load_settings


def outcome_json(outcome: Outcome) -> dict:
    return {
        "topic": outcome.topic,
        "confidence": outcome.confidence,
        "risk": {"level": outcome.risk.level, "category": outcome.risk.category},
        "handover": outcome.handover,
        "reply": outcome.text,
        "buttons": [b.title for r in outcome.replies for b in r.buttons],
        "language": outcome.language,
        "audience": outcome.audience,
    }


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.app import build_engine
    from bot.channels.terminal import chat

    settings = load_settings()
    engine = build_engine(settings)
    asyncio.run(chat(engine, settings.pseudonym_key))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.telegram_token:
        print("TELEGRAM_BOT_TOKEN is set, but the Telegram channel is not built yet; starting the terminal.")
    return cmd_chat(args)


def cmd_ask(args: argparse.Namespace) -> int:
    """Single-turn answers on a throwaway database, so evaluation never alerts real staff."""
    from bot.app import build_engine

    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(settings, db_path=Path(tmp) / "ask.db")
        if args.jsonl:
            return asyncio.run(_ask_lines(engine))
        outcome = asyncio.run(engine.handle(Incoming(uuid.uuid4().hex, text=" ".join(args.text))))
        print(outcome.text)
        for reply in outcome.replies:
            for button in reply.buttons:
                print(f"  [{button.title}]")
    return 0


async def _ask_lines(engine) -> int:
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            text = str(json.loads(line).get("text", ""))
        except (json.JSONDecodeError, AttributeError):
            text = ""
        outcome = await engine.handle(Incoming(uuid.uuid4().hex, text=text))
        sys.stdout.write(json.dumps(outcome_json(outcome), ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from bot.app import load_checked_content
    from bot.content.check import describe

    settings = load_settings(create_key=False) if args.no_key else load_settings()
    _, problems = load_checked_content(settings.content_dir)
    for problem in problems:
        print(problem)
    errors = [p for p in problems if not p.warning]
    print(f"content check: {describe(problems)}")
    return 1 if errors else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="Telegram when a token is set, else the terminal (default)")
    sub.add_parser("chat", help="talk with the bot in this terminal")
    ask = sub.add_parser("ask", help="answer one question, or JSON lines on stdin with --jsonl")
    ask.add_argument("text", nargs="*")
    ask.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"text": ...} lines, write one JSON answer a line',
    )
    check = sub.add_parser("check", help="validate intents/, knowledge/ and escalation/")
    check.add_argument("--no-key", action="store_true", help=argparse.SUPPRESS)
    return parser


COMMANDS = {"run": cmd_run, "chat": cmd_chat, "ask": cmd_ask, "check": cmd_check}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
