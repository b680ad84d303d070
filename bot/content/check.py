"""Cross-checks that keep content honest; every problem names file and line.

Structure is checked while loading (bot.content.loader); here: known topic ids,
rules that point somewhere, duplicate examples, lengths, and that every number and
URL in a text is backed by a source of that article or by the contacts file.
Warnings: young people's Dutch texts that read too hard, articles past their review date.
"""

from __future__ import annotations

import re
from datetime import date

from bot.content.model import LANGUAGES, NO_RISK_LABEL, Article, Contact, Content, Example, Source, Where
from bot.content.placeholders import content_placeholders
from bot.content.readability import article_scores, readability_warnings
from bot.content.render import PLACEHOLDER, Renderer, UnknownPlaceholder
from bot.content.reviews import review_problems
from bot.content.taxonomy import FOLLOW_UP_GROUP
from bot.content.yamlsrc import Problem

# What escalation texts may fill in at the moment they are sent (see bot/escalation/desk.py).
ESCALATION_VALUES = {"staff": "Anna", "when": "morgen vanaf 9:00", "text": "..."}
MAX_ANSWER = 600
MAX_MORE = 900
MAX_TITLE = 40
NUMBER = re.compile(r"\d[\d.,:–-]*\d|\d")
URL = re.compile(
    r"https?://[^\s)>\]]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:nl|org|com|be|eu|info)(?:/[^\s)>\]]*)?",
    re.I,
)
WELL_FORMED_URL = re.compile(r"^https?://[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(/[^\s]*)?$", re.I)


def check_content(
    content: Content,
    topics: set[str],
    categories: set[str],
    actions: set[str],
    builtin_intents: set[str],
    today: date | None = None,
    advice: bool = True,
) -> list[Problem]:
    """Every problem; `advice=False` skips the warning-only readability scores (slow at start-up)."""
    problems: list[Problem] = []
    problems += _check_articles(content, topics)
    problems += _check_contacts(content)
    problems += _check_examples(content, topics)
    problems += _check_risk_examples(content, categories)
    problems += _check_rules(content, topics, actions, builtin_intents)
    problems += _check_response_numbers(content)
    if advice:
        problems += readability_warnings(article_scores(content))
    problems += review_problems(content.articles.values(), today or date.today())
    return problems


def _p(where: Where, message: str, warning: bool = False) -> Problem:
    return Problem(where.path, where.line, message, warning)


def _renderer(content: Content) -> Renderer:
    """Contacts with errors (reported by the loader) render as their key, so every text
    that names one is still checked, and not reported again as an unknown placeholder."""
    contacts = dict(content.contacts)
    for key in content.broken_contacts:
        contacts.setdefault(
            key, Contact(key, {}, None, None, {}, {}, False, Source("", "", "", ()), Where(content.root, 1))
        )
    return Renderer(contacts, content_placeholders(content))


def _check_articles(content: Content, topics: set[str]) -> list[Problem]:
    out: list[Problem] = []
    renderer = _renderer(content)
    for topic, article in content.articles.items():
        if topic not in topics:
            out.append(_p(article.where, f"unknown topic id '{topic}' (not in the taxonomy)"))
        for rel in article.related:
            if (rel not in content.articles and rel not in content.unreadable) or rel == topic:
                out.append(
                    _p(
                        article.related_where,
                        f"related topic '{rel}' has no article or is the article itself",
                    )
                )
        for src in article.sources:
            if not WELL_FORMED_URL.match(src.url):
                out.append(_p(article.where, f"source URL '{src.url}' is not well-formed"))
        out += _check_article_texts(content, article, renderer)
    return out


def _check_article_texts(content: Content, article: Article, renderer: Renderer) -> list[Problem]:
    out: list[Problem] = []
    seen: set[int] = set()
    for (audience, lang), text in article.texts.items():
        if id(text) in seen:
            continue  # a same_as fallback shares its target's text
        seen.add(id(text))
        if len(text.title) > MAX_TITLE:
            out.append(_p(text.where, f"{audience}.{lang}: title longer than {MAX_TITLE} characters"))
        pieces = [(text.answer, text.where, MAX_ANSWER, "answer")]
        pieces += [(m.text, m.where, MAX_MORE, f"meer '{m.title}'") for m in text.more]
        for body, where, limit, what in pieces:
            rendered, problem = _render(renderer, body, lang, where)
            if problem:
                out.append(problem)
                continue
            if len(rendered) > limit:
                out.append(
                    _p(
                        where,
                        f"{audience}.{lang} {what}: {len(rendered)} characters, at most {limit}",
                    )
                )
            out += _unsourced(body, where, article.sources, content, f"{audience}.{lang} {what}")
    return out


def _render(renderer: Renderer, body: str, lang: str, where: Where) -> tuple[str, Problem | None]:
    try:
        return renderer.render(body, lang), None
    except UnknownPlaceholder as exc:
        return "", _p(where, f"unknown placeholder {{{exc.args[0]}}}")


def _unsourced(
    body: str, where: Where, sources: tuple[Source, ...], content: Content, what: str
) -> list[Problem]:
    """Numbers and URLs typed in a text must appear in a source (placeholders are sourced)."""
    plain = PLACEHOLDER.sub(" ", body)
    backed = " ".join(s for src in sources for s in (*src.supports, src.url))
    backed += " " + " ".join(f"{c.phone or ''} {c.url or ''}" for c in content.contacts.values())
    backed_numbers = {_digits(n) for n in NUMBER.findall(backed)}
    out = []
    for url in URL.findall(plain):
        if _bare(url) not in _bare(backed):
            out.append(_p(where, f"{what}: URL '{url}' is not in the sources or contacts"))
    for number in NUMBER.findall(URL.sub(" ", plain)):
        if _digits(number) not in backed_numbers:
            out.append(_p(where, f"{what}: '{number}' does not appear in a source of this article"))
    return out


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def _bare(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.lower()).rstrip("/")


def _check_contacts(content: Content) -> list[Problem]:
    out = []
    for contact in content.contacts.values():
        if contact.url and not WELL_FORMED_URL.match(contact.url):
            out.append(
                _p(
                    contact.where,
                    f"contact '{contact.key}': URL '{contact.url}' is not well-formed",
                )
            )
        if not contact.source.url:
            out.append(_p(contact.where, f"contact '{contact.key}' has no source"))
        out += [_p(contact.where, f"contact '{contact.key}': {m}") for m in _unsourced_hours(contact)]
    return out


TIME = re.compile(r"(?<![\d.:])(\d{1,2})[:.](\d{2})(?!\d)|(?<![\d.:])(\d{1,2})\s*uur")
ALWAYS = ("24/7", "24 uur", "dag en nacht", "day and night", "24 hours", "dag én nacht")


def _times(text: str) -> set[tuple[int, int]]:
    """'11:00', '8.00 uur' and '11 uur' as (hour, minute)."""
    return {(int(h or whole), int(m or 0)) for h, m, whole in TIME.findall(text)}


def _unsourced_hours(contact: Contact) -> list[str]:
    """Opening hours, for the engine (`open`) and for people (`hours`), must stand in the
    contact's source: every time in its `supports`, or "24/7" / "dag en nacht" for `open: always`."""
    supports = " ".join(contact.source.supports)
    sourced = _times(supports)
    out = []
    for slot in contact.open or ():
        if slot.start == "00:00" and slot.end == "24:00":
            if not any(phrase in supports.lower() for phrase in ALWAYS):
                out.append("'open: always' but the source's supports do not say 24/7 or dag en nacht")
            continue
        for text in (slot.start, slot.end):
            if _times(text) - sourced:
                out.append(f"opening time {text} does not appear in the source's supports")
    numbers = {_digits(n) for n in NUMBER.findall(f"{supports} {contact.source.organisation}")}
    for language, text in contact.hours.items():
        times = _times(text)
        for hour, minute in sorted(times - sourced):
            out.append(
                f"hours ({language}): {hour:02d}:{minute:02d} does not appear in the source's supports"
            )
        for number in NUMBER.findall(TIME.sub(" ", text)):
            if _digits(number) not in numbers:
                out.append(f"hours ({language}): '{number}' does not appear in the source")
    return out


def _check_examples(content: Content, topics: set[str]) -> list[Problem]:
    out = _same_text_two_intents(content.examples)
    for ex in content.examples:
        if ex.topic not in topics | {FOLLOW_UP_GROUP}:
            allowed = "a taxonomy topic (or topic/detail, vervolg/detail)"
            out.append(_p(ex.where, f"intent '{ex.intent}' is not {allowed}"))
    return out


def _same_text_two_intents(examples: list[Example]) -> list[Problem]:
    out = []
    first_seen: dict[str, tuple[str, Where]] = {}
    for ex in examples:
        key = _key(ex.text)
        if key in first_seen and first_seen[key][0] != ex.intent:
            other_intent, other = first_seen[key]
            out.append(_p(ex.where, f"example also under '{other_intent}' at {other.path}:{other.line}"))
        first_seen.setdefault(key, (ex.intent, ex.where))
    return out


def _check_risk_examples(content: Content, categories: set[str]) -> list[Problem]:
    """Labels the risk model knows, and no sentence taught as both risk and no risk."""
    out = []
    disclosure = content.risk.get("model", {}).get("disclosure_topics") or []
    as_intent = {_key(ex.text): ex.where for ex in content.examples if ex.topic not in disclosure}
    out += _same_text_two_intents(content.risk_examples)
    for ex in content.risk_examples:
        kind, _, category = ex.intent.partition("/")
        if kind != "risk" or category not in categories | {NO_RISK_LABEL}:
            out.append(_p(ex.where, f"'{ex.intent}' must be risk/<risk category> or risk/{NO_RISK_LABEL}"))
        key = _key(ex.text)
        if category != NO_RISK_LABEL and key in as_intent:
            other = as_intent[key]
            out.append(
                _p(ex.where, f"also an intent example (taught as no risk) at {other.path}:{other.line}")
            )
    return out


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _check_rules(content: Content, topics: set[str], actions: set[str], builtin: set[str]) -> list[Problem]:
    out = []
    intents = {ex.intent for ex in content.examples} | {ex.topic for ex in content.examples} | builtin
    for rule in content.rules:
        if rule.intent not in intents:
            out.append(_p(rule.where, f"rule '{rule.name}': intent '{rule.intent}' has no examples"))
        target = rule.action
        if target.startswith("utter_"):
            name = target.removeprefix("utter_")
            known = content.articles.keys() | content.unreadable  # an unreadable one is reported already
            if name not in known and target not in content.responses:
                out.append(
                    _p(
                        rule.where,
                        f"rule '{rule.name}': no article '{name}' and no response '{target}'",
                    )
                )
        elif target not in actions:
            out.append(_p(rule.where, f"rule '{rule.name}': unknown action '{target}'"))
    ruled = {r.intent for r in content.rules}
    for intent in sorted({ex.intent for ex in content.examples} - ruled):
        if intent.split("/")[0] not in ruled:
            where = next(ex.where for ex in content.examples if ex.intent == intent)
            out.append(_p(where, f"intent '{intent}' has no rule in intents/rules.yml"))
    return out


def _check_response_numbers(content: Content) -> list[Problem]:
    out = []
    renderer = _renderer(content)
    groups = [
        (content.responses, content.response_sources, {}),
        (content.messages, content.message_sources, ESCALATION_VALUES),
    ]
    for responses, sources, values in groups:
        for name, variants in responses.items():
            for lang in LANGUAGES:
                if lang in variants:
                    r = variants[lang]
                    out += _unsourced(r.text, r.where, sources, content, f"{name} ({lang})")
                    try:
                        renderer.render(r.text, lang, values)
                    except UnknownPlaceholder as exc:
                        out.append(_p(r.where, f"{name} ({lang}): unknown placeholder {{{exc.args[0]}}}"))
    return out


def describe(problems: list[Problem]) -> str:
    errors = [p for p in problems if not p.warning]
    return f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)"
