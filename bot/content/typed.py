"""Read a YAML file into a pydantic model; every problem as `file:line: 'field' message`.

One way to read every content and settings file: `read_file(path, Model)` parses the file
with line numbers (bot.content.yamlsrc), validates it with the model, and turns each
validation error into a Problem at the line of the field it names. A model may add rules
that span fields (a team's backup must be staff) in a `problems()` method yielding
(location, message); those run once the file has the right shape, and get lines the same
way. A missing or empty file is one problem at line 1, never an exception.

Why PyYAML's C parser for the positions and not ruamel.yaml's: the same line numbers, 25
times faster (0.04 s against 1.1 s for all content, measured 2026-11-29), and content is
read at every start of the bot. ruamel.yaml is used where a file is written back
(bot.content.signoff), because only it keeps comments and layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Generic, TypeVar, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from bot.content.model import Where
from bot.content.yamlsrc import ContentError, LineDict, LineList, Problem, load_yaml

Location = tuple[str | int, ...]


class Model(BaseModel):
    """A mapping in a content file: unknown keys are errors (a typo never passes silently);
    numbers are accepted where text is expected ("phone: 112")."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)
    # "texts.ouder" -> "write it or say same_as": added to any message about that field
    hints: ClassVar[dict[str, str]] = {}

    def problems(self) -> Iterable[tuple[Location, str]]:
        """Every `rule_*` method's (location, full message): rules that span fields.

        A rule that needs a field which did not validate is skipped (AttributeError on a
        partly read file), so one wrong value never hides a broken cross-reference."""
        for name in sorted(n for n in dir(type(self)) if n.startswith("rule_")):
            try:
                yield from list(getattr(self, name)())
            except AttributeError:
                continue


M = TypeVar("M", bound=Model)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _whole_above_zero(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("must be a whole number above 0")
    return value


WholeAboveZero = Annotated[int, BeforeValidator(_whole_above_zero)]


@dataclass(frozen=True, slots=True)
class Read(Generic[M]):
    """A file read into its model, with the parsed YAML for lines. The model is None when the
    file is missing, empty or of the wrong shape; rules of `problems()` do not take it away.
    `partial` then holds what did validate: whole fields, and of a mapping or list of parts
    the parts that are right (so one broken contact does not hide the other twenty; a
    broken list item is None, so positions still give lines); other fields are unset."""

    path: Path
    model: M | None
    raw: Any
    partial: M | None = None

    def usable(self) -> M | None:
        """The model, or else the parts that validated."""
        return self.model if self.model is not None else self.partial

    def line(self, *loc: str | int) -> int:
        """The line of the deepest key (or list item) of `loc` that the file has."""
        return _walk(self.raw, loc)[0]

    def start(self, *loc: str | int) -> int:
        """The first line of the value at `loc`: a mapping's first key, a list's first item."""
        return _walk(self.raw, loc)[1]

    def where(self, *loc: str | int) -> Where:
        return Where(self.path, self.start(*loc))


def read_file(path: Path, model: type[M], what: str) -> tuple[Read[M], list[Problem]]:
    """Parse and validate `path`; `what` names the file in messages ("routes.yml")."""
    if not path.is_file():
        return Read(path, None, None), [Problem(path, 1, f"{what} is missing: the bot needs this file")]
    try:
        raw = load_yaml(path)
    except ContentError as exc:
        return Read(path, None, None), list(exc.problems)
    if raw is None:
        return Read(path, None, None), [Problem(path, 1, f"{what} is empty")]
    return validate(path, raw, model, what)


def validate(path: Path, raw: Any, model: type[M], what: str) -> tuple[Read[M], list[Problem]]:
    """Validate data already parsed (with lines) against `model`."""
    if not isinstance(raw, dict):
        return Read(path, None, raw), [
            Problem(path, _walk(raw, ())[1], f"{what} must be a mapping (key: value)")
        ]
    try:
        parsed = model.model_validate(raw)
    except ValidationError as exc:
        read: Read[M] = Read(path, None, raw)
        errors = exc.errors()
        found = [Problem(path, read.line(*_data_loc(e["loc"])), describe(e, model.hints)) for e in errors]
        partial = _partial(model, raw)
        read = Read(path, None, raw, partial)
        return read, found + [Problem(path, read.line(*loc), text) for loc, text in partial.problems()]
    read = Read(path, parsed, raw)
    return read, [Problem(path, read.line(*loc), message) for loc, message in parsed.problems()]


def _partial(model: type[M], raw: dict) -> M:
    """The fields that validate, each on its own; the others are left unset."""
    values = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in raw:
            try:
                values[name] = _lenient(info, raw[key])
            except ValidationError:
                continue
    return model.model_construct(**values)


def _lenient(info: FieldInfo, value: Any) -> Any:
    """`value` as the field's type; of a mapping or list of parts, only the parts that validate."""
    kind = info.annotation
    origin, args = get_origin(kind), get_args(kind)
    if origin is dict and isinstance(value, dict):
        adapter = TypeAdapter(args[1])
        parts = ((str(k), _or_none(adapter, v)) for k, v in value.items())
        return {k: v for k, v in parts if v is not None}
    if origin in (list, tuple) and isinstance(value, list) and (origin is list or args[-1:] == (Ellipsis,)):
        adapter = TypeAdapter(args[0])
        kept = [_or_none(adapter, item) for item in value]  # None stays: the positions give lines
        return tuple(kept) if origin is tuple else kept
    whole = Annotated[kind, *info.metadata] if info.metadata else kind
    return TypeAdapter(whole).validate_python(value)


def _or_none(adapter: TypeAdapter, value: Any) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def describe(error: Any, hints: dict[str, str] | None = None) -> str:
    """A pydantic error in the werkgroep's words, naming the field: "'texts.ouder.nl.answer' is missing"."""
    loc = _data_loc(error["loc"])
    field = ".".join(str(part) for part in loc if not isinstance(part, int))
    ctx = error.get("ctx") or {}
    kind = error["type"]
    text = _MESSAGES.get(kind)
    if kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error", error["msg"]))
    elif kind == "literal_error":
        text = f"must be {ctx.get('expected', '')}"
    elif kind == "too_short":
        text = (
            "must not be empty" if ctx.get("min_length") == 1 else f"needs at least {ctx.get('min_length')}"
        )
    elif kind == "too_long":
        text = f"may have at most {ctx.get('max_length')}"
    elif kind == "greater_than":
        text = f"must be above {ctx.get('gt')}"
    text = text or str(error["msg"]).lower()
    if kind == "extra_forbidden":
        return f"unknown field '{field}' (a typo?)"
    hint = (hints or {}).get(field)
    return (f"'{field}' {text}" if field else text) + (f" ({hint})" if hint else "")


_MESSAGES = {
    "missing": "is missing",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "dict_type": "must be a mapping (key: value)",
    "model_type": "must be a mapping (key: value)",
    "model_attributes_type": "must be a mapping (key: value)",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "none_required": "must be empty",
}


def _data_loc(loc: Iterable[Any]) -> Location:
    """pydantic's location without its own markers ('[key]', 'function-after[...]')."""
    return tuple(p for p in loc if isinstance(p, int) or not (str(p).endswith("]") or str(p) == "[key]"))


def _walk(raw: Any, loc: Location) -> tuple[int, int]:
    node = raw
    first = getattr(raw, "line", 1) or 1
    key_line, start = first, first
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            key_line = node.line_of(str(part))
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            key_line = node.line_of(part)
            node = node[part]
        else:
            return key_line, start
        start = node.line if isinstance(node, LineDict | LineList) and node else key_line
    return key_line, start
