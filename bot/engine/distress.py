"""Words of someone upset (intents/distress.yml): a message not understood but upset is
met with support, never with the fallback."""

from __future__ import annotations

from collections.abc import Callable

from bot.nlu.normalise import Normalised


class DistressCues:
    def __init__(self, phrases: list[str], normalise: Callable[[str], Normalised]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}  # phrases by their first word
        for phrase in {normalise(p).tokens for p in phrases} - {()}:
            self.by_first.setdefault(phrase[0], []).append(phrase)

    def upset(self, message: Normalised) -> bool:
        tokens = message.tokens
        return any(
            tokens[i : i + len(phrase)] == phrase
            for i, token in enumerate(tokens)
            for phrase in self.by_first.get(token, ())
        )
