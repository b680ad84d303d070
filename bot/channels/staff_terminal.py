"""`python -m bot staff`: the werkgroep's side in a terminal, on the same SQLite file.

    python -m bot staff --as anna                 open cases of anna's teams
    python -m bot staff --as anna show 3          one case: state, messages shared, audit
    python -m bot staff --as anna claim 3         "ik pak hem op"
    python -m bot staff --as anna reply 3 tekst   to the young person, signed "Anna (werkgroep)"
    python -m bot staff --as anna note 3 tekst    internal note, never sent
    python -m bot staff --as anna handover 3 --to bram | --team peelregio
    python -m bot staff --as anna close 3 --outcome advies-gegeven
    python -m bot staff --as anna watch           print alerts for anna's teams as they come

So a newcomer sees a whole escalation on one machine, without a token.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.channels.delivery import DeliveryLoop
from bot.desk.desk import Desk, NotAllowed
from bot.storage.cases import Case
from bot.storage.db import immediate
from bot.storage.outbox import Outbox

Write = Callable[[str], None]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="staff", required=True, help="your staff id in escalation/routes.yml")
    actions = parser.add_subparsers(dest="action")
    actions.add_parser("list", help="open cases you may act on (default)")
    for name, what in (("show", "one case"), ("claim", "pick a case up")):
        actions.add_parser(name, help=what).add_argument("case", type=int)
    for name, what in (("reply", "write to the young person"), ("note", "internal note")):
        sub = actions.add_parser(name, help=what)
        sub.add_argument("case", type=int)
        sub.add_argument("text", nargs="+")
    handover = actions.add_parser("handover", help="to a colleague or another team")
    handover.add_argument("case", type=int)
    target = handover.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", help="staff id of the colleague")
    target.add_argument("--team", help="team key")
    close = actions.add_parser("close", help="close with an outcome code (escalation/outcomes.yml)")
    close.add_argument("case", type=int)
    close.add_argument("--outcome", required=True)
    actions.add_parser("watch", help="print alerts for your teams as they come (Ctrl-C stops)")


def run_staff_command(desk: Desk, args: argparse.Namespace, now: datetime, write: Write = print) -> int:
    """One command in one transaction; a refusal is one calm line (and in the audit log)."""
    action = args.action or "list"
    try:
        with immediate(desk.store.db, durable=True):
            if action == "list":
                _list(desk, args.staff, write)
            elif action == "show":
                _show(desk, desk.case_for_staff(args.staff, args.case), write)
            elif action == "claim":
                desk.claim(args.staff, args.case, now)
                write(f"Casus #{args.case} is van jou.")
            elif action == "reply":
                desk.reply(args.staff, args.case, " ".join(args.text), now)
                write(f"Verstuurd naar casus #{args.case} (zie 'show {args.case}' of het aankwam).")
            elif action == "note":
                desk.note(args.staff, args.case, " ".join(args.text), now)
                write("Notitie opgeslagen.")
            elif action == "handover":
                desk.hand_over(args.staff, args.case, now, to_staff=args.to, to_team=args.team)
                write(f"Casus #{args.case} is overgedragen.")
            elif action == "close":
                desk.close(args.staff, args.case, args.outcome, now)
                write(f"Casus #{args.case} is afgesloten.")
    except NotAllowed as refusal:
        with immediate(desk.store.db, durable=True):
            desk.refused(args.staff, getattr(args, "case", None), action, str(refusal), now)
        write(f"Niet gelukt: {refusal}.")
        return 1
    return 0


async def watch(desk: Desk, staff_id: str, clock: Callable[[], datetime], write: Write = print) -> None:
    """Deliver this staff member's team messages to the terminal until interrupted."""
    from bot.channels.terminal import PrintTransport

    member = desk.staff(staff_id)
    teams = desk.config.teams if member.coordinator else member.teams
    recipients = [f"team:{t}" for t in teams] + [f"staff:{staff_id}"]
    loop = DeliveryLoop(desk.store.db, desk, PrintTransport(write), clock, asyncio.Lock(), recipients)
    write(f"Meldingen voor {member.name} ({', '.join(sorted(teams))}). Ctrl-C stopt.")
    await loop.run(asyncio.Event())


def _list(desk: Desk, staff_id: str, write: Write) -> None:
    cases = desk.visible_cases(staff_id)
    if not cases:
        write("Geen open casussen.")
    for case in cases:
        write(_summary(case, desk.config.hours.zone))


def local(stamp: str, zone: ZoneInfo) -> str:
    """A stored UTC time as the werkgroep reads it: '24-11 09:58'."""
    return datetime.fromisoformat(stamp).astimezone(zone).strftime("%d-%m %H:%M")


def _summary(case: Case, zone: ZoneInfo) -> str:
    who = f"opgepakt door {case.claimed_by}" if case.claimed_by else case.status
    left = " · jongere is gestopt" if case.user_left else ""
    place = case.municipality or "gemeente onbekend"
    return (
        f"#{case.id}  {case.level:5}  {case.category or '-':12}  {place:15}"
        f"  team {case.team or '-'}  {who}{left}  (sinds {local(case.opened_at, zone)})"
    )


def _show(desk: Desk, case: Case, write: Write) -> None:
    zone = desk.config.hours.zone
    write(_summary(case, zone))
    outbox = Outbox(desk.store.db)
    write("\nBerichten in deze casus:")
    for _, kind, recipient, status in outbox.status_of_case(case.id):
        if recipient.startswith("user:"):
            write(f"  naar de jongere · {kind} · {status}")
    for text in _shared(desk, case.id):
        write(f"  {text}")
    write("\nNotities:")
    for staff, text, at in desk.store.notes(case.id):
        write(f"  {local(at, zone)} {staff}: {text}")
    write("\nLogboek:")
    for kind, actor, detail, at in desk.store.events(case.id):
        write(f"  {local(at, zone)} {kind} {actor} {detail}")


def _shared(desk: Desk, case_id: int) -> list[str]:
    """What the team chat received for this case: the alert and the relayed messages."""
    rows = desk.store.db.execute(
        "SELECT text FROM outbox WHERE case_id = ? AND recipient LIKE 'team:%' "
        "AND kind IN ('alert', 'escalated', 'user_message', 'user_message_acute') ORDER BY id",
        [case_id],
    ).fetchall()
    return [r[0] for r in rows]
