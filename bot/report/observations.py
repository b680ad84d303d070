"""Section 4 "Wat leren we": plain sentences drawn from published numbers only.

They are prompts for the werkgroep's evaluation, not conclusions: each names a number
and, where it helps, what could be done with it. A sentence whose number is hidden
is left out rather than written around the suppression.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.content.taxonomy import CONVERSATION_TOPICS
from bot.report.data import Counts, median_and_p90
from bot.report.indicators import MET, NOT_MET, Result, format_minutes
from bot.report.metrics import LABELS, label
from bot.report.published import Published
from bot.report.suppress import MIN_COUNT, Cell
from bot.report.tables import month_label, percent

Observation = Callable[["Facts"], str | None]


class Facts:
    """What the observations may look at."""

    def __init__(
        self,
        published: Published,
        counts: Counts,
        results: list[Result],
        risk_months: list[tuple[date, Cell]],
    ) -> None:
        self.published = published
        self.counts = counts
        self.results = results
        self.risk_months = risk_months


def observations(facts: Facts) -> list[str]:
    found = (rule(facts) for rule in RULES)
    return [sentence for sentence in found if sentence]


def _indicators(f: Facts) -> str | None:
    judged = [r for r in f.results if r.status in (MET, NOT_MET)]
    if not judged:
        return None
    missed = [r.indicator.name for r in judged if r.status == NOT_MET]
    sentence = (
        f"{len(judged) - len(missed)} van de {len(judged)} gemeten indicatoren haalden de streefwaarde."
    )
    return sentence + (f" Niet gehaald: {'; '.join(missed)}." if missed else "")


def _topics(f: Facts) -> str | None:
    cells = f.published.metrics["topic"].cells
    shown = sorted(
        ((k, c) for k, c in cells.items() if c.shown and c.value and k not in CONVERSATION_TOPICS),
        key=lambda kc: -kc[1].value,
    )[:3]
    if not shown:
        return None
    parts = [f"{label('topic', k).lower()} ({c.text} berichten)" for k, c in shown]
    return f"Het vaakst ging het over: {join_nl(parts)}."


def _not_understood(f: Facts) -> str | None:
    cell, total = f.published.get("topic", "onbegrepen"), f.published.get("messages")
    if not (cell.shown and total.shown and total.value):
        return None
    return (
        f"De bot begreep {percent(cell.value, total.value)} van de berichten niet. Nieuwe voorbeeldzinnen "
        "in intents/ (met de woorden die jongeren echt gebruiken) kunnen dat verlagen."
    )


def _audience(f: Facts) -> str | None:
    cells = f.published.metrics["audience"]
    parts = [
        f"{percent(c.value, cells.total.value)} van {LABELS['audience'][k].lower()}"
        for k, c in cells.cells.items()
        if k != "onbekend" and c.shown and cells.total.shown and cells.total.value
    ]
    return f"Van de berichten kwam {join_nl(parts)}." if parts else None


def _risk_peak(f: Facts) -> str | None:
    shown = [(start, c) for start, c in f.risk_months if c.shown and c.value >= MIN_COUNT]
    if len(shown) < 2:
        return None
    start, cell = max(shown, key=lambda sc: sc[1].value)
    return (
        f"De meeste risicosignalen kwamen in {month_label(start, full=True)} ({cell.text}). "
        "Kijk of dat samenvalt met een voorlichting, een nieuwsbericht of een golf van chantage, "
        "en of de werkgroep dan genoeg mensen beschikbaar had."
    )


def _handover(f: Facts) -> str | None:
    offered, accepted = f.published.get("handover", "offered"), f.published.get("handover", "accepted")
    if not (offered.shown and accepted.shown and offered.value):
        return None
    return (
        f"Een gesprek met een mens werd {offered.text} keer aangeboden en {accepted.text} keer aangenomen "
        f"({percent(accepted.value, offered.value)})."
    )


def _response(f: Facts) -> str | None:
    seconds = f.counts.durations.get("alert_to_claim", [])
    if len(seconds) < MIN_COUNT:
        return None
    median, p90 = median_and_p90(seconds)
    return (
        f"De helft van de zaken werd binnen {format_minutes(median)} opgepakt; 1 op de 10 zaken wachtte "
        f"langer dan {format_minutes(p90)}. Kijk bij die lange wachttijden of ze buiten kantoortijd vielen."
    )


def _missing(f: Facts) -> str | None:
    missing = [LABELS_MISSING[m] for m in LABELS_MISSING if not f.counts.has(m)]
    if not missing:
        return None
    return f"Nog geen gegevens over {join_nl(missing)}: die vragen zitten nog niet in de bot."


def join_nl(parts: list[str]) -> str:
    """ "a, b en c", as a Dutch sentence lists things."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} en {parts[-1]}"


LABELS_MISSING = {"feedback": "of mensen iets aan de bot hadden", "next_step": "wat mensen daarna gaan doen"}
RULES: tuple[Observation, ...] = (
    _indicators,
    _topics,
    _audience,
    _not_understood,
    _risk_peak,
    _handover,
    _response,
    _missing,
)
