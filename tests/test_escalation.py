"""The escalation workflow end to end at engine level, on a real SQLite file and a controlled clock.

Times are in the werkgroep's zone (Europe/Amsterdam); office hours come from
escalation/office_hours.yml (Monday to Friday 9:00-17:00).
"""

from __future__ import annotations

import argparse
from datetime import datetime

import pytest

from bot.channels.staff_terminal import run_staff_command
from bot.desk.desk import NotAllowed
from bot.engine import Engine
from bot.engine.messages import Incoming, Outcome
from bot.storage.db import immediate
from bot.storage.outbox import Recipient, RecipientKind, recipient_of
from tests.conftest import AMS, Clock

DEURNE = '/gemeente{"gemeente": "Deurne"}'
HELMOND = '/gemeente{"gemeente": "Helmond"}'


async def say(engine: Engine, text: str = "", payload: str | None = None, who: str = "jongere-1") -> Outcome:
    return await engine.handle(Incoming(who, text=text, payload=payload))


def outbox(engine: Engine, to: RecipientKind | Recipient | None = None) -> list[tuple[Recipient, str, str]]:
    """(recipient, kind, text) of every notification, oldest first; `to`: only those to this
    kind of recipient, or to this one."""
    rows = engine.store.db.execute("SELECT recipient, kind, text FROM outbox ORDER BY id").fetchall()
    found = [(recipient_of(r), kind, text) for r, kind, text in rows]
    return [m for m in found if to is None or m[0] == to or m[0].kind == to]


def staff(engine: Engine, clock: Clock, who: str, action: str, case: int = 1, **extra) -> int:
    """Run one `python -m bot staff` command in-process; returns its exit code."""
    args = argparse.Namespace(staff=who, action=action, case=case, **extra)
    return run_staff_command(engine.desk, args, clock(), write=lambda _: None)


def case_row(engine: Engine, case_id: int = 1) -> dict:
    cursor = engine.store.db.execute("SELECT * FROM cases WHERE id = ?", [case_id])
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


async def test_high_risk_with_consent_reaches_staff_and_back(engine: Engine, clock: Clock) -> None:
    offered = await say(engine, "iemand chanteert me met mn nudes, hij wil geld")
    assert offered.handover == "offered" and not outbox(engine)
    asked = await say(engine, payload="/handover_ja")
    titles = [b.title for b in asked.replies[-1].buttons]
    assert "gemeente" in asked.text and {"Helmond", "Deurne", "Someren", "Zeg ik liever niet"} <= set(titles)
    routed = await say(engine, payload=DEURNE)
    assert "binnen een uur" in routed.text
    [(recipient, kind, alert)] = outbox(engine)
    assert (recipient, kind) == (Recipient.team("peelregio"), "alert")
    assert "#1" in alert and "hoog risico, sextortion" in alert and "Deurne" in alert and "chanteert" in alert
    assert "jongere-1" not in alert  # never the conversation's id

    assert staff(engine, clock, "sanne", "claim") == 0
    assert staff(engine, clock, "sanne", "reply", text=["Hoi, ik ben Sanne. Wat is er gebeurd?"]) == 0
    to_user = outbox(engine, "user")
    assert [k for _, k, _ in to_user] == ["staff_joined", "staff_reply"]
    assert to_user[0][2].startswith("Sanne van de werkgroep leest nu mee")
    assert to_user[1][2] == "Sanne (werkgroep): Hoi, ik ben Sanne. Wat is er gebeurd?"
    assert {r for r, _, _ in to_user} == {Recipient.user("jongere-1")}

    typed = await say(engine, "hij heeft mn insta ook")
    # the staff member answers now, not the bot: at most a note that the message reached them
    assert all("medewerker" in r.text for r in typed.replies)
    assert outbox(engine, "team")[-1][1:] == ("user_message", "Casus #1 · jongere: hij heeft mn insta ook")
    stopped = await say(engine, "/stop")
    assert "gestopt" in stopped.text and outbox(engine, "team")[-1][1] == "user_stopped"
    assert staff(engine, clock, "sanne", "reply", text=["nog daar?"]) == 1  # the user left
    assert staff(engine, clock, "sanne", "close", outcome="gestopt-door-jongere") == 0
    assert case_row(engine)["status"] == "closed"


async def test_high_risk_refused_opens_nothing(engine: Engine) -> None:
    await say(engine, "er gaat een naaktfoto van mij rond op school")
    declined = await say(engine, payload="/handover_nee")
    assert declined.text and not outbox(engine)
    assert engine.store.db.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 0


async def test_acute_alerts_at_once_without_a_question(engine: Engine) -> None:
    outcome = await say(engine, "ik wil dood, ik heb de pillen al klaargelegd")
    assert outcome.handover == "alerted"
    first = outcome.replies[0].text
    assert "113" in first and "112" in first and "?" not in first.split("113")[0].split("112")[0][-200:-1]
    [(recipient, kind, alert)] = outbox(engine)
    assert (recipient, kind) == (Recipient.team("helmond"), "alert")
    assert "ACUUT" in alert and "pillen" in alert
    assert case_row(engine)["consent"] == "acute"
    later = await say(engine, "ik weet niet wat ik moet doen")
    assert outbox(engine, "team")[-1][2].endswith("ik weet niet wat ik moet doen")
    assert later.text  # not claimed yet: the bot keeps answering


async def test_at_acute_risk_staff_see_the_story_and_the_person_is_told(engine: Engine) -> None:
    """The alert holds the conversation so far (what was said and what the bot answered, with
    times), not only the message that raised it; the crisis reply says staff can read it."""
    await say(engine, "mijn vriend van 19 wil dat ik foto's stuur")
    crisis = await say(engine, "ik wil er niet meer zijn")
    assert "Die kan dit gesprek lezen" in crisis.replies[0].text
    [(_, _, alert)] = outbox(engine)
    assert "10:00 jongere: mijn vriend van 19 wil dat ik foto's stuur" in alert
    assert "10:00 bot: " in alert and "10:00 jongere: ik wil er niet meer zijn" in alert


async def test_unclaimed_case_alerts_again_then_the_backup(engine: Engine, clock: Clock) -> None:
    await say(engine, "ik wil zelfmoord plegen")
    for minutes, expected in ((14, []), (1, ["realert"]), (15, ["realert", "backup"])):
        clock.advance(minutes)
        with immediate(engine.store.db):
            engine.desk.tick(clock())
        kinds = [k for _, k, _ in outbox(engine)][1:]
        assert sorted(kinds) == sorted(expected), minutes
    assert (Recipient.staff("coordinator"), "backup") in [(r, k) for r, k, _ in outbox(engine)]


async def test_realert_clock_stands_still_outside_office_hours(engine: Engine, clock: Clock) -> None:
    clock.now = datetime(2026, 11, 27, 16, 50, tzinfo=AMS)  # Friday
    await say(engine, "ik wil zelfmoord plegen")
    clock.now = datetime(2026, 11, 30, 9, 4, tzinfo=AMS)  # Monday: 10 + 4 office minutes
    with immediate(engine.store.db):
        assert engine.desk.tick(clock()) == 0
    clock.advance(1)
    with immediate(engine.store.db):
        assert engine.desk.tick(clock()) == 1


@pytest.mark.parametrize(
    ("moment", "when"),
    [
        (datetime(2026, 11, 24, 23, 0, tzinfo=AMS), "morgen vanaf 9:00"),
        (datetime(2026, 11, 27, 20, 0, tzinfo=AMS), "maandag vanaf 9:00"),
        (datetime(2026, 12, 24, 18, 0, tzinfo=AMS), "maandag vanaf 9:00"),
    ],
)
async def test_outside_office_hours_says_when_and_gives_the_24_7_lines(
    engine: Engine, clock: Clock, moment: datetime, when: str
) -> None:
    clock.now = moment
    await say(engine, "iemand chanteert me met mn nudes")
    await say(engine, payload="/handover_ja")
    outcome = await say(engine, payload=HELMOND)
    assert when in outcome.text
    for number in ("113", "0800-0188", "0800-2000", "0800-0432"):
        assert number in outcome.text
    assert outbox(engine)[0][1] == "alert"  # the case is there for the morning shift


async def test_no_answer_to_the_municipality_question_routes_to_the_default(
    engine: Engine, clock: Clock
) -> None:
    await say(engine, "iemand chanteert me met mn nudes")
    await say(engine, payload="/handover_ja")
    clock.advance(4)
    with immediate(engine.store.db):
        engine.desk.tick(clock())
    assert not outbox(engine)
    clock.advance(1)
    with immediate(engine.store.db):
        engine.desk.tick(clock())
    assert outbox(engine)[0][:2] == (Recipient.team("helmond"), "alert")


async def test_typed_municipality_is_understood(engine: Engine) -> None:
    await say(engine, "iemand chanteert me met mn nudes")
    await say(engine, payload="/handover_ja")
    await say(engine, "ik zit op school in gemert bakel")
    assert outbox(engine)[0][0] == Recipient.team("peelregio")
    assert case_row(engine)["municipality"] == "Gemert-Bakel"


async def test_hand_over_to_a_colleague(engine: Engine, clock: Clock) -> None:
    await say(engine, "ik wil er niet meer zijn")
    assert staff(engine, clock, "anna", "claim") == 0
    assert staff(engine, clock, "anna", "handover", to="bram", team=None) == 0
    assert outbox(engine, "user")[-1][2].startswith("Je gesprek gaat verder met Bram")
    assert staff(engine, clock, "anna", "reply", text=["hoi"]) == 1
    assert staff(engine, clock, "bram", "reply", text=["Hoi, met Bram."]) == 0
    assert staff(engine, clock, "anna", "handover", to="sanne", team=None) == 1  # not in this team


async def test_hand_over_to_another_team_alerts_that_team(engine: Engine, clock: Clock) -> None:
    await say(engine, "ik wil er niet meer zijn")
    assert staff(engine, clock, "coordinator", "handover", to=None, team="peelregio") == 0
    assert outbox(engine, Recipient.team("peelregio"))[0][1] == "alert"
    assert staff(engine, clock, "sanne", "claim") == 0


async def test_close_with_outcome(engine: Engine, clock: Clock) -> None:
    await say(engine, "ik wil er niet meer zijn")
    assert staff(engine, clock, "anna", "close", outcome="bestaat-niet") == 1
    assert staff(engine, clock, "anna", "close", outcome="doorverwezen-113") == 0
    row = case_row(engine)
    assert row["status"] == "closed" and row["outcome"] == "doorverwezen-113"
    assert outbox(engine, "user")[-1][1] == "case_closed"
    assert staff(engine, clock, "anna", "claim") == 1  # closed cases stay closed


async def test_unauthorised_staff_are_refused_and_audited(engine: Engine, clock: Clock) -> None:
    await say(engine, "ik wil er niet meer zijn")  # Helmond team
    assert staff(engine, clock, "sanne", "claim") == 1  # Peelregio only
    assert staff(engine, clock, "mallory", "claim") == 1
    assert staff(engine, clock, "mallory", "show") == 1
    refused = engine.store.db.execute(
        "SELECT actor, detail FROM case_events WHERE kind = 'refused'"
    ).fetchall()
    assert ("sanne", "claim: casus van een ander team") in refused and len(refused) == 3
    with pytest.raises(NotAllowed):
        engine.desk.reply("anna", 1, "hoi", clock())  # not claimed by anna


async def test_a_reply_reaches_only_the_user_of_its_case(engine: Engine, clock: Clock) -> None:
    await say(engine, "ik wil er niet meer zijn", who="a")
    await say(engine, "ik wil dood", who="b")
    staff(engine, clock, "anna", "claim", case=2)
    staff(engine, clock, "anna", "reply", case=2, text=["Hoi B"])
    assert [r for r, k, _ in outbox(engine, "user") if k == "staff_reply"] == [Recipient.user("b")]


async def test_the_audit_log_holds_no_message_content(engine: Engine, clock: Clock) -> None:
    await say(engine, "ik wil er niet meer zijn, geheim-woord-123")
    staff(engine, clock, "anna", "claim")
    staff(engine, clock, "anna", "reply", text=["antwoord-geheim-456"])
    staff(engine, clock, "anna", "note", text=["notitie-geheim-789"])
    events = " ".join(" ".join(map(str, r)) for r in engine.store.db.execute("SELECT * FROM case_events"))
    for secret in ("geheim-woord-123", "antwoord-geheim-456", "notitie-geheim-789"):
        assert secret not in events
    assert {"opened", "alerted", "claimed", "replied", "note"} <= set(events.split())


async def test_a_redelivered_update_is_handled_once(engine: Engine) -> None:
    first = await engine.handle(Incoming("c", text="ik wil dood", update_key="telegram:42"))
    again = await engine.handle(Incoming("c", text="ik wil dood", update_key="telegram:42"))
    assert first.replies and again.duplicate and not again.replies
    assert len(outbox(engine)) == 1
