"""Small server-side SVG charts (no JS library, CSP-safe): horizontal bars and columns.

Pure Python, no Django model import: give it (label, value) pairs with values in [0, 1] (shares)
and get a self-contained <svg> with an accessible <title>/<desc> and a text label on every bar.
Colours come from CSS classes (`chart-bar`, `chart-label` ... in static/css/aux.css); geometry
uses SVG presentation attributes, which the Content-Security-Policy allows (style="" it does not).
"""

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from itertools import count

from django.utils.safestring import SafeString, mark_safe

_ids = count(1)


def _pct(value: float) -> str:
    pct = value * 100
    return f"{pct:.0f}%" if pct >= 10 or pct == int(pct) else f"{pct:.1f}%"


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _clamp(value: float | Decimal) -> float:
    return min(max(float(value), 0.0), 1.0)


def _open(title: str, desc: str, width: int, height: int, css: str) -> tuple[str, list[str]]:
    uid = f"chart-{next(_ids)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(desc)}</desc>',
    ]
    return uid, parts


def horizontal_bar_chart(
    items: Sequence[tuple[str, float | Decimal]],
    *,
    title: str,
    width: int = 480,
    bar_height: int = 22,
    gap: int = 8,
    label_width: int = 150,
) -> SafeString:
    """One labelled horizontal bar per item (e.g. audience share per country), longest = 100%
    of the share scale (bars are drawn against 1.0, so 40% is 40% of the track)."""
    rows = [(str(label), _clamp(value)) for label, value in items]
    height = max(1, len(rows)) * (bar_height + gap) + gap
    track = width - label_width - 60
    desc = "; ".join(f"{label}: {_pct(v)}" for label, v in rows) or "No data"
    _uid, parts = _open(title, desc, width, height, "chart-hbar")
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_height + gap)
        mid = y + bar_height / 2
        bar = max(value * track, 1.0 if value > 0 else 0.0)
        parts += [
            "<g>",
            f'<text class="chart-label" x="{label_width - 8}" y="{_num(mid)}" '
            f'text-anchor="end" dominant-baseline="middle">{escape(label)}</text>',
            f'<rect class="chart-track" x="{label_width}" y="{y}" width="{track}" '
            f'height="{bar_height}" rx="3"></rect>',
            f'<rect class="chart-bar" x="{label_width}" y="{y}" width="{_num(bar)}" '
            f'height="{bar_height}" rx="3"></rect>',
            f'<text class="chart-value" x="{_num(label_width + bar + 6)}" y="{_num(mid)}" '
            f'dominant-baseline="middle">{_pct(value)}</text>',
            "</g>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text node is escaped above)


def column_chart(
    items: Sequence[tuple[str, float | Decimal]],
    *,
    title: str,
    height: int = 200,
    column_width: int = 44,
    gap: int = 16,
) -> SafeString:
    """One labelled column per item (e.g. audience share per age bucket), scaled so the tallest
    column fills the plot; the value is printed above each column."""
    rows = [(str(label), _clamp(value)) for label, value in items]
    top, bottom = 22, 26
    plot = height - top - bottom
    width = max(1, len(rows)) * (column_width + gap) + gap
    peak = max((v for _l, v in rows), default=0) or 1.0
    desc = "; ".join(f"{label}: {_pct(v)}" for label, v in rows) or "No data"
    _uid, parts = _open(title, desc, width, height, "chart-columns")
    parts.append(
        f'<line class="chart-axis" x1="0" y1="{top + plot}" x2="{width}" y2="{top + plot}"></line>'
    )
    for i, (label, value) in enumerate(rows):
        x = gap + i * (column_width + gap)
        h = value / peak * plot
        y = top + plot - h
        cx = x + column_width / 2
        parts += [
            "<g>",
            f'<rect class="chart-bar" x="{x}" y="{_num(y)}" width="{column_width}" '
            f'height="{_num(h)}" rx="3"></rect>',
            f'<text class="chart-value" x="{_num(cx)}" y="{_num(y - 6)}" '
            f'text-anchor="middle">{_pct(value)}</text>',
            f'<text class="chart-label" x="{_num(cx)}" y="{height - 8}" '
            f'text-anchor="middle">{escape(label)}</text>',
            "</g>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text node is escaped above)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    *,
    title: str,
    width: int = 640,
    height: int = 240,
    max_labels: int = 12,
) -> SafeString:
    """One line per series over shared x labels (e.g. a ratio per week), any non-negative scale:
    the y axis runs from 0 to the largest value. `series` is (name, css class, values); a None
    value leaves a gap. Each point has a <title> with its exact value; a legend names the lines."""
    left, right, top, bottom = 56, 44, 28, 44  # room for centred date labels at both ends
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for _n, _c, vs in series for v in vs if v is not None]
    peak = max(values, default=0.0) or 1.0
    n = len(labels)

    def x(i: int) -> float:
        return left + (plot_w / 2 if n <= 1 else i * plot_w / (n - 1))

    def y(v: float) -> float:
        return top + plot_h - float(v) / peak * plot_h

    desc = "; ".join(
        f"{name}: "
        + ", ".join(
            f"{label} {'–' if v is None else f'{v:.3g}'}"
            for label, v in zip(labels, vs, strict=False)
        )
        for name, _c, vs in series
    )
    _uid, parts = _open(title, desc if n else "No data", width, height, "chart-lines")
    base = top + plot_h
    parts += [
        f'<line class="chart-axis" x1="{left}" y1="{base}" x2="{width - right}" '
        f'y2="{base}"></line>',
        f'<line class="chart-axis" x1="{left}" y1="{top}" x2="{left}" y2="{base}"></line>',
        f'<text class="chart-label" x="{left - 6}" y="{top}" text-anchor="end" '
        f'dominant-baseline="middle">{peak:.3g}</text>',
        f'<text class="chart-label" x="{left - 6}" y="{base}" text-anchor="end" '
        f'dominant-baseline="middle">0</text>',
    ]
    step = max(1, -(-n // max_labels))
    for i, label in enumerate(labels):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text class="chart-label" x="{_num(x(i))}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{escape(str(label))}</text>'
            )
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
            run.append(f"{_num(x(i))},{_num(y(v))}")
            parts.append(
                f'<circle class="chart-point" cx="{_num(x(i))}" cy="{_num(y(v))}" r="3">'
                f"<title>{escape(name)}, {escape(str(labels[i]))}: {float(v):.3g}</title></circle>"
            )
        lx = left + s * 140
        parts += [
            f'<rect class="chart-swatch" x="{lx}" y="6" width="12" height="12" rx="2"></rect>',
            f'<text class="chart-label" x="{lx + 18}" y="12" dominant-baseline="middle">'
            f"{escape(name)}</text>",
            "</g>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text node is escaped above)
