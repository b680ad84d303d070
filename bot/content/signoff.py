"""Record a werkgroep review in an article: `reviewed_by` and `reviewed_on`, nothing else.

The file is read and written with ruamel.yaml's round trip, so comments, quotes, flow lists
and line breaks stay as the writer left them. Before writing, the new text is compared
with the old: if anything but those two lines would change, nothing is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from bot.content.reviews import TO_CONFIRM

FIELDS = ("reviewed_by", "reviewed_on")


class SignOffError(Exception):
    """The review cannot be recorded; the message says why, the file is unchanged."""


@dataclass(frozen=True, slots=True)
class SignOff:
    path: Path
    before: tuple[str, str]  # reviewed_by, reviewed_on as they were
    after: tuple[str, str]


def round_trip() -> YAML:
    """ruamel.yaml set up as our content is written (knowledge/ and escalation/ round-trip unchanged)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def check_reviewer(name: str) -> str:
    """A person (or role) who read the article; a placeholder such as "te bevestigen" is not one."""
    name = " ".join(name.split())
    if not name:
        raise SignOffError("--by needs the name of the person who reviewed the article")
    if TO_CONFIRM in name.lower():
        raise SignOffError(f"'{name}' is not a reviewer: give the name of the person who read the article")
    return name


def record_review(path: Path, by: str, on: date, today: date) -> SignOff:
    """Write `reviewed_by: by` and `reviewed_on: on` into the article at `path`."""
    by = check_reviewer(by)
    if on > today:
        raise SignOffError(f"--on {on} is in the future")
    try:
        old = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SignOffError(f"{path}: cannot read: {exc.strerror}") from None
    yaml = round_trip()
    try:
        data = yaml.load(old)
    except YAMLError as exc:
        raise SignOffError(f"{path}: not valid YAML ({exc}); run 'python -m bot check'") from None
    if not isinstance(data, CommentedMap) or "topic" not in data:
        raise SignOffError(f"{path}: not an article (no 'topic')")
    before = (str(data.get("reviewed_by", "")), str(data.get("reviewed_on", "")))
    _set(data, "reviewed_by", by)
    _set(data, "reviewed_on", on)
    out = io.StringIO()
    yaml.dump(data, out)
    new = out.getvalue()
    _only_review_lines_changed(path, old, new)
    path.write_text(new, encoding="utf-8")
    return SignOff(path, before, (by, on.isoformat()))


def _set(data: CommentedMap, key: str, value: object) -> None:
    """Change a value in place, or add the key after `topic` (where every article has it)."""
    if key in data:
        data[key] = value
    else:
        data.insert(list(data).index("topic") + 1 + (key == "reviewed_on"), key, value)


def _only_review_lines_changed(path: Path, old: str, new: str) -> None:
    def others(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith(tuple(f"{f}:" for f in FIELDS))]

    if others(old) != others(new):
        raise SignOffError(
            f"{path}: writing would change more than reviewed_by/reviewed_on (its layout is unusual); "
            "nothing written: edit the two lines by hand"
        )
