"""A made-up year of counters, so a newcomer can see a full Kwaliteitskompas report.

Seeded, so every run writes the same numbers. Shapes follow what a school-age
audience does: busier in school weeks and after lessons on the theme, quieter in
holidays and weekends, with a few waves of sextortion. Every day is also marked with
the metric 'demo', and the report then says in red that its numbers are made up.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from bot.content.taxonomy import Taxonomy
from bot.report.data import DEMO_METRIC
from bot.storage.counters import Counters
from bot.storage.db import immediate

# (month, day) to (month, day): roughly the school holidays of region zuid.
HOLIDAYS: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = (
    ((1, 1), (1, 4)), ((2, 14), (2, 22)), ((4, 25), (5, 3)), ((7, 11), (8, 23)), ((10, 10), (10, 18)),
    ((12, 19), (12, 31)),
)  # fmt: skip
LESSON_WEEKS = (11, 12, 40, 41, 46)  # voorlichting in schools: more young people find the bot
SEXTORTION_WAVES = 3  # waves of sextortion reports, placed by the seed
AUDIENCE = {"jongere": 60, "ouder": 20, "professional": 8, "onbekend": 12}
TOPIC_WEIGHT = {
    "groet": 14, "bedankt": 6, "afscheid": 4, "wat-kan-jij": 4, "buiten-scope": 3, "onbegrepen": 7,
    "sexting-wat-is": 9, "sexting-wet": 7, "shame-sexting": 5, "foto-verspreid": 6, "foto-verwijderen": 5,
    "sextortion": 6, "druk-om-foto": 6, "foto-ontvangen": 4, "zelf-doorgestuurd": 3, "grooming": 4,
    "loverboy-signalen": 3, "loverboy-hulp": 2, "melden-politie": 4, "halt": 2, "praten-met-iemand": 4,
    "hulplijnen": 3, "ouder-kind-sexting": 5, "ouder-gesprek": 4, "ouder-signalen": 3, "school-route": 3,
    "aanbod": 2, "privacy": 3,
}  # fmt: skip
HIGH = {"sextortion": 40, "verspreiding": 28, "grooming": 15, "uitbuiting": 9, "misbruik": 8}
OUTCOMES = {
    "advies-gegeven": 40, "doorverwezen-helpwanted": 18, "doorverwezen-veilig-thuis": 6,
    "doorverwezen-csg": 4, "doorverwezen-113": 3, "doorverwezen-lokaal": 10, "melding-veilig-thuis": 3,
    "politie-ingeschakeld": 5, "geen-contact": 8, "gestopt-door-jongere": 6,
}  # fmt: skip
FEEDBACK = {"nuttig": 55, "niet-nuttig": 18, "weet-wat-ik-kan-doen": 27}
NEXT_STEP = {"praten-vertrouwd": 48, "melden": 17, "niets": 35}


# The demo year is fixed, so the README's `report --from 2026-01-01 --to 2026-12-31` always
# shows it, whatever year it is run in.
DEMO_END = date(2026, 12, 31)


class RealDataError(Exception):
    """The database holds real conversations; demo counts would mix with them."""


def has_real_data(db: Database) -> bool:
    """Conversations stored, or counted on a day that is not marked as demo."""
    if db.conn.execute("SELECT 1 FROM conversations LIMIT 1").fetchone():
        return True
    return bool(
        db.conn.execute(
            "SELECT 1 FROM daily_counts c WHERE metric = 'conversations' AND NOT EXISTS "
            "(SELECT 1 FROM daily_counts d WHERE d.day = c.day AND d.metric = ?) LIMIT 1",
            [DEMO_METRIC],
        ).fetchone()
    )


def fill_demo(
    db: Database,
    taxonomy: Taxonomy,
    outcomes: tuple[str, ...],
    zone: ZoneInfo,
    end: date,
    days: int,
    seed: int = 2026,
    force: bool = False,
) -> int:
    """Replace earlier demo days and write `days` new ones ending on `end`; returns the conversations."""
    if not force and has_real_data(db):
        raise RealDataError("this database already holds real conversations")
    rng = random.Random(seed)
    start = end - timedelta(days=days - 1)
    waves = {start + timedelta(days=rng.randrange(days)) for _ in range(SEXTORTION_WAVES)}
    counters = Counters(db, zone)
    total = 0
    with immediate(db):
        _clear_demo(db)
        for offset in range(days):
            day = start + timedelta(days=offset)
            counts, durations = _day(rng, day, waves, taxonomy, outcomes)
            moment = datetime.combine(day, time(12), zone)
            for (metric, key), n in counts.items():
                counters.add(moment, metric, key, n)
            for kind, seconds in durations:
                counters.duration(moment, kind, seconds)
            total += counts[("conversations", "")]
    return total


def _clear_demo(db: Database) -> None:
    days = "SELECT day FROM daily_counts WHERE metric = ?"
    db.conn.execute(f"DELETE FROM case_durations WHERE day IN ({days})", [DEMO_METRIC])
    db.conn.execute(f"DELETE FROM daily_counts WHERE day IN ({days})", [DEMO_METRIC])


def _day(
    rng: random.Random, day: date, waves: set[date], taxonomy: Taxonomy, outcomes: tuple[str, ...]
) -> tuple[Counter, list[tuple[str, float]]]:
    """One day's counters; conversations are simulated one by one so the totals hang together."""
    counts: Counter = Counter({(DEMO_METRIC, ""): 1})
    wave = any(0 <= (day - w).days < 10 for w in waves)
    durations: list[tuple[str, float]] = []
    for _ in range(_poisson(rng, _busyness(day))):
        counts["conversations", ""] += 1
        _conversation(rng, counts, durations, wave, taxonomy, outcomes)
    return counts, durations


def _busyness(day: date) -> float:
    """Expected conversations on a day."""
    rate = 7.0 if day.weekday() < 5 else 3.5
    if any((a <= (day.month, day.day) <= b) for a, b in HOLIDAYS):
        rate *= 0.55
    if day.isocalendar().week in LESSON_WEEKS:
        rate *= 1.7
    return rate


def _conversation(
    rng: random.Random,
    counts: Counter,
    durations: list[tuple[str, float]],
    wave: bool,
    taxonomy: Taxonomy,
    outcomes: tuple[str, ...],
) -> None:
    audience = _pick(rng, AUDIENCE)
    language = "en" if rng.random() < 0.11 else "nl"
    topics = {
        t: w * (4 if wave and t == "sextortion" else 1)
        for t, w in TOPIC_WEIGHT.items()
        if t in taxonomy.topics
    }
    for i in range(1 + _poisson(rng, 3.2)):
        counts["messages", ""] += 1
        counts["language", language] += 1
        # who is talking is often unknown at the first message
        counts["audience", "onbekend" if i == 0 and rng.random() < 0.3 else audience] += 1
        counts["topic", _pick(rng, topics)] += 1
    if rng.random() < 0.015:
        counts["risk", f"acute/{rng.choice(['zelfdoding', 'zelfdoding', 'acuut-gevaar'])}"] += 1
        counts["handover", "alerted"] += 1
        _case(rng, counts, durations, outcomes)
    elif rng.random() < (0.16 if wave else 0.05):
        high = dict(HIGH, sextortion=HIGH["sextortion"] * (4 if wave else 1))
        counts["risk", f"high/{_pick(rng, high)}"] += 1
        counts["handover", "offered"] += 1
        if rng.random() < 0.45:
            counts["handover", "accepted"] += 1
            _case(rng, counts, durations, outcomes)
    _outcome_questions(rng, counts)


def _case(
    rng: random.Random, counts: Counter, durations: list[tuple[str, float]], outcomes: tuple[str, ...]
) -> None:
    """A case the werkgroep picked up: response times (long tails outside office hours) and how it ended."""
    claim = rng.lognormvariate(2.3, 0.6) * 60 if rng.random() < 0.93 else rng.uniform(1, 16) * 3600
    durations += [("alert_to_claim", claim), ("alert_to_first_reply", claim + rng.uniform(1, 9) * 60)]
    codes = {c: w for c, w in OUTCOMES.items() if c in outcomes} or dict.fromkeys(outcomes, 1)
    counts["outcome", _pick(rng, codes)] += 1


def _outcome_questions(rng: random.Random, counts: Counter) -> None:
    if rng.random() < 0.22:
        counts["feedback", _pick(rng, FEEDBACK)] += 1
        if rng.random() < 0.5:
            counts["next_step", _pick(rng, NEXT_STEP)] += 1
    if rng.random() < 0.02:
        counts["media_refused", ""] += 1
    if rng.random() < 0.008:
        counts["erasures", ""] += 1


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; the means here are small."""
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
