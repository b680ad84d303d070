"""The escalation workflow: open, route, alert, claim, reply, hand over, close, re-alert.

Every state change and every notification it causes is written in the caller's
transaction (the young person's turn, or a staff command), so a crash can never leave
a case opened without its alert. Delivery is the outbox's job (bot/escalation/outbox.py).
Staff act by their id from escalation/routes.yml; what they may do is checked here,
once, whatever the channel they use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.common.clock import iso
from bot.content.escalation import EscalationConfig, Staff
from bot.content.knowledge import Knowledge, Text
from bot.content.model import Button
from bot.desk.hours import describe_opening, is_open, office_minutes_between
from bot.desk.notify import LEVEL_LABEL as LEVEL_LABEL  # re-exported: the staff group titles topics with it
from bot.desk.notify import Notifier
from bot.desk.places import SKIP, match_place
from bot.desk.reading import urgency
from bot.storage.cases import Case, CaseStore
from bot.storage.conversations import ConversationStore
from bot.storage.counters import Counters
from bot.storage.outbox import Outbox, Recipient
from bot.storage.purge import erase_before, erase_conversation

MUNICIPALITY_INTENT = "gemeente"
SKIP_MUNICIPALITY = SKIP
COLLEAGUE = {"nl": "een collega", "en": "a colleague"}
ERASED_OUTCOME = "gewist-door-jongere"


class NotAllowed(Exception):
    """A staff command refused: unknown staff, a case of another team, a closed case."""


@dataclass(frozen=True, slots=True)
class UserTurn:
    """What the desk needs to know about one turn of a young person."""

    conversation_id: str
    now: datetime
    language: str
    text: str  # as typed, for the staff chat when the user agreed
    risk_level: str
    risk_category: str | None
    accepted: bool  # said yes to a human this turn
    stopped: bool  # asked to end the handover this turn
    municipality: str | None  # named this turn (button or typed), SKIP_MUNICIPALITY to skip
    remembered_municipality: str | None = None  # named earlier in this conversation


class Desk(Notifier):
    def __init__(
        self,
        store: CaseStore,
        outbox: Outbox,
        config: EscalationConfig,
        knowledge: Knowledge,
        counters: Counters,
        conversations: ConversationStore,
    ) -> None:
        self.counters = counters
        self.conversations = conversations  # a young person's language, for what staff send them
        self.store = store
        self.outbox = outbox
        self.config = config
        self.knowledge = knowledge

    @classmethod
    def beside(cls, conversations: ConversationStore, config: EscalationConfig, knowledge: Knowledge) -> Desk:
        """The desk with its stores on the conversations' database connection."""
        db = conversations.db
        return cls(
            CaseStore(db), Outbox(db), config, knowledge, Counters(db, config.hours.zone), conversations
        )

    # --- the young person's side: called inside the engine's turn transaction ----------

    def active_case(self, conversation_id: str) -> Case | None:
        return self.store.active_for(conversation_id)

    def on_turn(self, turn: UserTurn) -> list[Text]:
        """Update cases for this turn; return notices for the reply."""
        case = self.store.active_for(turn.conversation_id)
        if turn.stopped:
            return self._user_stops(case, turn)
        if turn.risk_level == "acute":
            return self._acute(case, turn)
        if case is None:
            if turn.accepted:
                return self._accepted(turn)
            return []
        if case.status == "routing":
            chosen = turn.municipality if turn.municipality != SKIP_MUNICIPALITY else None
            # A typed "Deurne" is the answer, shown as the municipality: not a shared message.
            said = turn.text if turn.municipality is None else ""
            routed = self._route(case, chosen, turn.now, "user", current=said)
            if turn.municipality is None:
                self._relay(routed, turn)
            return [self.knowledge.message("handover_accepted", turn.language), self._wait_notice(turn)]
        if turn.municipality is None and not turn.accepted:
            self._relay(case, turn)
        return []

    def where_it_stands(self, case: Case, turn: UserTurn) -> list[Text]:
        """For a "Ja" (or "/mens") while a case is already open: never silence, say where it is."""
        if case.status == "routing":
            question = self.knowledge.message("ask_municipality", turn.language)
            return [Text(question.text, self.municipality_buttons())]
        if case.status == "claimed" and case.claimed_by:
            return [
                self.knowledge.message("staff_joined", turn.language, staff=self._name_of(case.claimed_by))
            ]
        return [self.knowledge.message("handover_accepted", turn.language), self._wait_notice(turn)]

    def _named(self, turn: UserTurn) -> str | None:
        """The municipality named this turn, else one named earlier in the conversation."""
        if turn.municipality and turn.municipality != SKIP_MUNICIPALITY:
            return turn.municipality
        remembered = turn.remembered_municipality
        return remembered if remembered in self.config.municipalities else None

    def municipality_buttons(self) -> tuple[Button, ...]:
        """One button per municipality in routes.yml, and one to skip."""
        payload = "/" + MUNICIPALITY_INTENT + '{{"gemeente": "{}"}}'
        buttons = [Button(m, payload.format(m)) for m in self.config.municipalities]
        return (*buttons, Button("Zeg ik liever niet", payload.format(SKIP_MUNICIPALITY)))

    def match_municipality(self, text: str) -> str | None:
        """A typed answer to the municipality question: "deurne", "helmnd" (typos forgiven),
        "ik zit op school in gemert"; SKIP_MUNICIPALITY for "zeg ik liever niet" / "weet ik
        niet"; None when the text names no municipality of routes.yml."""
        return match_place(text, self.config.municipalities)

    def _acute(self, case: Case | None, turn: UserTurn) -> list[Text]:
        if case is None:
            place = self._named(turn)  # named earlier: that municipality's team reads it
            opened = self._open(
                turn,
                "acute",
                "acute",
                "acute",
                status="open",
                municipality=place,
                team=self.config.team_of(place),
            )
            self._alert(opened, turn.now, current=turn.text)
            return self._closed_notice(turn)
        if case.level != "acute":
            escalated = self.store.update(case.id, level="acute", category=turn.risk_category)
            self.store.log(case.id, "escalated", "system", turn.now, "acute")
            if case.status == "routing":
                self._route(case, self._named(turn), turn.now, "system", current=turn.text)
            else:
                self._to_staff(escalated, "escalated", turn.now, turn.text)
            return self._closed_notice(turn)
        self._relay(case, turn)
        return []

    def _accepted(self, turn: UserTurn) -> list[Text]:
        """A case waits for the municipality question, unless the user named it before."""
        self.counters.add(turn.now, "handover", "accepted")
        route_by = turn.now + timedelta(minutes=self.config.route_wait_minutes)
        opened = self._open(turn, "high", "asked", "high, consent", status="routing", route_by=iso(route_by))
        if place := self._named(turn):
            self._route(opened, place, turn.now, "user")
            return [self.knowledge.message("handover_accepted", turn.language), self._wait_notice(turn)]
        question = self.knowledge.message("ask_municipality", turn.language)
        return [Text(question.text, self.municipality_buttons())]

    def _open(self, turn: UserTurn, level: str, consent: str, detail: str, **fields: str | None) -> Case:
        """A new case for this conversation, with its first audit event."""
        case_id = self.store.open(
            turn.conversation_id, level, turn.risk_category, consent, opened_at=iso(turn.now), **fields
        )
        self.store.log(case_id, "opened", "system", turn.now, detail)
        return self.store.require(case_id)

    def _route(
        self, case: Case, municipality: str | None, now: datetime, actor: str, current: str = ""
    ) -> Case:
        routed = self.store.update(
            case.id,
            status="open",
            municipality=municipality,
            team=self.config.team_of(municipality),
            route_by=None,
        )
        self.store.log(case.id, "routed", actor, now, municipality or "default")
        self._alert(routed, now, current=current)
        return routed

    def _user_stops(self, case: Case | None, turn: UserTurn) -> list[Text]:
        if case is None or case.user_left:
            return [self.knowledge.message("no_handover", turn.language)]
        self.store.update(case.id, user_left=1)
        self.store.log(case.id, "user_stopped", "user", turn.now)
        if case.status == "routing":
            self.store.update(
                case.id, status="closed", outcome="gestopt-door-jongere", closed_at=iso(turn.now)
            )
            self.store.log(case.id, "closed", "user", turn.now, "gestopt-door-jongere")
            self.counters.add(turn.now, "outcome", "gestopt-door-jongere")
        else:
            self._to_staff(case, "user_stopped", turn.now)
        return [self.knowledge.message("handover_stopped", turn.language)]

    def erase_for_user(self, conversation_id: str, now: datetime, keep_address: bool = False) -> bool:
        """/wis confirmed: erase everything at once, except an open acute case, which is kept
        until staff close it (then erased at once). Returns True when such a case was kept.
        `keep_address`: keep the sealed address until the confirmation is delivered."""
        case = self.store.active_for(conversation_id)
        if case is not None and case.level == "acute":
            self.store.update(case.id, erase_requested=1)
            self.store.log(case.id, "erase_requested", "user", now)
            erase_before(self.store.db, conversation_id, case.opened_at)
            self._to_staff(case, "user_erase_requested", now)
            return True
        if case is not None:
            self.store.update(
                case.id, status="closed", outcome=ERASED_OUTCOME, closed_at=iso(now), user_left=1
            )
            self.store.log(case.id, "closed", "user", now, ERASED_OUTCOME)
            self.counters.add(now, "outcome", ERASED_OUTCOME)
        erase_conversation(self.store.db, conversation_id, keep_address)
        if case is not None:
            self._to_staff(case, "user_erased", now)  # after the erasure, which empties the case's outbox
        return False

    def _relay(self, case: Case, turn: UserTurn) -> None:
        """The young person's message into the case (they agreed, or it is acute)."""
        if case.user_left or case.status == "routing" or not turn.text.strip():
            return
        kind = "user_message_acute" if turn.risk_level == "acute" else "user_message"
        self._to_staff(case, kind, turn.now, text=turn.text)

    def _wait_notice(self, turn: UserTurn) -> Text:
        if is_open(self.config.hours, turn.now):
            return self.knowledge.message("wait_open", turn.language)
        when = describe_opening(self.config.hours, turn.now, turn.language)
        return self.knowledge.message("wait_closed", turn.language, when=when)

    def _closed_notice(self, turn: UserTurn) -> list[Text]:
        """At acute risk the crisis reply already says a human is asked; at night, be honest."""
        return [] if is_open(self.config.hours, turn.now) else [self._wait_notice(turn)]

    # --- staff side: each call is one staff command, in its own transaction -----------

    def staff(self, staff_id: str) -> Staff:
        member = self.config.staff.get(staff_id)
        if member is None:
            raise NotAllowed("onbekende medewerker")
        return member

    def refused(self, staff_id: str, case_id: int | None, action: str, reason: str, now: datetime) -> None:
        """Audit a refused staff command, in its own transaction (the command's was rolled back)."""
        case = self.store.get(case_id) if case_id is not None else None
        self.store.log(case.id if case else None, "refused", staff_id[:40], now, f"{action}: {reason}")

    def case_for_staff(self, staff_id: str, case_id: int, closed_too: bool = False) -> Case:
        """The case, if this staff member may act on it; else NotAllowed (the caller audits it).

        `closed_too`: to read a closed case, which only a coordinator may until it is purged."""
        case = self.store.get(case_id)
        member = self.config.staff.get(staff_id)
        if member is None:
            raise NotAllowed("onbekende medewerker")
        if case is None:
            raise NotAllowed("onbekende casus")
        if not member.may_act_on(case.team or ""):
            raise NotAllowed("casus van een ander team")
        if not case.active and not (closed_too and member.coordinator):
            raise NotAllowed("casus is al afgesloten")
        return case

    def visible_cases(self, staff_id: str) -> list[Case]:
        """Open cases this staff member may act on, the most urgent first (see reading.urgency)."""
        member = self.staff(staff_id)
        return sorted((c for c in self.store.active() if member.may_act_on(c.team or "")), key=urgency)

    def readable_closed(self, staff_id: str) -> list[Case]:
        """Closed cases whose conversation is still kept: a coordinator may read them until the purge."""
        return self.store.closed_with_text() if self.staff(staff_id).coordinator else []

    def claim(self, staff_id: str, case_id: int, now: datetime) -> Case:
        """One claimer per case: a case someone else holds moves only by a handover or a
        coordinator's take-over. Claiming your own case again changes nothing."""
        case = self.case_for_staff(staff_id, case_id)
        if case.status == "routing":
            raise NotAllowed("de jongere kiest nog een gemeente")
        if case.status == "claimed" and case.claimed_by == staff_id:
            return case
        if case.status == "claimed":
            holder = self._name_of(case.claimed_by)
            raise NotAllowed(f"{holder} heeft deze casus al; vraag {holder} om hem over te dragen")
        member = self.staff(staff_id)
        if not self._was_claimed(case):
            self._measure(case, "alert_to_claim", now)  # the first claim of a case, counted once
        claimed = self.store.update(case.id, status="claimed", claimed_by=staff_id)
        self.store.log(case.id, "claimed", staff_id, now)
        self._to_staff(case, "claimed", now, staff=member.name)
        self._to_user(case, "staff_joined", now, staff=member.name)
        return claimed

    def take_over(self, staff_id: str, case_id: int, now: datetime) -> Case:
        """A coordinator takes a claimed case over (the claimer is ill, gone, or stuck): audited,
        the first claimer told, the young person told who reads along now."""
        case = self.case_for_staff(staff_id, case_id)
        member = self.staff(staff_id)
        if not member.coordinator:
            raise NotAllowed("alleen een coördinator kan een casus overnemen")
        if case.status != "claimed":
            return self.claim(staff_id, case_id, now)
        if case.claimed_by == staff_id:
            return case
        previous = case.claimed_by or ""
        taken = self.store.update(case.id, claimed_by=staff_id)
        self.store.log(case.id, "taken_over", staff_id, now, previous)
        self._to_staff(case, "taken_over", now, staff=member.name, target=self._name_of(previous))
        if previous in self.config.staff:
            self._staff_message(case, Recipient.staff(previous), "taken_over_you", now, staff=member.name)
        self._to_user(case, "handed_over", now, staff=member.name)
        return taken

    def reply(self, staff_id: str, case_id: int, text: str, now: datetime) -> int:
        case = self.case_for_staff(staff_id, case_id)
        if case.claimed_by != staff_id:
            raise NotAllowed("pak de casus eerst op")
        if case.user_left:
            raise NotAllowed("de jongere heeft het gesprek gestopt")
        if not any(kind == "replied" for kind, *_ in self.store.events(case.id)):
            self._measure(case, "alert_to_first_reply", now)
        self.store.log(case.id, "replied", staff_id, now)
        return self._to_user(case, "staff_reply", now, staff=self.staff(staff_id).name, text=text.strip())

    def note(self, staff_id: str, case_id: int, text: str, now: datetime) -> None:
        case = self.case_for_staff(staff_id, case_id)
        self.store.add_note(case.id, staff_id, text.strip(), now)
        self.store.log(case.id, "note", staff_id, now)

    def hand_over(
        self,
        staff_id: str,
        case_id: int,
        now: datetime,
        to_staff: str | None = None,
        to_team: str | None = None,
    ) -> Case:
        """To a colleague (who then has it claimed) or to another team (open for them).

        A claimed case is handed over by its claimer (or a coordinator), nobody else."""
        case = self.case_for_staff(staff_id, case_id)
        self._holder_or_coordinator(case, staff_id)
        if to_staff is not None:
            colleague = self.config.staff.get(to_staff)
            if colleague is None or not colleague.may_act_on(case.team or ""):
                raise NotAllowed("die collega hoort niet bij dit team")
            if case.status == "claimed" and case.claimed_by == to_staff:
                raise NotAllowed(f"{colleague.name} heeft deze casus al")
            moved = self.store.update(case.id, status="claimed", claimed_by=to_staff)
            target = colleague.name
            self._to_user(case, "handed_over", now, staff=colleague.name)
        elif to_team in self.config.teams:
            moved = self.store.update(
                case.id, status="open", claimed_by=None, team=to_team, realerts=0, backup_alerted=0
            )
            target = f"team {to_team}"
            self._alert(moved, now)
            self._to_user(
                case, "handed_over", now, staff=COLLEAGUE.get(self._language(case.conversation_id), "")
            )
        else:
            raise NotAllowed("kies een collega of een team")
        self.store.log(case.id, "handed_over", staff_id, now, target)
        self._to_staff(case, "handed_over", now, staff=self.staff(staff_id).name, target=target)
        return moved

    def close(self, staff_id: str, case_id: int, outcome: str, now: datetime) -> Case:
        """Close with an outcome code. After /wis the conversation is erased in this
        transaction: the caller runs storage.purge.erase_now once it has committed."""
        case = self.case_for_staff(staff_id, case_id)
        self._holder_or_coordinator(case, staff_id)
        if outcome not in self.config.outcomes:
            raise NotAllowed(f"onbekende uitkomst '{outcome}'")
        self.store.update(case.id, status="closed", outcome=outcome, closed_at=iso(now))
        self.store.log(case.id, "closed", staff_id, now, outcome)
        self.counters.add(now, "outcome", outcome)
        if case.erase_requested:
            erase_conversation(self.store.db, case.conversation_id)
        elif not case.user_left:
            self._to_user(case, "case_closed", now)
        self._to_staff(
            case, "closed", now, staff=self.staff(staff_id).name, outcome=self.config.outcomes[outcome]
        )
        return self.store.require(case.id)

    def user_unreachable(self, case_id: int, now: datetime) -> None:
        """A message to the young person failed for good (blocked bot, chat gone): tell staff."""
        case = self.store.get(case_id)
        if case is not None and case.team:
            self.store.log(case.id, "user_unreachable", "system", now)
            self._to_staff(case, "user_unreachable", now)

    def _holder_or_coordinator(self, case: Case, staff_id: str) -> None:
        if case.status == "claimed" and case.claimed_by != staff_id and not self.staff(staff_id).coordinator:
            holder = self._name_of(case.claimed_by)
            raise NotAllowed(f"{holder} heeft deze casus; alleen {holder} of de coördinator kan dit")

    def _name_of(self, staff_id: str | None) -> str:
        member = self.config.staff.get(staff_id or "")
        return member.name if member else (staff_id or "iemand anders")

    def _was_claimed(self, case: Case) -> bool:
        return any(kind == "claimed" for kind, *_ in self.store.events(case.id))

    def _measure(self, case: Case, kind: str, now: datetime) -> None:
        if case.alerted_at:
            self.counters.duration(now, kind, (now - datetime.fromisoformat(case.alerted_at)).total_seconds())

    # --- timers: run every minute or so by whichever process delivers --------------

    def tick(self, now: datetime) -> int:
        """Route cases whose municipality question went unanswered; re-alert and alert the
        backup for cases nobody picked up (office time only). Returns actions taken."""
        done = 0
        for case in self.store.active():
            if case.status == "routing" and case.route_by and case.route_by <= iso(now):
                self._route(case, None, now, "system")
                done += 1
            elif case.status == "open" and case.alerted_at:
                done += self._chase(case, case.alerted_at, now)
        return done

    def _chase(self, case: Case, alerted_at: str, now: datetime) -> int:
        times = self.config.realert[case.level if case.level in self.config.realert else "high"]
        waited = office_minutes_between(self.config.hours, datetime.fromisoformat(alerted_at), now)
        if not case.backup_alerted and waited >= times.backup_minutes:
            if case.team is None:  # an alert always goes to a team: this case's row is broken
                raise LookupError(f"case {case.id} was alerted without a team")
            team = self.config.teams[case.team]
            self.store.update(case.id, backup_alerted=1)
            self.store.log(case.id, "backup_alerted", "system", now, team.backup)
            self._staff_message(
                case, Recipient.staff(team.backup), "backup", now, minutes=str(times.backup_minutes)
            )
            return 1
        due = times.realert_minutes * (case.realerts + 1)
        if waited >= due:
            self.store.update(case.id, realerts=case.realerts + 1)
            self.store.log(case.id, "realerted", "system", now)
            self._to_staff(case, "realert", now, minutes=str(due))
            return 1
        return 0
