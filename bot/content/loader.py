"""Read intents/, knowledge/, risk/ and escalation/ into plain data, with every problem as file:line.

Each file is validated by its model in bot.content.schema (bot.content.typed gives the
lines); here the models become the dataclasses of bot.content.model, each part with the
file and line it came from.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ConfigDict

from bot.content.model import (
    AUDIENCES,
    LANGUAGES,
    Article,
    ArticleText,
    Button,
    Contact,
    Content,
    Example,
    MorePart,
    OpenSlot,
    Response,
    Rule,
    Source,
    Where,
)
from bot.content.schema import (
    RASA_VERSION,
    AnswersFile,
    ArticleFile,
    AudienceFile,
    ContactsFile,
    ConversationRiskFile,
    DistressFile,
    FollowUpsFile,
    MessagesFile,
    NluFile,
    Responses,
    ResponsesFile,
    RulesFile,
    SourceModel,
    TextModel,
)
from bot.content.typed import Model, Read, read_file
from bot.content.yamlsrc import LineDict, Problem

__all__ = ["MOVED", "RASA_VERSION", "load_content"]

# Files that lived in escalation/ until risk/ and kwaliteitskompas/ had folders of their own.
# One left behind (a content folder copied before the move) is read by nothing, so say so.
MOVED = {
    "escalation/risk.yml": "risk/risk.yml",
    "escalation/risk_languages.yml": "risk/risk_languages.yml",
    "escalation/conversation_risk.yml": "risk/conversation_risk.yml",
    "escalation/risk_examples": "risk/risk_examples/",
    "escalation/kwaliteitskompas.yml": "kwaliteitskompas/kwaliteitskompas.yml",
}


class _AnyMapping(Model):
    """Any mapping: risk.yml's own shape is checked by bot.risk.compile."""

    model_config = ConfigDict(extra="allow", frozen=True)


def load_content(root: Path) -> tuple[Content, list[Problem]]:
    """Load everything under root; return the content and every problem found in one file."""
    content = Content(root=root)
    problems: list[Problem] = []
    contacts = root / "knowledge" / "contacts.yml"
    problems += _read_contacts(contacts, content)
    for path in sorted((root / "knowledge").glob("*.yml")):
        if path != contacts:
            problems += _read_article(path, content)
    for path in sorted((root / "intents").glob("*/*.yml")):
        problems += _read_nlu(path, path.parent.name, content.examples)
    for path in sorted((root / "risk" / "risk_examples").glob("*.yml")):
        problems += _read_nlu(path, "mixed", content.risk_examples)
    problems += _read_rules(root / "intents" / "rules.yml", content)
    content.response_sources, content.responses, found = _read_texts(
        root / "intents" / "responses.yml", ResponsesFile, "responses"
    )
    problems += found
    problems += _read_audience(root / "intents" / "audience.yml", content)
    problems += _read_risk(root / "risk" / "risk.yml", content)
    problems += _read_conversation(root, content)
    content.message_sources, content.messages, found = _read_texts(
        root / "escalation" / "messages.yml", MessagesFile, "messages"
    )
    problems += found
    problems += [
        Problem(root / old, 1, f"not read here any more: move it to {new}")
        for old, new in MOVED.items()
        if (root / old).exists()
    ]
    return content, problems


def _sources(models: list[SourceModel]) -> tuple[Source, ...]:
    return tuple(Source(s.organisation, s.url, s.checked, tuple(s.supports)) for s in models if s)


def _read_article(path: Path, content: Content) -> list[Problem]:
    read, problems = read_file(path, ArticleFile, path.name)
    data = read.model
    if data is None:
        content.unreadable.add(path.stem)
        return problems
    if data.topic != path.stem:
        problems.append(Problem(path, read.line("topic"), f"topic '{data.topic}' differs from the file name"))
    texts: dict[tuple[str, str], ArticleText] = {}
    for audience in AUDIENCES:
        node = data.texts.audience(audience)
        for lang in LANGUAGES:
            text = getattr(node, lang) if node else None
            if text is not None:
                texts[(audience, lang)] = _article_text(read, text, ("texts", audience, lang))
    fallbacks = data.fallbacks()
    for audience, target in fallbacks.items():
        for lang in LANGUAGES:
            if (target, lang) in texts and target not in fallbacks:
                texts[(audience, lang)] = texts[(target, lang)]
    content.articles[path.stem] = Article(
        topic=data.topic,
        where=Where(path, read.start()),
        related=tuple(data.related),
        related_where=Where(path, read.line("related")),
        sources=_sources(data.sources),
        reviewed_by=data.reviewed_by,
        reviewed_on=data.reviewed_on,
        review_every_months=data.review_every_months,
        texts=texts,
        fallbacks=fallbacks,
        review_where=Where(path, read.line("reviewed_on")),
        open_points=tuple(data.open_points),
    )
    return problems


def _article_text(read: Read, text: TextModel, loc: tuple[str, ...]) -> ArticleText:
    more = tuple(
        MorePart(part.title, part.text, read.where(*loc, "more", i), part.detail)
        for i, part in enumerate(text.more)
    )
    return ArticleText(text.title, text.answer, more, read.where(*loc))


def _read_contacts(path: Path, content: Content) -> list[Problem]:
    read, problems = read_file(path, ContactsFile, "contacts.yml")
    contacts = getattr(read.usable(), "contacts", {})
    written = read.raw.get("contacts") if isinstance(read.raw, dict) else None
    content.broken_contacts = (
        {str(k) for k in written or ()} - contacts.keys() if isinstance(written, dict) else set()
    )
    for key, node in contacts.items():
        content.contacts[key] = Contact(
            key=key,
            name=node.name,
            phone=node.phone,
            url=node.url,
            hours=node.hours,
            about=node.about,
            local=node.local,
            source=_sources([node.source])[0],
            where=read.where("contacts", key),
            open=None
            if node.open is None
            else tuple(OpenSlot(tuple(s.days), s.start, s.end) for s in node.open),
        )
    return problems


def _read_nlu(path: Path, language: str, into: list[Example]) -> list[Problem]:
    read, problems = read_file(path, NluFile, path.name)
    for i, entry in enumerate(getattr(read.usable(), "nlu", ())):
        if entry is None or not entry.examples.strip():
            continue
        first_line = read.line("nlu", i, "examples") + 1
        for offset, line in enumerate(entry.examples.splitlines()):
            text = line.strip()
            if not text:
                continue
            if not text.startswith("- "):
                problems.append(Problem(path, first_line + offset, "an example must start with '- '"))
                continue
            into.append(Example(entry.intent, text[2:].strip(), language, Where(path, first_line + offset)))
    return problems


def _read_rules(path: Path, content: Content) -> list[Problem]:
    read, problems = read_file(path, RulesFile, "rules.yml")
    for i, rule in enumerate(getattr(read.usable(), "rules", ())):
        pair = rule.intent_and_action() if rule is not None else None
        if pair is not None:
            intent, action = pair
            content.rules.append(Rule(rule.rule, intent, action, read.where("rules", i)))
    return problems


def _responses(read: Read, key: str, responses: Responses) -> dict[str, dict[str, Response]]:
    out: dict[str, dict[str, Response]] = {}
    for name, variations in responses.items():
        out[name] = {}
        for i, v in enumerate(variations):
            lang = v.language()
            if lang is not None:
                buttons = tuple(Button(b.title, b.payload) for b in v.buttons)
                out[name][lang] = Response(v.text, buttons, read.where(key, name, i))
    return out


def _read_texts(
    path: Path, model: type[ResponsesFile] | type[MessagesFile], key: str
) -> tuple[tuple[Source, ...], dict[str, dict[str, Response]], list[Problem]]:
    """responses.yml and messages.yml alike: their sources, their texts under `key`."""
    read, problems = read_file(path, model, path.name)
    data = read.usable()
    return _sources(getattr(data, "sources", [])), _responses(read, key, getattr(data, key, {})), problems


def _read_audience(path: Path, content: Content) -> list[Problem]:
    read, problems = read_file(path, AudienceFile, "audience.yml")
    for audience, phrases in getattr(read.usable(), "cues", {}).items():
        content.audience_cues[audience] = tuple(
            (p, Where(path, read.line("cues", audience, i))) for i, p in enumerate(phrases)
        )
    return problems


def _read_conversation(root: Path, content: Content) -> list[Problem]:
    """What the engine needs to hold a conversation: typed answers, words of someone upset,
    where follow-ups are answered, and the cues that add up to risk over several messages."""
    answers, problems = read_file(root / "intents" / "answers.yml", AnswersFile, "answers.yml")
    if (a := answers.usable()) is not None:
        kinds = {"ja": a.ja, "nee": a.nee, "weet-niet": a.weet_niet, "afsluiten": a.afsluiten, "meer": a.meer}
        content.answer_phrases = {k: [p for ps in v.values() for p in ps] for k, v in kinds.items()}
    distress, found = read_file(root / "intents" / "distress.yml", DistressFile, "distress.yml")
    if (d := distress.usable()) is not None:
        content.distress_phrases = [*d.nl, *d.en]
    homes, more = read_file(root / "intents" / "follow_ups.yml", FollowUpsFile, "follow_ups.yml")
    if (h := homes.usable()) is not None:
        content.follow_up_homes = dict(h.homes)
        more += [
            Problem(
                homes.path, homes.line("homes", detail), f"home of '{detail}' is not an article: '{topic}'"
            )
            for detail, topic in h.homes.items()
            if topic not in content.articles
        ]
    cues, last = read_file(
        root / "risk" / "conversation_risk.yml", ConversationRiskFile, "conversation_risk.yml"
    )
    if (c := cues.usable()) is not None:
        content.conversation_cues = c
    return problems + found + more + last


def _read_risk(path: Path, content: Content) -> list[Problem]:
    """The lexicon stays raw here: bot.risk.compile checks and compiles it, with its lines."""
    read, problems = read_file(path, _AnyMapping, "risk.yml")
    if isinstance(read.raw, LineDict):
        content.risk = read.raw
        content.risk_where = Where(path, read.raw.line)
    return problems
