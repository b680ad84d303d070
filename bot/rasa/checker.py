"""A tiny structural checker: typed lookups that record a problem instead of raising.

Shared by schema.py and consistency.py, so each check reads as the rule it enforces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    where: str  # a path into the file, like slots.audience.mappings[0]
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where or '(top)'}: {self.message}"


@dataclass(slots=True)
class Checker:
    file: str
    problems: list[Problem] = field(default_factory=list)

    def fail(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, where, message))

    def mapping(
        self, value: Any, where: str, allowed: frozenset[str] | None = None, required: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """The value as a mapping ({} after a problem); unknown and missing keys are problems."""
        if not isinstance(value, dict):
            self.fail(where, "must be a mapping")
            return {}
        for key in value:
            if allowed is not None and key not in allowed:
                self.fail(where, f"unknown key '{key}'")
        for key in required:
            if value.get(key) is None:
                self.fail(where, f"'{key}' is required")
        return value

    def sequence(self, value: Any, where: str, non_empty: bool = False) -> list[Any]:
        if not isinstance(value, list):
            self.fail(where, "must be a list")
            return []
        if non_empty and not value:
            self.fail(where, "must not be empty")
        return value

    def text(self, value: Any, where: str) -> str:
        """A non-empty string ('' after a problem)."""
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "must be a non-empty string")
            return ""
        return value

    def boolean(self, value: Any, where: str) -> None:
        if not isinstance(value, bool):
            self.fail(where, "must be true or false")

    def version(self, data: dict[str, Any], expected: str) -> None:
        """Rasa reads `version` as a string; an unquoted 3.1 is a float and fails its schema."""
        value = data.get("version")
        if not isinstance(value, str):
            self.fail("version", f'must be the string "{expected}" (quote it)')
        elif value != expected:
            self.fail("version", f'is "{value}", expected "{expected}" (Rasa 3.x format)')


def join(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key
