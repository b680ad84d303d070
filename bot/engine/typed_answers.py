"""Typed answers to the bot's own questions count like its buttons.

"ja graag" after the offer of a human opens the case as the Ja button does; "nee hoeft
niet" declines it. The phrases are the werkgroep's, in intents/answers.yml.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from bot.engine.commands import Command
from bot.nlu.normalise import Normalised

MAX_EXTRA_WORDS = 2  # "ja graag dat wil ik" is still an answer; a longer text is a new message
# What the bot asked (slot "asked") and the answer typed -> the button it stands for.
ANSWERS_AS_BUTTONS: dict[tuple[str, str], Command] = {
    ("handover", "ja"): Command("handover_ja"),
    ("handover", "nee"): Command("handover_nee"),
    ("handover", "weet-niet"): Command("handover_uitleg"),
    ("wis", "ja"): Command("wis_ja"),
    ("wis", "nee"): Command("wis_nee"),
    ("feedback", "ja"): Command("feedback", {"antwoord": "nuttig"}),
    ("feedback", "nee"): Command("feedback", {"antwoord": "niet-nuttig"}),
}


class TypedAnswers:
    def __init__(self, phrases: Mapping[str, Sequence[str]], normalise: Callable[[str], Normalised]) -> None:
        """phrases: kind ("ja", "nee", "weet-niet") -> the phrases in every language."""
        compiled = {
            kind: frozenset(normalise(p).tokens for p in texts) - {()} for kind, texts in phrases.items()
        }
        self.closing = frozenset(word for p in compiled.pop("afsluiten", ()) for word in p)
        self.more = compiled.pop("meer", frozenset())
        self.phrases = compiled
        self.longest = max((len(p) for ps in self.phrases.values() for p in ps), default=0)

    def kind(self, message: Normalised) -> str | None:
        """ "ja", "nee", "weet-niet", or None when the message is not a short typed answer."""
        tokens = message.tokens
        for n in range(min(len(tokens), self.longest), 0, -1):
            if len(tokens) - n > MAX_EXTRA_WORDS or self.closing & set(tokens[n:]):
                break
            for kind, phrases in self.phrases.items():
                if tokens[:n] in phrases:
                    return kind
        return None

    def as_button(self, asked: str | None, message: Normalised, topic: str | None) -> Command | None:
        """The button a typed answer stands for, given what the bot last asked; a plain "ja"
        or "ok" after an answer (nothing asked, no crisis: `topic` None) asks for more."""
        if tuple(message.tokens) in self.more:
            return Command("meer")
        kind = self.kind(message)
        if kind is None:
            return None
        if asked:
            return ANSWERS_AS_BUTTONS.get((asked, kind))
        plain = kind == "ja" and tuple(message.tokens) in self.phrases["ja"]
        return Command("meer") if plain and topic else None
