"""Which articles are due for a human review, and why.

Facts about helplines and the law go stale, so every article carries the date it was
reviewed. `today` is always passed in: the checks use the real date, tests a fixed one.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.content.model import Article, Where
from bot.content.yamlsrc import Problem

TO_CONFIRM = "te bevestigen"  # reviewed_by "werkgroep, te bevestigen": nobody has checked it yet
# The response (intents/responses.yml) that tells users the content still awaits the werkgroep's
# review; the bot adds it to its privacy and about answers while `awaiting_review` is not empty.
REVIEW_NOTICE = "utter_review_pending"


@dataclass(frozen=True, slots=True)
class ReviewDue:
    topic: str
    where: Where
    reviewed_on: date | None  # None when the date is missing or not a date
    reasons: tuple[str, ...]
    overdue: bool  # past its review date (a valid one), not only awaiting a first review


def signed(article: Article) -> bool:
    """A person signed the article: "werkgroep, te bevestigen" (or any "te bevestigen") is nobody."""
    return bool(article.reviewed_by.strip()) and TO_CONFIRM not in article.reviewed_by.lower()


def awaiting_review(articles: Iterable[Article]) -> list[str]:
    """Topics nobody of the werkgroep has signed yet."""
    return sorted(a.topic for a in articles if not signed(a))


def review_notice(articles: Iterable[Article]) -> str | None:
    """The response to add to the privacy/about answer, or None once every article is signed."""
    return REVIEW_NOTICE if awaiting_review(articles) else None


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the last day of that month (31 Jan + 1 = 28/29 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def review_due(article: Article, today: date) -> ReviewDue | None:
    """Why this article needs a review today, or None when it does not."""
    reviewed = parse_day(article.reviewed_on)
    reasons = []
    overdue = False
    if reviewed is None:
        reasons.append(_not_a_date(article.reviewed_on))
    else:
        due = add_months(reviewed, article.review_every_months)
        overdue = today > due
        if overdue:
            reasons.append(f"review was due {due} (every {article.review_every_months} months)")
    if not signed(article):
        reasons.append(f"reviewed_by '{article.reviewed_by}': human review still due")
    if not reasons:
        return None
    return ReviewDue(article.topic, article.review_where or article.where, reviewed, tuple(reasons), overdue)


def reviews_due(articles: Iterable[Article], today: date) -> list[ReviewDue]:
    """Every article due for review, oldest review first (no valid date counts as oldest)."""
    found = [d for d in (review_due(a, today) for a in articles) if d]
    return sorted(found, key=lambda d: (d.reviewed_on or date.min, d.topic))


def review_problems(articles: Iterable[Article], today: date) -> list[Problem]:
    """A warning per article past its date, an error for a date that is not one.

    "te bevestigen" articles are many and expected while the werkgroep catches up:
    they are in the report only. A missing reviewed_on is already a loader error.
    """
    out = []
    for article in articles:
        where = article.review_where or article.where
        due = review_due(article, today)
        if article.reviewed_on and parse_day(article.reviewed_on) is None:
            out.append(Problem(where.path, where.line, _not_a_date(article.reviewed_on)))
        elif due and due.overdue:
            out.append(Problem(where.path, where.line, f"article '{due.topic}': {due.reasons[0]}", True))
    return out


def _not_a_date(text: str) -> str:
    return f"reviewed_on '{text}' is not a date (YYYY-MM-DD)"


def format_report(due: list[ReviewDue], today: date, unsigned: int = 0, notice: bool = True) -> str:
    """The --reviews report: file:line, article, last review and every reason; then how many
    articles nobody signed yet, and whether the notice for users exists (`notice`)."""
    if not due:
        return f"No article is due for review on {today}."
    rows = [f"{len(due)} article(s) due for review on {today}, oldest first:"]
    for d in due:
        rows.append(
            f"{d.where.path}:{d.where.line}: {d.topic} (reviewed {d.reviewed_on or '?'}): "
            + "; ".join(d.reasons)
        )
    if unsigned:
        state = "present" if notice else "MISSING"
        rows.append(
            f"{unsigned} article(s) not signed by the werkgroep yet; the notice telling users so "
            f"('{REVIEW_NOTICE}' in intents/responses.yml) is {state}."
        )
    return "\n".join(rows)
