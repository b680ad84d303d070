"""A tracker from Rasa, turned into the tracker our engine would have built for the same message.

Rasa names things its own way and knows nothing of our risk check: a typed /mens arrives as the
intent `mens`, a crisis as the intent `risk_zelfdoding`. Our actions read the topic from the
intent and the crisis category from latest_message.metadata.risk, so the action server puts
both there before an action runs, and the actions stay exactly what the engine runs in-process.
"""

from __future__ import annotations

from typing import Any

from bot.engine import EngineParts, judge_risk
from bot.engine.commands import COMMAND_INTENTS, parse_command
from bot.risk.lexicon import NO_RISK, RANK, Level, RiskAssessment
from bot.risk.model import ACUTE_CATEGORIES

RISK_INTENT_PREFIX = "risk_"
# Typed commands that Rasa sees as intents of their own, and the intent they stand for.
INTENT_ALIASES = {alias: intent for alias, intent in COMMAND_INTENTS.items() if alias != intent}


def adapt(state: dict[str, Any], parts: EngineParts) -> dict[str, Any]:
    """A copy of the tracker state with our intent name and our risk verdict on the latest message."""
    latest = dict(state.get("latest_message") or {})
    intent = dict(latest.get("intent") or {})
    rasa_intent = str(intent.get("name") or "")
    intent["name"] = INTENT_ALIASES.get(rasa_intent, rasa_intent)
    # Always our own verdict: a channel's message metadata reaches this tracker and could be forged.
    risk = assess(parts, str(latest.get("text") or ""), rasa_intent)
    metadata = {**(latest.get("metadata") or {}), "risk": _as_metadata(risk)}
    return {**state, "latest_message": {**latest, "intent": intent, "metadata": metadata}}


def assess(parts: EngineParts, text: str, rasa_intent: str) -> RiskAssessment:
    """Our lexicon and model on the text, as Engine.handle runs them; Rasa's risk intent if that is higher.

    A button payload or typed command is not risk-checked, as in the engine.
    """
    found = NO_RISK
    if text and parse_command(text, parts.known_intents) is None:
        _, found = judge_risk(parts, parts.normaliser(text), text)
    said = intent_risk(rasa_intent)
    return said if RANK[said.level] > RANK[found.level] else found


def intent_risk(rasa_intent: str) -> RiskAssessment:
    """The verdict an exported risk intent (risk_<category>) stands for."""
    if not rasa_intent.startswith(RISK_INTENT_PREFIX):
        return NO_RISK
    category = rasa_intent.removeprefix(RISK_INTENT_PREFIX)
    level: Level = "acute" if category in ACUTE_CATEGORIES else "high"
    return RiskAssessment(level, category, f"rasa:{rasa_intent}")


def _as_metadata(risk: RiskAssessment) -> dict[str, str | None]:
    return {"level": risk.level, "category": risk.category, "signal": risk.signal}


def risk_of(state: dict[str, Any]) -> RiskAssessment:
    """The verdict adapt() put on the latest message."""
    risk = ((state.get("latest_message") or {}).get("metadata") or {}).get("risk") or {}
    level = risk.get("level")
    if level not in RANK:
        return NO_RISK
    return RiskAssessment(level, risk.get("category"), risk.get("signal"))


def this_turn(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The events since the person's latest message: what earlier actions of this turn did.

    Rasa may call several of our actions for one message (a rule with two steps); each call
    carries the events of the ones before it."""
    events = list(state.get("events") or [])
    starts = [i for i, e in enumerate(events) if isinstance(e, dict) and e.get("event") == "user"]
    return events[starts[-1] + 1 :] if starts else events


def slot_set_this_turn(state: dict[str, Any], slot: str, value: Any) -> bool:
    return any(
        e.get("event") == "slot" and e.get("name") == slot and e.get("value") == value
        for e in this_turn(state)
    )
