"""What crosses the engine's edge: plain, frozen data that any channel can build and read."""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.knowledge import Text
from bot.risk.lexicon import RiskAssessment


@dataclass(frozen=True, slots=True)
class Incoming:
    conversation_id: str  # a keyed pseudonym, never a raw channel id
    text: str = ""
    payload: str | None = None  # a tapped button's payload
    channel: str = "terminal"
    language_hint: str | None = None
    update_key: str | None = None  # the channel's id of this update: handled once, even after a crash
    media_refused: bool = False  # a photo, video, file... was sent and refused: only this fact
    deliver_via_outbox: bool = False  # replies become outbox rows in the turn's transaction


# One reply is one content Text (text and buttons): the same type from the action that wrote
# it to the channel that shows it, never converted on the way.
Reply = Text


@dataclass(frozen=True, slots=True)
class Outcome:
    replies: tuple[Reply, ...]
    topic: str
    confidence: float
    risk: RiskAssessment
    handover: str | None  # "alerted", "offered" or None
    language: str
    audience: str | None
    duplicate: bool = False  # this update was handled before: send nothing

    @property
    def text(self) -> str:
        """All text of this turn's reply, as the evaluation reads it."""
        return "\n\n".join(r.text for r in self.replies)


# The outcome of an update that was already handled (a channel re-delivered it).
DUPLICATE = Outcome((), "onbegrepen", 0.0, RiskAssessment("none", None, None), None, "nl", None, True)
