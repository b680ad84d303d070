"""Composition root: content, models and storage wired into an Engine, nothing at import time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.common.clock import Clock, utc_now
from bot.common.settings import Settings, placeholder_settings
from bot.content.check import check_content
from bot.content.escalation import load_escalation
from bot.content.knowledge import Knowledge
from bot.content.loader import load_content
from bot.content.model import Content
from bot.content.render import Renderer
from bot.content.reviews import review_notice
from bot.content.taxonomy import Taxonomy, load_taxonomy
from bot.content.yamlsrc import ContentError, LineDict, Problem
from bot.engine import Engine, EngineParts
from bot.engine.actions import action_names, build_actions
from bot.engine.audience import AudienceDetector
from bot.engine.commands import BUTTON_INTENTS, COMMAND_INTENTS
from bot.engine.conversation_risk import ConversationCues
from bot.engine.dialogue import Policy
from bot.engine.distress import DistressCues
from bot.engine.typed_answers import TypedAnswers
from bot.nlu.intent import IntentClassifier
from bot.nlu.normalise import Normaliser
from bot.nlu.phrases import compile_pattern
from bot.nlu.training import Labelled, train_models
from bot.risk.compile import build_detector, read_model_settings
from bot.risk.judge import RiskJudge
from bot.risk.lexicon import RiskDetector
from bot.risk.model import RiskModel, RiskModelSettings
from bot.storage.conversations import ConversationStore
from bot.storage.db import open_database


def load_checked_content(root: Path, advice: bool = True) -> tuple[Content, list[Problem]]:
    """Load and check everything; the problems include warnings (`advice`: readability too)."""
    taxonomy = load_taxonomy()
    content, problems = _load_and_check(root, taxonomy, advice)
    return content, problems + _compile_risk(content, taxonomy, Normaliser())[2]


def _load_and_check(root: Path, taxonomy: Taxonomy, advice: bool) -> tuple[Content, list[Problem]]:
    """All content and its problems, except the risk lexicon's (compiled apart, once)."""
    content, problems = load_content(root)
    content.escalation, escalation_problems = load_escalation(root)
    problems += escalation_problems
    problems += check_content(
        content,
        set(taxonomy.topics),
        set(taxonomy.risk_categories),
        action_names(),
        set(BUTTON_INTENTS | set(COMMAND_INTENTS.values())),
        advice=advice,
    )
    return content, problems


def _compile_risk(
    content: Content, taxonomy: Taxonomy, normaliser: Normaliser
) -> tuple[RiskDetector | None, RiskModelSettings | None, list[Problem]]:
    """The risk lexicon and the model's settings from risk/risk.yml, with their problems."""
    if content.risk_where is None or not isinstance(content.risk, LineDict):
        return None, None, []
    path = content.risk_where.path
    detector, problems = build_detector(content.risk, path, normaliser, set(taxonomy.risk_categories))
    model_settings, more = read_model_settings(content.risk, path, set(taxonomy.topics))
    return detector, model_settings, problems + more


def build_parts(settings: Settings) -> tuple[EngineParts, Content]:
    """Everything the engine needs, each piece built once; raises ContentError on invalid content."""
    taxonomy = load_taxonomy()
    content, problems = _load_and_check(settings.content_dir, taxonomy, advice=False)
    normaliser = Normaliser(_vocabulary(content))
    detector, model_settings, risk_problems = _compile_risk(content, taxonomy, normaliser)
    errors = [p for p in problems + risk_problems if not p.warning]
    if errors:
        raise ContentError(errors)
    escalation = content.escalation
    if escalation is None or detector is None or model_settings is None:  # reported above already
        raise ContentError([Problem(settings.content_dir, 1, "escalation/ or risk/ is incomplete")])
    models = train_models(
        [Labelled(normaliser(ex.text).text, ex.intent) for ex in content.examples],
        [Labelled(normaliser(ex.text).text, ex.intent.removeprefix("risk/")) for ex in content.risk_examples],
        model_settings.disclosure_topics,
        settings.cache_dir,
    )
    risk_model = RiskModel(models.risk, model_settings) if models.risk else None
    renderer = Renderer(
        content.contacts,
        placeholder_settings(settings.text_retention_hours, escalation.case_retention_days),
        utc_now,  # replies say which services are closed now (an Engine sets its own clock)
    )
    knowledge = Knowledge(content, renderer)
    cues = {
        audience: tuple(compile_pattern(phrase, normaliser, frozenset()) for phrase, _ in phrases)
        for audience, phrases in content.audience_cues.items()
    }
    rules = {r.intent: r.action for r in content.rules}
    differs = {t for t, a in content.articles.items() if a.differs_by_audience}
    parts = EngineParts(
        normaliser=normaliser,
        features=models.features,
        risk=RiskJudge(detector, risk_model, models.features),
        classifier=IntentClassifier(models.intent),
        audience=AudienceDetector(cues),
        policy=Policy(
            rules,
            _details(content),
            differs,
            content.follow_up_homes,
            review_notice(content.articles.values()),
        ),
        knowledge=knowledge,
        actions=build_actions(knowledge),
        known_intents={ex.intent for ex in content.examples} | BUTTON_INTENTS,
        escalation=escalation,
        conversation_cues=ConversationCues.of(content.conversation_cues),
        distress=DistressCues(content.distress_phrases, normaliser),
        typed_answers=TypedAnswers(content.answer_phrases, normaliser),
    )
    return parts, content


def build_engine(settings: Settings, db_path: Path | None = None, clock: Clock = utc_now) -> Engine:
    parts, _ = build_parts(settings)
    db = open_database(db_path or settings.db_path)
    retention = timedelta(hours=settings.text_retention_hours)
    return Engine(parts, ConversationStore(db, settings.key_id), clock, retention)


def _details(content: Content) -> dict[str, set[str]]:
    """Article topic -> the follow-up details its `more` parts answer (in any audience)."""
    return {
        topic: {part.detail for text in article.texts.values() for part in text.more if part.detail}
        for topic, article in content.articles.items()
    }


def _vocabulary(content: Content) -> set[str]:
    """Every word of the training examples, as the normaliser would produce it."""
    plain = Normaliser()
    return {word for ex in (*content.examples, *content.risk_examples) for word in plain(ex.text).tokens}
