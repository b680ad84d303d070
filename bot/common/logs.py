"""Logging that can never hold a message, a token or a raw chat id, at any level.

Our own log lines carry ids of rows and kinds of events only. The libraries' loggers
are the risk: httpx logs every request URL (which holds the bot token) at INFO, and
python-telegram-bot logs update and reply text at DEBUG. So those loggers are held at
WARNING whatever the level asked for, and every line still passes a filter that
removes anything shaped like a bot token and every secret we know.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

QUIET_LIBRARIES = ("httpx", "httpcore", "telegram", "apscheduler", "sanic", "rasa_sdk", "aiohttp", "asyncio")
BOT_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Redact(logging.Filter):
    """Rewrites a record's final text without tokens or known secrets."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        return BOT_TOKEN.sub("<token>", text)

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        cleaned = self.clean(text)
        if cleaned != text:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.clean(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def configure_logging(level: str = "INFO", secrets: Iterable[str] = (), stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Redact(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
