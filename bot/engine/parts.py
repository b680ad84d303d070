"""What an engine is built from (by bot/app.py, once) and the risk judgement every text gets."""

from __future__ import annotations

from dataclasses import dataclass

from rasa_sdk import Action

from bot.content.escalation import EscalationConfig
from bot.content.knowledge import Knowledge
from bot.engine.audience import AudienceDetector
from bot.engine.conversation_risk import ConversationCues
from bot.engine.dialogue import Policy
from bot.engine.distress import DistressCues
from bot.engine.typed_answers import TypedAnswers
from bot.nlu.features import FeatureSpace, SparseVector
from bot.nlu.intent import IntentClassifier
from bot.nlu.normalise import Normalised, Normaliser
from bot.risk.judge import RiskJudge
from bot.risk.lexicon import RiskAssessment


@dataclass(frozen=True, slots=True)
class EngineParts:
    normaliser: Normaliser
    features: FeatureSpace
    risk: RiskJudge
    classifier: IntentClassifier
    audience: AudienceDetector
    policy: Policy
    knowledge: Knowledge
    actions: dict[str, Action]
    known_intents: set[str]
    escalation: EscalationConfig
    typed_answers: TypedAnswers
    conversation_cues: ConversationCues
    distress: DistressCues


def judge_risk(parts: EngineParts, message: Normalised, raw: str) -> tuple[SparseVector, RiskAssessment]:
    """The message's features (shared with the intent model) and its risk, judged on the
    whole text: normalised again only when the length cap cut it."""
    vector = parts.features.vector(message.text)
    full = parts.normaliser.full_text(raw) if message.truncated else message
    return vector, parts.risk.assess(full, vector)
