"""The intents of the exported Rasa project, each with its examples and what our policy runs for it.

The actions come from our own Policy, asked once per intent, so the exported rules cannot drift
from what the engine does. Every rule runs an action we serve, so every message passes our risk
judge: a plan of responses only becomes action_reply, and the steps the engine hands straight to
the desk (a municipality, /stop, /wis confirmed) get the actions of bot/rasa/actions.py. What a
rule cannot say is left out: the engine's slot-dependent steps (asking who is talking, "not
understood twice"); high risk is added by the action server (the offer after a topic answer).

Risk: the acute categories (zelfdoding, acuut-gevaar) are exported as intents risk_<category>,
routed to action_crisis, so a Rasa deployment can recognise a crisis at all. High-risk categories
are not: in our bot high risk adds the offer of a human to the topic answer, and an example like
"iemand chanteert me" would be taken from the sextortion intent. risk/none is not an intent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.content.model import Content
from bot.content.taxonomy import FALLBACK_TOPIC
from bot.engine import EngineParts
from bot.engine.commands import BUTTON_INTENTS
from bot.engine.dialogue import TurnFacts
from bot.nlu.intent import IntentGuess
from bot.rasa.actions import DESK_RULES, REPLY_ACTION
from bot.rasa.adapter import INTENT_ALIASES, RISK_INTENT_PREFIX
from bot.risk.lexicon import NO_RISK, RiskAssessment
from bot.risk.model import ACUTE_CATEGORIES

FALLBACK_INTENT = "nlu_fallback"  # Rasa's FallbackClassifier intent, our onbegrepen


@dataclass(frozen=True, slots=True)
class RasaIntent:
    name: str
    examples: tuple[str, ...]  # empty for intents that only come from buttons and commands
    actions: tuple[str, ...]


def project_intents(parts: EngineParts, content: Content) -> list[RasaIntent]:
    """Topic intents, acute risk intents, button and command intents, and the fallback."""
    risk = _risk_examples(content)
    crisis_texts = {text for texts in risk.values() for text in texts}
    topics: dict[str, list[str]] = defaultdict(list)
    for ex in content.examples:
        if ex.text not in crisis_texts:  # one label per text in Rasa; the crisis label is the safe one
            topics[ex.topic].append(ex.text)
    out = [RasaIntent(t, tuple(texts), _actions(parts, t)) for t, texts in sorted(topics.items())]
    for category, texts in sorted(risk.items()):
        verdict = RiskAssessment("acute", category, None)
        out.append(RasaIntent(RISK_INTENT_PREFIX + category, tuple(texts), _actions(parts, "", verdict)))
    for name in sorted(BUTTON_INTENTS - topics.keys()):
        out.append(RasaIntent(name, (), _actions(parts, name)))
    for alias, target in sorted(INTENT_ALIASES.items()):
        out.append(RasaIntent(alias, (), _actions(parts, target)))
    out.append(RasaIntent(FALLBACK_INTENT, (), _actions(parts, FALLBACK_TOPIC)))
    return out


def _risk_examples(content: Content) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for ex in content.risk_examples:
        category = ex.intent.removeprefix("risk/")
        if category in ACUTE_CATEGORIES:
            out[category].append(ex.text)
    return out


def planned(parts: EngineParts, intent: str, risk: RiskAssessment = NO_RISK) -> tuple[str, ...]:
    """What the engine's policy plans for this intent on a fresh turn, audience already asked."""
    plan = parts.policy.plan(TurnFacts(risk, IntentGuess(intent, 1.0), ""), {"audience_asked": True})
    return tuple(plan.actions)


def _actions(parts: EngineParts, intent: str, risk: RiskAssessment = NO_RISK) -> tuple[str, ...]:
    """The rule's actions: the policy's plan; for the steps the engine gives straight to the
    desk, the action that does it behind Rasa; a plan of responses only is served by
    action_reply, so the message passes our risk judge (a response never calls the server)."""
    if intent in DESK_RULES and risk is NO_RISK:
        return DESK_RULES[intent]
    plan = planned(parts, intent, risk)
    if plan and all(name.startswith("utter_") for name in plan):
        return (REPLY_ACTION,)
    return plan
