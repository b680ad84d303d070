"""The watchdog: the werkgroep hears of trouble by a channel that does not need Telegram.

It runs in a thread of its own (so a loop that hangs, or an event loop that is blocked,
is seen too) and looks every `check_seconds` (escalation/watchdog.yml) at:
- Telegram: unreachable or erroring for `telegram_down_minutes`;
- the loops that read, handle and send messages: none may go `loop_down_minutes`
  without a round that worked;
- acute cases: alerted but not picked up after `acute_unclaimed_minutes` of office time;
- in the database (its own read-only connection): parked updates, and replies to young
  people that are waiting.

A problem that starts is sent once through every `notify` URL (Apprise: e-mail, SMS
gateways, push services), and once more when it is over. A send that fails is tried
again at the next look. The texts name case numbers and minutes, never a person.
`status()` is what `GET /health` and `python -m bot health` show.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from bot.channels.health import Health, Snapshot
from bot.common.clock import utc_now
from bot.content.escalation import EscalationConfig, WatchdogConfig
from bot.desk.hours import office_minutes_between
from bot.storage.outbox import Outbox

log = logging.getLogger(__name__)
ENV_NAME = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
LOOP_WORDS = {
    "ingest": "berichten van Telegram ophaalt",
    "worker": "berichten beantwoordt",
    "delivery": "antwoorden en meldingen verstuurt",
}
TITLE = "Weerbaarheid-bot"


@dataclass(frozen=True, slots=True)
class Alarm:
    key: str  # telegram_down, loop_down:worker, acute_unclaimed:12
    title: str
    body: str
    health: bool  # a problem of the process itself (a supervisor may restart it)


class Notifier:
    """Apprise, with ${NAME} in a URL filled in from `environ`; never logs a URL."""

    def __init__(self, urls: Sequence[str], environ: Mapping[str, str]) -> None:
        self.count = 0
        if not urls:
            return
        import apprise

        logging.getLogger("apprise").setLevel(logging.CRITICAL)  # its lines can hold addresses
        self.apprise = apprise.Apprise()
        for number, url in enumerate(urls, 1):
            missing = [name for name in ENV_NAME.findall(url) if not environ.get(name)]
            if missing:
                log.error("watchdog: notify URL %d needs %s, which is not set", number, missing[0])
                continue
            if self.apprise.add(ENV_NAME.sub(lambda m: environ[m.group(1)], url)):
                self.count += 1
            else:
                log.error("watchdog: notify URL %d is not a URL Apprise understands", number)

    def send(self, title: str, body: str) -> bool:
        if not self.count:
            return False
        return bool(self.apprise.notify(body=body, title=title))


class Watchdog:
    def __init__(
        self,
        health: Health,
        config: WatchdogConfig,
        escalation: EscalationConfig,
        db_path: Path | str | None,
        notifier: Notifier | None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.health = health
        self.config = config
        self.escalation = escalation
        self.db_path = str(db_path) if db_path and str(db_path) != ":memory:" else None
        self.notifier = notifier
        self.clock = clock
        self.told: dict[str, Alarm] = {}  # alarms the werkgroep was told about, until they end
        self.sent: list[tuple[str, str]] = []  # (key, "started" | "ended"), for the log and tests
        self._latest_facts: dict = self._no_facts()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._db: Database | None = None
        self._lock = threading.Lock()

    # --- running -----------------------------------------------------------------------

    def start(self) -> None:
        self.check()
        self._thread = threading.Thread(target=self._run, name="watchdog", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._db is not None:
            self._db.conn.close()
            self._db = None

    def _run(self) -> None:
        while not self._stop.wait(self.config.check_seconds):
            try:
                self.check()
            except Exception as error:  # the watchdog must outlive whatever it watches
                log.error("watchdog: a check failed (%s)", type(error).__name__)

    def status(self) -> dict:
        """For /health: the loops and Telegram as they are now, the database as of the last
        look (at most `check_seconds` old). Sends nothing."""
        snapshot = self.health.snapshot()
        facts = self._latest_facts
        return self._report(snapshot, facts, self._alarms(snapshot, self.clock(), facts))

    # --- one look ----------------------------------------------------------------------

    def check(self) -> dict:
        """One look: the status for /health first, then whatever the werkgroep must hear."""
        with self._lock:
            snapshot = self.health.snapshot()
            now = self.clock()
            facts = self._latest_facts = self._facts(now)
            alarms = self._alarms(snapshot, now, facts)
            report = self._report(snapshot, facts, alarms)
            self._tell(alarms)
            return report

    def _alarms(self, snapshot: Snapshot, now: datetime, facts: dict) -> dict[str, Alarm]:
        c = self.config
        alarms: dict[str, Alarm] = {}
        telegram = snapshot.telegram
        if telegram.failing_since is not None:
            minutes = (snapshot.now - telegram.failing_since) / 60
            if minutes >= c.telegram_down_minutes:
                waiting, with_case = facts["waiting_users"], facts["undelivered_cases"]
                alarms["telegram_down"] = Alarm(
                    "telegram_down",
                    f"{TITLE}: Telegram al {_minutes(minutes)} onbereikbaar",
                    f"De bot krijgt Telegram al {_minutes(minutes)} niet te pakken"
                    f" ({telegram.last_error or 'geen antwoord'}). Jongeren krijgen nu geen antwoord en"
                    " meldingen komen niet aan in de staff-groep."
                    f" Er wachten {waiting} berichten aan jongeren; {with_case} casussen hebben een bericht"
                    " dat niet aankwam. De bot blijft proberen en"
                    " verstuurt alles zodra Telegram terug is.",
                    True,
                )
        for name, loop in snapshot.loops.items():
            minutes = (snapshot.now - loop.last_ok) / 60
            if minutes >= c.loop_down_minutes:
                error = f" Laatste fout: {loop.last_error}." if loop.last_error else ""
                alarms[f"loop_down:{name}"] = Alarm(
                    f"loop_down:{name}",
                    f"{TITLE}: een deel van de bot werkt niet",
                    f"Het deel van de bot dat {LOOP_WORDS.get(name, name)} werkt al {_minutes(minutes)}"
                    f" niet.{error} Kijk op de server (python -m bot health, het log van de bot).",
                    True,
                )
        for key in facts["parked_risk"]:
            alarms[f"parked:{key}"] = Alarm(
                f"parked:{key}",
                f"{TITLE}: een bericht met een risico kon niet verwerkt worden",
                f"Een bericht van een jongere ({key}) kon niet verwerkt worden en had een risico-signaal"
                " (of het risico kon niet bepaald worden). De jongere kreeg een vast antwoord met 112/113."
                " Kijk in de staff-groep of er een casus is, en laat het log nakijken.",
                False,
            )
        for case_id, minutes in facts["acute_unclaimed"]:
            alarms[f"acute_unclaimed:{case_id}"] = Alarm(
                f"acute_unclaimed:{case_id}",
                f"{TITLE}: acute casus #{case_id} niet opgepakt",
                f"Acute casus #{case_id} is na {_minutes(minutes)} (kantoortijd) nog niet opgepakt."
                f" Pak hem op in de staff-groep of met: python -m bot staff --as <jouw id> claim {case_id}",
                False,
            )
        return alarms

    def _tell(self, alarms: dict[str, Alarm]) -> None:
        for key, alarm in alarms.items():
            if key not in self.told and self._send(alarm.title, alarm.body):
                self.told[key] = alarm
                self.sent.append((key, "started"))
                log.warning("watchdog: told the werkgroep (%s)", key)
            elif key not in self.told:
                log.error("watchdog: %s, and the second channel could not be reached", key)
        for key in [k for k in self.told if k not in alarms]:
            alarm = self.told[key]
            if not alarm.health or self._send(f"{TITLE}: weer in orde", _ended(key)):
                del self.told[key]
                self.sent.append((key, "ended"))
                log.warning("watchdog: %s is over", key)

    def _send(self, title: str, body: str) -> bool:
        if self.notifier is None:
            return False
        try:
            return self.notifier.send(title, body)
        except Exception as error:  # a broken mail server must not stop the watchdog
            log.error("watchdog: the second channel failed (%s)", type(error).__name__)
            return False

    # --- the database --------------------------------------------------------------------

    @staticmethod
    def _no_facts() -> dict:
        return {
            "parked_risk": [],
            "parked": 0,
            "waiting_users": 0,
            "waiting_staff": 0,
            "undelivered_cases": 0,
            "acute_unclaimed": [],
        }

    def _facts(self, now: datetime) -> dict:
        facts = self._no_facts()
        db = self._database()
        if db is None:
            return facts
        try:
            limit = timedelta(minutes=self.config.undelivered_minutes)
            outbox = Outbox(db)
            facts["parked"] = db.execute("SELECT COUNT(*) FROM inbox WHERE state = 'parked'").fetchone()[0]
            facts["parked_risk"] = [
                r[0]
                for r in db.execute(
                    "SELECT key FROM inbox WHERE state = 'parked' AND failure LIKE '%risk %'"
                    " ORDER BY update_id"
                )
            ]
            facts["waiting_users"], facts["waiting_staff"] = outbox.backlog(now, limit)
            facts["undelivered_cases"] = outbox.cases_waiting(now, limit)
            facts["acute_unclaimed"] = self._acute_unclaimed(db, now)
        except sqlite3.Error as error:
            log.warning("watchdog: could not read the database (%s)", type(error).__name__)
        return facts

    def _acute_unclaimed(self, db: Database, now: datetime) -> list[tuple[int, float]]:
        rows = db.execute(
            "SELECT id, alerted_at FROM cases"
            " WHERE level = 'acute' AND status = 'open' AND alerted_at IS NOT NULL"
        ).fetchall()
        late = []
        for case_id, alerted_at in rows:
            minutes = office_minutes_between(self.escalation.hours, datetime.fromisoformat(alerted_at), now)
            if minutes >= self.config.acute_unclaimed_minutes:
                late.append((case_id, minutes))
        return late

    def _database(self) -> Database | None:
        if self.db_path is None:
            return None
        if self._db is None:
            conn = sqlite3.connect(
                f"file:{self.db_path}?mode=ro", uri=True, timeout=5, check_same_thread=False
            )
            self._db = Database(conn)
        return self._db

    # --- the report ------------------------------------------------------------------------

    def _report(self, snapshot: Snapshot, facts: dict, alarms: dict[str, Alarm]) -> dict:
        problems = [a for a in alarms.values() if a.health]
        telegram = snapshot.telegram
        failing = (snapshot.now - telegram.failing_since) if telegram.failing_since is not None else 0.0
        loops = {
            name: {
                "seconds_since_ok": round(snapshot.now - loop.last_ok, 1),
                "failures": loop.failures,
                "last_error": loop.last_error,
            }
            for name, loop in snapshot.loops.items()
        }
        parts = []
        if "telegram_down" in alarms:
            parts.append(f"Telegram down for {_seconds(failing)}")
        elif telegram.failing_since is not None:
            parts.append(f"Telegram failing for {_seconds(failing)}")
        else:
            parts.append("Telegram answers" if telegram.last_ok is not None else "Telegram not reached yet")
        down = [k.split(":", 1)[1] for k in alarms if k.startswith("loop_down:")]
        if down:
            parts.append(f"loops down: {', '.join(down)}")
        else:
            parts.append(
                f"loops working: {', '.join(snapshot.loops)}" if snapshot.loops else "loops not started"
            )
        parts.append(f"{facts['parked']} parked")
        parts.append(f"{facts['waiting_users']} replies and {facts['waiting_staff']} staff messages waiting")
        if facts["acute_unclaimed"]:
            parts.append(f"{len(facts['acute_unclaimed'])} acute cases not picked up")
        ok = not problems
        return {
            "ok": ok,
            "line": ("ok: " if ok else "PROBLEM: ") + "; ".join(parts),
            "telegram": {"failing_seconds": round(failing, 1), "last_error": telegram.last_error},
            "loops": loops,
            "parked": facts["parked"],
            "waiting_replies": facts["waiting_users"],
            "waiting_staff_messages": facts["waiting_staff"],
            "acute_unclaimed": [case_id for case_id, _ in facts["acute_unclaimed"]],
            "alarms": sorted(alarms),
        }


def _ended(key: str) -> str:
    if key == "telegram_down":
        return "Telegram is weer bereikbaar. De bot verstuurt wat bleef liggen."
    name = key.split(":", 1)[1]
    return f"Het deel van de bot dat {LOOP_WORDS.get(name, name)} werkt weer."


def _minutes(minutes: float) -> str:
    whole = max(1, round(minutes))
    return f"{whole} minuut" if whole == 1 else f"{whole} minuten"


def _seconds(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"
