"""Measure each indicator of the Kwaliteitskompas against its target, from published numbers only."""

from __future__ import annotations

from dataclasses import dataclass

from bot.report.data import Counts, median_and_p90
from bot.report.kompas import Indicator, Ref
from bot.report.published import Published
from bot.report.suppress import MIN_COUNT, format_int
from bot.report.tables import Row, Table, percent

MET, NOT_MET = "gehaald", "niet gehaald"
NO_DATA, HIDDEN, TOO_FEW = "nog geen gegevens", "afgeschermd", "te weinig gegevens"


@dataclass(frozen=True, slots=True)
class Result:
    indicator: Indicator
    value: float | None  # None: see status
    measured: str
    status: str

    @property
    def target(self) -> str:
        ind = self.indicator
        bound = ind.at_least if ind.at_least is not None else ind.at_most
        word = "minstens" if ind.at_least is not None else "hoogstens"
        return f"{word} {format_value(ind.measure, bound or 0, whole=True)}"


def evaluate(indicator: Indicator, published: Published, counts: Counts) -> Result:
    if indicator.measure.endswith("_minutes"):
        return _times(indicator, counts)
    refs = (*indicator.refs, *indicator.of)
    if not all(counts.has(ref.metric) for ref in refs):
        return Result(indicator, None, NO_DATA, NO_DATA)
    part, part_marks = _sum(indicator.refs, published)
    whole, whole_marks = _sum(indicator.of, published)
    if part_marks or whole_marks:
        return Result(indicator, None, ", ".join(sorted(part_marks | whole_marks)), HIDDEN)
    if indicator.measure == "share":
        if whole == 0:
            return Result(indicator, None, NO_DATA, NO_DATA)
        return _judged(indicator, 100 * part / whole)
    return _judged(indicator, part)


def indicator_table(results: list[Result]) -> Table:
    rows = tuple(Row(r.indicator.name, (r.indicator.type, r.measured, r.target, r.status)) for r in results)
    header = ("indicator", "soort", "gemeten", "streefwaarde", "oordeel")
    return Table("indicatoren", "Indicatoren en streefwaarden", header, rows)


def format_value(measure: str, value: float, whole: bool = False) -> str:
    """`whole`: a target the werkgroep typed as 50 reads "50%", not "50,0%"."""
    if measure == "share":
        return percent(value, 100, 0 if whole and value == int(value) else 1)
    if measure.endswith("_minutes"):
        return format_minutes(value)
    return format_int(round(value))


def format_minutes(minutes: float) -> str:
    if minutes < 120:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} uur".replace(".", ",")


def _sum(refs: tuple[Ref, ...], published: Published) -> tuple[int, set[str]]:
    """The sum, and the marks of any hidden cell in it (then the sum must not be shown)."""
    cells = [published.get(ref.metric, ref.key) for ref in refs]
    return sum(c.value for c in cells), {c.mark for c in cells if not c.shown}


def _times(indicator: Indicator, counts: Counts) -> Result:
    seconds = counts.durations.get(indicator.refs[0].metric, [])
    if not seconds:
        return Result(indicator, None, NO_DATA, NO_DATA)
    if len(seconds) < MIN_COUNT:
        return Result(indicator, None, "minder dan 5 zaken", TOO_FEW)
    median, p90 = median_and_p90(seconds)
    return _judged(indicator, median if indicator.measure == "median_minutes" else p90)


def _judged(indicator: Indicator, value: float) -> Result:
    met = (indicator.at_least is None or value >= indicator.at_least) and (
        indicator.at_most is None or value <= indicator.at_most
    )
    return Result(indicator, value, format_value(indicator.measure, value), MET if met else NOT_MET)
