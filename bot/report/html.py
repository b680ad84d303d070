"""Print the report as one self-contained HTML page (inline CSS and SVG) that prints well on A4."""

from __future__ import annotations

import re
from html import escape

from bot.report.build import Block, Bullets, Chart, Figures, Heading, Note, Pair, Report, Section
from bot.report.indicators import HIDDEN, MET, NO_DATA, NOT_MET, TOO_FEW
from bot.report.style import CSS
from bot.report.suppress import Cell
from bot.report.tables import MONTH_NAMES, Table, text

STATUS_CLASS = {MET: "gehaald", NOT_MET: "niet-gehaald", NO_DATA: "geen", HIDDEN: "geen", TOO_FEW: "geen"}
NUMBER = re.compile(r"^(<5|x|–|[\d.,]+(%| min| uur)?)$")
DEMO_WARNING = (
    "Let op: dit rapport is gemaakt met verzonnen demogegevens (python -m bot demo-data). "
    "Gebruik het niet voor een verantwoording."
)


def render(report: Report) -> str:
    kompas = report.kompas
    parts = [
        '<!doctype html><html lang="nl"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Kwaliteitskompas {escape(kompas.title)} {_period(report)}</title>",
        f"<style>{CSS}</style></head><body>",
        _cover(report),
        *(_section(s) for s in report.sections),
        f"<footer>{escape(kompas.werkgroep)} · {_period(report)} · gemaakt op {_day(report.made_on)} "
        "met <code>python -m bot report</code></footer>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _cover(report: Report) -> str:
    kompas = report.kompas
    demo = f'<p class="demo">{escape(DEMO_WARNING)}</p>' if report.counts.demo else ""
    toc = "".join(f"<li>{escape(s.title)}</li>" for s in report.sections)
    return (
        f'<header class="cover"><h1>Kwaliteitskompas<br>{escape(kompas.title)}</h1>'
        f'<p class="sub">Rapportage over {_period(report)}</p></header>{demo}'
        f'<dl class="meta"><dt>Periode</dt><dd>{_period(report)}</dd>'
        f"<dt>Werkgroep</dt><dd>{escape(kompas.werkgroep)}</dd>"
        f"<dt>Gemaakt op</dt><dd>{_day(report.made_on)}</dd>"
        "<dt>Bron</dt><dd>Anonieme dagtellingen van de bot: geen namen, geen teksten, geen gespreks-id's. "
        "Aantallen onder 5 staan er als &lt;5.</dd></dl>"
        f'<nav class="toc"><b>Inhoud</b><ol>{toc}</ol></nav>'
        "<p>Dit rapport volgt het Kwaliteitskompas van Movisie: eerst wat de werkgroep wil bereiken, dan wat "
        "de bot deed (output), wat het opleverde (outcome) en wat we daarvan leren.</p>"
    )


def _section(section: Section) -> str:
    ambition = section.number == 1
    intro = _paragraphs(section.intro, "ambition" if ambition else "intro")
    blocks = "\n".join(_block(b) for b in section.blocks)
    return (
        f'<section class="chapter" id="h{section.number}"><h2>{section.number}. {escape(section.title)}</h2>'
        f"{intro}\n{blocks}</section>"
    )


def _block(block: Block) -> str:
    match block:
        case Table():
            return _table(block)
        case Chart():
            return f"<figure>{block.svg}<figcaption>{escape(block.caption)}</figcaption></figure>"
        case Heading():
            return f"<h3>{escape(block.text)}</h3>"
        case Note():
            return _paragraphs(block.text, "nodata")
        case Bullets():
            items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
            return f'<ul class="bullets">{items}</ul>'
        case Pair():
            return f'<div class="pair"><div>{_block(block.left)}</div><div>{_block(block.right)}</div></div>'
        case Figures():
            cells = "".join(f"<div><b>{escape(v)}</b><span>{escape(k)}</span></div>" for k, v in block.items)
            return f'<div class="figures">{cells}</div>'
    raise TypeError(f"no HTML for {type(block).__name__}")


def _table(table: Table) -> str:
    numeric = [all(_is_number(row.cells[i]) for row in table.rows) for i in range(len(table.header) - 1)]
    head = "".join(
        f"<th{' class=n' if i and numeric[i - 1] else ''}>{escape(h)}</th>"
        for i, h in enumerate(table.header)
    )
    rows = []
    for row in table.rows:
        cells = "".join(f"<td{_cls(c, numeric[i])}>{escape(text(c))}</td>" for i, c in enumerate(row.cells))
        rows.append(f"<tr{' class=total' if row.total else ''}><td>{escape(row.label)}</td>{cells}</tr>")
    note = f'<p class="tnote">{escape(table.note)}</p>' if table.note else ""
    return (
        f'<table id="{escape(table.name)}"><caption>{escape(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{note}"
    )


def _is_number(cell: Cell | str) -> bool:
    return isinstance(cell, Cell) or bool(NUMBER.match(cell))


def _cls(cell: Cell | str, numeric: bool) -> str:
    """Numbers right-aligned; an indicator's verdict coloured, and with a sign for grey print."""
    value = text(cell)
    if value in STATUS_CLASS:
        return f' class="{STATUS_CLASS[value]}"'
    return ' class="n"' if numeric else ""


def _paragraphs(value: str, css: str) -> str:
    """YAML block text: a blank line starts a new paragraph, single line breaks are just wrapping."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", value.strip()) if p.strip()]
    return "".join(f'<p class="{css}">{escape(p)}</p>' for p in paragraphs)


def _period(report: Report) -> str:
    period = report.counts.period
    return f"{_day(period.start)} t/m {_day(period.end)}"


def _day(day) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
