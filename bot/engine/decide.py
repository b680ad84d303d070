"""The first half of a turn: what to answer, decided without writing anything.

From the message, its risk, the stored slots and a snapshot of the person's case, this
reads the turn in the light of the conversation (language, audience, topic, risk so far),
asks the policy for a plan and runs its actions into texts. No SQL: the engine records the
decision afterwards in one transaction (turn.py), and a test can call this directly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.content.knowledge import Text
from bot.content.model import Button
from bot.content.taxonomy import FALLBACK_TOPIC
from bot.desk.desk import MUNICIPALITY_INTENT
from bot.engine.commands import Command
from bot.engine.conversation_risk import conversation_risk
from bot.engine.dialogue import Plan, TurnFacts
from bot.engine.language import detect_language
from bot.engine.messages import Incoming
from bot.engine.parts import EngineParts
from bot.nlu.features import SparseVector
from bot.nlu.intent import IntentGuess
from bot.nlu.normalise import Normalised
from bot.risk.lexicon import RiskAssessment
from bot.storage.cases import Case

CONTEXT_WORDS = 12  # messages up to this long are read in the light of the current topic
CONTEXT_BOOST = 0.12  # a short message leans this much towards the current topic
TINY_WORDS, TINY_BOOST = 3, 0.25  # "mag dat", "is dat erg": all context, lean more
MAX_REMEMBERED = 40  # digests of texts said, so none is said twice word for word
AGAIN_VARIANTS = 3
MAX_PARTS = 8  # an article has at most this many "meer" parts worth looking through
ANSWER_TOPIC, ANSWER_DETAIL = "action_answer_topic", "action_answer_detail"
STICKY_LANGUAGE_WORDS = 4  # a shorter message never switches the conversation's language


@dataclass(frozen=True, slots=True)
class TurnInput:
    incoming: Incoming
    message: Normalised
    command: Command | None  # a button, typed command or typed answer to the bot's question
    risk: RiskAssessment  # the message's own, judged first
    vector: SparseVector
    stored: dict[str, Any] | None  # the slots so far; None for a new conversation
    case: Case | None  # the person's open case, as it is now
    municipality: str | None  # a municipality named this turn (button, or typed when asked)


@dataclass(slots=True)
class Decision:
    slots: dict[str, Any]  # what the conversation remembers after this turn
    plan: Plan
    guess: IntentGuess
    command: Command | None
    risk: RiskAssessment  # this turn's own risk (the message's, or the conversation's cues now)
    reported: RiskAssessment  # the conversation's risk, as reported
    texts: list[Text]


class Decider:
    def __init__(self, parts: EngineParts) -> None:
        self.parts = parts

    async def decide(self, turn: TurnInput) -> Decision:
        p, message = self.parts, turn.message
        slots: dict[str, Any] = dict(turn.stored or {})
        slots["language"] = self._language(turn, slots)
        command = turn.command
        audience = (command.entities.get("audience") if command else None) or p.audience.detect(message)
        if audience:
            slots["audience"] = audience
        if slots.get("crisis") and turn.case is None and (turn.stored or {}).get("handover") == "alerted":
            slots["crisis"] = None  # staff closed the crisis case: an ordinary conversation again
        if command is None and turn.municipality:  # the typed answer to "in welke gemeente woon je?"
            command = Command(MUNICIPALITY_INTENT, {"gemeente": turn.municipality})
        guess = IntentGuess(command.intent, 1.0) if command else self._classify(message, turn.vector, slots)
        told = ("", 0.0) if command else (guess.intent, guess.confidence)
        reported = conversation_risk(turn.risk, p.conversation_cues, message.tokens, slots, told)
        # This turn's own risk: the message's, or what the conversation's cues add up to now;
        # a risk carried over from before (no signal) is reported but asks nothing new.
        risk = reported if reported.signal is not None or turn.risk.is_risk else turn.risk
        case = turn.case
        facts = TurnFacts(
            risk,
            guess,
            message.text,
            message.is_empty and not command,
            staff_present=case is not None and case.status == "claimed" and not case.user_left,
            is_command=command is not None,
            media_refused=turn.incoming.media_refused,
            audience_stated=audience is not None and turn.stored is not None,
            upset=p.distress.upset(message),
        )
        plan = p.policy.plan(facts, slots)
        slots.update(plan.slot_changes)
        slots["answer_topic"] = slots.pop("from", None) or plan.topic  # a follow-up may come from its home
        run = _Run(p, turn, command, risk, guess, slots)
        texts = await run.unrepeated(await run(plan.actions), plan)
        return Decision(slots, plan, guess, command, risk, reported, texts)

    def _classify(self, message: Normalised, vector: SparseVector, slots: dict[str, Any]) -> IntentGuess:
        """The intent, read in the light of the conversation: a short message after a topic
        leans towards that topic."""
        if not self.parts.normaliser.knows_any(message):
            return IntentGuess(FALLBACK_TOPIC, 0.0)
        last = slots.get("last_topic")
        if not last or len(message.tokens) > CONTEXT_WORDS:
            return self.parts.classifier.predict(vector)
        boost = TINY_BOOST if len(message.tokens) <= TINY_WORDS else CONTEXT_BOOST
        return self.parts.classifier.predict(vector, {last: boost})

    @staticmethod
    def _language(turn: TurnInput, slots: dict[str, Any]) -> str:
        if len(turn.message.tokens) < STICKY_LANGUAGE_WORDS and slots.get("language"):
            return str(slots["language"])  # "thx", "oke thanks": keep the conversation's language
        return detect_language(turn.message.tokens, turn.incoming.language_hint or slots.get("language"))


class _Run:
    """Running a plan's actions for one turn, and keeping its texts from repeating."""

    def __init__(
        self,
        parts: EngineParts,
        turn: TurnInput,
        command: Command | None,
        risk: RiskAssessment,
        guess: IntentGuess,
        slots: dict[str, Any],
    ) -> None:
        self.parts, self.slots = parts, slots
        self.conversation, self.text = turn.incoming.conversation_id, turn.message.original
        self.command, self.risk, self.guess = command, risk, guess

    async def __call__(self, actions: list[str]) -> list[Text]:
        """Responses are rendered directly, actions run through rasa_sdk."""
        out: list[Text] = []
        for name in actions:
            if name.startswith("utter_"):
                out.append(self.parts.knowledge.response(name, self.slots["language"]))
                continue
            dispatcher = CollectingDispatcher()
            events = await self.parts.actions[name].run(dispatcher, self._tracker(), {})
            for event in events:
                if event.get("event") == "slot":
                    self.slots[event["name"]] = event["value"]
            out.extend(
                Text(
                    m.get("text") or "",
                    tuple(Button(b["title"], b["payload"]) for b in m.get("buttons") or []),
                )
                for m in dispatcher.messages
            )
        return out

    async def unrepeated(self, texts: list[Text], plan: Plan) -> list[Text]:
        """Never the same text twice in one conversation: an article's answer given before
        moves on to its next part; anything else gets a varied lead-in, also the part that
        answers a question asked again ("moet ik betalen?" twice gets "nee" twice, as a
        volunteer would). What is open at night is listed once."""
        said = list(self.slots.get("said") or [])
        out: list[Text] = []
        for index, text in enumerate(texts):
            core, block = self._split(text)
            if core and _digest(core) in said:
                article = index == 0 and plan.actions[:1] == [ANSWER_TOPIC]
                text = await self._instead_of_repeat(text, article, said)
                core, block = self._split(text)
            if block and _digest(block) in said:
                text = Text(core, text.buttons)
            elif block:
                said.append(_digest(block))
            said.append(_digest(core))
            out.append(text)
        self.slots["said"] = said[-MAX_REMEMBERED:]
        return out

    def _split(self, text: Text) -> tuple[str, str]:
        """The text without the open-now list, and that list ("" when it has none): the list
        is shown once a conversation and compared apart."""
        block = self.parts.knowledge.open_now_block(text.text) or ""
        return text.text.replace(block, ""), block

    async def _instead_of_repeat(self, text: Text, article: bool, said: list[str]) -> Text:
        """The article's next part not yet given, or the same text with a varied lead-in."""
        for _ in range(MAX_PARTS if article else 0):
            more = await self(["action_more"])
            if not more or (not more[0].buttons and not self.slots.get("more_index")):
                break  # no parts left ("utter_no_more")
            if _digest(self._split(more[0])[0]) not in said:
                return more[0]
        repeats = int(self.slots.get("repeats") or 0) + 1
        self.slots["repeats"] = repeats
        variant = (repeats - 1) % AGAIN_VARIANTS + 1
        lead = self.parts.knowledge.response(f"utter_again_{variant}", self.slots["language"])
        return Text(f"{lead.text}\n\n{text.text}", text.buttons)

    def _tracker(self) -> Tracker:
        command = self.command
        entities = [{"entity": k, "value": v} for k, v in (command.entities.items() if command else [])]
        latest = {
            "text": self.text,
            "intent": {"name": self.guess.intent, "confidence": self.guess.confidence},
            "entities": entities,
            "metadata": {"risk": {"level": self.risk.level, "category": self.risk.category}},
        }
        return Tracker(self.conversation, dict(self.slots), latest, [], False, None, {}, None)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]
