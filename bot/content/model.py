"""Plain data for loaded content; no parsing or checking here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

AUDIENCES = ("jongere", "ouder", "professional")
LANGUAGES = ("nl", "en")
NO_RISK_LABEL = "none"  # the risk examples' label for "no risk": risk/none

if TYPE_CHECKING:
    from bot.content.escalation import EscalationConfig
    from bot.content.schema import ConversationRiskFile


@dataclass(frozen=True, slots=True)
class Where:
    path: Path
    line: int


@dataclass(frozen=True, slots=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class Source:
    organisation: str
    url: str
    checked: str
    supports: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MorePart:
    title: str
    text: str
    where: Where
    detail: str | None = None  # the follow-up this part answers: "betalen", "al-verspreid", ...


@dataclass(frozen=True, slots=True)
class ArticleText:
    title: str
    answer: str
    more: tuple[MorePart, ...]
    where: Where


@dataclass(frozen=True, slots=True)
class Article:
    topic: str
    where: Where
    related: tuple[str, ...]
    related_where: Where
    sources: tuple[Source, ...]
    reviewed_by: str
    reviewed_on: str
    review_every_months: int
    texts: dict[tuple[str, str], ArticleText]  # (audience, language) -> text, fallbacks resolved
    fallbacks: dict[str, str]  # audience -> audience it falls back to
    review_where: Where | None = None  # line of reviewed_on, for the review warning
    open_points: tuple[str, ...] = ()  # what only the werkgroep can confirm (`open_points:`)

    @property
    def differs_by_audience(self) -> bool:
        """True when not every audience shares one text: then knowing the audience matters."""
        return len({self.texts[(a, "nl")].answer for a in AUDIENCES if (a, "nl") in self.texts}) > 1

    def text(self, audience: str, language: str) -> ArticleText:
        return self.texts.get((audience, language)) or self.texts[("jongere", language)]


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class OpenSlot:
    """Weekly opening hours in Dutch local time; "24:00" closes at midnight."""

    days: tuple[str, ...]
    start: str  # "HH:MM"
    end: str  # "HH:MM"


ALWAYS_OPEN = (OpenSlot(WEEKDAYS, "00:00", "24:00"),)


@dataclass(frozen=True, slots=True)
class Contact:
    key: str
    name: dict[str, str]
    phone: str | None
    url: str | None
    hours: dict[str, str]
    about: dict[str, str]
    local: bool
    source: Source
    where: Where
    open: tuple[OpenSlot, ...] | None = None  # None: hours unknown (the site has them)


@dataclass(frozen=True, slots=True)
class Example:
    intent: str
    text: str
    language: str
    where: Where

    @property
    def topic(self) -> str:
        return self.intent.split("/", 1)[0]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    intent: str
    action: str
    where: Where


@dataclass(frozen=True, slots=True)
class Response:
    text: str
    buttons: tuple[Button, ...]
    where: Where


@dataclass(slots=True)
class Content:
    """Everything under intents/, knowledge/, risk/ and escalation/, loaded."""

    root: Path
    articles: dict[str, Article] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    responses: dict[str, dict[str, Response]] = field(default_factory=dict)  # name -> lang -> r
    response_sources: tuple[Source, ...] = ()
    audience_cues: dict[str, tuple[tuple[str, Where], ...]] = field(default_factory=dict)
    risk: dict = field(default_factory=dict)  # raw lexicon, compiled by bot.risk.compile
    risk_examples: list[Example] = field(default_factory=list)  # intents risk/<category>, risk/none
    risk_where: Where | None = None
    answer_phrases: dict[str, list[str]] = field(default_factory=dict)  # intents/answers.yml
    distress_phrases: list[str] = field(default_factory=list)  # intents/distress.yml
    follow_up_homes: dict[str, str] = field(default_factory=dict)  # intents/follow_ups.yml
    conversation_cues: ConversationRiskFile | None = None  # risk/conversation_risk.yml
    messages: dict[str, dict[str, Response]] = field(default_factory=dict)  # escalation texts
    escalation: EscalationConfig | None = None  # routes, office hours, outcomes (bot.content.escalation)
    message_sources: tuple[Source, ...] = ()
    unreadable: set[str] = field(default_factory=set)  # topics whose article file has errors
    broken_contacts: set[str] = field(default_factory=set)  # contacts with errors (reported once)
