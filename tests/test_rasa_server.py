"""`python -m bot actions` as a real process on loopback, spoken to the way Rasa speaks to it.

The server starts once for this module. Requests carry the webhook JSON Rasa 3.x sends
(next_action, sender_id, version, domain, domain_digest, and a tracker with slots, events and
latest_message{text, intent, entities, intent_ranking}); answers are compared with our content
and with the same actions run in-process.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.common.pseudonym import pseudonymise
from bot.common.settings import PROJECT_ROOT
from bot.content.render import CLOSED_NOW, MAYBE_CLOSED
from bot.engine import Engine
from bot.engine.actions import action_names
from bot.engine.messages import Incoming
from bot.rasa.actions import rasa_only_action_names
from bot.rasa.domain import build_domain
from bot.rasa.escalation import CHANNEL
from bot.rasa.intents import project_intents
from bot.storage.outbox import Recipient, recipient_of
from tests.conftest import TEST_KEY, Clock

RASA_VERSION = "3.21.0"  # same major.minor as rasa-sdk, as a matching Rasa would send


@dataclass(frozen=True)
class Server:
    port: int
    db_path: Path
    log_path: Path

    def get(self, path: str) -> tuple[int, Any]:
        return self._open(urllib.request.Request(self._url(path)))

    def post(self, body: dict[str, Any]) -> tuple[int, Any]:
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        return self._open(urllib.request.Request(self._url("/webhook"), data, headers))

    def _url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @staticmethod
    def _open(request: urllib.request.Request) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("rasa")
    db_path, log_path = folder / "bot.db", folder / "server.log"
    port = _free_port()
    env = {**os.environ, "BOT_PSEUDONYM_KEY": TEST_KEY.hex(), "BOT_DB_PATH": str(db_path)}
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "actions", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    running = Server(port, db_path, log_path)
    try:
        _wait_healthy(running, proc)
        yield running
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_healthy(server: Server, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Up to two minutes: a changed intent file means training the model once."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"action server exited: {server.log_path.read_text()}")
        try:
            if server.get("/health")[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    raise AssertionError("action server did not become healthy")


@pytest.fixture(scope="module")
def domain(parts) -> dict[str, Any]:
    return build_domain(parts.knowledge, project_intents(parts, parts.knowledge.content))


def tracker(
    sender: str,
    text: str,
    intent: str,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    entities: dict[str, str] | None = None,
    earlier: list[dict[str, Any]] | None = None,
    this_turn: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A tracker as Rasa 3.x serialises it for the action server.

    `earlier`: events of the talk before this message; `this_turn`: events of actions Rasa
    already ran for this message (a rule with two steps)."""
    latest: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.93},
        "entities": [
            {"entity": k, "value": v, "start": 0, "end": 0, "extractor": "RegexEntityExtractor"}
            for k, v in (entities or {}).items()
        ],
        "intent_ranking": [{"name": intent, "confidence": 0.93}, {"name": "groet", "confidence": 0.02}],
        "message_id": "4f1c",
    }
    if metadata is not None:
        latest["metadata"] = metadata
    now = time.time()
    return {
        "sender_id": sender,
        "slots": {
            "language": "nl",
            "audience": None,
            "last_topic": None,
            "more_index": None,
            **(slots or {}),
        },
        "latest_message": latest,
        "latest_event_time": 1764000000.0,
        "followup_action": None,
        "paused": False,
        "events": [
            {"event": "action", "timestamp": now - 600, "name": "action_session_start"},
            {"event": "session_started", "timestamp": now - 600},
            *(earlier or []),
            {"event": "action", "timestamp": now - 1, "name": "action_listen"},
            {"event": "user", "timestamp": now, "text": text, "parse_data": latest, "input_channel": "rest"},
            *(this_turn or []),
        ],
        "latest_input_channel": "rest",
        "active_loop": {},
        "latest_action_name": "action_listen",
    }


def call(action: str, state: dict[str, Any], domain: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "next_action": action,
        "sender_id": state["sender_id"],
        "tracker": state,
        "version": RASA_VERSION,
    }
    if domain is not None:
        body["domain"] = domain
        body["domain_digest"] = hashlib.sha256(json.dumps(domain, sort_keys=True).encode()).hexdigest()
    return body


def replies(result: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(r["text"], [b["payload"] for b in r["buttons"]]) for r in result["responses"]]


def test_health_and_actions(server: Server) -> None:
    assert server.get("/health") == (200, {"status": "ok"})
    status, body = server.get("/actions")
    assert status == 200
    assert sorted(a["name"] for a in body) == sorted(action_names() | rasa_only_action_names())


def test_answer_in_the_audience_and_language_of_the_tracker(server: Server, parts, domain) -> None:
    state = tracker("parent-1", "what is sextortion exactly", "sextortion", {"language": "en"})
    state["slots"]["audience"] = "ouder"
    status, result = server.post(call("action_answer_topic", state, domain))
    assert status == 200
    expected = parts.knowledge.answer("sextortion", "ouder", "en")
    got = [(without_hours(text), buttons) for text, buttons in replies(result)]
    assert got == [(without_hours(expected.text), [b.payload for b in expected.buttons])]
    assert expected.text != parts.knowledge.answer("sextortion", "jongere", "en").text
    assert [(e["event"], e["name"], e["value"]) for e in result["events"]] == [
        ("slot", "last_topic", "sextortion"),
        ("slot", "more_index", 0),
    ]


def test_a_typed_command_intent_answers_its_topic(server: Server, parts, domain) -> None:
    status, result = server.post(call("action_answer_topic", tracker("u-mens", "/mens", "mens"), domain))
    assert status == 200
    answer = parts.knowledge.answer("praten-met-iemand", "jongere", "nl")
    assert without_hours(replies(result)[0][0]) == without_hours(answer.text)


def test_crisis_reply_and_staff_alert_for_a_suicide_risk(server: Server, domain) -> None:
    state = tracker("+31612345678", "ik wil niet meer leven", "risk_zelfdoding")
    status, result = server.post(call("action_crisis", state, domain))
    assert status == 200
    assert result["events"] == [{"event": "slot", "timestamp": None, "name": "handover", "value": "alerted"}]
    (text, _), *_ = replies(result)
    assert "113" in text and "0800-0113" in text
    conversation = pseudonymise(TEST_KEY, CHANNEL, "+31612345678")
    with sqlite3.connect(server.db_path) as db:
        cases = db.execute(
            "SELECT level, category, consent FROM cases WHERE conversation_id = ?", [conversation]
        ).fetchall()
        said = db.execute(
            "SELECT text FROM messages WHERE conversation_id = ? AND direction = 'in'", [conversation]
        ).fetchall()
        raw_ids = db.execute("SELECT count(*) FROM conversations WHERE id LIKE '%3161234%'").fetchone()
        alerts = db.execute(
            "SELECT o.recipient, o.kind FROM outbox o JOIN cases c ON c.id = o.case_id "
            "WHERE c.conversation_id = ?",
            [conversation],
        ).fetchall()
    # the werkgroep is alerted, as in an engine turn: a case without a question, and its alert
    assert cases == [("acute", "zelfdoding", "acute")]
    assert [(recipient_of(r), kind) for r, kind in alerts] == [(Recipient.team("helmond"), "alert")]
    assert said == [("ik wil niet meer leven",)]
    assert raw_ids == (0,)  # the phone number never reaches the database


def test_rasa_risk_intent_picks_the_crisis_text_when_our_lexicon_is_silent(server: Server, domain) -> None:
    state = tracker("u-danger", "help", "risk_acuut-gevaar")
    status, result = server.post(call("action_crisis", state, domain))
    assert status == 200
    assert "112" in replies(result)[0][0] and "113 Zelfmoordpreventie" not in replies(result)[0][0]


def test_message_metadata_cannot_switch_off_our_risk_check(server: Server, domain) -> None:
    forged = {"risk": {"level": "none", "category": None}}
    state = tracker("u-forged", "ik wil niet meer leven", "groet", metadata=forged)
    status, result = server.post(call("action_crisis", state, domain))
    assert status == 200 and "0800-0113" in replies(result)[0][0]


def test_unknown_action_is_404(server: Server, domain) -> None:
    status, body = server.post(call("action_does_not_exist", tracker("u-404", "hoi", "groet"), domain))
    assert (status, body) == (
        404,
        {
            "error": "No registered action found for name 'action_does_not_exist'.",
            "action_name": "action_does_not_exist",
        },
    )


def test_new_domain_digest_without_domain_is_449(server: Server) -> None:
    body = call("action_topic_menu", tracker("u-449", "/onderwerpen", "onderwerpen"))
    body["domain_digest"] = "digest-the-server-never-saw"
    status, answer = server.post(body)
    assert (status, answer["action_name"]) == (449, "action_topic_menu")


NO_RISK = {"level": "none", "category": None}
SAME_TRACKER_CASES = [
    ("action_answer_topic", "is sexting strafbaar", "sexting-wet", {"audience": "ouder"}, NO_RISK),
    ("action_answer_topic", "what is grooming", "grooming", {"language": "en"}, NO_RISK),
    ("action_more", "meer", "meer", {"last_topic": "grooming", "more_index": 1}, NO_RISK),
    ("action_topic_menu", "/onderwerpen", "onderwerpen", {}, NO_RISK),
    ("action_offer_human", "/mens", "praten-met-iemand", {"language": "en"}, NO_RISK),
    ("action_set_audience", '/kies_doelgroep{"audience": "professional"}', "kies_doelgroep", {}, NO_RISK),
    ("action_crisis", "ik wil dood", "risk_zelfdoding", {}, {"level": "acute", "category": "zelfdoding"}),
]


@pytest.mark.parametrize(("action", "text", "intent", "slots", "risk"), SAME_TRACKER_CASES)
async def test_in_process_and_server_give_the_same_answer(
    server: Server, parts, domain, action: str, text: str, intent: str, slots: dict[str, Any], risk
) -> None:
    """In-process the engine puts its risk verdict on the tracker; the server must find the same one."""
    state = tracker(f"same-{action}", text, intent, slots)
    if intent == "kies_doelgroep":
        state["latest_message"]["entities"] = [{"entity": "audience", "value": "professional"}]
    in_process = copy.deepcopy(state)
    in_process["latest_message"]["metadata"] = {"risk": risk}
    dispatcher = CollectingDispatcher()
    events = await parts.actions[action].run(dispatcher, Tracker.from_dict(in_process), domain)
    status, result = server.post(call(action, state, domain))
    assert status == 200
    served = result["responses"]
    assert served[: len(dispatcher.messages)] == dispatcher.messages
    if action != "action_crisis":  # a crisis also opens a case: at night the desk says when staff read
        assert served == dispatcher.messages
    assert result["events"] == json.loads(json.dumps(events))


def without_hours(text: str) -> str:
    """A reply without what depends on the hour: closed-now notes and the open-now list."""
    for language in ("nl", "en"):
        for marks in (CLOSED_NOW, MAYBE_CLOSED):
            text = text.replace(f", {marks[language]}", "")
        text = re.split(r"\n\n(Nu open, dag en nacht|Open now, day and night):", text)[0]
    return text


async def test_engine_turn_and_server_give_the_same_answer(
    server: Server, engine: Engine, clock: Clock, domain
) -> None:
    """What the engine answers a typed message is what Rasa gets for the same intent and slots."""
    clock.now = datetime.now(UTC)  # the server answers by the real clock (what is open now)
    await engine.handle(Incoming("same-engine", text="/start ouder"))
    outcome = await engine.handle(Incoming("same-engine", text="someone is spreading my nude photo"))
    assert outcome.handover == "offered"  # high risk: answer, then the offer of a human
    slots = {"language": outcome.language, "audience": outcome.audience}
    state = tracker("same-engine", "someone is spreading my nude photo", outcome.topic, slots)
    status, result = server.post(call("action_answer_topic", state, domain))
    assert status == 200  # Rasa's rule runs only the answer: the server adds the offer at high risk
    # The server runs on the real clock, the engine on the test's: compare without the hours.
    got = [(without_hours(text), buttons) for text, buttons in replies(result)]
    want = [(without_hours(r.text), [b.payload for b in r.buttons]) for r in outcome.replies]
    assert got == want
    conversation = pseudonymise(TEST_KEY, CHANNEL, "same-engine")
    with sqlite3.connect(server.db_path) as db:
        (kept,) = db.execute("SELECT slots FROM conversations WHERE id = ?", [conversation]).fetchone()
        cases = db.execute("SELECT COUNT(*) FROM cases WHERE conversation_id = ?", [conversation]).fetchone()
    # the offer is recorded as in an engine turn (a later "Ja" is then the first yes); no case yet
    stored = json.loads(kept)
    assert (stored["handover"], stored["risk_category"]) == ("offered", outcome.risk.category)
    assert cases == (0,)


def test_start_logs_no_error(server: Server) -> None:
    """rasa-sdk looked for an endpoints.yml for tracing and logged an ERROR at every start."""
    assert server.get("/health")[0] == 200
    log = server.log_path.read_text()
    errors = [line for line in log.splitlines() if " ERROR " in line and "No registered action" not in line]
    assert errors == [] and "Failed to read endpoint configuration" not in log


def cases_of(server: Server, sender: str) -> list[dict[str, Any]]:
    conversation = pseudonymise(TEST_KEY, CHANNEL, sender)
    with sqlite3.connect(server.db_path) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM cases WHERE conversation_id = ? ORDER BY id", [conversation])
        return [dict(r) for r in rows]


def team_messages(server: Server, case_id: int) -> list[tuple[Recipient, str, str]]:
    """(recipient, kind, text) of the case's messages to a team, oldest first."""
    with sqlite3.connect(server.db_path) as db:
        rows = db.execute("SELECT recipient, kind, text FROM outbox WHERE case_id = ? ORDER BY id", [case_id])
        found = [(recipient_of(r), kind, text) for r, kind, text in rows]
    return [m for m in found if m[0].kind == "team"]


ACUTE = "ik wil dood, ik heb de pillen al"
# Every action we serve, with an intent Rasa's NLU might give an acute message by mistake.
ANY_ACTION = [
    ("action_answer_topic", "sexting-wat-is"),
    ("action_more", "meer"),
    ("action_topic_menu", "onderwerpen"),
    ("action_offer_human", "praten-met-iemand"),
    ("action_set_audience", "kies_doelgroep"),
    ("action_accept_handover", "handover_ja"),
    ("action_reply", "groet"),
    ("action_reply", "nlu_fallback"),
    ("action_choose_municipality", "gemeente"),
    ("action_stop_handover", "stop_handover"),
]


@pytest.mark.parametrize(("action", "intent"), ANY_ACTION)
def test_an_acute_message_gets_the_crisis_and_a_case_whatever_rasa_chose(
    server: Server, domain, action: str, intent: str
) -> None:
    sender = f"acute-{action}-{intent}"
    status, result = server.post(call(action, tracker(sender, ACUTE, intent), domain))
    assert status == 200
    (text, _), *rest = replies(result)
    assert "113" in text and "112" in text
    assert not any("Sexting is" in said or "/handover_ja" in buttons for said, buttons in rest)
    assert [(e["event"], e["name"], e["value"]) for e in result["events"]] == [
        ("slot", "handover", "alerted")
    ]
    [case] = cases_of(server, sender)
    assert (case["level"], case["consent"], case["status"]) == ("acute", "acute", "open")
    [(recipient, kind, alert)] = team_messages(server, case["id"])
    assert (recipient, kind) == (Recipient.team("helmond"), "alert") and "pillen" in alert


def test_the_next_action_for_the_same_message_adds_nothing(server: Server, domain) -> None:
    """A rule with two steps: the crisis came with the first call; the second must not repeat it."""
    sender = "acute-two-steps"
    first = tracker(sender, ACUTE, "praten-met-iemand")
    status, result = server.post(call("action_answer_topic", first, domain))
    assert status == 200 and "113" in replies(result)[0][0]
    done = [{"event": "action", "timestamp": time.time(), "name": "action_answer_topic"}, *result["events"]]
    second = tracker(sender, ACUTE, "praten-met-iemand", {"handover": "alerted"}, this_turn=done)
    status, again = server.post(call("action_offer_human", second, domain))
    assert (status, again["responses"], again["events"]) == (200, [], [])
    [case] = cases_of(server, sender)
    assert len(team_messages(server, case["id"])) == 1


def test_high_risk_topic_answer_comes_with_the_offer_once(server: Server, parts, domain) -> None:
    sender = "high-offer"
    state = tracker(sender, "iemand chanteert me met mn nudes, hij wil geld", "sextortion")
    status, result = server.post(call("action_answer_topic", state, domain))
    assert status == 200
    offer = parts.knowledge.message("offer_human", "nl")
    assert replies(result)[-1] == (offer.text, [b.payload for b in offer.buttons])
    done = [{"event": "action", "timestamp": time.time(), "name": "action_answer_topic"}, *result["events"]]
    state = tracker(sender, "iemand chanteert me met mn nudes, hij wil geld", "sextortion", this_turn=done)
    status, again = server.post(call("action_offer_human", state, domain))
    assert (status, again["responses"]) == (200, [])


def _offered(server: Server, domain, sender: str) -> dict[str, Any]:
    """A high-risk message after a little talk: the topic answer and the offer of a human."""
    earlier = [
        {"event": "user", "timestamp": time.time() - 300, "text": "hoi ik heb een vraag over mijn vriend"},
        {"event": "bot", "timestamp": time.time() - 299, "text": "Hoi! Waar gaat je vraag over?"},
    ]
    state = tracker(sender, "iemand chanteert me met mn nudes, hij wil geld", "sextortion", earlier=earlier)
    status, result = server.post(call("action_answer_topic", state, domain))
    assert status == 200 and replies(result)[-1][1][0] == "/handover_ja"
    return {e["name"]: e["value"] for e in result["events"]}


def _yes(server: Server, domain, sender: str, slots: dict[str, Any]) -> dict[str, Any]:
    status, result = server.post(
        call("action_accept_handover", tracker(sender, "/handover_ja", "handover_ja", slots), domain)
    )
    assert status == 200
    return result


def test_yes_to_a_human_asks_the_municipality_and_the_answer_alerts_staff(
    server: Server, parts, domain
) -> None:
    sender = "+31687654321"
    slots = _offered(server, domain, sender)
    result = _yes(server, domain, sender, slots)
    [(question, payloads)] = replies(result)
    assert question == parts.knowledge.message("ask_municipality", "nl").text
    assert '/gemeente{"gemeente": "Deurne"}' in payloads and '/gemeente{"gemeente": "geen"}' in payloads
    [case] = cases_of(server, sender)
    assert (case["status"], case["category"], case["level"]) == ("routing", "sextortion", "high")

    slots |= {e["name"]: e["value"] for e in result["events"]}
    chosen = tracker(
        sender, '/gemeente{"gemeente": "Deurne"}', "gemeente", slots, entities={"gemeente": "Deurne"}
    )
    status, result = server.post(call("action_choose_municipality", chosen, domain))
    assert status == 200
    said = " ".join(text for text, _ in replies(result))
    assert parts.knowledge.message("handover_accepted", "nl").text in said
    assert [(e["name"], e["value"]) for e in result["events"]] == [("municipality", "Deurne")]
    [case] = cases_of(server, sender)
    assert (case["status"], case["team"], case["municipality"]) == ("open", "peelregio", "Deurne")
    [(recipient, kind, alert)] = team_messages(server, case["id"])
    assert (recipient, kind) == (Recipient.team("peelregio"), "alert") and "hoog risico, sextortion" in alert
    assert "hoi ik heb een vraag over mijn vriend" in alert  # the story so far, from Rasa's tracker
    assert "chanteert" in alert and "3168765" not in alert

    env = {**os.environ, "BOT_PSEUDONYM_KEY": TEST_KEY.hex(), "BOT_DB_PATH": str(server.db_path)}
    claim = subprocess.run(
        [sys.executable, "-m", "bot", "staff", "--as", "sanne", "claim", str(case["id"])],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert claim.returncode == 0 and "van jou" in claim.stdout, claim.stdout + claim.stderr


def test_a_typed_municipality_counts_whatever_intent_rasa_gave_it(server: Server, domain) -> None:
    sender = "typed-municipality"
    slots = _offered(server, domain, sender)
    slots |= {e["name"]: e["value"] for e in _yes(server, domain, sender, slots)["events"]}
    status, result = server.post(
        call("action_reply", tracker(sender, "deurn", "nlu_fallback", slots), domain)
    )
    assert status == 200
    assert "Sorry" not in " ".join(text for text, _ in replies(result))
    assert [(e["name"], e["value"]) for e in result["events"]] == [("municipality", "Deurne")]
    [case] = cases_of(server, sender)
    assert (case["team"], case["municipality"]) == ("peelregio", "Deurne")
    [(_, _, alert)] = team_messages(server, case["id"])
    assert "deurn\n" not in alert.lower() and not alert.lower().rstrip().endswith("deurn")


def test_no_answer_to_the_municipality_question_goes_to_the_default_team(server: Server, domain) -> None:
    sender = "never-answers"
    _yes(server, domain, sender, _offered(server, domain, sender))
    [case] = cases_of(server, sender)
    assert case["status"] == "routing"
    with sqlite3.connect(server.db_path) as db:  # the wait is over: as if route_wait_minutes passed
        db.execute("UPDATE cases SET route_by = '2000-01-01T00:00:00+00:00' WHERE id = ?", [case["id"]])
    deadline = time.monotonic() + 15
    while cases_of(server, sender)[0]["status"] == "routing":
        assert time.monotonic() < deadline, "the server's timer never routed the case"
        time.sleep(0.1)
    [case] = cases_of(server, sender)
    assert (case["status"], case["team"]) == ("open", "helmond")
    assert team_messages(server, case["id"])[0][:2] == (Recipient.team("helmond"), "alert")


def test_an_acute_case_goes_to_the_team_of_the_municipality_named_earlier(server: Server, domain) -> None:
    sender = "acute-in-asten"
    state = tracker(sender, ACUTE, "groet", {"municipality": "Asten"})
    status, _ = server.post(call("action_reply", state, domain))
    assert status == 200
    [case] = cases_of(server, sender)
    assert (case["team"], case["municipality"]) == ("peelregio", "Asten")


def test_stop_ends_the_handover(server: Server, parts, domain) -> None:
    sender = "stops"
    slots = _offered(server, domain, sender)
    slots |= {e["name"]: e["value"] for e in _yes(server, domain, sender, slots)["events"]}
    status, result = server.post(
        call("action_stop_handover", tracker(sender, "/stop", "stop", slots), domain)
    )
    assert status == 200
    assert replies(result) == [(parts.knowledge.message("handover_stopped", "nl").text, [])]
    [case] = cases_of(server, sender)
    assert case["user_left"] == 1 and case["status"] == "closed"


def test_wis_ja_erases_our_records_at_once(server: Server, parts, domain) -> None:
    sender = "erases"
    secret = "mijn naam is Zwaluwstaart-rasa"
    state = tracker(sender, f"{secret}, iemand chanteert me met mn nudes", "sextortion")
    slots = {
        e["name"]: e["value"] for e in server.post(call("action_answer_topic", state, domain))[1]["events"]
    }
    slots |= {e["name"]: e["value"] for e in _yes(server, domain, sender, slots)["events"]}
    assert any(secret.encode() in p.read_bytes() for p in _files(server.db_path))
    status, result = server.post(call("action_erase", tracker(sender, "/wis_ja", "wis_ja", slots), domain))
    assert status == 200
    assert replies(result) == [(parts.knowledge.response("utter_erased", "nl").text, [])]
    assert {"event": "restart", "timestamp": None} in result["events"]
    [case] = cases_of(server, "erases") or [None]
    assert case is None  # its conversation id is gone: the case row stays, anonymous
    with sqlite3.connect(server.db_path) as db:
        gone = db.execute("SELECT outcome FROM cases WHERE conversation_id = 'gewist'").fetchall()
    assert ("gewist-door-jongere",) in gone
    assert not any(secret.encode() in p.read_bytes() for p in _files(server.db_path))  # while it runs


def _files(db_path: Path) -> list[Path]:
    names = (db_path.name, db_path.name + "-wal", db_path.name + "-shm")
    return [db_path.with_name(n) for n in names if db_path.with_name(n).exists()]
