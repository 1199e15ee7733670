"""Charts for the reports and the public dashboard, drawn on the server as inline SVG.

Why not a JavaScript chart library: the Content-Security-Policy runs no inline script and
allows no inline style (so only presentation attributes and classes are written here, never
`style=`); the same markup is printed by WeasyPrint into the PDF reports, where it must stay
readable in black and white (dark fills of clearly different lightness, every value written
out as text); and an SVG can be made accessible: each chart is an image named by its <title>
and <desc>, pointing by `aria-details` to the table on the page that holds the same figures.
"""
from __future__ import annotations

import math
import re
from typing import Callable, Sequence

from markupsafe import Markup

ValueText = Callable[[float], str]

WIDTH = 640
FONT = "DejaVu Sans, sans-serif"
INK, GRID, AXIS, OUTLINE = "#333333", "#c8c8c8", "#666666", "#1a2b3c"
DARK, LIGHT = "#1f4e79", "#7aa6d6"
# The parts of a stacked bar: (fill, ink of the share written on it). Lightness alternates,
# so neighbouring parts differ in greyscale too.
PALETTE = ((DARK, "#ffffff"), (LIGHT, "#111111"), ("#0b1f33", "#ffffff"),
           ("#d6e4f3", "#111111"), ("#4b79a8", "#ffffff"), ("#ffffff", "#111111"),
           ("#8c8c8c", "#111111"))
LABEL_CHARS = 28
BAR_STEP, BAR_LEFT, BAR_SPAN = 28, 212, 336      # bar chart: the labels end at BAR_LEFT - 8
COLUMN_HEIGHT, SMALL = 160, 11                    # column chart: plot height, font size


def _whole(value: float) -> str:
    """No decimals, thousands set apart by a no-break space: read the same in Vietnamese and English."""
    return f"{value:,.0f}".replace(",", "\u00a0")


def _clip(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _positive(value: float | None) -> float:
    """What a bar can draw: a finite value above zero, else nothing."""
    return float(value) if value is not None and math.isfinite(value) and value > 0 else 0.0


def _text_px(text: str, size: int = SMALL) -> float:
    """A generous estimate of the width of a text in DejaVu Sans."""
    return len(text) * size * 0.64


def _svg(chart_id: str, title: str, description: str, height: float, body: Markup,
         table_id: str | None) -> Markup:
    cid = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id) or "chart"
    details = Markup(' aria-details="{}"').format(table_id) if table_id else Markup()
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" viewBox="0 0 {w} {h:.0f}"'
        ' role="img" aria-labelledby="{cid}-title {cid}-desc"{details}'
        ' font-family="{font}" font-size="12" fill="{ink}">'
        '<title id="{cid}-title">{title}</title><desc id="{cid}-desc">{desc}</desc>{body}</svg>'
    ).format(w=WIDTH, h=math.ceil(height), cid=cid, details=details, font=FONT, ink=INK,
             title=title, desc=description, body=body)


def _empty(chart_id: str, title: str, description: str, text: str, table_id: str | None) -> Markup:
    body = Markup('<text x="{}" y="26" text-anchor="middle">{}</text>').format(WIDTH // 2, text)
    return _svg(chart_id, title, description, 40, body, table_id)


def bar_chart(chart_id: str, title: str, description: str, items: Sequence[tuple[str, float]], *,
              value_text: ValueText = _whole, table_id: str | None = None,
              empty_text: str = "No data") -> Markup:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    if not items:
        return _empty(chart_id, title, description, empty_text, table_id)
    top = max(_positive(value) for _, value in items)
    rows = Markup().join(_bar(i, label, value, top, value_text) for i, (label, value) in enumerate(items))
    return _svg(chart_id, title, description, len(items) * BAR_STEP + 12, rows, table_id)


def _bar(index: int, label: str, value: float, top: float, value_text: ValueText) -> Markup:
    y = 6 + index * BAR_STEP
    length = BAR_SPAN * _positive(value) / top if top else 0.0
    return Markup(
        '<g class="chart-bar"><title>{full}</title>'
        '<text x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
        '<rect x="{bx}" y="{y}" width="{w:.1f}" height="20" fill="{fill}"/>'
        '<text x="{vx:.1f}" y="{ty}">{value}</text></g>'
    ).format(full=label, lx=BAR_LEFT - 8, ty=y + 14, label=_clip(label), bx=BAR_LEFT, y=y,
             w=length, fill=DARK, vx=BAR_LEFT + length + 6, value=value_text(value))


def column_chart(chart_id: str, title: str, description: str, points: Sequence[tuple[str, float | None]], *,
                 maximum: float | None = None, value_text: ValueText = _whole, table_id: str | None = None,
                 empty_text: str = "No data") -> Markup:
    """Vertical columns over time, scaled to `maximum` (100 for a rate) or to a round value
    above the largest; a None value is a gap, its label still shown."""
    known = [value for _, value in points if value is not None]
    if not known:
        return _empty(chart_id, title, description, empty_text, table_id)
    whole = all(float(value).is_integer() for value in known)
    top = maximum if maximum and maximum > 0 else _round_top(max(map(_positive, known)), whole)
    ticks = [top * i / 4 for i in range(5)] if top else [0.0]
    left = 12 + max(_text_px(value_text(tick)) for tick in ticks)
    slot = (WIDTH - 8 - left) / len(points)
    turn_values = max(_text_px(value_text(value)) for value in known) > slot - 4
    turn_labels = max(_text_px(label) for label, _ in points) > slot - 4
    head = 8 + (max(_text_px(value_text(value)) for value in known) if turn_values else 16)
    bottom = head + COLUMN_HEIGHT
    every = max(1, math.ceil(14 / slot))   # past about 40 points, one label in `every`
    columns = Markup().join(
        _column(left + slot * (i + 0.5), min(slot * 0.6, 48), bottom, label, value, top,
                value_text, turn_values, turn_labels, i % every == 0)
        for i, (label, value) in enumerate(points))
    body = _grid(ticks, top, left, bottom, value_text) + columns
    return _svg(chart_id, title, description, bottom + (56 if turn_labels else 24), body, table_id)


def _round_top(largest: float, whole: bool) -> float:
    """The top of the scale: 4 round steps at or above the largest value (whole steps for counts)."""
    if not largest:
        return 0.0
    step = largest / 4
    power = 10 ** math.floor(math.log10(step))
    step = power * next(m for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * power >= step * (1 - 1e-9))
    return 4 * (max(step, 1) if whole else step)


def _grid(ticks: list[float], top: float, left: float, bottom: float, value_text: ValueText) -> Markup:
    lines = Markup()
    for tick in ticks:
        y = bottom - (COLUMN_HEIGHT * tick / top if top else 0)
        lines += Markup(
            '<line x1="{l:.1f}" x2="{r}" y1="{y:.1f}" y2="{y:.1f}" stroke="{stroke}"/>'
            '<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="end" font-size="{size}">{text}</text>'
        ).format(l=left, r=WIDTH - 8, y=y, stroke=AXIS if tick == 0 else GRID,
                 tx=left - 6, ty=y + 4, size=SMALL, text=value_text(tick))
    return Markup('<g class="chart-grid" aria-hidden="true">{}</g>').format(lines)


def _column(cx: float, width: float, bottom: float, label: str, value: float | None, top: float,
            value_text: ValueText, turn_values: bool, turn_labels: bool, labelled: bool) -> Markup:
    if turn_labels:
        name = Markup('<text x="{x:.1f}" y="{y:.1f}" text-anchor="end" font-size="{s}"'
                      ' transform="rotate(-45 {x:.1f} {y:.1f})">{t}</text>')
    else:
        name = Markup('<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{s}">{t}</text>')
    name = name.format(x=cx, y=bottom + 16, s=SMALL, t=label) if labelled else Markup()
    if value is None:
        return Markup('<g class="chart-column"><title>{}</title>{}</g>').format(label, name)
    height = COLUMN_HEIGHT * min(_positive(value), top) / top if top else 0.0
    y = bottom - height
    if turn_values:
        text = Markup('<text x="{x:.1f}" y="{y:.1f}" font-size="{s}"'
                      ' transform="rotate(-90 {x:.1f} {y:.1f})">{t}</text>').format(
            x=cx + 4, y=y - 4, s=SMALL, t=value_text(value))
    else:
        text = Markup('<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{s}">{t}</text>').format(
            x=cx, y=y - 4, s=SMALL, t=value_text(value))
    return Markup(
        '<g class="chart-column"><title>{label}: {value}</title>'
        '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"/>{text}{name}</g>'
    ).format(label=label, value=value_text(value), x=cx - width / 2, y=y, w=width, h=height,
             fill=DARK, text=text, name=name)


def stacked_bar(chart_id: str, title: str, description: str, parts: Sequence[tuple[str, float]], *,
                value_text: ValueText = _whole, table_id: str | None = None,
                empty_text: str = "No data") -> Markup:
    """One 100 % bar split into the parts, with a legend of each part's value and share."""
    sizes = [_positive(value) for _, value in parts]
    total = sum(sizes)
    if not total:
        return _empty(chart_id, title, description, empty_text, table_id)
    body, x = Markup(), 8.0
    for i, ((label, value), size, share) in enumerate(zip(parts, sizes, _shares(sizes))):
        fill, ink = PALETTE[i % len(PALETTE)]
        figures = f"{value_text(value)} ({share}%)"
        summary = f"{label}: {figures}"
        width = (WIDTH - 16) * size / total
        if width:
            body += _part(x, width, fill, ink, summary, share)
        body += Markup(
            '<g class="chart-legend"><rect x="8" y="{y}" width="14" height="14" fill="{fill}" stroke="{o}"/>'
            '<text x="30" y="{ty}">{text}</text></g>'
        ).format(y=56 + 22 * i, fill=fill, o=OUTLINE, ty=68 + 22 * i, text=f"{_clip(label, 60)}: {figures}")
        x += width
    return _svg(chart_id, title, description, 56 + 22 * len(parts) + 4, body, table_id)


def _part(x: float, width: float, fill: str, ink: str, summary: str, share: int) -> Markup:
    on_bar = Markup('<text x="{x:.1f}" y="29" text-anchor="middle" fill="{ink}">{share}%</text>').format(
        x=x + width / 2, ink=ink, share=share) if width >= 40 else Markup()
    return Markup(
        '<g class="chart-part"><title>{summary}</title>'
        '<rect x="{x:.1f}" y="8" width="{w:.1f}" height="32" fill="{fill}" stroke="{o}"/>{on_bar}</g>'
    ).format(summary=summary, x=x, w=width, fill=fill, o=OUTLINE, on_bar=on_bar)


def _shares(sizes: Sequence[float]) -> list[int]:
    """Whole percentages that add up to exactly 100 (the largest remainders are rounded up)."""
    exact = [100 * size / sum(sizes) for size in sizes]
    shares = [math.floor(e) for e in exact]
    for i in sorted(range(len(exact)), key=lambda i: shares[i] - exact[i])[: 100 - sum(shares)]:
        shares[i] += 1
    return shares
