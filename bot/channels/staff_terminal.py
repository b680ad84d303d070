"""`python -m bot staff`: the werkgroep's side in a terminal, on the same SQLite file.

    python -m bot staff --as anna                 open cases of anna's teams, most urgent first
    python -m bot staff --as anna show 3          one case: state, the conversation so far, audit
    python -m bot staff --as anna claim 3         "ik pak hem op" (one claimer per case)
    python -m bot staff --as coordinator takeover 3   a coordinator takes a claimed case over
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
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.channels.delivery import DeliveryLoop
from bot.desk.desk import Desk, NotAllowed
from bot.desk.reading import clock_time
from bot.storage.cases import Case
from bot.storage.db import immediate
from bot.storage.outbox import Outbox, Recipient
from bot.storage.purge import erase_now

Write = Callable[[str], None]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="staff", required=True, help="your staff id in escalation/routes.yml")
    actions = parser.add_subparsers(dest="action")
    actions.add_parser("list", help="open cases you may act on, most urgent first (default)")
    for name, what in (
        ("show", "one case and the conversation so far"),
        ("claim", "pick a case up"),
        ("takeover", "coordinator: take a case over from the staff member who claimed it"),
    ):
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
    erased = False
    try:
        with immediate(desk.store.db, durable=True):
            if action == "list":
                _list(desk, args.staff, write, now)
            elif action == "show":
                _show(desk, desk.case_for_staff(args.staff, args.case, closed_too=True), write)
            elif action == "claim":
                before = desk.case_for_staff(args.staff, args.case)
                desk.claim(args.staff, args.case, now)
                mine = before.status == "claimed" and before.claimed_by == args.staff
                write(f"Casus #{args.case} {'was al' if mine else 'is'} van jou.")
            elif action == "takeover":
                desk.take_over(args.staff, args.case, now)
                write(f"Casus #{args.case} is van jou; de vorige medewerker krijgt bericht.")
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
                erased = bool(desk.close(args.staff, args.case, args.outcome, now).erase_requested)
                write(f"Casus #{args.case} is afgesloten.")
    except NotAllowed as refusal:
        with immediate(desk.store.db, durable=True):
            desk.refused(args.staff, getattr(args, "case", None), action, str(refusal), now)
        write(f"Niet gelukt: {refusal}.")
        return 1
    if erased:
        erase_now(desk.store.db)  # the young person asked for /wis: gone from the -wal file too
    return 0


async def watch(desk: Desk, staff_id: str, clock: Callable[[], datetime], write: Write = print) -> None:
    """Deliver this staff member's team messages to the terminal until interrupted."""
    from bot.channels.terminal import PrintTransport

    member = desk.staff(staff_id)
    teams = desk.config.teams if member.coordinator else member.teams
    recipients = [Recipient.team(t) for t in teams] + [Recipient.staff(staff_id)]
    loop = DeliveryLoop(desk.store.db, desk, PrintTransport(write), clock, asyncio.Lock(), recipients)
    write(f"Meldingen voor {member.name} ({', '.join(sorted(teams))}). Ctrl-C stopt.")
    await loop.run(asyncio.Event())


def _list(desk: Desk, staff_id: str, write: Write, now: datetime | None = None) -> None:
    """Open cases, the most urgent first; for a coordinator also closed cases still readable."""
    zone = desk.config.hours.zone
    cases = desk.visible_cases(staff_id)
    if not cases:
        write("Geen open casussen.")
    now = now or datetime.now(UTC)
    for case in cases:
        write(_summary(case, zone) + _not_arrived(desk, case, now))
    _parked(desk, write)
    closed = desk.readable_closed(staff_id)
    if closed:
        days = desk.config.case_retention_days
        write(f"\nAfgesloten, nog te lezen met 'show N' tot {days} dagen na het afsluiten:")
        for case in closed:
            write(_summary(case, zone))


def _not_arrived(desk: Desk, case: Case, now: datetime) -> str:
    """Replies to the young person that waited over a minute or did not arrive (the bot's too)."""
    count = Outbox(desk.store.db).waiting_for_user(case.id, now, timedelta(minutes=1))
    return f"  ⚠ {count} bericht(en) aan de jongere niet aangekomen" if count else ""


def _parked(desk: Desk, write: Write) -> None:
    """Messages the bot could not handle at all: kept without text, never retried."""
    rows = desk.store.db.execute("SELECT failure FROM inbox WHERE state = 'parked'").fetchall()
    if rows:
        risky = sum("risk " in (failure or "") for (failure,) in rows)
        write(
            f"\nLet op: {len(rows)} bericht(en) van jongeren kon de bot niet verwerken (geparkeerd);"
            f" {risky} met een risico-signaal. Ze kregen een vast antwoord met 112/113."
            " Meer: python -m bot health en het log van de bot."
        )


def local(stamp: str, zone: ZoneInfo) -> str:
    """A stored UTC time as the werkgroep reads it: '24-11 09:58'."""
    return clock_time(stamp, zone, with_day=True)


def _summary(case: Case, zone: ZoneInfo) -> str:
    who = f"opgepakt door {case.claimed_by}" if case.claimed_by else case.status
    if case.status == "closed":
        who = f"afgesloten {local(case.closed_at, zone)}: {case.outcome}" if case.closed_at else "afgesloten"
    left = " · jongere is gestopt" if case.user_left else ""
    place = case.municipality or "gemeente onbekend"
    waiting = case.alerted_at or case.opened_at
    return (
        f"#{case.id}  {case.level:5}  {case.category or '-':12}  {place:15}"
        f"  team {case.team or '-'}  {who}{left}  (sinds {local(waiting, zone)})"
    )


def _show(desk: Desk, case: Case, write: Write) -> None:
    zone = desk.config.hours.zone
    write(_summary(case, zone))
    lines = desk.transcript(case)
    write("\nHet gesprek tot nu toe (zoals het bewaard is; de jongere weet dat je het kunt lezen):")
    if not lines:
        write("  (niets meer bewaard: gewist of voorbij de bewaartermijn)")
    for line in lines:
        write(f"  {line}")
    outbox = Outbox(desk.store.db)
    write("\nBerichten aan de jongere in deze casus:")
    for _, kind, recipient, status in outbox.status_of_case(case.id):
        if recipient.to_user:
            write(f"  naar de jongere · {kind} · {status}")
    write("\nNotities:")
    for staff, text, at in desk.store.notes(case.id):
        write(f"  {local(at, zone)} {staff}: {text}")
    write("\nLogboek:")
    for kind, actor, detail, at in desk.store.events(case.id):
        write(f"  {local(at, zone)} {kind} {actor} {detail}")
