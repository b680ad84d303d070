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
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.common.pseudonym import pseudonymise
from bot.common.settings import PROJECT_ROOT
from bot.engine import Engine
from bot.engine.actions import action_names
from bot.engine.messages import Incoming
from bot.rasa.domain import build_domain
from bot.rasa.escalation import CHANNEL
from bot.rasa.intents import project_intents
from tests.conftest import TEST_KEY

RASA_VERSION = "3.21.0"  # same major.minor as rasa-sdk, as a matching Rasa would send


@dataclass(frozen=True)
class Server:
    port: int
    db_path: Path

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
    db_path = tmp_path_factory.mktemp("rasa") / "bot.db"
    port = _free_port()
    env = {**os.environ, "BOT_PSEUDONYM_KEY": TEST_KEY.hex(), "BOT_DB_PATH": str(db_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "actions", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    running = Server(port, db_path)
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


def _wait_healthy(server: Server, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Up to a minute: a changed intent file means training the model once."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"action server exited: {proc.stderr.read() if proc.stderr else ''}")
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
) -> dict[str, Any]:
    """A tracker as Rasa 3.x serialises it for the action server."""
    latest: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.93},
        "entities": [],
        "intent_ranking": [{"name": intent, "confidence": 0.93}, {"name": "groet", "confidence": 0.02}],
        "message_id": "4f1c",
    }
    if metadata is not None:
        latest["metadata"] = metadata
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
            {"event": "action", "timestamp": 1764000000.0, "name": "action_session_start"},
            {"event": "session_started", "timestamp": 1764000000.0},
            {"event": "action", "timestamp": 1764000000.0, "name": "action_listen"},
            {"event": "user", "timestamp": 1764000000.0, "text": text, "parse_data": latest},
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
    assert sorted(a["name"] for a in body) == sorted(action_names())


def test_answer_in_the_audience_and_language_of_the_tracker(server: Server, parts, domain) -> None:
    state = tracker("parent-1", "someone blackmails my son with a nude", "sextortion", {"language": "en"})
    state["slots"]["audience"] = "ouder"
    status, result = server.post(call("action_answer_topic", state, domain))
    assert status == 200
    expected = parts.knowledge.answer("sextortion", "ouder", "en")
    assert replies(result) == [(expected.text, [b.payload for b in expected.buttons])]
    assert expected.text != parts.knowledge.answer("sextortion", "jongere", "en").text
    assert [(e["event"], e["name"], e["value"]) for e in result["events"]] == [
        ("slot", "last_topic", "sextortion"),
        ("slot", "more_index", 0),
    ]


def test_a_typed_command_intent_answers_its_topic(server: Server, parts, domain) -> None:
    status, result = server.post(call("action_answer_topic", tracker("u-mens", "/mens", "mens"), domain))
    assert status == 200
    assert replies(result)[0][0] == parts.knowledge.answer("praten-met-iemand", "jongere", "nl").text


def test_crisis_reply_and_staff_alert_for_a_suicide_risk(server: Server, domain) -> None:
    state = tracker("+31612345678", "ik wil niet meer leven", "risk_zelfdoding")
    status, result = server.post(call("action_crisis", state, domain))
    assert status == 200
    assert result["events"] == [{"event": "slot", "timestamp": None, "name": "handover", "value": "alerted"}]
    (text, _), *_ = replies(result)
    assert "113" in text and "0800-0113" in text
    conversation = pseudonymise(TEST_KEY, CHANNEL, "+31612345678")
    with sqlite3.connect(server.db_path) as db:
        events = db.execute(
            "SELECT kind, level, category, status FROM escalation_events WHERE conversation_id = ?",
            [conversation],
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
    assert events == [("alert", "acute", "zelfdoding", "pending")]
    assert alerts == [("team:helmond", "alert")]  # the werkgroep is alerted, as in an engine turn
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
    assert result["responses"] == dispatcher.messages
    assert result["events"] == json.loads(json.dumps(events))


async def test_engine_turn_and_server_give_the_same_answer(server: Server, engine: Engine, domain) -> None:
    """What the engine answers a typed message is what Rasa gets for the same intent and slots."""
    await engine.handle(Incoming("same-engine", text="/start ouder"))
    outcome = await engine.handle(Incoming("same-engine", text="someone is spreading my nude photo"))
    assert outcome.handover == "offered"  # high risk: answer, then the offer of a human
    slots = {"language": outcome.language, "audience": outcome.audience}
    state = tracker("same-engine", "someone is spreading my nude photo", outcome.topic, slots)
    served = []
    for action in ("action_answer_topic", "action_offer_human"):
        status, result = server.post(call(action, state, domain))
        assert status == 200
        served += replies(result)
        state["slots"] |= {e["name"]: e["value"] for e in result["events"]}
    assert served == [(r.text, [b.payload for b in r.buttons]) for r in outcome.replies]
    conversation = pseudonymise(TEST_KEY, CHANNEL, "same-engine")
    with sqlite3.connect(server.db_path) as db:
        kinds = db.execute(
            "SELECT kind, category FROM escalation_events WHERE conversation_id = ?", [conversation]
        ).fetchall()
    assert kinds == [("offer", outcome.risk.category)]
