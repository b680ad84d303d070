"""The content a reply is made of, rendered for one audience and language."""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.model import ALWAYS_OPEN, LANGUAGES, Article, Button, Content, Response
from bot.content.render import CLOSED_NOW, MAYBE_CLOSED, Renderer, contact_line

MORE_PAYLOAD = "/meer"


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    buttons: tuple[Button, ...] = ()


class Knowledge:
    def __init__(self, content: Content, renderer: Renderer) -> None:
        self.content = content
        self.renderer = renderer
        self._leads: tuple[str, ...] | None = None

    def article(self, topic: str) -> Article | None:
        return self.content.articles.get(topic)

    def answer(self, topic: str, audience: str, language: str) -> Text:
        """The first answer on a topic, with "Meer" and related topics as buttons."""
        article = self.content.articles[topic]
        text = article.text(audience, language)
        buttons = [Button(self.label("more", language), MORE_PAYLOAD)] if text.more else []
        return Text(
            self.renderer.render(text.answer, language),
            (*buttons, *self.related(article, language)),
        )

    def more(self, topic: str, audience: str, language: str, index: int) -> Text | None:
        """The index-th "meer" part, or None when all were shown."""
        article = self.content.articles[topic]
        parts = article.text(audience, language).more
        if index >= len(parts):
            return None
        part = parts[index]
        buttons = [Button(self.label("more", language), MORE_PAYLOAD)] if index + 1 < len(parts) else []
        body = f"{part.title}\n\n{self.renderer.render(part.text, language)}"
        return Text(body, (*buttons, *self.related(article, language)))

    def detail(self, topic: str, audience: str, language: str, detail: str) -> tuple[int, Text] | None:
        """The "meer" part of a topic that answers a follow-up detail, with its index."""
        parts = self.content.articles[topic].text(audience, language).more
        for index, part in enumerate(parts):
            if part.detail == detail:
                return index, self.more(topic, audience, language, index) or Text("")
        return None

    def open_day_and_night(self, language: str) -> str:
        """The contacts open at every hour, one line each: what to lead with at night."""
        lines = [
            f"- {contact_line(c, language)}" for c in self.content.contacts.values() if c.open == ALWAYS_OPEN
        ]
        return "\n".join(lines)

    def open_now_block(self, text: str) -> str | None:
        """The open-now list inside a text, if it has one (to show it once per conversation)."""
        for lead in self._open_now_leads():
            if lead in text:
                return text[text.index(lead) :]
        return None

    def _open_now_leads(self) -> tuple[str, ...]:
        """The list's first line in every language, rendered once (it names no contact)."""
        if self._leads is None:
            self._leads = tuple(f"\n\n{self.response('utter_open_now', lang).text}\n" for lang in LANGUAGES)
        return self._leads

    def with_open_now(self, text: Text) -> Text:
        """A text that sends someone to a service that is (or may be) closed now ends with
        what is open day and night, so nobody is left at a closed door at 23:00."""
        for language in LANGUAGES:
            if any(marks[language] in text.text for marks in (CLOSED_NOW, MAYBE_CLOSED)):
                lead = self.response("utter_open_now", language).text
                return Text(f"{text.text}\n\n{lead}\n{self.open_day_and_night(language)}", text.buttons)
        return text

    def related(self, article: Article, language: str) -> tuple[Button, ...]:
        return tuple(self.topic_button(t, language) for t in article.related if t in self.content.articles)

    def topic_button(self, topic: str, language: str) -> Button:
        title = self.content.articles[topic].text("jongere", language).title
        return Button(title, f"/{topic}")

    def response(self, name: str, language: str) -> Text:
        return self._text(self.content.responses[name], language)

    def message(self, name: str, language: str, **values: str) -> Text:
        """An escalation text (crisis reply, offer of a human) from escalation/messages.yml."""
        return self._text(self.content.messages[name], language, values)

    def label(self, key: str, language: str) -> str:
        return self.response(f"label_{key}", language).text

    def _text(
        self, variants: dict[str, Response], language: str, values: dict[str, str] | None = None
    ) -> Text:
        response = variants.get(language) or variants["nl"]
        return Text(self.renderer.render(response.text, language, values), response.buttons)
