"""rasa-sdk's ActionExecutor with our action instances registered, adapted trackers in, alerts out.

Subclassing the executor, not wrapping the HTTP app, keeps every answer of /health, /actions and
/webhook (404, 449, 400, 500 and their bodies) exactly rasa-sdk's own.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk.executor import ActionExecutor, ActionExecutorRunResult, CollectingDispatcher

from bot.engine import EngineParts
from bot.rasa.adapter import adapt, risk_of
from bot.rasa.escalation import EscalationRecorder


class BotExecutor(ActionExecutor):
    def __init__(self, parts: EngineParts, recorder: EscalationRecorder | None = None) -> None:
        super().__init__()
        self.parts = parts
        self.recorder = recorder
        for action in parts.actions.values():  # the same instances the engine runs, not re-imported classes
            self.register_action(action)

    async def run(
        self,
        action_call: dict[str, Any],
        sink: asyncio.Queue | None = None,
        dispatcher: CollectingDispatcher | None = None,
    ) -> ActionExecutorRunResult | None:
        tracker = action_call.get("tracker")
        if action_call.get("next_action") not in self.actions or not isinstance(tracker, dict):
            return await super().run(action_call, sink, dispatcher)  # rasa-sdk's own error paths
        adapted = adapt(tracker, self.parts)
        result = await super().run({**action_call, "tracker": adapted}, sink, dispatcher)
        if result is not None and self.recorder is not None:
            self.recorder.record(adapted, risk_of(adapted), result.events, result.responses)
        return result
