"""The engine: one turn of a conversation, the same for every channel.

normalise -> risk -> intent -> dialogue -> actions -> reply (turn.py). It imports the
layers below it (risk, nlu, desk, storage, content, common) and never a channel.
"""

from bot.engine.parts import EngineParts, judge_risk
from bot.engine.turn import Engine

__all__ = ["Engine", "EngineParts", "judge_risk"]
