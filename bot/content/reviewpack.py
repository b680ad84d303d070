"""The werkgroep's review pack: one printable page per article, a page of contacts, an index.

`python -m bot review-pack --out DIR` writes DIR/index.html (what is due, oldest first),
DIR/<topic>.html and DIR/contacten.html. Every page is self-contained (inline style, no
scripts, fonts or images from elsewhere) and prints on A4. An article page shows every
audience with Dutch and English side by side, as the bot sends them (contacts filled in);
each number in a text is marked with the sources whose quoted support holds it; the
sources follow with their quotes; open points (the article's `open_points:` and comments
that say something is unverified or still to be confirmed) stand in a yellow box; at the
end a box to sign and the command that records the signature.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

from bot.content.comments import Comment, file_comments
from bot.content.model import AUDIENCES, LANGUAGES, Article, ArticleText, Contact, Content, MorePart, Source
from bot.content.placeholders import content_placeholders
from bot.content.render import PLACEHOLDER, Renderer, display_url
from bot.content.reviews import ReviewDue, add_months, parse_day, review_due, signed

NUMBER = re.compile(r"\d[\d.,:–-]*\d|\d")
AUDIENCE_NAMES = {"jongere": "Jongeren", "ouder": "Ouders", "professional": "Professionals"}
CONTACTS_PAGE = "contacten.html"


@dataclass(frozen=True, slots=True)
class OpenPoint:
    text: str
    where: str  # "knowledge/sextortion.yml:3" or "open_points"


@dataclass(frozen=True, slots=True)
class Written:
    index: Path
    pages: tuple[Path, ...]


def write_review_pack(content: Content, out: Path, today: date) -> Written:
    """Write the pack into `out` (created if needed); the content must have passed the check."""
    out.mkdir(parents=True, exist_ok=True)
    renderer = Renderer(content.contacts, content_placeholders(content))
    contact_points = _contact_points(content)
    points = {topic: _points(a, content, contact_points) for topic, a in content.articles.items()}
    pages = []
    for topic in sorted(content.articles):
        article = content.articles[topic]
        page = _ArticlePage(content, article, renderer, points[topic], contact_points, today)
        path = out / f"{topic}.html"
        path.write_text(page.html(), encoding="utf-8")
        pages.append(path)
    contacts = out / CONTACTS_PAGE
    contacts.write_text(_contacts_page(content, contact_points, today), encoding="utf-8")
    index = out / "index.html"
    index.write_text(_index_page(content, points, contact_points, today), encoding="utf-8")
    return Written(index, (*pages, contacts))


def _points(
    article: Article, content: Content, contact_points: dict[str, list[OpenPoint]]
) -> list[OpenPoint]:
    """Everything the werkgroep must confirm for one article, its contacts' points included
    (read once: it scans the article's file for comments)."""
    via_contacts = [p for key in used_contacts(article, content) for p in contact_points.get(key, [])]
    return [*article_open_points(article), *via_contacts]


def article_open_points(article: Article) -> list[OpenPoint]:
    """The article's `open_points:` and the comments in its file that need the werkgroep."""
    points = [OpenPoint(p, "open_points") for p in article.open_points]
    path = article.where.path
    points += [OpenPoint(c.text, f"{_short(path)}:{c.line}") for c in file_comments(path) if c.is_open_point]
    return points


def _contact_points(content: Content) -> dict[str, list[OpenPoint]]:
    """Open-point comments of contacts.yml, each given to the contact it stands in."""
    out: dict[str, list[OpenPoint]] = {key: [] for key in content.contacts}
    contacts = sorted(content.contacts.values(), key=lambda c: c.where.line)
    if not contacts:
        return out
    path = contacts[0].where.path
    for comment in file_comments(path):
        owner = _owner(contacts, comment)
        if comment.is_open_point and owner is not None:
            out[owner.key].append(OpenPoint(comment.text, f"{_short(path)}:{comment.line}"))
    return out


def _owner(contacts: list[Contact], comment: Comment) -> Contact | None:
    """The contact whose block holds the comment: the last one starting at or before it."""
    owner = None
    for contact in contacts:
        if contact.where.line - 1 <= comment.line:  # the key line sits just above the mapping
            owner = contact
    return owner


def _short(path: Path) -> str:
    """'knowledge/halt.yml' rather than the full path."""
    return "/".join(path.parts[-2:])


# --- an article page -------------------------------------------------------------------


class _ArticlePage:
    def __init__(
        self,
        content: Content,
        article: Article,
        renderer: Renderer,
        points: list[OpenPoint],
        contact_points: dict[str, list[OpenPoint]],
        today: date,
    ) -> None:
        self.content = content
        self.article = article
        self.renderer = renderer
        self.points = points  # the article's own and its contacts' open points
        self.contact_points = contact_points
        self.today = today
        self.used_contacts = used_contacts(article, content)

    def html(self) -> str:
        a = self.article
        title = a.text("jongere", "nl").title
        audiences = "".join(self._audience(audience) for audience in AUDIENCES)
        body = [
            "<header><p class=crumb><a href='index.html'>Reviewpakket</a> · ",
            f"{escape(_short(a.where.path))}</p>",
            f"<h1>{escape(title)} <small>({escape(a.topic)})</small></h1>",
            _status_table(a, self.today),
            "</header>",
            _open_box(self.points, "Open punten voor de werkgroep"),
            audiences,
            self._sources(),
            self._contacts(),
            _sign_box(a),
        ]
        return _document(f"Review: {title}", "".join(body), self.today)

    def _audience(self, audience: str) -> str:
        a = self.article
        heading = f"<h2>{AUDIENCE_NAMES[audience]}</h2>"
        if audience in a.fallbacks:
            target = AUDIENCE_NAMES[a.fallbacks[audience]].lower()
            return f"<section>{heading}<p class=same>Zelfde tekst als {target}.</p></section>"
        nl, en = (a.texts.get((audience, lang)) for lang in LANGUAGES)
        if nl is None or en is None:
            return f"<section>{heading}<p class=same>Geen tekst.</p></section>"
        rows = [
            self._row("Titel", nl.title, en.title, plain=True),
            self._row("Eerste antwoord", nl.answer, en.answer),
        ]
        for label, part_nl, part_en in _paired_parts(nl, en):
            rows.append(self._part_row(label, part_nl, part_en))
        return (
            f"<section>{heading}<table class=texts><colgroup><col class=label><col><col></colgroup>"
            "<thead><tr><th></th><th>Nederlands</th><th>English</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>"
        )

    def _row(self, label: str, nl: str, en: str, plain: bool = False) -> str:
        cells = (escape(t) if plain else self._text(t, lang) for t, lang in ((nl, "nl"), (en, "en")))
        return f"<tr><th>{escape(label)}</th>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"

    def _part_row(self, label: str, nl: MorePart | None, en: MorePart | None) -> str:
        cells = []
        for part, lang in ((nl, "nl"), (en, "en")):
            if part is None:
                cells.append("<td class=missing>ontbreekt in deze taal</td>")
            else:
                cells.append(f"<td><b>{escape(part.title)}</b><br>{self._text(part.text, lang)}</td>")
        return f"<tr><th>{escape(label)}</th>{''.join(cells)}</tr>"

    def _text(self, text: str, language: str) -> str:
        """The text as sent: contacts filled in (underlined), numbers marked with their sources."""
        out, last = [], 0
        for match in PLACEHOLDER.finditer(text):
            out.append(self._literal(text[last : match.start()]))
            value = self.renderer.render(match.group(0), language)
            out.append(f"<span class=filled title='{escape(match.group(0))}'>{escape(value)}</span>")
            last = match.end()
        out.append(self._literal(text[last:]))
        return f"<div class=body>{''.join(out).strip()}</div>"

    def _literal(self, text: str) -> str:
        out, last = [], 0
        for match in NUMBER.finditer(text):
            out.append(escape(text[last : match.start()]))
            refs = _backing(match.group(0), self.article.sources)
            marks = "".join(f"<sup>{n}</sup>" for n in refs) if refs else "<sup>?</sup>"
            kind = "num" if refs else "num unsourced"
            out.append(f"<mark class='{kind}'>{escape(match.group(0))}</mark>{marks}")
            last = match.end()
        out.append(escape(text[last:]))
        return "".join(out)

    def _sources(self) -> str:
        items = []
        for n, source in enumerate(self.article.sources, start=1):
            items.append(f"<li value={n}>{_source(source)}</li>")
        return (
            "<section class=sources><h2>Bronnen</h2>"
            "<p class=hint>Een gemarkeerd getal in de tekst met <sup>n</sup> staat in de citaten van bron n. "
            "Controleer of elke bewering in de teksten door een citaat hieronder wordt gedragen.</p>"
            f"<ol>{''.join(items)}</ol></section>"
        )

    def _contacts(self) -> str:
        if not self.used_contacts:
            return ""
        items = []
        for key in self.used_contacts:
            contact = self.content.contacts[key]
            points = self.contact_points.get(key, [])
            flag = f" <span class=flag>{len(points)} open punt(en)</span>" if points else ""
            items.append(
                f"<li><b>{escape(contact.name.get('nl', key))}</b>{flag}: {escape(_details(contact))}"
                f"<br><span class=muted>bron: {escape(contact.source.organisation)}</span>"
                f"{_point_list(points)}</li>"
            )
        return (
            "<section class=sources><h2>Gebruikte contacten</h2>"
            f"<p class=hint>Onderstreept in de tekst; alle contacten met bronnen staan in "
            f"<a href='{CONTACTS_PAGE}'>contacten</a>.</p><ul>{''.join(items)}</ul></section>"
        )


def _paired_parts(nl: ArticleText, en: ArticleText) -> list[tuple[str, MorePart | None, MorePart | None]]:
    """'Meer' parts side by side: by their `detail` id where they have one, otherwise by position."""
    rows: list[tuple[str, MorePart | None, MorePart | None]] = []
    en_parts = list(en.more)
    by_detail = {p.detail: p for p in en_parts if p.detail}
    for i, part in enumerate(nl.more):
        if part.detail:
            match = by_detail.get(part.detail)
        else:
            match = en.more[i] if i < len(en.more) and not en.more[i].detail else None
        if match is not None:
            en_parts.remove(match)
        label = f"Meer {i + 1}" + (f" ({part.detail})" if part.detail else "")
        rows.append((label, part, match))
    for part in en_parts:
        rows.append((f"Meer ({part.detail or 'alleen Engels'})", None, part))
    return rows


def _backing(number: str, sources: tuple[Source, ...]) -> list[int]:
    digits = re.sub(r"\D", "", number)
    found = []
    for n, source in enumerate(sources, start=1):
        backed = " ".join((*source.supports, source.url))
        if any(re.sub(r"\D", "", m) == digits for m in NUMBER.findall(backed)):
            found.append(n)
    return found


def _source(source: Source) -> str:
    quotes = "".join(f"<blockquote>{escape(s)}</blockquote>" for s in source.supports)
    return (
        f"<b>{escape(source.organisation)}</b> "
        f"<span class=muted>(gecontroleerd {escape(source.checked)})</span>"
        f"<br><span class=url>{escape(source.url)}</span>{quotes or '<p class=missing>geen citaat</p>'}"
    )


def _details(contact: Contact) -> str:
    parts = [
        contact.phone or "",
        display_url(contact.url) if contact.url else "",
        contact.hours.get("nl", ""),
    ]
    return " · ".join(p for p in parts if p) or "geen telefoon of site"


def _status_table(article: Article, today: date) -> str:
    due = review_due(article, today)
    reviewed = parse_day(article.reviewed_on)
    next_due = add_months(reviewed, article.review_every_months).isoformat() if reviewed else "?"
    related = ", ".join(article.related) or "geen"
    return (
        "<table class=status>"
        f"<tr><th>Laatste review</th><td>{escape(article.reviewed_by)}, {escape(article.reviewed_on)}</td>"
        f"<th>Volgende review</th><td>{next_due} (elke {article.review_every_months} maanden)</td></tr>"
        f"<tr><th>Status</th><td colspan=3>{_status(article, due)}</td></tr>"
        f"<tr><th>Verwante onderwerpen</th><td colspan=3>{escape(related)}</td></tr>"
        "</table>"
    )


def _status(article: Article, due: ReviewDue | None) -> str:
    """In the werkgroep's words: signed, not yet signed, overdue, or no valid date."""
    if due is None:
        return "<span class=ok>ondertekend</span>"
    reasons = []
    if not signed(article):
        reasons.append("nog niet ondertekend")
    if due.reviewed_on is None:
        reasons.append("reviewed_on is geen datum")
    elif due.overdue:
        next_due = add_months(due.reviewed_on, article.review_every_months)
        reasons.append(f"review verlopen sinds {next_due.isoformat()}")
    return "<span class=due>" + escape(", ".join(reasons)) + "</span>"


def used_contacts(article: Article, content: Content) -> list[str]:
    """Contact keys the article's texts name, in order of first use."""
    keys: dict[str, None] = {}
    for text in dict.fromkeys(article.texts.values()):
        for body in (text.answer, *(m.text for m in text.more)):
            for match in PLACEHOLDER.finditer(body):
                if match.group(1) in content.contacts:
                    keys.setdefault(match.group(1))
    return list(keys)


def _open_box(points: list[OpenPoint], heading: str) -> str:
    if not points:
        return f"<section class='open none'><h2>{heading}</h2><p>Geen open punten genoteerd.</p></section>"
    return f"<section class=open><h2>{heading} ({len(points)})</h2>{_point_list(points)}</section>"


def _point_list(points: Iterable[OpenPoint]) -> str:
    items = "".join(f"<li>{escape(p.text)} <span class=where>({escape(p.where)})</span></li>" for p in points)
    return f"<ul class=points>{items}</ul>" if items else ""


def _sign_box(article: Article) -> str:
    return (
        "<section class=sign><h2>Akkoord van de werkgroep</h2>"
        "<p>Ik heb alle teksten, bronnen en open punten hierboven gelezen.</p>"
        "<table><tr><th>Naam</th><td></td><th>Datum</th><td></td></tr>"
        "<tr><th>Handtekening</th><td colspan=3></td></tr></table>"
        "<p class=hint>Vastleggen in de inhoud: <code>python -m bot review "
        f'{escape(article.topic)} --by "Naam" --on JJJJ-MM-DD</code></p></section>'
    )


# --- contacts and index ------------------------------------------------------------------


def _contacts_page(content: Content, points: dict[str, list[OpenPoint]], today: date) -> str:
    rows = []
    for key, contact in content.contacts.items():
        open_hours = (
            "altijd" if contact.open and len(contact.open) == 1 and contact.open[0].start == "00:00" else ""
        )
        if contact.open and not open_hours:
            open_hours = "; ".join(f"{' '.join(s.days)} {s.start}–{s.end}" for s in contact.open)
        rows.append(
            f"<section class=contact><h2>{escape(contact.name.get('nl', key))} "
            f"<small>({{{escape(key)}}})</small></h2>"
            f"<p>{escape(_details(contact))}</p>"
            + (f"<p class=muted>Tijden voor de bot: {escape(open_hours)}</p>" if open_hours else "")
            + f"<p>{escape(contact.about.get('nl', ''))}</p>"
            + _open_box(points.get(key, []), "Open punten")
            + f"<div class=sources>{_source(contact.source)}</div></section>"
        )
    body = (
        "<header><p class=crumb><a href='index.html'>Reviewpakket</a> · knowledge/contacts.yml</p>"
        "<h1>Contacten</h1><p>Elke tekst noemt deze contacten via een code zoals {helpwanted}. "
        "Controleer nummers, adressen en tijden op de eigen site van de organisatie.</p></header>"
        + "".join(rows)
    )
    return _document("Review: contacten", body, today)


def _index_page(
    content: Content,
    points: dict[str, list[OpenPoint]],
    contact_points: dict[str, list[OpenPoint]],
    today: date,
) -> str:
    articles = sorted(
        content.articles.values(), key=lambda a: (parse_day(a.reviewed_on) or date.min, a.topic)
    )
    rows, due_count = [], 0
    for a in articles:
        due = review_due(a, today)
        due_count += due is not None
        open_points = len(points[a.topic])
        reviewed = parse_day(a.reviewed_on)
        next_due = add_months(reviewed, a.review_every_months).isoformat() if reviewed else "?"
        rows.append(
            f"<tr class={'late' if due else 'signed'}>"
            f"<td><a href='{escape(a.topic)}.html'>{escape(a.topic)}</a></td>"
            f"<td>{escape(a.text('jongere', 'nl').title)}</td>"
            f"<td>{escape(a.reviewed_by)}<br>{escape(a.reviewed_on)}</td><td class=day>{next_due}</td>"
            f"<td>{_status(a, due)}</td><td class=n>{open_points or ''}</td></tr>"
        )
    contact_total = sum(len(p) for p in contact_points.values())
    body = (
        "<header><h1>Reviewpakket werkgroep seksuele weerbaarheid</h1>"
        f"<p>{len(articles)} artikelen, waarvan <b>{due_count}</b> een review nodig hebben "
        "(oudste review eerst). "
        "Een artikel is pas ondertekend als <i>reviewed_by</i> een naam is, niet "
        "“werkgroep, te bevestigen”. Open elk artikel, print het (A4), lees het met de bronnen, "
        "en zet uw naam en datum in het vak onderaan.</p></header>"
        "<table class=index><thead><tr><th>Artikel</th><th>Titel</th><th>Laatste review</th>"
        "<th>Volgende</th><th>Status</th><th>Open punten</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<p><a href='{CONTACTS_PAGE}'>Contacten</a>: {len(content.contacts)} contacten, "
        f"{contact_total} open punt(en).</p>"
    )
    return _document("Reviewpakket", body, today)


def _document(title: str, body: str, today: date) -> str:
    return (
        "<!doctype html><html lang=nl><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{body}"
        f"<footer>Reviewpakket · gemaakt op {today.isoformat()}</footer></body></html>"
    )


CSS = """
@page { size: A4; margin: 14mm 12mm 16mm; }
:root { --ink: #1f2a36; --muted: #5d6b79; --accent: #1d5c87; --line: #cfd8e0; --soft: #eef3f7;
        --open: #fff3b0; --openline: #d4a800; --bad: #9a3b14; --ok: #2d6e45; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { background: #f4f6f8; }
body { font: 10pt/1.4 "DejaVu Sans", Arial, sans-serif; color: var(--ink); max-width: 190mm;
       margin: 0 auto; padding: 8mm; background: white; }
h1 { font-size: 16pt; color: var(--accent); margin: 0 0 2mm; }
h1 small, h2 small { font-weight: normal; color: var(--muted); font-size: 9pt; }
h2 { font-size: 12pt; color: var(--accent); margin: 5mm 0 2mm; border-bottom: 1px solid var(--line); }
a { color: var(--accent); }
.crumb, .muted, .where, footer, .hint { color: var(--muted); font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
th { background: var(--soft); font-weight: 600; }
table.texts { table-layout: fixed; }
table.texts col.label { width: 22mm; }
table.texts th { font-size: 8.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.body { white-space: pre-wrap; }
mark.num { background: #dcebf7; padding: 0 0.5mm; }
mark.unsourced { background: #f6c9b8; }
sup { color: var(--accent); font-size: 7pt; }
.filled { text-decoration: underline dotted var(--accent); }
.missing { color: var(--bad); font-style: italic; }
.same { color: var(--muted); font-style: italic; }
section.open { background: var(--open); border: 2px solid var(--openline); padding: 2mm 4mm; margin: 4mm 0;
               break-inside: avoid; }
section.open h2 { border: none; color: #6b5300; margin-top: 1mm; }
section.open.none { background: var(--soft); border: 1px solid var(--line); }
ul.points li { margin-bottom: 1mm; }
.flag { background: var(--open); border: 1px solid var(--openline); padding: 0 1mm; font-size: 8pt; }
.sources ol, .sources ul { padding-left: 6mm; }
.sources li { margin-bottom: 2mm; break-inside: avoid; }
blockquote { margin: 1mm 0 0 3mm; padding-left: 2mm; border-left: 2px solid var(--line); font-style: italic; }
.url { font-size: 8pt; word-break: break-all; color: var(--muted); }
.due { color: var(--bad); font-weight: 600; }
.ok { color: var(--ok); }
tr.late td { background: #fbf1ec; }
td.n { text-align: center; }
td.day { white-space: nowrap; }
table.status { margin: 2mm 0; }
section.sign { border: 2px solid var(--accent); padding: 2mm 4mm 3mm; margin-top: 6mm; break-inside: avoid; }
section.sign td { height: 11mm; width: 34%; }
section.sign th { width: 16%; }
code { font-size: 8.5pt; }
footer { margin-top: 6mm; border-top: 1px solid var(--line); padding-top: 1mm; }
@media print {
  html { background: none; }
  body { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  section.contact { break-inside: avoid; }
}
"""
