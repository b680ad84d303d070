"""Read intents/, knowledge/ and escalation/ into plain data, collecting problems as file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    Response,
    Rule,
    Source,
    Where,
)
from bot.content.yamlsrc import ContentError, LineDict, LineList, Problem, load_yaml

RASA_VERSION = "3.1"


class _Reader:
    """Shared helpers: every lookup that fails records a problem instead of raising."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def load(self, path: Path) -> Any:
        try:
            return load_yaml(path)
        except ContentError as exc:
            self.problems.extend(exc.problems)
            return None

    def mapping(self, value: Any, path: Path, line: int, what: str) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.problem(path, line, f"{what} must be a mapping")
        return None

    def text(self, data: LineDict, key: str, path: Path, what: str) -> str:
        value = data.get(key)
        if isinstance(value, str | int | float) and str(value).strip():
            return str(value).strip()
        self.problem(path, data.line_of(key), f"{what}: '{key}' is missing or empty")
        return ""

    def sources(self, value: Any, path: Path, line: int) -> tuple[Source, ...]:
        if not isinstance(value, LineList) or not value:
            self.problem(path, line, "'sources' must be a non-empty list")
            return ()
        out = []
        for i, item in enumerate(value):
            src = self.mapping(item, path, value.line_of(i), "a source")
            if src is not None:
                out.append(self.source(src, path))
        return tuple(out)

    def source(self, src: LineDict, path: Path) -> Source:
        supports = src.get("supports") or []
        return Source(
            organisation=self.text(src, "organisation", path, "source"),
            url=self.text(src, "url", path, "source"),
            checked=self.text(src, "checked", path, "source"),
            supports=tuple(str(s) for s in supports),
        )

    def buttons(self, value: Any, path: Path, line: int) -> tuple[Button, ...]:
        out = []
        for item in value or []:
            b = self.mapping(item, path, line, "a button")
            if b is not None:
                out.append(
                    Button(
                        self.text(b, "title", path, "button"),
                        self.text(b, "payload", path, "button"),
                    )
                )
        return tuple(out)


def load_content(root: Path) -> tuple[Content, list[Problem]]:
    """Load everything under root; return the content and every structural problem."""
    reader = _Reader()
    content = Content(root=root)
    for path in sorted((root / "knowledge").glob("*.yml")):
        if path.name == "contacts.yml":
            _read_contacts(reader, path, content)
        else:
            _read_article(reader, path, content)
    for path in sorted((root / "intents").glob("*/*.yml")):
        _read_nlu(reader, path, path.parent.name, content.examples)
    for path in sorted((root / "escalation" / "risk_examples").glob("*.yml")):
        _read_nlu(reader, path, "mixed", content.risk_examples)
    _read_rules(reader, root / "intents" / "rules.yml", content)
    _read_responses(reader, root / "intents" / "responses.yml", content)
    _read_audience(reader, root / "intents" / "audience.yml", content)
    _read_risk(reader, root / "escalation" / "risk.yml", content)
    _read_messages(reader, root / "escalation" / "messages.yml", content)
    return content, reader.problems


def _read_article(r: _Reader, path: Path, content: Content) -> None:
    data = r.mapping(r.load(path), path, 1, "an article")
    if data is None:
        return
    topic = r.text(data, "topic", path, "article")
    if topic and topic != path.stem:
        r.problem(path, data.line_of("topic"), f"topic '{topic}' differs from the file name")
    texts_node = r.mapping(data.get("texts"), path, data.line_of("texts"), "'texts'")
    texts: dict[tuple[str, str], ArticleText] = {}
    fallbacks: dict[str, str] = {}
    for audience in AUDIENCES:
        node = texts_node.get(audience) if texts_node else None
        if node is None:
            r.problem(
                path,
                texts_node.line if texts_node else data.line,
                f"audience '{audience}' is missing (write it or say same_as)",
            )
            continue
        node = r.mapping(node, path, texts_node.line_of(audience), f"audience '{audience}'")
        if node is None:
            continue
        if "same_as" in node:
            fallbacks[audience] = str(node["same_as"])
            continue
        for lang in LANGUAGES:
            text_node = r.mapping(
                node.get(lang),
                path,
                node.line_of(lang) if lang in node else node.line,
                f"'{audience}.{lang}'",
            )
            if text_node is not None:
                texts[(audience, lang)] = _article_text(r, text_node, path)
    for audience, target in fallbacks.items():
        if target not in AUDIENCES or target in fallbacks:
            r.problem(
                path,
                texts_node.line_of(audience) if texts_node else data.line,
                f"'{audience}' same_as '{target}' must name a written audience",
            )
            continue
        for lang in LANGUAGES:
            if (target, lang) in texts:
                texts[(audience, lang)] = texts[(target, lang)]
    content.articles[path.stem] = Article(
        topic=topic or path.stem,
        where=Where(path, data.line),
        related=tuple(str(t) for t in data.get("related") or ()),
        related_where=Where(path, data.line_of("related")),
        sources=r.sources(data.get("sources"), path, data.line_of("sources")),
        reviewed_by=r.text(data, "reviewed_by", path, "article"),
        reviewed_on=r.text(data, "reviewed_on", path, "article"),
        review_every_months=_months(r, data, path),
        texts=texts,
        fallbacks=fallbacks,
        review_where=Where(path, data.line_of("reviewed_on")),
    )


def _months(r: _Reader, data: LineDict, path: Path) -> int:
    """review_every_months is optional (12); anything but a positive whole number is a problem."""
    value = data.get("review_every_months", 12)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    r.problem(path, data.line_of("review_every_months"), "'review_every_months' must be a positive number")
    return 12


def _article_text(r: _Reader, node: LineDict, path: Path) -> ArticleText:
    more = []
    for part in node.get("more") or []:
        part_node = r.mapping(part, path, node.line_of("more"), "a 'more' part")
        if part_node is not None:
            more.append(
                MorePart(
                    r.text(part_node, "title", path, "'more' part"),
                    r.text(part_node, "text", path, "'more' part"),
                    Where(path, part_node.line),
                )
            )
    return ArticleText(
        title=r.text(node, "title", path, "text"),
        answer=r.text(node, "answer", path, "text"),
        more=tuple(more),
        where=Where(path, node.line),
    )


def _read_contacts(r: _Reader, path: Path, content: Content) -> None:
    data = r.mapping(r.load(path), path, 1, "contacts.yml")
    contacts = r.mapping(data.get("contacts"), path, data.line, "'contacts'") if data else None
    for key, value in (contacts or {}).items():
        node = r.mapping(value, path, contacts.line_of(key), f"contact '{key}'")
        if node is None:
            continue
        src = r.mapping(node.get("source"), path, node.line_of("source"), f"source of contact '{key}'")
        content.contacts[key] = Contact(
            key=key,
            name=_per_language(node.get("name")),
            phone=str(node["phone"]) if node.get("phone") else None,
            url=str(node["url"]) if node.get("url") else None,
            hours=_per_language(node.get("hours")),
            about=_per_language(node.get("about")),
            local=bool(node.get("local")),
            source=r.source(src, path) if src else Source("", "", "", ()),
            where=Where(path, node.line),
        )


def _per_language(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {lang: str(value) for lang in LANGUAGES} if value else {}


def _read_nlu(r: _Reader, path: Path, language: str, into: list[Example]) -> None:
    data = r.mapping(r.load(path), path, 1, "an NLU file")
    if data is None:
        return
    if str(data.get("version")) != RASA_VERSION:
        r.problem(path, data.line_of("version"), f'version must be "{RASA_VERSION}" (Rasa NLU format)')
    for i, item in enumerate(data.get("nlu") or []):
        node = r.mapping(item, path, data["nlu"].line_of(i), "an nlu entry")
        if node is None:
            continue
        intent = r.text(node, "intent", path, "nlu entry")
        block = node.get("examples")
        if not isinstance(block, str) or not block.strip():
            r.problem(path, node.line_of("intent"), f"intent '{intent}' has no examples")
            continue
        first_line = node.line_of("examples") + 1
        for offset, line in enumerate(block.splitlines()):
            text = line.strip()
            if not text:
                continue
            if not text.startswith("- "):
                r.problem(path, first_line + offset, "an example must start with '- '")
                continue
            into.append(Example(intent, text[2:].strip(), language, Where(path, first_line + offset)))


def _read_rules(r: _Reader, path: Path, content: Content) -> None:
    data = r.mapping(r.load(path), path, 1, "rules.yml")
    if data is None:
        return
    for i, item in enumerate(data.get("rules") or []):
        node = r.mapping(item, path, data["rules"].line_of(i), "a rule")
        if node is None:
            continue
        steps = node.get("steps") or []
        intents = [s["intent"] for s in steps if isinstance(s, dict) and "intent" in s]
        actions = [s["action"] for s in steps if isinstance(s, dict) and "action" in s]
        if len(intents) != 1 or len(actions) != 1:
            r.problem(path, node.line, "a rule needs one '- intent:' step and one '- action:' step")
            continue
        content.rules.append(Rule(str(node.get("rule", "")), intents[0], actions[0], Where(path, node.line)))


def _read_responses(r: _Reader, path: Path, content: Content) -> None:
    data = r.mapping(r.load(path), path, 1, "responses.yml")
    if data is None:
        return
    content.response_sources = r.sources(data.get("sources"), path, data.line_of("sources"))
    content.responses = _conditioned_responses(r, data.get("responses"), path)


def _conditioned_responses(r: _Reader, node: Any, path: Path) -> dict[str, dict[str, Response]]:
    """Rasa domain responses with one variation per language (condition on the slot 'language')."""
    out: dict[str, dict[str, Response]] = {}
    for name, variations in (node or {}).items():
        per_lang: dict[str, Response] = {}
        for i, item in enumerate(variations or []):
            v = r.mapping(item, path, variations.line_of(i), f"response '{name}'")
            if v is None:
                continue
            lang = _condition_language(v)
            if lang is None:
                r.problem(path, v.line, f"response '{name}' needs a condition on slot 'language'")
                continue
            per_lang[lang] = Response(
                r.text(v, "text", path, f"response '{name}'"),
                r.buttons(v.get("buttons"), path, v.line),
                Where(path, v.line),
            )
        for lang in LANGUAGES:
            if lang not in per_lang:
                r.problem(path, node.line_of(name), f"response '{name}' has no '{lang}' variation")
        out[str(name)] = per_lang
    return out


def _condition_language(variation: LineDict) -> str | None:
    for cond in variation.get("condition") or []:
        if isinstance(cond, dict) and cond.get("name") == "language":
            return str(cond.get("value"))
    return None


def _read_audience(r: _Reader, path: Path, content: Content) -> None:
    data = r.mapping(r.load(path), path, 1, "audience.yml")
    cues = r.mapping(data.get("cues"), path, data.line, "'cues'") if data else None
    for audience, phrases in (cues or {}).items():
        if not isinstance(phrases, LineList):
            r.problem(path, cues.line_of(audience), f"cues for '{audience}' must be a list")
            continue
        content.audience_cues[audience] = tuple(
            (str(p), Where(path, phrases.line_of(i))) for i, p in enumerate(phrases)
        )


def _read_risk(r: _Reader, path: Path, content: Content) -> None:
    data = r.mapping(r.load(path), path, 1, "risk.yml")
    if data is not None:
        content.risk = data
        content.risk_where = Where(path, data.line)


def _read_messages(r: _Reader, path: Path, content: Content) -> None:
    data = r.mapping(r.load(path), path, 1, "messages.yml")
    if data is None:
        return
    content.message_sources = r.sources(data.get("sources"), path, data.line_of("sources"))
    content.messages = _conditioned_responses(r, data.get("messages"), path)
