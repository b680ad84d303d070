"""The werkgroep's review pack and the recorded sign-off, on copies of the real content."""

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.app import load_checked_content
from bot.cli import main
from bot.content.comments import comments
from bot.content.reviewpack import write_review_pack
from bot.content.reviews import reviews_due
from bot.content.signoff import SignOffError, record_review

TODAY = date(2026, 12, 1)


@pytest.fixture
def cli_env(content_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BOT_CONTENT_DIR", str(content_copy))
    monkeypatch.setenv("BOT_PSEUDONYM_KEY", "ab" * 32)
    return content_copy


def add_open_point(article: Path, point: str) -> None:
    text = article.read_text(encoding="utf-8")
    at = text.index("\nsources:")
    article.write_text(text[:at] + f'\nopen_points:\n  - "{point}"' + text[at:], encoding="utf-8")


class Links(HTMLParser):
    """Every URL the page would load or link to, and whether it has a script."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.scripts += tag == "script"
        if tag in ("img", "link", "iframe", "source", "object", "embed"):
            self.loads.append(values.get("src") or values.get("href") or values.get("data") or "")
        if tag == "a":
            self.links.append(values.get("href") or "")


def test_pack_has_a_page_per_article_with_open_points_sources_and_sign_box(content_copy: Path) -> None:
    add_open_point(content_copy / "knowledge" / "halt.yml", "Klopt het adres van Halt in Helmond?")
    content, problems = load_checked_content(content_copy, advice=False)
    assert not [p for p in problems if p.path.name == "halt.yml" and not p.warning]
    written = write_review_pack(content, content_copy / "pack", TODAY)

    names = {p.name for p in written.pages}
    assert names == {f"{t}.html" for t in content.articles} | {"contacten.html"}
    halt = (content_copy / "pack" / "halt.html").read_text(encoding="utf-8")
    box = halt[halt.index("<section class=open>") : halt.index("</section>")]
    assert "Klopt het adres van Halt in Helmond?" in box
    # A contact the article uses brings its own open point (contacts.yml: Halt's address is unverified).
    assert "UNVERIFIED" in box and "knowledge/contacts.yml:" in box
    for audience in ("Jongeren", "Ouders", "Professionals"):
        assert f"<h2>{audience}</h2>" in halt
    assert "<th>Nederlands</th><th>English</th>" in halt
    assert halt.count("<blockquote>") == sum(len(s.supports) for s in content.articles["halt"].sources)
    assert "python -m bot review halt --by" in halt and "Akkoord van de werkgroep" in halt


def test_every_number_in_a_text_points_at_the_source_that_quotes_it(content_copy: Path) -> None:
    content, _ = load_checked_content(content_copy, advice=False)
    write_review_pack(content, content_copy / "pack", TODAY)
    page = (content_copy / "pack" / "sextortion.html").read_text(encoding="utf-8")
    sources = content.articles["sextortion"].sources
    marked = re.findall(r"<mark class='num'>([^<]+)</mark>((?:<sup>\d+</sup>)+)", page)
    assert marked and "<sup>?</sup>" not in page
    for number, refs in marked:
        digits = re.sub(r"\D", "", number)
        for n in re.findall(r"\d+", refs):
            backed = " ".join(sources[int(n) - 1].supports) + sources[int(n) - 1].url
            assert digits in re.sub(r"\D", "", backed)


def test_pages_are_self_contained_and_print_on_a4(content_copy: Path) -> None:
    content, _ = load_checked_content(content_copy, advice=False)
    written = write_review_pack(content, content_copy / "pack", TODAY)
    for page in (written.index, *written.pages):
        html = page.read_text(encoding="utf-8")
        parser = Links()
        parser.feed(html)
        assert parser.loads == [] and parser.scripts == 0, page.name
        assert all(not re.match(r"[a-z]+:", href) for href in parser.links), page.name
        assert "@page { size: A4" in html and "@media print" in html
        assert "url(" not in html and "@import" not in html


def test_index_lists_what_is_due_oldest_first(content_copy: Path) -> None:
    halt = content_copy / "knowledge" / "halt.yml"
    record_review(halt, "Jan de Vries", date(2026, 11, 30), TODAY)
    grooming = content_copy / "knowledge" / "grooming.yml"
    record_review(grooming, "Fatima El Amrani", date(2024, 1, 15), TODAY)
    content, _ = load_checked_content(content_copy, advice=False)
    index = write_review_pack(content, content_copy / "pack", TODAY).index.read_text(encoding="utf-8")

    due = reviews_due(content.articles.values(), TODAY)
    assert f"waarvan <b>{len(due)}</b> een review nodig" in index
    assert len(due) == len(content.articles) - 1  # halt is signed and recent
    rows = re.findall(r"<tr class=(\w+)><td><a href='([\w-]+)\.html'>", index)
    assert rows[0] == ("late", "grooming")  # oldest review first
    assert ("signed", "halt") in rows
    assert "review verlopen sinds 2025-01-15" in index


def test_review_changes_only_the_two_lines(content_copy: Path) -> None:
    path = content_copy / "knowledge" / "sextortion.yml"
    before = path.read_text(encoding="utf-8")
    done = record_review(path, "  Sanne   Jansen ", date(2026, 11, 30), TODAY)
    after = path.read_text(encoding="utf-8")

    assert done.before == ("werkgroep, te bevestigen", "2026-11-24")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        ("reviewed_by: werkgroep, te bevestigen", "reviewed_by: Sanne Jansen"),
        ("reviewed_on: 2026-11-24", "reviewed_on: 2026-11-30"),
    ]
    assert after.startswith("# Whether sextortion itself")  # the comments stay
    content, problems = load_checked_content(content_copy, advice=False)
    assert not [p for p in problems if p.path == path and not p.warning]
    assert content.articles["sextortion"].reviewed_by == "Sanne Jansen"
    assert "sextortion" not in {d.topic for d in reviews_due(content.articles.values(), TODAY)}


@pytest.mark.parametrize(
    ("by", "on", "reason"),
    [
        ("werkgroep, te bevestigen", date(2026, 11, 30), "is not a reviewer"),
        ("Werkgroep, TE BEVESTIGEN", date(2026, 11, 30), "is not a reviewer"),
        ("   ", date(2026, 11, 30), "needs the name"),
        ("Jan", date(2026, 12, 2), "in the future"),
    ],
)
def test_review_refuses_a_placeholder_name_or_a_future_day(
    content_copy: Path, by: str, on: date, reason: str
) -> None:
    path = content_copy / "knowledge" / "halt.yml"
    before = path.read_text(encoding="utf-8")
    with pytest.raises(SignOffError, match=reason):
        record_review(path, by, on, TODAY)
    assert path.read_text(encoding="utf-8") == before


def test_review_command_end_to_end(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "halt", "--by", "Jan de Vries", "--on", "2026-11-28"]) == 0
    assert "reviewed_by 'Jan de Vries', reviewed_on 2026-11-28" in capsys.readouterr().out
    assert "reviewed_by: Jan de Vries\nreviewed_on: 2026-11-28\n" in (
        cli_env / "knowledge" / "halt.yml"
    ).read_text(encoding="utf-8")
    assert main(["review", "bestaat-niet", "--by", "Jan"]) == 1
    assert main(["review", "contacts", "--by", "Jan"]) == 1
    assert main(["review", "halt", "--by", "werkgroep, te bevestigen"]) == 1
    assert "is not a reviewer" in capsys.readouterr().err


def test_review_pack_command(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = cli_env / "pack"
    assert main(["review-pack", "--out", str(out)]) == 0
    assert (out / "index.html").is_file() and (out / "contacten.html").is_file()
    (cli_env / "knowledge" / "halt.yml").write_text("topic: halt\n", encoding="utf-8")
    assert main(["review-pack", "--out", str(cli_env / "pack2")]) == 1
    assert "nothing written" in capsys.readouterr().err and not (cli_env / "pack2").exists()


def test_comments_are_found_outside_texts_only() -> None:
    text = (
        "# note one\n"
        "# UNVERIFIED: continues\n"
        "topic: halt  # after a value\n"
        "url: https://x.nl/#anchor\n"
        "quoted: 'a # b'\n"
        "answer: |\n"
        "  Gebruik #hashtag niet.\n"
        "  # ook geen commentaar\n"
        "more: x\n"
    )
    found = comments(text)
    assert [(c.line, c.text, c.whole_line) for c in found] == [
        (1, "note one UNVERIFIED: continues", True),
        (3, "after a value", False),
    ]
    assert found[0].is_open_point and not found[1].is_open_point
