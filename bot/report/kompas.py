"""kwaliteitskompas/kwaliteitskompas.yml: the werkgroep's ambitions and indicators, with file:line problems.

The werkgroep edits the targets; a typo must show up in `python -m bot check`, not as a
silently missing line in the report handed to the municipality. The bot itself does
not need this file, so a broken one never stops it from starting.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.taxonomy import Taxonomy
from bot.content.yamlsrc import ContentError, LineDict, LineList, Problem, load_yaml
from bot.report.metrics import DURATION_KINDS, METRICS, known_keys

KOMPAS_FILE = Path("kwaliteitskompas") / "kwaliteitskompas.yml"
MEASURES = ("count", "share", "median_minutes", "p90_minutes")
TYPES = ("output", "outcome")


@dataclass(frozen=True, slots=True)
class Ref:
    """One counter: a metric, or one key of it (None: all keys together)."""

    metric: str
    key: str | None = None

    def __str__(self) -> str:
        return self.metric if self.key is None else f"{self.metric}/{self.key}"


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    goal: str
    type: str  # output or outcome
    name: str
    measure: str  # one of MEASURES
    refs: tuple[Ref, ...]  # what is counted (summed); for times the duration kind as metric
    of: tuple[Ref, ...]  # denominator of a share
    at_least: float | None
    at_most: float | None


@dataclass(frozen=True, slots=True)
class Kompas:
    title: str
    werkgroep: str
    ambition: str
    goals: dict[str, str]
    indicators: tuple[Indicator, ...]
    lessons: str


def load_kompas(
    root: Path, taxonomy: Taxonomy, outcomes: dict[str, str] | None
) -> tuple[Kompas | None, list[Problem]]:
    """Read and check the file; None (with the problems) when anything is wrong.

    `outcomes` None (outcomes.yml itself is broken): outcome codes are not checked.
    """
    path = root / KOMPAS_FILE
    try:
        data = load_yaml(path)
    except ContentError as exc:
        return None, exc.problems
    reader = _Reader(path, taxonomy, outcomes)
    if not isinstance(data, LineDict):
        reader.add(1, "kwaliteitskompas.yml must be a mapping")
        return None, reader.problems
    goals = reader.goals(data)
    indicators = reader.indicators(data, set(goals))
    kompas = Kompas(
        title=reader.text(data, "title"),
        werkgroep=reader.text(data, "werkgroep"),
        ambition=reader.text(data, "ambition"),
        goals=goals,
        indicators=indicators,
        lessons=str(data.get("lessons") or "").strip(),
    )
    return (None if reader.problems else kompas), reader.problems


class _Reader:
    def __init__(self, path: Path, taxonomy: Taxonomy, outcomes: dict[str, str] | None) -> None:
        self.path = path
        self.taxonomy = taxonomy
        self.outcomes = outcomes
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def text(self, node: LineDict, key: str, what: str = "") -> str:
        value = node.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.add(node.line_of(key), f"{what}'{key}' must be a text")
        return ""

    def goals(self, data: LineDict) -> dict[str, str]:
        node = data.get("goals")
        if not isinstance(node, LineDict) or not node:
            self.add(data.line_of("goals"), "'goals' must map a goal id to its text")
            return {}
        return {str(k): self.text(node, k, "goal ") for k in node}

    def indicators(self, data: LineDict, goals: set[str]) -> tuple[Indicator, ...]:
        items = data.get("indicators")
        if not isinstance(items, LineList) or not items:
            self.add(data.line_of("indicators"), "'indicators' must list at least one indicator")
            return ()
        out: list[Indicator] = []
        for i, node in enumerate(items):
            if not isinstance(node, LineDict):
                self.add(items.line_of(i), "an indicator must be a mapping")
                continue
            indicator = self.indicator(node, goals)
            if indicator and any(o.id == indicator.id for o in out):
                self.add(node.line_of("id"), f"indicator '{indicator.id}' is listed twice")
            elif indicator:
                out.append(indicator)
        return tuple(out)

    def indicator(self, node: LineDict, goals: set[str]) -> Indicator | None:
        ident = str(node.get("id") or "")
        what = f"indicator '{ident}': "
        if not ident:
            self.add(node.line, "an indicator needs an 'id'")
        goal = str(node.get("goal", ""))
        if goal not in goals:
            self.add(node.line_of("goal"), f"{what}goal '{goal}' is not listed under 'goals'")
        kind = str(node.get("type", ""))
        if kind not in TYPES:
            self.add(node.line_of("type"), f"{what}type must be 'output' or 'outcome'")
        measures = [m for m in MEASURES if m in node]
        if len(measures) != 1:
            self.add(node.line, f"{what}give exactly one of {', '.join(MEASURES)}")
            return None
        measure = measures[0]
        refs, of = self.measured(node, measure, what)
        at_least, at_most = self.target(node, measure, what)
        name = self.text(node, "name", what)
        return Indicator(ident, goal, kind, name, measure, refs, of, at_least, at_most)

    def measured(self, node: LineDict, measure: str, what: str) -> tuple[tuple[Ref, ...], tuple[Ref, ...]]:
        line = node.line_of(measure)
        if measure.endswith("_minutes"):
            kind = str(node[measure])
            if kind not in DURATION_KINDS:
                self.add(line, f"{what}{measure} must be one of {', '.join(DURATION_KINDS)}")
            return (Ref(kind),), ()
        refs = self.refs(node[measure], line, what)
        if measure == "count" or not refs:
            return refs, ()
        of = self.refs(node["of"], node.line_of("of"), what) if "of" in node else (Ref(refs[0].metric),)
        return refs, of

    def refs(self, value: object, line: int, what: str) -> tuple[Ref, ...]:
        texts = list(value) if isinstance(value, list) else [value]
        out = []
        for text in texts:
            metric, _, key = str(text).partition("/")
            ref = Ref(metric, key if "/" in str(text) else None)
            keys = known_keys(metric, self.taxonomy, self.outcomes or {})
            unchecked = metric == "outcome" and self.outcomes is None
            if keys is None:
                self.add(line, f"{what}unknown metric '{metric}' (one of {', '.join(METRICS)})")
            elif ref.key is not None and ref.key not in keys and not unchecked:
                self.add(line, f"{what}'{ref}': '{ref.key}' is not a key of {metric}")
            else:
                out.append(ref)
        return tuple(out)

    def target(self, node: LineDict, measure: str, what: str) -> tuple[float | None, float | None]:
        target = node.get("target")
        line = node.line_of("target")
        if not isinstance(target, LineDict) or len(target) != 1 or not {"at_least", "at_most"} & set(target):
            self.add(line, f"{what}target must be {{at_least: N}} or {{at_most: N}}")
            return None, None
        bound, value = next(iter(target.items()))
        ceiling = 100 if measure == "share" else None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.add(target.line_of(bound), f"{what}target {bound} must be a number of 0 or more")
            return None, None
        if ceiling is not None and value > ceiling:
            self.add(target.line_of(bound), f"{what}target {bound} is a percentage, at most 100")
        return (float(value), None) if bound == "at_least" else (None, float(value))
