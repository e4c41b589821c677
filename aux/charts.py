"""Small server-side SVG charts (no JS library, CSP-safe): horizontal bars, columns, and a chart
over time that draws bars for a few points and lines for many.

Pure Python, no Django model import. Each chart is a self-contained <svg> with an accessible
<title>/<desc>, followed (unless `table=False`, for a page that already lists the figures) by the
same figures as a table in a <details>. Numbers follow the active language (aux.numbers); axes
have round ticks. The drawing makes room for its longest text from a generous width estimate
(`text_width`), so a long French country name is not cut at the edge. Colours come from CSS
classes (`chart-bar`, `chart-label` ... in static/css/aux.css); geometry uses SVG presentation
attributes, which the Content-Security-Policy allows (style="" it does not).
"""

import datetime
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape
from itertools import count

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from aux.numbers import format_number, format_percent

_ids = count(1)

FONT_SIZE = 14  # px, as svg.chart sets it in aux.css
# Advance of a glyph in ems, on the wide side of common sans-serif fonts (DejaVu Sans, Arial).
_NARROW, _WIDE, _CAPITAL, _OTHER = 0.34, 0.92, 0.74, 0.62
_NARROW_CHARS = set("iljtfrI.,;:'’|!()[] \u202f\u00a0")


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """An estimate of the width of `text` in px at `size`, never much below the real one."""
    ems = 0.0
    for ch in text:
        if ch in _NARROW_CHARS:
            ems += _NARROW
        elif ch in "mwMW@%":
            ems += _WIDE
        elif ch.isupper():
            ems += _CAPITAL
        else:
            ems += _OTHER
    return ems * size


def _fit(text: str, room: float) -> str:
    """`text` cut with an ellipsis to fit `room` px (the table and the <title> keep all of it)."""
    if text_width(text) <= room:
        return text
    while text and text_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def nice_ticks(peak: float, count: int = 5, whole: bool = False) -> list[float]:
    """Round axis ticks from 0 to at least `peak`: steps of 1, 2 or 5 times a power of ten,
    about `count` of them (89,000 → 0, 20,000 ... 100,000); `whole` keeps steps ≥ 1."""
    if peak <= 0:
        return [0, 1]
    raw = peak / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    if whole:
        step = max(step, 1)
    n = math.ceil(peak / step - 1e-9)
    return [round(i * step, 10) for i in range(n + 1)]


def month_label(month: str) -> str:
    """`"2026-12"` → `Dec. 2026` (fr `déc. 2026`), in the active language."""
    year, mon = map(int, month.split("-"))
    return date_format(datetime.date(year, mon, 1), "N Y")


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _clamp(value: float | Decimal) -> float:
    return min(max(float(value), 0.0), 1.0)


def _open(title: str, desc: str, width: float, height: float, css: str) -> list[str]:
    uid = f"chart-{next(_ids)}"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(desc)}</desc>',
    ]


def _text(x: float, y: float, text: str, *, css: str = "chart-label", anchor: str = "start",
          middle: bool = True, full: str | None = None) -> str:  # fmt: skip
    """One <text>; `full` (the uncut text) becomes its tooltip when it was shortened."""
    tip = f"<title>{escape(full)}</title>" if full and full != text else ""
    base = ' dominant-baseline="middle"' if middle else ""
    return (
        f'<text class="{css}" x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}"{base}>'
        f"{tip}{escape(text)}</text>"
    )


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """The chart's figures as a table, folded under the drawing."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        f'<tr><th scope="row">{escape(r[0])}</th>'
        + "".join(f"<td>{escape(c)}</td>" for c in r[1:])
        + "</tr>"
        for r in rows
    )
    return (
        f'<details class="chart-data"><summary>{escape(_("Figures as a table"))}</summary>'
        f'<div class="table-scroll"><table><caption>{escape(title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></details>"
    )


def _share_table(
    title: str, category: str | None, rows: list[tuple[str, float]], values: list[str]
) -> str:
    labels = [label for label, _v in rows]
    return _table(
        title, [category or _("Item"), _("Share")], list(zip(labels, values, strict=True))
    )


def _done(parts: list[str], table: str) -> SafeString:
    parts.append("</svg>")
    return mark_safe(f'<div class="chart-box">{"".join(parts)}{table}</div>')  # noqa: S308 (every text node is escaped)


def horizontal_bar_chart(
    items: Sequence[tuple[str, float | Decimal]],
    *,
    title: str,
    width: int = 480,
    bar_height: int = 22,
    gap: int = 8,
    label_width: int = 120,
    category: str | None = None,
    table: bool = True,
) -> SafeString:
    """One labelled horizontal bar per item (e.g. audience share per country), drawn against
    a share of 1.0 (40% is 40% of the track). The label column widens for long labels, up to
    45% of the width, beyond which a label is shortened (whole in its tooltip and the table)."""
    rows = [(str(label), _clamp(value)) for label, value in items]
    values = [format_percent(v) for _l, v in rows]
    longest = max((text_width(label) for label, _v in rows), default=0)
    label_col = min(max(label_width, longest + 14), width * 0.45)
    value_room = max((text_width(v) for v in values), default=0) + 10
    track = width - label_col - value_room
    height = max(1, len(rows)) * (bar_height + gap) + gap
    desc = "; ".join(f"{label}: {v}" for (label, _v), v in zip(rows, values, strict=True))
    parts = _open(title, desc or _("No data"), width, height, "chart-hbar")
    for i, ((label, value), shown) in enumerate(zip(rows, values, strict=True)):
        y = gap + i * (bar_height + gap)
        mid = y + bar_height / 2
        bar = max(value * track, 1.0 if value > 0 else 0.0)
        parts += [
            "<g>",
            _text(label_col - 8, mid, _fit(label, label_col - 10), anchor="end", full=label),
            f'<rect class="chart-track" x="{_num(label_col)}" y="{y}" width="{_num(track)}" '
            f'height="{bar_height}" rx="3"></rect>',
            f'<rect class="chart-bar" x="{_num(label_col)}" y="{y}" width="{_num(bar)}" '
            f'height="{bar_height}" rx="3"></rect>',
            _text(label_col + bar + 6, mid, shown, css="chart-value"),
            "</g>",
        ]
    return _done(parts, _share_table(title, category, rows, values) if table else "")


def column_chart(
    items: Sequence[tuple[str, float | Decimal]],
    *,
    title: str,
    height: int = 200,
    column_width: int = 44,
    gap: int = 16,
    category: str | None = None,
    table: bool = True,
) -> SafeString:
    """One labelled column per item (e.g. audience share per age bucket), scaled so the tallest
    column fills the plot; the value is printed above each column, which is widened to fit its
    label and value."""
    rows = [(str(label), _clamp(value)) for label, value in items]
    values = [format_percent(v) for _l, v in rows]
    texts = [label for label, _v in rows] + values
    column_width = (
        max(column_width, *(round(text_width(t)) + 4 for t in texts)) if texts else column_width
    )
    top, bottom = 22, 26
    plot = height - top - bottom
    width = max(1, len(rows)) * (column_width + gap) + gap
    peak = max((v for _l, v in rows), default=0) or 1.0
    desc = "; ".join(f"{label}: {v}" for (label, _v), v in zip(rows, values, strict=True))
    parts = _open(title, desc or _("No data"), width, height, "chart-columns")
    parts.append(
        f'<line class="chart-axis" x1="0" y1="{top + plot}" x2="{width}" y2="{top + plot}"></line>'
    )
    for i, ((label, value), shown) in enumerate(zip(rows, values, strict=True)):
        x = gap + i * (column_width + gap)
        h = value / peak * plot
        y = top + plot - h
        cx = x + column_width / 2
        parts += [
            "<g>",
            f'<rect class="chart-bar" x="{x}" y="{_num(y)}" width="{column_width}" '
            f'height="{_num(h)}" rx="3"></rect>',
            _text(cx, y - 6, shown, css="chart-value", anchor="middle", middle=False),
            _text(cx, height - 8, label, anchor="middle", middle=False),
            "</g>",
        ]
    return _done(parts, _share_table(title, category, rows, values) if table else "")


# Up to this many points, a series over time is drawn as bars: one point would be a lone dot.
BARS_UP_TO = 6


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    *,
    title: str,
    width: int = 480,
    height: int = 240,
    value_format: Callable[[float], str] | None = None,
    category: str | None = None,
    table: bool = True,
) -> SafeString:
    """Series over shared x labels (e.g. money paid per month, a ratio per week), any
    non-negative scale: bars side by side for up to BARS_UP_TO labels, one line per series
    beyond. `series` is (name, css class, values); a None value leaves a gap. The y axis has
    round ticks from 0 written by `value_format` (default: a number in the active language;
    money: pass minor units and a format_money). A legend names the series; each point or bar
    has a <title> with its exact value."""
    n = len(labels)
    values = [float(v) for _n, _c, vs in series for v in vs if v is not None]
    whole = all(v == int(v) for v in values)
    ticks = nice_ticks(max(values, default=0.0), whole=whole)
    step = ticks[1] - ticks[0]
    places = 0 if step >= 1 else min(3, -math.floor(math.log10(step)))
    tick_text = value_format or (lambda v: format_number(v, places))
    exact = value_format or (lambda v: format_number(v, 0 if v == int(v) else 2))
    bars = n <= BARS_UP_TO

    # Legend rows over the plot; tick labels left of it; x labels below, centred.
    legend: list[tuple[float, int]] = []  # (x, row) per series
    lx, row = 0.0, 0
    for name, _c, _vs in series:
        room = 18 + text_width(name) + 16
        if lx and lx + room > width:
            lx, row = 0.0, row + 1
        legend.append((lx, row))
        lx += room
    top = 18 * (row + 1) + 14
    left = max(text_width(tick_text(t)) for t in ticks) + 12
    label_w = max((text_width(str(label)) for label in labels), default=0)
    right = 16 if bars else max(16.0, label_w / 2 + 4)
    if not bars:
        left = max(left, label_w / 2 + 4)
    bottom = 34
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    slot = plot_w / max(n, 1)

    def x(i: int) -> float:
        if bars:
            return left + slot * (i + 0.5)
        return left + (plot_w / 2 if n <= 1 else i * plot_w / (n - 1))

    def y(v: float) -> float:
        return base - float(v) / ticks[-1] * plot_h

    desc = "; ".join(
        f"{name}: "
        + ", ".join(
            f"{label} {'–' if v is None else exact(float(v))}"
            for label, v in zip(labels, vs, strict=False)
        )
        for name, _c, vs in series
    )
    parts = _open(title, desc if n else _("No data"), width, height, "chart-lines")
    for t in ticks:
        css = "chart-axis" if t == 0 else "chart-grid"
        parts += [
            f'<line class="{css}" x1="{_num(left)}" y1="{_num(y(t))}" x2="{_num(width - right)}" '
            f'y2="{_num(y(t))}"></line>',
            _text(left - 6, y(t), tick_text(t), anchor="end"),
        ]
    # Show every label when they fit side by side, else every other one, every third...
    spacing = slot if bars else plot_w / max(n - 1, 1)
    every = max(1, math.ceil((label_w + 8) / spacing))
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(_text(x(i), base + 20, str(label), anchor="middle"))
    group = min(slot * 0.7, 28.0 * len(series))
    for s, (name, css, vs) in enumerate(series):
        parts.append(f'<g class="{escape(css)}">')
        run: list[str] = []
        for i, v in enumerate([*vs, None]):
            if v is None:
                if len(run) > 1:
                    parts.append(
                        f'<polyline class="chart-line" points="{" ".join(run)}"></polyline>'
                    )
                run = []
                continue
            said = f"{name}, {labels[i]}: {exact(float(v))}"
            tip = f"<title>{escape(said)}</title>"
            if bars:
                w = group / len(series)
                bx = x(i) - group / 2 + s * w
                parts.append(
                    f'<rect class="chart-column" x="{_num(bx)}" y="{_num(y(v))}" '
                    f'width="{_num(w - 2)}" height="{_num(base - y(v))}" rx="2">{tip}</rect>'
                )
            else:
                run.append(f"{_num(x(i))},{_num(y(v))}")
                parts.append(
                    f'<circle class="chart-point" cx="{_num(x(i))}" cy="{_num(y(v))}" r="3">'
                    f"{tip}</circle>"
                )
        sx, srow = legend[s]
        sy = 6 + srow * 18
        parts += [
            f'<rect class="chart-swatch" x="{_num(sx)}" y="{sy}" width="12" height="12" rx="2">'
            "</rect>",
            _text(sx + 18, sy + 6, name),
            "</g>",
        ]
    figures = _table(
        title,
        [category or _("Period"), *(name for name, _c, _vs in series)],
        [
            (str(label), *("–" if vs[i] is None else exact(float(vs[i])) for _n, _c, vs in series))
            for i, label in enumerate(labels)
        ],
    ) if table else ""  # fmt: skip
    return _done(parts, figures)
