"""The review report: past and future dates against a fixed 'today', never the real clock."""

from datetime import date
from pathlib import Path

import pytest

from bot.common.settings import PROJECT_ROOT
from bot.content.loader import load_content
from bot.content.model import Article, Where
from bot.content.reviews import add_months, format_report, review_problems, reviews_due

TODAY = date(2026, 11, 24)


def article(topic: str, reviewed_on: str, reviewed_by: str = "Jan de Vries", months: int = 12) -> Article:
    path = Path(f"knowledge/{topic}.yml")
    return Article(
        topic=topic,
        where=Where(path, 1),
        related=(),
        related_where=Where(path, 1),
        sources=(),
        reviewed_by=reviewed_by,
        reviewed_on=reviewed_on,
        review_every_months=months,
        texts={},
        fallbacks={},
        review_where=Where(path, 3),
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 11, 24), 12, date(2026, 11, 24)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 8, 15), 6, date(2026, 2, 15)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_past_date_is_due_and_warns_on_the_reviewed_on_line() -> None:
    old = article("halt", "2025-01-10")
    [due] = reviews_due([old], TODAY)
    assert due.overdue and due.reasons == ("review was due 2026-01-10 (every 12 months)",)
    [warning] = review_problems([old], TODAY)
    assert warning.warning and (str(warning.path), warning.line) == ("knowledge/halt.yml", 3)


def test_future_and_recent_dates_are_not_due() -> None:
    articles = [article("halt", "2027-03-01"), article("grooming", "2026-06-01")]
    assert reviews_due(articles, TODAY) == []
    assert review_problems(articles, TODAY) == []


def test_exactly_twelve_months_is_not_yet_due_one_day_later_is() -> None:
    a = article("halt", "2025-11-24")
    assert reviews_due([a], TODAY) == []
    assert len(reviews_due([a], date(2026, 11, 25))) == 1


def test_per_article_interval() -> None:
    assert reviews_due([article("halt", "2026-04-01", months=12)], TODAY) == []
    assert len(reviews_due([article("halt", "2026-04-01", months=6)], TODAY)) == 1


def test_to_confirm_is_in_the_report_but_not_a_warning() -> None:
    a = article("halt", "2026-11-01", reviewed_by="werkgroep, te bevestigen")
    [due] = reviews_due([a], TODAY)
    assert not due.overdue and "human review still due" in due.reasons[0]
    assert review_problems([a], TODAY) == []


def test_report_is_oldest_first_and_gives_every_reason() -> None:
    articles = [
        article("nieuw", "2026-10-01", reviewed_by="werkgroep, te bevestigen"),
        article("oud", "2024-05-01", reviewed_by="werkgroep, te bevestigen"),
        article("middel", "2025-06-01"),
        article("vers", "2026-10-01"),
    ]
    due = reviews_due(articles, TODAY)
    assert [d.topic for d in due] == ["oud", "middel", "nieuw"]
    assert len(due[0].reasons) == 2
    report = format_report(due, TODAY).splitlines()
    assert report[0] == "3 article(s) due for review on 2026-11-24, oldest first:"
    assert report[1].startswith("knowledge/oud.yml:3: oud (reviewed 2024-05-01): review was due 2025-05-01")
    assert "te bevestigen" in report[1]


def test_a_date_that_is_not_a_date_is_an_error() -> None:
    a = article("halt", "volgend jaar")
    [problem] = review_problems([a], TODAY)
    assert not problem.warning and "is not a date" in problem.message
    assert reviews_due([a], TODAY)[0].reviewed_on is None


@pytest.mark.parametrize(
    ("written", "error"),
    [
        ("6", None),
        ("zes", "'review_every_months' must be a whole number"),
        ("0", "'review_every_months' must be above 0"),
    ],
)
def test_loader_reads_interval_and_line(tmp_path: Path, written: str, error: str | None) -> None:
    original = (PROJECT_ROOT / "knowledge" / "halt.yml").read_text(encoding="utf-8")
    assert "review_every_months: 12" in original
    (tmp_path / "knowledge").mkdir()
    path = tmp_path / "knowledge" / "halt.yml"
    path.write_text(
        original.replace("review_every_months: 12", f"review_every_months: {written}"), encoding="utf-8"
    )
    content, problems = load_content(tmp_path)
    mine = [p for p in problems if p.path == path]
    if error is None:
        halt = content.articles["halt"]
        assert halt.review_every_months == 6 and not mine
        assert original.splitlines()[halt.review_where.line - 1].startswith("reviewed_on:")
    else:
        line = original.splitlines().index("review_every_months: 12") + 1
        assert [(p.line, p.message) for p in mine] == [(line, error)]
        assert "halt" in content.unreadable and "halt" not in content.articles
