"""The shape of every file in knowledge/ and intents/ (and escalation/messages.yml), as
pydantic models. Loading (bot.content.loader) turns them into the plain dataclasses of
bot.content.model, with file and line for each part; checks that need more than one file
(topics, placeholders, sourced numbers) are in bot.content.check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from bot.content.model import AUDIENCES, LANGUAGES, WEEKDAYS
from bot.content.typed import Location, Model, Text

RASA_VERSION = "3.1"
HH_MM = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")


def _per_language(value: Any) -> Any:
    """'text' (the same in every language) or {nl: ..., en: ...}."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return {lang: str(value) for lang in LANGUAGES}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    raise ValueError("must be text, or {nl: ..., en: ...}")


PerLanguage = Annotated[dict[str, str], BeforeValidator(_per_language)]


class SourceModel(Model):
    organisation: Text
    url: Text
    checked: Text
    supports: tuple[str, ...] = ()


# --- knowledge/<topic>.yml ---------------------------------------------------------------


class MoreModel(Model):
    title: Text
    text: Text
    detail: Text | None = None  # the follow-up this part answers ("betalen")


class TextModel(Model):
    title: Text
    answer: Text
    more: tuple[MoreModel, ...] = ()


class AudienceModel(Model):
    """An audience's text in every language, or `same_as: <audience>`."""

    same_as: str | None = None
    nl: TextModel | None = None
    en: TextModel | None = None


class TextsModel(Model):
    jongere: AudienceModel
    ouder: AudienceModel
    professional: AudienceModel

    def audience(self, name: str) -> AudienceModel:
        return getattr(self, name)


def _open_point(value: str) -> str:
    if not value.strip():
        raise ValueError("must be a sentence, not empty")
    return value.strip()


class ArticleFile(Model):
    hints: ClassVar[dict[str, str]] = {f"texts.{a}": "write it or say same_as" for a in AUDIENCES}

    topic: Text
    reviewed_by: Text
    reviewed_on: Text
    review_every_months: int = Field(12, gt=0)
    related: tuple[Text, ...] = ()
    sources: list[SourceModel] = Field(min_length=1)
    open_points: tuple[Annotated[str, AfterValidator(_open_point)], ...] = ()
    texts: TextsModel

    def fallbacks(self) -> dict[str, str]:
        return {a: t.same_as for a in AUDIENCES if (t := self.texts.audience(a)) and t.same_as}

    def rule_audiences(self) -> Iterable[tuple[Location, str]]:
        fallbacks = self.fallbacks()
        for audience in AUDIENCES:
            text = self.texts.audience(audience)
            if audience in fallbacks:
                target = fallbacks[audience]
                if target not in AUDIENCES or target in fallbacks or target == audience:
                    yield ("texts", audience), f"'{audience}' same_as '{target}' must name a written audience"
            else:
                for lang in LANGUAGES:
                    if getattr(text, lang) is None:
                        yield (
                            ("texts", audience),
                            f"'texts.{audience}.{lang}' is missing (write it or say same_as)",
                        )


# --- knowledge/contacts.yml --------------------------------------------------------------


def _time(value: str) -> str:
    if not HH_MM.match(value):
        raise ValueError('must be a time "HH:MM" ("24:00" for midnight)')
    return value


class SlotModel(Model):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(min_length=1)
    start: Annotated[str, AfterValidator(_time)] = Field(alias="from")
    end: Annotated[str, AfterValidator(_time)] = Field(alias="to")

    def rule_order(self) -> Iterable[tuple[Location, str]]:
        """A slot may run past midnight ("22:00" to "02:00"), but must not be empty."""
        if self.start == self.end:
            yield ("from",), f'opens and closes at {self.start}: write "00:00" to "24:00" for a whole day'


ALWAYS = [{"days": list(WEEKDAYS), "from": "00:00", "to": "24:00"}]


def _opening(value: Any) -> Any:
    if value == "always":
        return ALWAYS
    if isinstance(value, list):
        return value
    raise ValueError('must be \'always\' or a list of {days: [mon, ...], from: "HH:MM", to: "HH:MM"}')


class ContactModel(Model):
    name: PerLanguage
    phone: Text | None = None
    url: Text | None = None
    hours: PerLanguage = Field(default_factory=dict)
    about: PerLanguage = Field(default_factory=dict)
    local: bool = False
    source: SourceModel
    open: Annotated[list[SlotModel], BeforeValidator(_opening)] | None = None

    def rule_slots(self) -> Iterable[tuple[Location, str]]:
        for i, slot in enumerate(self.open or ()):
            for loc, message in slot.problems():
                yield ("open", i, *loc), message


class ContactsFile(Model):
    contacts: dict[str, ContactModel] = Field(min_length=1)

    def rule_contacts(self) -> Iterable[tuple[Location, str]]:
        for key, contact in self.contacts.items():
            for loc, message in contact.problems():
                yield ("contacts", key, *loc), f"contact '{key}': {message}"


# --- intents/<language>/<topic>.yml, risk/risk_examples/*.yml ----------------------


class NluEntry(Model):
    intent: Text
    examples: str = ""


class NluFile(Model):
    version: str
    nlu: tuple[NluEntry, ...] = ()

    def rule_version(self) -> Iterable[tuple[Location, str]]:
        if self.version != RASA_VERSION:
            yield ("version",), f'version must be "{RASA_VERSION}" (Rasa NLU format)'

    def rule_examples(self) -> Iterable[tuple[Location, str]]:
        for i, entry in enumerate(self.nlu):
            if entry is not None and not entry.examples.strip():
                yield ("nlu", i, "intent"), f"intent '{entry.intent}' has no examples"


# --- intents/rules.yml ---------------------------------------------------------------------


class StepModel(Model):
    intent: Text | None = None
    action: Text | None = None


class RuleModel(Model):
    rule: str = ""
    steps: tuple[StepModel, ...] = ()

    def intent_and_action(self) -> tuple[str, str] | None:
        intents = [s.intent for s in self.steps if s.intent]
        actions = [s.action for s in self.steps if s.action]
        return (intents[0], actions[0]) if len(intents) == 1 and len(actions) == 1 else None


class RulesFile(Model):
    version: str | None = None
    rules: tuple[RuleModel, ...] = ()

    def rule_steps(self) -> Iterable[tuple[Location, str]]:
        for i, rule in enumerate(self.rules):
            if rule is not None and rule.intent_and_action() is None:
                yield ("rules", i), "a rule needs one '- intent:' step and one '- action:' step"


# --- intents/responses.yml, escalation/messages.yml ----------------------------------------


class ButtonModel(Model):
    title: Text
    payload: Text


class ConditionModel(Model):
    type: Literal["slot"] = "slot"
    name: Text
    value: Text


class VariationModel(Model):
    """One variation of a Rasa response, chosen by a condition on the slot 'language'."""

    text: Text
    buttons: tuple[ButtonModel, ...] = ()
    condition: tuple[ConditionModel, ...] = ()

    def language(self) -> str | None:
        return next((c.value for c in self.condition if c.name == "language"), None)


Responses = dict[str, tuple[VariationModel, ...]]


def _response_problems(key: str, responses: Responses) -> Iterable[tuple[Location, str]]:
    for name, variations in responses.items():
        languages = [v.language() for v in variations]
        for i, lang in enumerate(languages):
            if lang is None:
                yield (key, name, i), f"response '{name}' needs a condition on slot 'language'"
        for lang in LANGUAGES:
            if lang not in languages:
                yield (key, name), f"response '{name}' has no '{lang}' variation"


class ResponsesFile(Model):
    version: str | None = None
    sources: list[SourceModel] = Field(min_length=1)
    responses: Responses = Field(default_factory=dict)

    def rule_languages(self) -> Iterable[tuple[Location, str]]:
        return _response_problems("responses", self.responses)


class MessagesFile(Model):
    version: str | None = None
    sources: list[SourceModel] = Field(min_length=1)
    messages: Responses = Field(default_factory=dict)

    def rule_languages(self) -> Iterable[tuple[Location, str]]:
        return _response_problems("messages", self.messages)


# --- intents/audience.yml --------------------------------------------------------------------


class AudienceFile(Model):
    version: int | None = None
    cues: dict[str, list[Text]]


# --- intents/answers.yml, intents/distress.yml, intents/follow_ups.yml -----------------------

PhrasesPerLanguage = dict[Literal["nl", "en"], list[Text]]


class AnswersFile(Model):
    """Typed answers to the bot's own questions, and words that make a message a goodbye."""

    ja: PhrasesPerLanguage
    nee: PhrasesPerLanguage
    weet_niet: PhrasesPerLanguage = Field(alias="weet-niet")
    afsluiten: PhrasesPerLanguage
    meer: PhrasesPerLanguage


class DistressFile(Model):
    nl: list[Text]
    en: list[Text]


class FollowUpsFile(Model):
    homes: dict[str, Text]  # follow-up detail -> the article that answers it by default


# --- risk/conversation_risk.yml ---------------------------------------------------------------


class SextortionCues(Model):
    threat: list[Text]
    money: list[Text]
    deadline: list[Text]


class GroomingCues(Model):
    minor_ages: list[Text]
    adult_ages: list[Text]
    relation: list[Text]
    min_gap: int = Field(default=3, ge=1)  # years between the adult and the minor: 18 and 16 are peers


class ToldSituationCues(Model):
    min_confidence: float = Field(ge=0, le=1)
    min_words: int = Field(ge=1)
    categories: dict[str, Text]
    personal: list[Text]
    general: list[Text]


class ConversationRiskFile(Model):
    sextortion: SextortionCues
    grooming: GroomingCues
    told_situation: ToldSituationCues
