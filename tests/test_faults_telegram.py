"""Telegram in trouble: an outage, a 429 storm, hanging sends, a locked database, a second
instance, a start while Telegram is away, a webhook without a secret, loops that fail.

Times are scaled down and say so: the delivery backoff and the poll retry use the bot's own
values (4 s cap), only the thresholds of the watchdog and the outage lengths are shorter.
Each test prints its figures (time from Telegram's return to the crisis reply, alert delay).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from bot.channels.faults import Seams
from bot.channels.health import ask_health
from bot.channels.telegram.runner import CannotStart, Timing, serve
from bot.common.settings import PROJECT_ROOT
from bot.engine import Engine
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database
from tests.conftest import TEST_KEY
from tests.fake_telegram import TOKEN, FakeBotAPI
from tests.fake_telegram_bot import ACUTE, COORDINATOR, FAST, GROUP, QUIET, running_bot, settings_for

pytestmark = pytest.mark.filterwarnings("ignore:Please use 'Bot.getUpdates'")
REAL_RETRY = dataclasses.replace(FAST, retry_cap=Timing().retry_cap)  # polling backs off as in production


def crisis(text: str) -> bool:
    return "113" in text and "112" in text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def answered_once(bot, chats) -> None:
    """Every chat got an answer, and no reply twice (no send here could have timed out)."""
    await bot.until(lambda: not bot.rows("SELECT id FROM outbox WHERE status = 'pending'"), "all sent", 20)
    for chat in chats:
        texts = bot.texts_to(chat)
        assert texts, f"no answer to {chat}"
        assert len(texts) == len(set(texts)), f"a reply to {chat} came twice"
    assert not bot.rows("SELECT id FROM outbox WHERE status != 'sent'")


async def test_a_long_outage_delays_but_loses_nothing(parts, tmp_path) -> None:
    """150 s without Telegram, scaled by 1/20: 7.5 s of connection refused. The watchdog waits
    5 min (scaled: 15 s), so it stays quiet; a reply to a person with a case that waited 1 min
    (scaled: 3 s) is reported to the team and its backup."""
    watch = dataclasses.replace(QUIET, telegram_down_minutes=5 / 20, undelivered_minutes=1 / 20)
    async with running_bot(parts, tmp_path, timing=REAL_RETRY, watch=watch) as bot:
        api = bot.api
        api.fail("sendMessage", kinds=("502",))  # Telegram falters first, then goes away
        before = [7410001, 7410002, 7410003]
        api.user_message(before[0], ACUTE)
        api.user_message(before[1], "wat is sexting")
        api.user_message(before[2], "iemand chanteert me met mn nudes")
        await bot.until(lambda: len(bot.rows("SELECT id FROM outbox")) >= 4, "replies queued")
        await api.stop()
        during = [7410004, 7410005]
        api.user_message(during[0], "ik wil er een eind aan maken vannacht")
        api.user_message(during[1], "wat doet halt")
        await asyncio.sleep(150 / 20)
        api.clear_failures()
        await api.start()
        back = time.monotonic()
        first_crisis = await bot.until(lambda: any(crisis(t) for t in bot.texts_to(before[0])), "crisis 1")
        second_crisis = await bot.until(lambda: any(crisis(t) for t in bot.texts_to(during[0])), "crisis 2")
        alerts = await bot.until(lambda: sum("ACUUT" in t for t in bot.texts_to(GROUP)) >= 2, "both alerts")
        await bot.until(lambda: all(bot.texts_to(c) for c in before + during), "every answer", 20)
        await bot.until(lambda: any("niet aan" in t for t in bot.texts_to(COORDINATOR)), "the backup told")
        await bot.until(
            lambda: not bot.rows("SELECT id FROM outbox WHERE status = 'pending'"), "all sent", 20
        )
        print(
            f"\noutage: crisis replies {first_crisis - back:.1f} s and {second_crisis - back:.1f} s"
            f" after Telegram's return; both alerts after {alerts - back:.1f} s"
        )
        assert first_crisis - back < 10 and second_crisis - back < 10
        await answered_once(bot, before + during)
        assert any("niet aan" in t for t in bot.texts_to(GROUP))  # the team saw it too
        events = bot.rows("SELECT kind FROM case_events WHERE kind = 'reply_undelivered'")
        assert len(events) == 1  # once for the one case whose reply waited, not once per try
        assert not bot.receiver.notes  # 7.5 s (150 s) is below the 15 s (5 min) threshold
        bot.assert_no_leak(*map(str, before + during), "pillen", "nudes", "vannacht")


async def test_a_longer_outage_reaches_the_werkgroep_by_email(parts, tmp_path) -> None:
    """Past the threshold (scaled: 1.5 s for 5 min) the werkgroep gets one e-mail, through a
    local SMTP server with a password from the environment, and one when Telegram is back."""
    port, mails, logins = free_port(), [], []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):
            mails.append(envelope.content.decode("utf-8", "replace"))
            return "250 OK"

    def login(server, session, envelope, mechanism, data):
        logins.append(data.password)
        return AuthResult(success=data.password == b"smtp-geheim-42")

    smtp = Controller(Inbox(), hostname="127.0.0.1", port=port, authenticator=login, auth_require_tls=False)
    smtp.start()
    url = f"mailto://bot:${{BOT_SMTP_PASSWORD}}@127.0.0.1:{port}?from=bot@example.nl&to=werkgroep@example.nl&mode=insecure"
    watch = dataclasses.replace(QUIET, telegram_down_minutes=0.025, notify=(url,))
    try:
        async with running_bot(
            parts, tmp_path, watch=watch, environ={"BOT_SMTP_PASSWORD": "smtp-geheim-42"}
        ) as bot:
            await bot.api.stop()
            bot.api.user_message(7420001, ACUTE)
            await bot.until(lambda: mails, "the e-mail", 15)
            assert "Telegram al" in mails[0] and "7420001" not in mails[0]
            code, line = await asyncio.to_thread(ask_health, f"127.0.0.1:{bot.health.port}")
            assert code == 1 and line.startswith("PROBLEM: Telegram down")
            await bot.api.start()
            await bot.until(lambda: any(crisis(t) for t in bot.texts_to(7420001)), "the crisis reply")
            await bot.until(lambda: len(mails) == 2, "the all-clear")
            assert "weer bereikbaar" in mails[1] and len(mails) == 2
            bot.assert_no_leak("smtp-geheim-42", "7420001", "pillen")
    finally:
        smtp.stop()


async def test_a_429_storm_delays_but_loses_nothing(parts, tmp_path) -> None:
    """15 s of 429 on every send, scaled to 4.5 s (retry_after 2 s); 12 replies to 6 people."""
    async with running_bot(parts, tmp_path) as bot:
        api = bot.api
        api.fail(("sendMessage", "answerCallbackQuery"), kinds=("429:2",))
        chats = [7430001 + n for n in range(6)]
        for chat in chats:
            api.user_message(chat, ACUTE if chat == chats[0] else "wat is sexting")
        await asyncio.sleep(2)
        for chat in chats:
            api.user_message(chat, "wat doet halt")
        await asyncio.sleep(2.5)
        api.clear_failures()
        ended = time.monotonic()
        reply = await bot.until(lambda: any(crisis(t) for t in bot.texts_to(chats[0])), "the crisis reply")
        alert = await bot.until(lambda: any("ACUUT" in t for t in bot.texts_to(GROUP)), "the alert")
        await bot.until(lambda: all(len(bot.texts_to(c)) >= 2 for c in chats), "12 replies", 20)
        print(f"\n429 storm: crisis reply {reply - ended:.1f} s, alert {alert - ended:.1f} s after it ended")
        await answered_once(bot, chats)
        assert len(api.calls_of("sendMessage")) > len(api.effects_of("sendMessage"))  # the storm was real
        assert not bot.receiver.notes
        bot.assert_no_leak(*map(str, chats), "pillen", "sexting")


async def test_a_quarter_of_sends_hanging(parts, tmp_path) -> None:
    """Every 4th message's first send hangs past the client's read timeout (1 s): it is not
    delivered, so it is tried once more; every 8th is delivered late (a real timeout): the
    one extra copy the rule allows. Nobody gets nothing, nobody gets a third copy."""
    async with running_bot(parts, tmp_path) as bot:
        api = bot.api
        api.fail("sendMessage", every=4, kinds=("hang", "timeout"), first_tries_only=True)
        chats = [7440001 + n for n in range(16)]
        for chat in chats:
            api.user_message(chat, ACUTE if chat == chats[5] else "wat is sexting")
        await bot.until(lambda: all(bot.texts_to(c) for c in chats), "an answer to everyone", 20)
        await bot.until(lambda: any("ACUUT" in t for t in bot.texts_to(GROUP)), "the alert")
        await bot.until(lambda: not bot.rows("SELECT 1 FROM outbox WHERE status = 'pending'"), "done", 20)
        copies = [n for c in chats for n in Counter(bot.texts_to(c)).values()]
        assert max(copies) == 2  # a late one came twice: the one extra copy the rule allows, never more
        statuses = {s for (s,) in bot.rows("SELECT status FROM outbox")}
        assert statuses == {"sent"}
        assert not bot.receiver.notes
        bot.assert_no_leak(*map(str, chats), "pillen", "sexting")


async def test_a_write_lock_held_outside_delays_and_never_kills(parts, tmp_path) -> None:
    """Another process holds the write lock longer than the busy timeout (scaled: 1 s busy
    timeout, 2.5 s lock for 10 s and 12 s): polling goes on meanwhile, nothing dies, every
    message written during the lock is answered once afterwards."""
    async with running_bot(parts, tmp_path, busy_timeout_ms=1000) as bot:
        api = bot.api
        api.user_message(7450001, "wat is sexting")
        await bot.until(lambda: bot.texts_to(7450001), "the first answer")
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
                " c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(2.5); c.rollback()",
                str(tmp_path / "bot.db"),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert (await asyncio.to_thread(holder.stdout.readline)).strip() == "locked"
        polls = len(api.calls_of("getUpdates"))
        await asyncio.sleep(1.2)  # longer than the busy timeout, no message yet: the loops idle
        assert len(api.calls_of("getUpdates")) > polls  # the event loop was never blocked
        api.user_message(7450002, ACUTE)
        api.user_message(7450003, "wat doet halt")
        await asyncio.to_thread(holder.wait)
        await bot.until(lambda: any(crisis(t) for t in bot.texts_to(7450002)), "the crisis reply")
        await bot.until(lambda: bot.texts_to(7450003), "the other answer")
        await answered_once(bot, [7450001, 7450002, 7450003])
        assert "loop failed" not in bot.log_text()
        assert "write lock held elsewhere" in bot.log_text()
        bot.assert_no_leak("7450002", "7450003", "pillen")


async def test_a_second_instance_refuses_to_start(parts, tmp_path) -> None:
    async with running_bot(parts, tmp_path) as bot:
        engine = Engine(parts, ConversationStore(open_database(tmp_path / "bot.db"), "t"))
        with pytest.raises(CannotStart, match="already running on this database"):
            await serve(engine, settings_for(tmp_path, bot.api), asyncio.Event(), timing=FAST)
        env = {
            **os.environ,
            "BOT_DB_PATH": str(tmp_path / "bot.db"),
            "BOT_PSEUDONYM_KEY": TEST_KEY.hex(),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": bot.api.base_url,
        }
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "run"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 3
        assert done.stderr.strip().count("\n") == 0 and "already running" in done.stderr
        bot.api.user_message(7460001, "wat is sexting")  # the first instance goes on alone
        await bot.says(7460001, "computer")
        await asyncio.sleep(0.5)
        assert max(Counter(bot.texts_to(7460001)).values()) == 1  # answered once, not twice


async def test_start_while_telegram_is_unreachable(parts, tmp_path) -> None:
    """getMe fails (nothing listens) at start: the bot waits and tries again, no traceback."""
    api = FakeBotAPI(port=free_port())
    async with running_bot(parts, tmp_path, api=api, start_api=False) as bot:
        api.user_message(7470001, ACUTE)
        await asyncio.sleep(2)
        assert not bot.task.done()
        await api.start()
        await bot.until(lambda: any(crisis(t) for t in bot.texts_to(7470001)), "the crisis reply")
        assert "not reachable at start (NetworkError)" in bot.log_text()
        bot.assert_no_leak("7470001", "pillen")


async def test_webhook_mode_without_a_secret_refuses_in_one_line(parts, tmp_path) -> None:
    api = FakeBotAPI()
    engine = Engine(parts, ConversationStore(open_database(tmp_path / "bot.db"), "t"))
    settings = settings_for(tmp_path, api, webhook_url="https://bot.example.nl/telegram")
    with pytest.raises(CannotStart, match="TELEGRAM_WEBHOOK_SECRET is empty"):
        await serve(engine, settings, asyncio.Event(), timing=FAST)
    env = {
        **os.environ,
        "BOT_DB_PATH": str(tmp_path / "cli.db"),
        "BOT_PSEUDONYM_KEY": TEST_KEY.hex(),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.nl/telegram",
        "TELEGRAM_WEBHOOK_SECRET": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 3
    assert done.stderr.strip() == (
        "The bot cannot start: TELEGRAM_WEBHOOK_SECRET is empty: webhook mode needs a secret"
        " (or leave TELEGRAM_WEBHOOK_URL empty for long polling)"
    )


async def test_failing_loops_restart_and_the_watchdog_says_when_one_stays_down(parts, tmp_path) -> None:
    """Each loop fails once: restarted, said in the log, nobody told. Then the delivery loop
    keeps failing past the threshold (scaled: 1.2 s for 1 min): the werkgroep is told once,
    /health says so, and again once it works."""
    failing = {"ingest": 1, "worker": 1, "delivery": 1}

    def round_(name: str) -> None:
        if failing[name]:
            failing[name] -= 1
            raise OSError("injected")

    watch = dataclasses.replace(QUIET, loop_down_minutes=0.02, check_seconds=0.1)
    async with running_bot(parts, tmp_path, seams=Seams(before_round=round_), watch=watch) as bot:
        bot.api.user_message(7480001, "wat is sexting")
        await bot.says(7480001, "computer")
        for name in failing:
            assert f"the {name} loop failed (OSError at bot/channels/telegram/runner.py:" in bot.log_text()
        assert not bot.receiver.notes
        health = f"127.0.0.1:{bot.health.port}"
        assert (await asyncio.to_thread(ask_health, health))[0] == 0
        failing["delivery"] = 10**6
        bot.api.user_message(7480002, ACUTE)
        await bot.until(lambda: bot.receiver.notes, "the second channel", 10)
        assert "werkt niet" in json.dumps(bot.receiver.notes[0], ensure_ascii=False)
        code, line = await asyncio.to_thread(ask_health, health)
        assert code == 1 and "loops down: delivery" in line
        failing["delivery"] = 0
        await bot.until(lambda: any(crisis(t) for t in bot.texts_to(7480002)), "the crisis reply")
        await bot.until(lambda: len(bot.receiver.notes) == 2, "the all-clear")
        assert [n["title"] for n in bot.receiver.notes][1].endswith("weer in orde")
        assert (await asyncio.to_thread(ask_health, health))[0] == 0
        bot.assert_no_leak("7480001", "7480002", "pillen")


async def test_an_acute_case_nobody_claims_reaches_the_werkgroep(parts, tmp_path) -> None:
    watch = dataclasses.replace(QUIET, check_seconds=0.1)
    async with running_bot(parts, tmp_path, watch=watch) as bot:
        bot.api.user_message(7490001, ACUTE)
        await bot.until(lambda: any("ACUUT" in t for t in bot.texts_to(GROUP)), "the alert")
        await asyncio.sleep(0.5)
        assert not bot.receiver.notes  # alerted a moment ago: nothing to tell yet
        bot.clock.jump(31)  # half an hour of office time without a claim
        await bot.until(lambda: bot.receiver.notes, "the second channel")
        assert "acute casus #1" in bot.receiver.notes[0]["title"]
        await asyncio.sleep(0.5)
        assert len(bot.receiver.notes) == 1  # told once, not at every look


def test_health_without_a_running_bot_says_so_in_one_line() -> None:
    port = free_port()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "health", "--listen", f"127.0.0.1:{port}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "BOT_PSEUDONYM_KEY": TEST_KEY.hex()},
    )
    assert done.returncode == 2
    assert done.stdout.strip() == f"not running: nothing answers on 127.0.0.1:{port} (URLError)"
    assert Path(PROJECT_ROOT / "escalation" / "watchdog.yml").exists()


def test_watchdog_settings_are_checked_line_by_line(content_copy: Path) -> None:
    from bot.content.escalation import load_escalation

    path = content_copy / "escalation" / "watchdog.yml"
    path.write_text(
        'notify: ["geen url"]\ntelegram_down_minutes: 0\nhealth_listen: overal\n'
        'reply_undelivered: "Casus {casus}"\n',
        encoding="utf-8",
    )
    config, problems = load_escalation(content_copy)
    assert config is None
    assert sorted(str(p).removeprefix(f"{path}:") for p in problems) == [
        "1: 'notify' must list notification URLs such as mailtos://...",
        "2: 'telegram_down_minutes' must be a number above 0",
        "3: 'health_listen' must be host:port, e.g. 127.0.0.1:8079",
        "4: 'reply_undelivered' unknown {casus}",
    ]
    path.unlink()
    config, problems = load_escalation(content_copy)
    assert config is not None and config.watchdog.telegram_down_minutes == 5
    assert [p.warning for p in problems] == [True]
