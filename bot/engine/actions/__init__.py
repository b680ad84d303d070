"""Our dialogue actions as rasa_sdk Actions: run in-process here, servable by rasa-sdk too."""

from __future__ import annotations

from rasa_sdk import Action

from bot.content.knowledge import Knowledge
from bot.engine.actions.answers import (
    ActionAnswerDetail,
    ActionAnswerTopic,
    ActionClarify,
    ActionMore,
    ActionTopicMenu,
)
from bot.engine.actions.escalation import ActionAcceptHandover, ActionCrisis, ActionOfferHuman
from bot.engine.actions.slots import ActionSetAudience

ACTION_CLASSES: tuple[type[Action], ...] = (
    ActionAnswerTopic,
    ActionAnswerDetail,
    ActionClarify,
    ActionMore,
    ActionTopicMenu,
    ActionCrisis,
    ActionOfferHuman,
    ActionAcceptHandover,
    ActionSetAudience,
)


def build_actions(knowledge: Knowledge) -> dict[str, Action]:
    """The explicit registry: action name -> instance."""
    actions = [cls(knowledge) for cls in ACTION_CLASSES]
    return {a.name(): a for a in actions}


def action_names() -> set[str]:
    return {cls.NAME for cls in ACTION_CLASSES}


__all__ = ["ACTION_CLASSES", "action_names", "build_actions"]
