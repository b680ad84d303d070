"""The HTML report renders: Kwaliteitskompas sections in order, inline SVG, nothing fetched."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from bot.report import write_report
from bot.report.html import render
from tests.report_helpers import read_csv, report_of, write_counts
from tests.test_report_data import DURATIONS, SCRIPT


class Page(HTMLParser):
    """What a reader sees: chapter titles, table cells by table id, and which tags occur."""

    def __init__(self) -> None:
        super().__init__()
        self.chapters: list[str] = []
        self.cells: dict[str, list[str]] = {}
        self.rows: dict[str, list[list[str]]] = {}
        self.tags: dict[str, int] = {}
        self.links: list[str] = []
        self._table = ""
        self._in: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.links += [v or "" for k, v in attrs if k in ("src", "href")]
        if tag == "table":
            self._table = dict(attrs).get("id") or ""
        if tag == "tr":
            self.rows.setdefault(self._table, []).append([])
        if tag in ("h2", "td"):
            self._in, self._text = tag, ""

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in == "h2":
            self.chapters.append(self._text.strip())
        elif tag == self._in == "td":
            self.cells.setdefault(self._table, []).append(self._text.strip())
            self.rows[self._table][-1].append(self._text.strip())
        if tag == self._in:
            self._in = None

    def column(self, table: str) -> dict[str, str]:
        return {row[0]: row[1] for row in self.rows[table] if len(row) > 1}


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def test_sections_follow_the_kwaliteitskompas(tmp_path: Path) -> None:
    write_counts(tmp_path / "r.db", SCRIPT, DURATIONS)
    page = parse(render(report_of(tmp_path / "r.db")))
    assert [c.split(". ", 1)[1] for c in page.chapters] == [
        "Ambities en indicatoren",
        "Output: wat deed de bot?",
        "Outcome: wat veranderde er?",
        "Wat leren we?",
        "Bijlage: verantwoording en tabellen",
    ]
    assert page.tags["svg"] >= 4 and page.tags["rect"] > 10
    assert page.tags.get("script", 0) == 0 and page.tags["style"] == 1
    assert not [link for link in page.links if link.startswith(("http", "//"))]
    indicators = {row[0]: row for row in page.rows["indicatoren"][1:]}
    assert indicators["Gesprekken met de bot"][1:] == ["output", "70", "minstens 1.000", "niet gehaald"]
    assert indicators["Deel van de berichten van jongeren"][2:] == ["80,0%", "minstens 50%", "gehaald"]


def test_absent_metrics_say_no_data_yet(tmp_path: Path) -> None:
    write_counts(tmp_path / "r.db", SCRIPT, DURATIONS)
    html = render(report_of(tmp_path / "r.db"))
    assert "Heb je hier iets aan gehad?: nog geen gegevens in deze periode." in html
    assert "Wat ga je nu doen?: nog geen gegevens in deze periode." in html
    assert "verzonnen demogegevens" not in html


def test_feedback_and_next_steps_are_shown_once_counted(tmp_path: Path) -> None:
    extra = [
        ("2026-05-04", "feedback", "nuttig", 30),
        ("2026-05-04", "feedback", "niet-nuttig", 10),
        ("2026-05-04", "feedback", "weet-wat-ik-kan-doen", 10),
        ("2026-05-04", "next_step", "praten-vertrouwd", 8),
        ("2026-05-04", "next_step", "melden", 2),
        ("2026-05-04", "media_refused", "", 7),
    ]
    write_counts(tmp_path / "r.db", SCRIPT + extra, DURATIONS)
    report = report_of(tmp_path / "r.db")
    write_report(report, tmp_path / "out")
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    page = parse(html)
    assert "<b>7</b><span>media geweigerd</span>" in html
    assert page.column("iets-aan-gehad")["Ja, ik heb er iets aan"] == "30"
    assert page.column("volgende-stap")["Melden"] == "<5"
    assert page.column("volgende-stap")["Praten met iemand die ik vertrouw"] == "x"
    results = {r.indicator.id: r for r in report.results}
    assert results["iets-aan-gehad"].measured == "80,0%"  # (30 + 10) of 50
    assert (tmp_path / "out" / "iets-aan-gehad.csv").exists()


def test_buttons_and_commands_are_not_reported_as_topics(tmp_path: Path) -> None:
    """Older versions counted a button turn under its intent ("handover_ja", "start")."""
    script = [
        ("2026-03-02", "messages", "", 60),
        ("2026-03-02", "topic", "sextortion", 40),
        ("2026-03-02", "topic", "handover_ja", 12),
        ("2026-03-02", "topic", "start", 8),
    ]
    write_counts(tmp_path / "r.db", script)
    write_report(report_of(tmp_path / "r.db"), tmp_path / "out")
    topics = {row[0]: row[1] for row in read_csv(tmp_path / "out" / "onderwerp.csv")}
    assert topics["Knoppen en opdrachten (geen onderwerp)"] == "20" and topics["Totaal"] == "60"
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Handover_ja" not in html and ">Start<" not in html and "Handover ja" not in html
