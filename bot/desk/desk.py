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
from bot.storage.cases import Case, CaseStore
from bot.storage.conversations import ConversationStore
from bot.storage.counters import Counters
from bot.storage.outbox import Outbox
from bot.storage.purge import erase_before, erase_conversation

MUNICIPALITY_INTENT = "gemeente"
SKIP_MUNICIPALITY = "geen"
LEVEL_LABEL = {"acute": "ACUUT", "high": "hoog risico"}
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


class Desk:
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
            self._route(case, chosen, turn.now, "user", current=turn.text)
            if turn.municipality is None:
                self._relay(self.store.get(case.id), turn)
            return [self.knowledge.message("handover_accepted", turn.language), self._wait_notice(turn)]
        if turn.municipality is None and not turn.accepted:
            self._relay(case, turn)
        return []

    def municipality_buttons(self) -> tuple[Button, ...]:
        """One button per municipality in routes.yml, and one to skip."""
        payload = "/" + MUNICIPALITY_INTENT + '{{"gemeente": "{}"}}'
        buttons = [Button(m, payload.format(m)) for m in self.config.municipalities]
        return (*buttons, Button("Zeg ik liever niet", payload.format(SKIP_MUNICIPALITY)))

    def match_municipality(self, text: str) -> str | None:
        """A typed answer such as "deurne" or "ik woon in gemert-bakel"."""
        lowered = f" {text.lower()} "
        for name in self.config.municipalities:
            if f" {name.lower()} " in lowered or f" {name.lower().replace('-', ' ')} " in lowered:
                return name
        return None

    def _acute(self, case: Case | None, turn: UserTurn) -> list[Text]:
        if case is None:
            opened = self._open(
                turn, "acute", "acute", "acute", status="open", team=self.config.team_of(None)
            )
            self._alert(opened, turn.now, current=turn.text)
            return self._closed_notice(turn)
        if case.level != "acute":
            self.store.update(case.id, level="acute", category=turn.risk_category)
            self.store.log(case.id, "escalated", "system", turn.now, "acute")
            if case.status == "routing":
                self._route(case, None, turn.now, "system", current=turn.text)
            else:
                self._to_staff(self.store.get(case.id), "escalated", turn.now, turn.text)
            return self._closed_notice(turn)
        self._relay(case, turn)
        return []

    def _accepted(self, turn: UserTurn) -> list[Text]:
        """A case waits for the municipality question, unless the user named it before."""
        self.counters.add(turn.now, "handover", "accepted")
        route_by = turn.now + timedelta(minutes=self.config.route_wait_minutes)
        opened = self._open(turn, "high", "asked", "high, consent", status="routing", route_by=iso(route_by))
        if turn.remembered_municipality:
            self._route(opened, turn.remembered_municipality, turn.now, "user")
            return [self.knowledge.message("handover_accepted", turn.language), self._wait_notice(turn)]
        question = self.knowledge.message("ask_municipality", turn.language)
        return [Text(question.text, self.municipality_buttons())]

    def _open(self, turn: UserTurn, level: str, consent: str, detail: str, **fields: str) -> Case:
        """A new case for this conversation, with its first audit event."""
        case_id = self.store.open(
            turn.conversation_id, level, turn.risk_category, consent, opened_at=iso(turn.now), **fields
        )
        self.store.log(case_id, "opened", "system", turn.now, detail)
        return self.store.get(case_id)

    def _route(
        self, case: Case, municipality: str | None, now: datetime, actor: str, current: str = ""
    ) -> None:
        self.store.update(
            case.id,
            status="open",
            municipality=municipality,
            team=self.config.team_of(municipality),
            route_by=None,
        )
        self.store.log(case.id, "routed", actor, now, municipality or "default")
        self._alert(self.store.get(case.id), now, current=current)

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

    def erase_for_user(self, conversation_id: str, now: datetime) -> bool:
        """/wis confirmed: erase everything at once, except an open acute case, which is kept
        until staff close it (then erased at once). Returns True when such a case was kept."""
        case = self.store.active_for(conversation_id)
        if case is not None and case.level == "acute":
            self.store.update(case.id, erase_requested=1)
            self.store.log(case.id, "erase_requested", "user", now)
            erase_before(self.store.db, conversation_id, case.opened_at)
            return True
        if case is not None:
            self.store.update(
                case.id, status="closed", outcome=ERASED_OUTCOME, closed_at=iso(now), user_left=1
            )
            self.store.log(case.id, "closed", "user", now, ERASED_OUTCOME)
            self.counters.add(now, "outcome", ERASED_OUTCOME)
        erase_conversation(self.store.db, conversation_id)
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

    def case_for_staff(self, staff_id: str, case_id: int) -> Case:
        """The case, if this staff member may act on it; else NotAllowed (the caller audits it)."""
        case = self.store.get(case_id)
        member = self.config.staff.get(staff_id)
        reason = None
        if member is None:
            reason = "onbekende medewerker"
        elif case is None:
            reason = "onbekende casus"
        elif not member.may_act_on(case.team or ""):
            reason = "casus van een ander team"
        elif not case.active:
            reason = "casus is al afgesloten"
        if reason:
            raise NotAllowed(reason)
        return case

    def visible_cases(self, staff_id: str) -> list[Case]:
        member = self.staff(staff_id)
        return [c for c in self.store.active() if member.may_act_on(c.team or "")]

    def claim(self, staff_id: str, case_id: int, now: datetime) -> Case:
        case = self.case_for_staff(staff_id, case_id)
        if case.status == "routing":
            raise NotAllowed("de jongere kiest nog een gemeente")
        member = self.staff(staff_id)
        self.store.update(case.id, status="claimed", claimed_by=staff_id)
        self.store.log(case.id, "claimed", staff_id, now)
        self._measure(case, "alert_to_claim", now)
        self._to_staff(case, "claimed", now, staff=member.name)
        self._to_user(case, "staff_joined", now, staff=member.name)
        return self.store.get(case.id)

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
        """To a colleague (who then has it claimed) or to another team (open for them)."""
        case = self.case_for_staff(staff_id, case_id)
        if to_staff is not None:
            colleague = self.config.staff.get(to_staff)
            if colleague is None or not colleague.may_act_on(case.team or ""):
                raise NotAllowed("die collega hoort niet bij dit team")
            self.store.update(case.id, status="claimed", claimed_by=to_staff)
            target = colleague.name
            self._to_user(case, "handed_over", now, staff=colleague.name)
        elif to_team in self.config.teams:
            self.store.update(
                case.id, status="open", claimed_by=None, team=to_team, realerts=0, backup_alerted=0
            )
            target = f"team {to_team}"
            self._alert(self.store.get(case.id), now)
            self._to_user(
                case, "handed_over", now, staff=COLLEAGUE.get(self._language(case.conversation_id), "")
            )
        else:
            raise NotAllowed("kies een collega of een team")
        self.store.log(case.id, "handed_over", staff_id, now, target)
        self._to_staff(case, "handed_over", now, staff=self.staff(staff_id).name, target=target)
        return self.store.get(case.id)

    def close(self, staff_id: str, case_id: int, outcome: str, now: datetime) -> Case:
        case = self.case_for_staff(staff_id, case_id)
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
        return self.store.get(case.id)

    def user_unreachable(self, case_id: int, now: datetime) -> None:
        """A message to the young person failed for good (blocked bot, chat gone): tell staff."""
        case = self.store.get(case_id)
        if case is not None and case.team:
            self.store.log(case.id, "user_unreachable", "system", now)
            self._to_staff(case, "user_unreachable", now)

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
                done += self._chase(case, now)
        return done

    def _chase(self, case: Case, now: datetime) -> int:
        times = self.config.realert[case.level if case.level in self.config.realert else "high"]
        waited = office_minutes_between(self.config.hours, datetime.fromisoformat(case.alerted_at), now)
        if not case.backup_alerted and waited >= times.backup_minutes:
            team = self.config.teams[case.team]
            self.store.update(case.id, backup_alerted=1)
            self.store.log(case.id, "backup_alerted", "system", now, team.backup)
            self._staff_message(
                case, f"staff:{team.backup}", "backup", now, minutes=str(times.backup_minutes)
            )
            return 1
        due = times.realert_minutes * (case.realerts + 1)
        if waited >= due:
            self.store.update(case.id, realerts=case.realerts + 1)
            self.store.log(case.id, "realerted", "system", now)
            self._to_staff(case, "realert", now, minutes=str(due))
            return 1
        return 0

    # --- notifications ---------------------------------------------------------------

    def _alert(self, case: Case, now: datetime, current: str = "") -> None:
        self.store.update(case.id, alerted_at=iso(now))
        self.store.log(case.id, "alerted", "system", now, case.team or "")
        self._to_staff(case, "alert", now, current)

    def _to_staff(self, case: Case, kind: str, now: datetime, current: str = "", **values: str) -> None:
        self._staff_message(case, f"team:{case.team}", kind, now, current, **values)

    def _staff_message(
        self,
        case: Case,
        recipient: str,
        kind: str,
        now: datetime,
        current: str = "",
        **values: str,
    ) -> None:
        fields = {
            "case": str(case.id),
            "level": LEVEL_LABEL.get(case.level, case.level),
            "category": case.category or "-",
            "municipality": case.municipality or f"niet gezegd ({self.config.default_municipality})",
            "team": case.team or "-",
            "time": _local_time(self.config, now),
            "messages": self._shared_messages(case, current) if kind in ("alert", "escalated") else "",
            **values,
        }
        text = self.config.staff_texts[kind].format_map(_Missing(fields))
        buttons = _claim_buttons(case.id) if kind in ("alert", "realert", "backup", "escalated") else ()
        self.outbox.add(recipient, kind, text, now, case.id, buttons)

    def _to_user(self, case: Case, name: str, now: datetime, **values: str) -> int:
        language = self._language(case.conversation_id)
        text = self.knowledge.message(name, language, **values)
        return self.outbox.add(f"user:{case.conversation_id}", name, text.text, now, case.id, text.buttons)

    def _shared_messages(self, case: Case, current: str) -> str:
        """Recent messages only when the user said yes; at acute risk only the message that
        raised it (`current`, this turn's, not yet in the transcript); later ones are relayed."""
        lines = [] if case.consent == "acute" else self.store.recent_messages(case.conversation_id)
        lines += [current] if current.strip() else []
        if not lines:
            return self.config.staff_texts["no_messages"]
        return "\n".join(f"› {line}" for line in lines)

    def _language(self, conversation_id: str) -> str:
        return (self.conversations.load_slots(conversation_id) or {}).get("language", "nl")


def _claim_buttons(case_id: int) -> tuple[Button, ...]:
    """Oppakken, Overdragen, Afsluiten: what the staff group's buttons send back."""
    return (
        Button("Oppakken", f"claim:{case_id}"),
        Button("Overdragen", f"handover:{case_id}"),
        Button("Afsluiten", f"close:{case_id}"),
    )


def _local_time(config: EscalationConfig, now: datetime) -> str:
    return now.astimezone(config.hours.zone).strftime("%d-%m-%Y %H:%M")


class _Missing(dict):
    """format_map that leaves an unknown {name} visible instead of failing an alert."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
