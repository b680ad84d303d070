"""The comments in a content file, and which of them are open points for the werkgroep.

Writers leave notes for the werkgroep as YAML comments ("hours UNVERIFIED in domain.md",
"werkgroep, te bevestigen"). The YAML parser drops comments, so they are found here: a `#`
at the start of a line or after a space, outside every scalar the YAML scanner reports
(a `#` inside a text or a quoted value is not a comment). Consecutive whole-line comments
are one note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader]
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

# A comment is an open point when it says the werkgroep must confirm something.
OPEN_MARKERS = re.compile(
    r"unverified|te bevestigen|niet bevestigd|could not be confirmed|not confirmed"
    r"|werkgroep should|\bno\b[^.;:]{0,20}\bsource|not a source|replace with|check (?:them|it|this) on",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Comment:
    line: int  # first line of the note (1-based)
    text: str  # the comment text without '#', lines joined with spaces
    whole_line: bool  # a note on its own lines (not after a value)

    @property
    def is_open_point(self) -> bool:
        return bool(OPEN_MARKERS.search(self.text))


def file_comments(path: Path) -> list[Comment]:
    """Every comment of a YAML file, whole-line notes merged; [] when the file cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    return comments(text)


def comments(text: str) -> list[Comment]:
    scalars = _scalar_spans(text)
    notes: list[tuple[int, int, list[str], bool]] = []  # first line, last line, texts, whole line
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        at = _comment_start(line, offset, scalars)
        offset += len(line)
        if at is None:
            continue
        body = line[at + 1 :].strip()
        whole = not line[:at].strip()
        if whole and notes and notes[-1][3] and notes[-1][1] == number - 1:
            first, _, parts, _ = notes[-1]
            notes[-1] = (first, number, [*parts, body], True)
        else:
            notes.append((number, number, [body], whole))
    merged = (Comment(first, " ".join(p for p in parts if p), whole) for first, _, parts, whole in notes)
    return [c for c in merged if c.text]


def _comment_start(line: str, offset: int, scalars: list[tuple[int, int]]) -> int | None:
    start = 0
    while (at := line.find("#", start)) >= 0:
        position = offset + at
        inside = any(a <= position < b for a, b in scalars)
        if not inside and (at == 0 or line[at - 1] in " \t"):
            return at
        start = at + 1
    return None


def _scalar_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of every scalar (plain, quoted or block); empty when the YAML is broken."""
    spans = []
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.ScalarToken):
                spans.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:
        return []
    return spans
