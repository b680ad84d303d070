"""Syllables counted by hand, sentence splitting for chat text, and the two Flesch formulas."""

import subprocess
import sys
from pathlib import Path

import pytest

from bot.common.settings import PROJECT_ROOT
from bot.content.check import check_content
from bot.content.loader import load_content
from bot.content.readability import (
    Counts,
    article_scores,
    counts,
    dutch_syllables,
    english_syllables,
    flesch_douma,
    flesch_reading_ease,
    readability_warnings,
    sentences,
)

# Counted by hand, by clapping the word: the syllable breaks are in the comment.
DUTCH = {
    "naaktfoto": 3,  # naakt-fo-to
    "politie": 3,  # po-li-tie (Woordenlijst: po·li·tie; "-tie" is one syllable)
    "ouders": 2,  # ou-ders
    "vriendin": 2,  # vrien-din
    "meisje": 2,  # meis-je
    "geüpload": 3,  # ge-up-load: trema splits, "load" is English
    "ideeën": 3,  # i-dee-en
    "België": 3,  # Bel-gi-e
    "ruïne": 3,  # ru-i-ne
    "bijvoorbeeld": 3,  # bij-voor-beeld
    "moeilijk": 2,  # moei-lijk
    "nieuwe": 2,  # nieu-we
    "mooie": 2,  # mooi-e
    "eeuw": 1,
    "vrouw": 1,
    "zoals": 2,  # zo-als: "oa" is two vowels in Dutch
    "situatie": 4,  # si-tu-a-tie
    "sociaal": 3,  # so-ci-aal
    "radio": 3,  # ra-di-o
    "foto's": 2,  # fo-to's
    "zo'n": 1,
    "vertrouwenspersoon": 5,  # ver-trou-wens-per-soon
    "gebruikersnaam": 4,  # ge-brui-kers-naam
    "schuld": 1,
    "Kindertelefoon": 5,  # kin-der-te-le-foon
    "aangifte": 3,  # aan-gif-te
    "verwijderen": 4,  # ver-wij-de-ren
    "uitgelekte": 4,  # uit-ge-lek-te
    "zelfmoordpreventie": 5,  # zelf-moord-pre-ven-tie
    "groeien": 2,  # groei-en
    "serieus": 3,  # se-ri-eus
    "bureau": 2,  # bu-reau
    "screenshot": 2,  # screen-shot
    "online": 2,  # on-line: English silent e
    "website": 2,  # web-site
    "hobby": 2,  # hob-by: y is a vowel
    "yoga": 2,  # yo-ga: y starts a syllable
    "e-mail": 2,
    "Halt-straf": 2,
    "aquarium": 4,  # a-qua-ri-um: the u in qu is not a vowel
}

ENGLISH = {
    "photo": 2,
    "police": 2,  # silent e
    "people": 2,  # -le after a consonant is a syllable
    "forwarded": 3,  # -ed after d is a syllable
    "helped": 1,  # -ed after p is not
    "makes": 1,
    "places": 2,  # -es after c is a syllable
    "adult": 2,
    "trust": 1,
    "the": 1,
}


@pytest.mark.parametrize(("word", "expected"), DUTCH.items())
def test_dutch_syllables_counted_by_hand(word: str, expected: int) -> None:
    assert dutch_syllables(word) == expected


@pytest.mark.parametrize(("word", "expected"), ENGLISH.items())
def test_english_syllables_counted_by_hand(word: str, expected: int) -> None:
    assert english_syllables(word) == expected


def test_line_breaks_and_bullets_end_a_sentence() -> None:
    text = "Dit kun je doen:\n- Vertel het aan je mentor\n- Blokkeer hem. Meld het!\nKlaar"
    assert sentences(text) == [
        ["Dit", "kun", "je", "doen"],
        ["Vertel", "het", "aan", "je", "mentor"],
        ["Blokkeer", "hem"],
        ["Meld", "het"],
        ["Klaar"],
    ]


def test_abbreviations_do_not_end_a_sentence_but_questions_do() -> None:
    text = "Dat staat in art. 252 Sr. Gebruik je bijv. Snapchat? Meld het dan."
    assert [len(s) for s in sentences(text)] == [5, 4, 3]


def test_numbers_and_web_addresses_are_not_words() -> None:
    text = "Bel 0800-0432 of ga naar kindertelefoon.nl of https://www.helpwanted.nl/en (12 tot 18 jaar)."
    assert sentences(text) == [["Bel", "of", "ga", "naar", "of", "tot", "jaar"]]


def test_counts_of_a_short_text() -> None:
    assert counts("Ik bel mijn moeder.\n\n- Zij helpt!", "nl") == Counts(words=6, sentences=2, syllables=7)


def test_flesch_douma_on_a_hand_computed_text() -> None:
    # Vertel(2) het aan een volwassene(4) die je vertrouwt(2): 8 words, 13 syllables;
    # Je staat er niet alleen(2) voor: 6 words, 7 syllables. 14 words, 20 syllables, 2 sentences:
    # 206.84 - 0.77 * (2000 / 14) - 0.93 * 7 = 206.84 - 110 - 6.51 = 90.33
    text = "Vertel het aan een volwassene die je vertrouwt. Je staat er niet alleen voor."
    c = counts(text, "nl")
    assert c == Counts(words=14, sentences=2, syllables=20)
    assert flesch_douma(c) == pytest.approx(90.33)


def test_flesch_douma_formula() -> None:
    # 206.84 - 0.77 * 150 - 0.93 * 20 = 72.74
    assert flesch_douma(Counts(words=100, sentences=5, syllables=150)) == pytest.approx(72.74)


def test_flesch_reading_ease_on_a_hand_computed_text() -> None:
    # Tell an adult(2) you trust: 5 words, 6 syllables; You are not alone(2): 4 words, 5 syllables.
    # 206.835 - 1.015 * 9 / 2 - 84.6 * 11 / 9 = 206.835 - 4.5675 - 103.4 = 98.8675
    c = counts("Tell an adult you trust. You are not alone.", "en")
    assert c == Counts(words=9, sentences=2, syllables=11)
    assert flesch_reading_ease(c) == pytest.approx(98.8675)


HARD_ARTICLE = """\
topic: moeilijk
reviewed_by: Jan
reviewed_on: 2026-01-01
related: []
sources: [{organisation: X, url: "https://example.org", checked: 2026-01-01}]
texts:
  jongere:
    nl:
      title: Moeilijk
      answer: |
        {hard}
    en:
      title: Hard
      answer: Tell an adult you trust.
  ouder:
    nl:
      title: Moeilijk
      answer: |
        {hard}
    en:
      title: Hard
      answer: Tell an adult you trust.
  professional:
    same_as: ouder
"""
HARD = (
    "Overeenkomstig de geldende beleidsrichtlijnen dienen professionele hulpverleners "
    "onverwijld contact te onderhouden met verantwoordelijke vertrouwenspersonen en "
    "gespecialiseerde organisaties betreffende seksualiteitsgerelateerde problematiek."
)


@pytest.fixture
def hard_root(tmp_path: Path) -> Path:
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "knowledge" / "moeilijk.yml").write_text(
        HARD_ARTICLE.replace("{hard}", HARD), encoding="utf-8"
    )
    return tmp_path


def test_hard_jongere_text_warns_with_file_and_line(hard_root: Path) -> None:
    content, _ = load_content(hard_root)
    warnings = readability_warnings(article_scores(content))
    assert [(str(w.path.name), w.line, w.warning) for w in warnings] == [("moeilijk.yml", 9, True)]
    assert "jongere.nl: Flesch-Douma" in warnings[0].message


def test_content_check_includes_the_readability_warning(hard_root: Path) -> None:
    content, _ = load_content(hard_root)
    found = check_content(content, {"moeilijk"}, set(), set(), set())
    assert [p.line for p in found if "Flesch-Douma" in p.message] == [9]


def test_every_written_text_is_scored_lowest_first() -> None:
    content, _ = load_content(PROJECT_ROOT)
    scores = article_scores(content)
    values = [s.score for s in scores]
    assert values == sorted(values)
    written = sum(len(a.texts) - 2 * len(a.fallbacks) for a in content.articles.values())
    assert len(scores) == written
    assert all(s.counts.words > 0 and s.counts.sentences > 0 for s in scores)


def test_cli_prints_the_table() -> None:
    env = {"BOT_PSEUDONYM_KEY": "cd" * 32, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--readability"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["article", "audience", "lang", "score", "words", "sentences"]
    rows = [r for r in (line.split() for line in lines[1:]) if len(r) >= 6 and r[2] in ("nl", "en")]
    assert len(rows) > 40 and [float(r[3]) for r in rows] == sorted(float(r[3]) for r in rows)
