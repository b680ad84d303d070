"""Assemble the report's sections (Kwaliteitskompas order) from the counters and the werkgroep's YAML.

The result is plain data; html.py prints it and csv_export.py writes its tables, so
both always show the same, already suppressed, numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.content.taxonomy import CONVERSATION_TOPICS, FALLBACK_TOPIC
from bot.report.data import Counts, median_and_p90
from bot.report.indicators import Result, evaluate, format_minutes, indicator_table
from bot.report.kompas import Kompas
from bot.report.metrics import DURATION_KINDS, LABELS, label
from bot.report.observations import Facts, observations
from bot.report.published import BUTTONS_KEY, Published
from bot.report.suppress import MIN_COUNT, Cell, primary
from bot.report.svg import bars, columns
from bot.report.tables import (
    MONTHS,
    Row,
    Table,
    keyed_table,
    plain_table,
    risk_table,
    series_table,
    share,
)

NO_DATA = "Nog geen gegevens in deze periode."


@dataclass(frozen=True, slots=True)
class Chart:
    svg: str
    caption: str


@dataclass(frozen=True, slots=True)
class Note:
    text: str


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Figures:
    items: tuple[tuple[str, str], ...]  # label, value


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pair:
    """Two blocks side by side, so a short table and its chart share half a page."""

    left: Table | Chart | Note
    right: Table | Chart | Note


Block = Table | Chart | Note | Heading | Figures | Bullets | Pair


@dataclass(frozen=True, slots=True)
class Section:
    number: int
    title: str
    intro: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Report:
    kompas: Kompas
    counts: Counts
    published: Published
    results: tuple[Result, ...]
    made_on: date
    sections: tuple[Section, ...]

    def tables(self) -> list[Table]:
        """Every table, also those inside a pair: each becomes a CSV file."""
        blocks = [b for s in self.sections for b in s.blocks]
        blocks += [half for b in blocks if isinstance(b, Pair) for half in (b.left, b.right)]
        return [b for b in blocks if isinstance(b, Table)]


def build_report(
    kompas: Kompas, counts: Counts, published: Published, outcomes: dict[str, str], made_on: date
) -> Report:
    results = [evaluate(i, published, counts) for i in kompas.indicators]
    risk_months = published.series[("risk", "month")]
    facts = Facts(published, counts, results, risk_months)
    risk = series_table("risicosignalen-per-maand", "Risicosignalen per maand", "maand", risk_months, False)
    sections = (
        _ambitions(kompas, results),
        _output(counts, published, risk),
        _outcome(counts, published, outcomes),
        _learn(kompas, facts),
        _appendix(counts, published, risk),
    )
    return Report(kompas, counts, published, tuple(results), made_on, sections)


def _ambitions(kompas: Kompas, results: list[Result]) -> Section:
    blocks: list[Block] = [Heading("Doelen"), Bullets(tuple(kompas.goals.values())), Heading("Indicatoren")]
    blocks.append(indicator_table(results))
    return Section(1, "Ambities en indicatoren", kompas.ambition, tuple(blocks))


def _output(counts: Counts, published: Published, risk: Table) -> Section:
    weeks = _month_ticks(published.series[("messages", "week")])
    months = published.series[("conversations", "month")]
    conversations = series_table("gesprekken-per-maand", "Gesprekken per maand", "maand", months, False)
    topics = _points(r for r in _table(published, "topic").rows if r.label not in CONVERSATION_LABELS)
    handover = plain_table(*SPECS["handover"][:3], published.metrics["handover"], _labeller("handover"))
    blocks: list[Block] = [
        Heading("Kerncijfers"),
        _key_figures(published, counts),
        Heading("Gebruik door het jaar"),
        Chart(columns("Berichten per week", weeks), "Berichten per week."),
        Pair(_months(conversations), conversations),
        Heading("Wie en waarover"),
        Pair(_table_or_note(published, counts, "audience"), _table_or_note(published, counts, "language")),
        Chart(bars("Berichten per onderwerp", topics), TOPIC_CAPTION),
        Heading("Risicosignalen en een mens van de werkgroep"),
        Pair(risk_table(published), _months(risk)),
        Pair(handover, _durations(counts)),
    ]
    return Section(2, "Output: wat deed de bot?", OUTPUT_INTRO, tuple(blocks))


def _outcome(counts: Counts, published: Published, outcomes: dict[str, str]) -> Section:
    closing = _table(published, "outcome", lambda k: outcomes.get(k, label("outcome", k)))
    blocks: list[Block] = [
        Heading("Wat gebruikers zelf zeggen"),
        Pair(_table_or_note(published, counts, "feedback"), _table_or_note(published, counts, "next_step")),
        Heading("Hoe zaken van de werkgroep afliepen"),
    ]
    if counts.has("outcome"):
        blocks += [Chart(bars(closing.title, _points(closing.rows)), closing.title + "."), closing]
    else:
        blocks.append(Note(f"{closing.title}: {NO_DATA.lower()}"))
    return Section(3, "Outcome: wat veranderde er?", OUTCOME_INTRO, tuple(blocks))


def _learn(kompas: Kompas, facts: Facts) -> Section:
    blocks: list[Block] = [Heading("Wat de cijfers laten zien"), Bullets(tuple(observations(facts)))]
    blocks += [Heading("Wat de werkgroep leert"), Note(kompas.lessons or "Nog niet ingevuld.")]
    return Section(4, "Wat leren we?", LEARN_INTRO, tuple(blocks))


def _appendix(counts: Counts, published: Published, risk: Table) -> Section:
    weeks = published.series[("messages", "week")]
    tables = (
        _table(published, "topic"),
        series_table("berichten-per-week", "Berichten per week", "week", weeks, True),
    )
    return Section(5, "Bijlage: verantwoording en tabellen", APPENDIX_INTRO, (Bullets(METHOD), *tables, risk))


def _key_figures(published: Published, counts: Counts) -> Figures:
    messages = published.get("messages")
    return Figures(
        (
            ("gesprekken", published.get("conversations").text),
            ("berichten", messages.text),
            ("niet begrepen", share(published.get("topic", "onbegrepen"), messages)),
            ("risicosignalen", published.get("risk").text),
            ("mens aangeboden", published.get("handover", "offered").text),
            ("zaken afgesloten", published.get("outcome").text),
            ("media geweigerd", _single(published, counts, "media_refused")),
            ("gewist op verzoek (/wis)", _single(published, counts, "erasures")),
        )
    )


def _single(published: Published, counts: Counts, metric: str) -> str:
    """A count the bot may not write yet: a dash until it does."""
    return published.get(metric).text if counts.has(metric) else "–"


def _table(published: Published, metric: str, labeller: Callable[[str], str] | None = None) -> Table:
    name, title, what, by_size = SPECS[metric]
    return keyed_table(name, title, what, published.metrics[metric], labeller or _labeller(metric), by_size)


def _table_or_note(published: Published, counts: Counts, metric: str) -> Table | Note:
    """A note while the bot does not count a metric yet (feedback and next steps come later)."""
    if counts.has(metric):
        return _table(published, metric)
    return Note(f"{SPECS[metric][1]}: {NO_DATA.lower()}")


def _points(rows) -> list[tuple[str, Cell]]:
    return [(r.label, r.cells[0]) for r in rows if not r.total and isinstance(r.cells[0], Cell)]


def _months(table: Table) -> Chart:
    points = [(name.split()[0], cell) for name, cell in _points(table.rows)]
    return Chart(columns(table.title, points, narrow=True), table.title + ".")


def _month_ticks(weeks: list[tuple[date, Cell]]) -> list[tuple[str, Cell]]:
    """Label a week only when it is the first one starting in its month."""
    return [(MONTHS[start.month - 1] if start.day <= 7 else "", cell) for start, cell in weeks]


def _durations(counts: Counts) -> Table:
    rows = []
    for kind in DURATION_KINDS:
        seconds = counts.durations.get(kind, [])
        if len(seconds) >= MIN_COUNT:
            median, p90 = median_and_p90(seconds)
            times: tuple[str, str] = (format_minutes(median), format_minutes(p90))
        else:
            times = ("–", "–")
        rows.append(Row(LABELS["duration"][kind], (primary(len(seconds)), *times)))
    header = ("wachttijd", "zaken", "mediaan", "9 van 10 binnen")
    note = "Tijden alleen bij 5 zaken of meer."
    return Table("reactietijden", "Reactietijd van de werkgroep", header, tuple(rows), note)


def _labeller(metric: str) -> Callable[[str], str]:
    return lambda key: label(metric, key)


# metric: CSV name, title, first column, biggest first
SPECS = {
    "audience": ("doelgroep", "Berichten per doelgroep", "doelgroep", False),
    "language": ("taal", "Berichten per taal", "taal", False),
    "topic": ("onderwerp", "Berichten per onderwerp", "onderwerp", True),
    "handover": ("overdracht", "Overdracht aan een mens", "stap", False),
    "feedback": ("iets-aan-gehad", "Heb je hier iets aan gehad?", "antwoord", False),
    "next_step": ("volgende-stap", "Wat ga je nu doen?", "antwoord", False),
    "outcome": ("afsluiting-zaken", "Zaken naar afsluiting", "afsluiting", True),
}
CONVERSATION_LABELS = {label("topic", t) for t in (*CONVERSATION_TOPICS, BUTTONS_KEY) if t != FALLBACK_TOPIC}
TOPIC_CAPTION = "Berichten per onderwerp, zonder groeten en bedankjes. De hele tabel staat in de bijlage."
OUTPUT_INTRO = (
    "Wat de bot deed: hoeveel gesprekken en berichten er waren, van wie, waarover en in welke taal, "
    "hoe vaak de bot een risico zag en hoe snel de werkgroep dan reageerde. Een bericht is één bericht "
    "van een gebruiker; een gesprek kan uit veel berichten bestaan."
)
OUTCOME_INTRO = (
    "Wat het gesprek opleverde, volgens de gebruiker zelf (aan het eind van een onderwerp of een zaak) "
    "en volgens de medewerker die een zaak afsloot."
)
LEARN_INTRO = (
    "Een paar dingen die opvallen in de cijfers, als start voor het gesprek in de werkgroep. "
    "Het zijn vragen om over door te praten, geen conclusies."
)
APPENDIX_INTRO = "Hoe de cijfers tot stand komen, en de berichten per week als tabel."
METHOD = (
    "De bot telt per dag, zonder gespreks-id, naam of tekst. Tellingen blijven bewaard als gesprekken al "
    "gewist zijn.",
    "Een aantal van 1 tot en met 4 staat er als <5: zo is niemand in een klein aantal te herkennen.",
    "Waar een totaal min de andere getallen een verborgen aantal zou verraden, is nog een getal "
    "verborgen, met een x. Percentages staan er alleen bij getallen die zichtbaar zijn.",
    "Wachttijden staan er alleen bij 5 zaken of meer.",
    "Doelgroep, taal en onderwerp zijn per bericht geteld. Risicosignalen zijn berichten waarin de bot "
    "een risico zag.",
    "Alle tabellen staan ook als CSV-bestand naast dit rapport (puntkomma als scheidingsteken).",
)
