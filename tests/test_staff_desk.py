"""The werkgroep's side of a case: one claimer, an audited take-over, the story with times,
the most urgent case first, a closed case readable for the coordinator until the purge, and
typed municipalities (typos forgiven) that reach the right team without being echoed."""

from __future__ import annotations

import argparse

import pytest

from bot.channels.staff_terminal import run_staff_command
from bot.channels.telegram.staff_group import StaffGroup, StaffUpdate
from bot.desk.desk import SKIP_MUNICIPALITY
from bot.engine import Engine
from bot.engine.messages import Incoming
from bot.storage.db import immediate
from bot.storage.outbox import Recipient, recipient_of
from tests.conftest import Clock
from tests.test_escalation import DEURNE, case_row, outbox, say


def staff(engine: Engine, clock: Clock, who: str, action: str, case: int = 1, **extra) -> tuple[int, str]:
    """One `python -m bot staff` command in-process: (exit code, what it printed)."""
    printed: list[str] = []
    args = argparse.Namespace(staff=who, action=action, case=case, **extra)
    code = run_staff_command(engine.desk, args, clock(), write=printed.append)
    return code, "\n".join(printed)


def claim_times(engine: Engine) -> int:
    row = engine.store.db.execute("SELECT COUNT(*) FROM case_durations WHERE kind = 'alert_to_claim'")
    return row.fetchone()[0]


def joined(engine: Engine) -> list[str]:
    return [text for _, kind, text in outbox(engine, "user") if kind == "staff_joined"]


async def test_a_claimed_case_cannot_be_claimed_by_a_second_staff_member(
    engine: Engine, clock: Clock
) -> None:
    await say(engine, "ik wil er niet meer zijn")
    assert staff(engine, clock, "anna", "claim") == (0, "Casus #1 is van jou.")
    code, said = staff(engine, clock, "bram", "claim")
    assert code == 1 and "Anna heeft deze casus al" in said
    assert staff(engine, clock, "anna", "claim") == (0, "Casus #1 was al van jou.")
    assert len(joined(engine)) == 1  # the young person hears "… leest nu mee" once
    assert claim_times(engine) == 1  # and the report counts the claim time once
    assert case_row(engine)["claimed_by"] == "anna"
    code, said = staff(engine, clock, "bram", "handover", to="bram", team=None)
    assert code == 1 and "alleen Anna of de coördinator" in said
    assert staff(engine, clock, "bram", "close", outcome="advies-gegeven")[0] == 1
    refused = engine.store.db.execute("SELECT actor FROM case_events WHERE kind = 'refused'").fetchall()
    assert refused == [("bram",), ("bram",), ("bram",)]


async def test_the_coordinator_takes_over_audited_and_the_first_claimer_is_told(
    engine: Engine, clock: Clock
) -> None:
    await say(engine, "ik wil er niet meer zijn")
    staff(engine, clock, "anna", "claim")
    assert staff(engine, clock, "bram", "takeover")[0] == 1  # not a coordinator
    assert staff(engine, clock, "coordinator", "takeover")[0] == 0
    assert case_row(engine)["claimed_by"] == "coordinator"
    kinds = [(r, k) for r, k, _ in outbox(engine)]
    assert (Recipient.team("helmond"), "taken_over") in kinds
    assert (Recipient.staff("anna"), "taken_over_you") in kinds
    assert outbox(engine, "user")[-1][2].startswith("Je gesprek gaat verder met De coördinator")
    audit = engine.store.db.execute("SELECT actor, detail FROM case_events WHERE kind = 'taken_over'")
    assert audit.fetchall() == [("coordinator", "anna")]
    assert staff(engine, clock, "anna", "reply", text=["nog daar?"])[0] == 1
    assert staff(engine, clock, "coordinator", "reply", text=["Hoi, ik neem het over."])[0] == 0
    assert len(joined(engine)) == 1 and claim_times(engine) == 1


async def test_two_claims_in_one_moment_give_one_claimer(engine: Engine, clock: Clock) -> None:
    """Both press Oppakken: each command is its own BEGIN IMMEDIATE, so the second sees the first."""
    await say(engine, "ik wil er niet meer zijn")
    results = [staff(engine, clock, who, "claim")[0] for who in ("anna", "bram", "coordinator")]
    assert results == [0, 1, 1]
    assert len(joined(engine)) == 1


async def test_staff_list_puts_the_most_urgent_case_first(engine: Engine, clock: Clock) -> None:
    await say(engine, "iemand chanteert me met mn nudes", who="high-old")  # 10:00
    await say(engine, payload="/handover_ja", who="high-old")
    await say(engine, payload='/gemeente{"gemeente": "Helmond"}', who="high-old")  # case 1: high, open
    clock.advance(5)
    await say(engine, "ik wil dood", who="acute-claimed")  # case 2
    staff(engine, clock, "anna", "claim", case=2)
    clock.advance(5)
    await say(engine, "ik wil er niet meer zijn", who="acute-new")  # case 3
    clock.advance(5)
    await say(engine, "iemand chanteert me met mn nudes", who="high-new")
    await say(engine, payload="/handover_ja", who="high-new")
    await say(engine, payload='/gemeente{"gemeente": "Helmond"}', who="high-new")  # case 4
    _, listed = staff(engine, clock, "bram", "list")
    order = [line.split()[0] for line in listed.splitlines() if line.startswith("#")]
    assert order == ["#3", "#2", "#1", "#4"]  # acute unclaimed, acute, then high by waiting time


async def test_show_has_the_conversation_with_times_and_the_bots_answers(
    engine: Engine, clock: Clock
) -> None:
    await say(engine, "hoi, mag ik iets vragen over sexting")
    clock.advance(2)
    await say(engine, "ik wil er niet meer zijn")
    clock.advance(1)
    staff(engine, clock, "anna", "claim")
    staff(engine, clock, "anna", "reply", text=["Hoi, ik ben Anna."])
    code, shown = staff(engine, clock, "anna", "show")
    assert code == 0
    assert "23-11 10:00 jongere: hoi, mag ik iets vragen over sexting" in shown
    assert "23-11 10:00 bot: " in shown and "23-11 10:02 jongere: ik wil er niet meer zijn" in shown
    assert "23-11 10:03 werkgroep: Anna (werkgroep): Hoi, ik ben Anna." in shown


async def test_a_closed_case_stays_readable_for_the_coordinator_until_the_purge(
    engine: Engine, clock: Clock
) -> None:
    await say(engine, "ik wil er niet meer zijn, leesbaar-zin")
    staff(engine, clock, "anna", "claim")
    staff(engine, clock, "anna", "close", outcome="doorverwezen-113")
    assert staff(engine, clock, "anna", "show")[0] == 1  # closed: only the coordinator reads on
    clock.advance(1)
    await say(engine, "later-zin, na het afsluiten")
    code, shown = staff(engine, clock, "coordinator", "show")
    assert code == 0 and "leesbaar-zin" in shown and "afgesloten" in shown
    assert "later-zin" not in shown  # said after the case closed: never shared
    assert "#1" in staff(engine, clock, "coordinator", "list")[1]
    clock.advance(31 * 24 * 60)
    with immediate(engine.store.db):
        engine.housekeeper.run(engine.store.db, clock())
    code, shown = staff(engine, clock, "coordinator", "show")
    assert code == 0 and "leesbaar-zin" not in shown and "niets meer bewaard" in shown
    assert "#1" not in staff(engine, clock, "coordinator", "list")[1]


@pytest.mark.parametrize(
    ("typed", "municipality"),
    [
        ("helmnd", "Helmond"),
        ("deurn", "Deurne"),
        ("asten", "Asten"),
        ("Ik zit op school in Gemert", "Gemert-Bakel"),
        ("laarbek", "Laarbeek"),
        ("zeg ik liever niet", SKIP_MUNICIPALITY),
        ("kasten", None),
        ("de deur is dicht", None),
    ],
)
def test_typed_municipalities_are_matched_with_typos(
    engine: Engine, typed: str, municipality: str | None
) -> None:
    assert engine.desk.match_municipality(typed) == municipality


async def test_a_typed_municipality_is_not_echoed_into_the_alert(engine: Engine) -> None:
    await say(engine, "iemand chanteert me met mn nudes")
    await say(engine, payload="/handover_ja")
    await say(engine, "deurn")
    [(recipient, kind, alert)] = outbox(engine)
    assert (recipient, kind) == (Recipient.team("peelregio"), "alert") and "Gemeente: Deurne" in alert
    assert "jongere: deurn" not in alert and "chanteert" in alert


async def test_an_acute_case_goes_to_the_team_of_the_municipality_named_earlier(
    engine: Engine, clock: Clock
) -> None:
    await say(engine, "iemand chanteert me met mn nudes")
    await say(engine, payload="/handover_ja")
    await say(engine, payload=DEURNE)
    staff(engine, clock, "sanne", "claim")
    staff(engine, clock, "sanne", "close", outcome="advies-gegeven")
    await engine.handle(Incoming("jongere-1", text="ik wil dood, ik heb de pillen al"))
    row = case_row(engine, 2)
    assert (row["level"], row["team"], row["municipality"]) == ("acute", "peelregio", "Deurne")


async def test_in_the_telegram_staff_group_a_second_claim_is_refused_and_the_coordinator_may_take_over(
    engine: Engine, clock: Clock
) -> None:
    await say(engine, "ik wil er niet meer zijn")
    group = StaffGroup(engine.desk, engine.store, clock)

    def tap(key: int, who: str, payload: str) -> None:
        group.handle(StaffUpdate(f"telegram:{key}", "staff_callback", who, -100, 7, "", payload))

    tap(1, "anna", "claim:1")
    tap(2, "bram", "claim:1")
    tap(3, "coordinator", "claim:1")
    answers = [
        (text, buttons) for to, _, text, buttons in group_answers(engine) if to == Recipient.group(-100, 7)
    ]
    assert answers[0][0] == "Niet gelukt: Anna heeft deze casus al; vraag Anna om hem over te dragen."
    assert "overnemen" in answers[1][0] and '"takeover:1"' in answers[1][1]
    assert case_row(engine)["claimed_by"] == "anna" and len(joined(engine)) == 1
    tap(4, "coordinator", "takeover:1")
    assert case_row(engine)["claimed_by"] == "coordinator"


def group_answers(engine: Engine) -> list[tuple[Recipient, str, str, str]]:
    """(recipient, kind, text, buttons) of every answer in the staff group, oldest first."""
    rows = engine.store.db.execute("SELECT recipient, kind, text, buttons FROM outbox ORDER BY id")
    found = [(recipient_of(r), kind, text, buttons) for r, kind, text, buttons in rows]
    return [m for m in found if m[0].kind == "group"]
