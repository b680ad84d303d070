"""Two plain inline SVG charts (columns over time, horizontal bars): no library, no network, prints sharp.

Colours and fonts come from the page's CSS classes, so print and screen share one style.
A hidden count gets no bar, only its mark, so a chart never shows more than the tables.
"""

from __future__ import annotations

import math
from html import escape

from bot.report.suppress import Cell, format_int

FULL, HALF = 640, 340  # viewBox widths: a whole A4 column, or half of one beside a table


def axis_step(top: int) -> int:
    """A round gridline step (1, 2, 2.5 or 5 times a power of ten) giving at most four lines."""
    power = 1
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * power
            if step == int(step) and top <= 4 * step:
                return int(step)
        power *= 10


def columns(title: str, points: list[tuple[str, Cell]], narrow: bool = False) -> str:
    """Vertical bars over time; only bars with a non-empty name get an axis label."""
    width, height, left, bottom, top = (HALF if narrow else FULL), 200, 40, 30, 10
    plot_h = height - bottom - top
    highest = max((c.value for _, c in points if c.shown), default=0)
    step = axis_step(highest)
    axis_top = step * max(1, math.ceil(highest / step))
    slot = (width - left - 8) / max(len(points), 1)
    parts = _grid(width, step, axis_top, left, top, plot_h)
    for i, (name, cell) in enumerate(points):
        x = left + i * slot
        if cell.shown:
            h = plot_h * cell.value / axis_top
            parts.append(
                f'<rect class="bar" x="{x + slot * 0.15:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{h:.1f}"><title>{escape(name)}: {cell.text}</title></rect>'
            )
        else:
            parts.append(_text("value", x + slot / 2, top + plot_h - 3, cell.mark, "middle"))
        if name:
            parts.append(_text("axis", x + slot / 2, height - 14, name, "middle"))
    return _svg(title, width, height, parts)


def bars(title: str, rows: list[tuple[str, Cell]], narrow: bool = False) -> str:
    """Horizontal bars with the label on the left and the count at the end of the bar."""
    width, row_h = (HALF if narrow else FULL), 20
    # about 5.3 units a character at the label's size; never more than half the chart
    label_w = min(width // 2, max(60, 10 + round(5.3 * max((len(name) for name, _ in rows), default=0))))
    height = row_h * len(rows) + 8
    top_value = max((c.value for _, c in rows if c.shown), default=0) or 1
    span = width - label_w - 50
    parts = []
    for i, (name, cell) in enumerate(rows):
        y = 4 + i * row_h
        parts.append(_text("label", label_w - 8, y + 14, name, "end"))
        w = span * cell.value / top_value if cell.shown else 0
        if w:
            parts.append(
                f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}"/>'
            )
        parts.append(_text("value", label_w + w + 4, y + 14, cell.text, "start"))
    return _svg(title, width, height, parts)


def _grid(width: int, step: int, axis_top: int, left: int, top: int, plot_h: int) -> list[str]:
    parts = []
    for value in range(0, axis_top + 1, step):
        y = top + plot_h - plot_h * value / axis_top
        parts.append(f'<line class="grid" x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(_text("axis", left - 6, y + 3, format_int(value), "end"))
    return parts


def _text(css: str, x: float, y: float, text: str, anchor: str) -> str:
    return f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'


def _svg(title: str, width: int, height: int, parts: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )
