"""Shared fixtures: real content, a real SQLite file per test, no network beyond loopback."""

from __future__ import annotations

import shutil
import socket
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_parts
from bot.common.settings import PROJECT_ROOT, Settings
from bot.engine import Engine
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database

TEST_KEY = bytes(range(32))


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a socket to anything but this machine."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address, *args, **kwargs):
        host = address[0] if isinstance(address, tuple) else address
        remote = isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1"))
        if remote and self.family in (socket.AF_INET, socket.AF_INET6):
            raise AssertionError(f"test tried to reach {host}")
        return real_connect(self, address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def make_settings(tmp: Path, content_dir: Path = PROJECT_ROOT) -> Settings:
    return Settings(
        db_path=tmp / "bot.db",
        content_dir=content_dir,
        cache_dir=PROJECT_ROOT / "var" / "cache",
        pseudonym_key=TEST_KEY,
    )


@pytest.fixture(scope="session")
def parts(tmp_path_factory: pytest.TempPathFactory):
    engine_parts, _ = build_parts(make_settings(tmp_path_factory.mktemp("parts")))
    return engine_parts


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """The content folders copied, for a test that breaks them."""
    for folder in ("intents", "knowledge", "risk", "escalation", "kwaliteitskompas"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    return tmp_path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.db"


class Clock:
    """A clock the test moves by hand: re-alerts, office hours and purges without waiting."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


AMS = ZoneInfo("Europe/Amsterdam")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=AMS)  # inside office hours


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY_10)


@pytest.fixture
def engine(parts, db_path: Path, clock: Clock) -> Engine:
    return Engine(parts, ConversationStore(open_database(db_path), "test"), clock)
