"""rasa-sdk's ActionExecutor with our action instances registered, adapted trackers in, alerts out.

Subclassing the executor, not wrapping the HTTP app, keeps every answer of /health, /actions and
/webhook (404, 449, 400, 500 and their bodies) exactly rasa-sdk's own.

Whatever action Rasa chose, our risk judge reads the latest message first, as in our engine:
at acute risk the person gets the crisis reply (and the case opens) instead of what Rasa picked,
once per message; at high risk a topic answer is followed by the offer of a human. A typed
answer to the municipality question counts as that answer, whatever intent Rasa gave it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk.executor import ActionExecutor, ActionExecutorRunResult, CollectingDispatcher

from bot.content.knowledge import Text
from bot.engine import EngineParts
from bot.rasa.actions import MUNICIPALITY_ACTION, desk_actions
from bot.rasa.adapter import adapt, risk_of, slot_set_this_turn
from bot.rasa.escalation import EscalationRecorder
from bot.rasa.reply import ActionReply

CRISIS = "action_crisis"
OFFER = "action_offer_human"
ANSWER = "action_answer_topic"


class BotExecutor(ActionExecutor):
    def __init__(self, parts: EngineParts, recorder: EscalationRecorder | None = None) -> None:
        super().__init__()
        self.parts = parts
        self.recorder = recorder
        for action in parts.actions.values():  # the same instances the engine runs, not re-imported classes
            self.register_action(action)
        for action in (*desk_actions(tuple(parts.escalation.municipalities)), ActionReply(parts)):
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
        risk = risk_of(adapted)
        name = self._instead(str(action_call["next_action"]), adapted)
        if name is None:
            return ActionExecutorRunResult(events=[], responses=[])
        call = {**action_call, "next_action": name, "tracker": adapted}
        result = await super().run(call, sink, dispatcher)
        if result is None:
            return None
        if name == ANSWER and risk.level == "high" and _may_offer(adapted):
            offer = await super().run({**call, "next_action": OFFER})
            if offer is not None:
                result = ActionExecutorRunResult(
                    events=[*result.events, *offer.events], responses=[*result.responses, *offer.responses]
                )
        if self.recorder is not None:
            notices = self.recorder.record(adapted, risk, result.events, result.responses)
            result.responses.extend(_responses(notices))
        return result

    def _instead(self, name: str, state: dict[str, Any]) -> str | None:
        """The action to run for this call; None when this message was answered already."""
        if risk_of(state).is_acute:
            return None if slot_set_this_turn(state, "handover", "alerted") else CRISIS
        if name == OFFER and slot_set_this_turn(state, "handover", "offered"):
            return None  # our high-risk offer came with the topic answer
        if self.recorder is not None and self.recorder.names_a_municipality(state):
            return MUNICIPALITY_ACTION
        return name


def _may_offer(state: dict[str, Any]) -> bool:
    """Not when the person has a human already (accepted) or was alerted on (crisis)."""
    return (state.get("slots") or {}).get("handover") not in ("accepted", "alerted")


def _responses(texts: list[Text]) -> list[dict[str, Any]]:
    """The desk's notices in the shape rasa-sdk's dispatcher gives every response."""
    dispatcher = CollectingDispatcher()
    for text in texts:
        buttons = [{"title": b.title, "payload": b.payload} for b in text.buttons]
        dispatcher.utter_message(text=text.text, buttons=buttons)
    return dispatcher.messages
