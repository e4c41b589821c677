"""The server-side SVG charts (aux/charts.py): every text inside the drawing, numbers a person
reads (round ticks in the page's language, never scientific notation), bars where there are few
points, and the figures as a table for whoever cannot see the drawing."""

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from aux.charts import column_chart, horizontal_bar_chart, line_chart, nice_ticks, text_width
from aux.money import format_money

FRENCH_COUNTRIES = [
    ("Royaume-Uni", 0.47),
    ("États-Unis d'Amérique", 0.14),
    ("Îles Vierges des États-Unis", 0.12),
    ("Suède", 0.10),
]


class _Texts(HTMLParser):
    """Collects the SVG's viewBox and each <text> with its position, anchor and content."""

    def __init__(self):
        super().__init__()
        self.view = None
        self.texts: list[dict] = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self.view = [float(v) for v in a["viewbox"].split()]
        elif tag == "text":
            self._open = {**a, "content": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["content"] += data

    def handle_endtag(self, tag):
        if tag == "text" and self._open is not None:
            self.texts.append(self._open)
            self._open = None


def _svg_texts(html: str) -> _Texts:
    parser = _Texts()
    parser.feed(html[html.index("<svg") : html.index("</svg>") + 6])
    return parser


def assert_texts_fit(html: str) -> None:
    """Each text's estimated box (from its anchor and an estimated width) lies in the viewBox."""
    parsed = _svg_texts(html)
    _x0, _y0, width, height = parsed.view
    assert parsed.texts
    for t in parsed.texts:
        x, w = float(t["x"]), text_width(t["content"])
        left = {"end": x - w, "middle": x - w / 2}.get(t.get("text-anchor"), x)
        assert left >= 0 and left + w <= width, (t["content"], left, left + w, width)
        assert 0 <= float(t["y"]) <= height, (t["content"], t["y"], height)


def test_text_width_estimate_is_generous_for_wide_letters():
    assert text_width("MW") > text_width("il") * 2
    assert text_width("États-Unis d'Amérique") > 140  # what the old 150 px column could not hold


def test_country_bars_fit_long_french_country_names():
    with translation.override("fr"):
        html = horizontal_bar_chart(FRENCH_COUNTRIES, title="Principaux pays")
    assert_texts_fit(html)
    assert "États-Unis d&#x27;Amérique" in html and "47\u202f%" in html


def test_column_chart_labels_fit_and_percentages_follow_the_language():
    ages = [("13–17", 0.079), ("18–24", 0.23), ("65+", 0.018)]
    with translation.override("fr"):
        fr = column_chart(ages, title="Âge")
    en = column_chart(ages, title="Age")
    assert_texts_fit(fr)
    assert "7,9\u202f%" in fr and "7.9%" in en


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        (89_000, [0, 20_000, 40_000, 60_000, 80_000, 100_000]),
        (3, [0, 1, 2, 3]),
        (0.37, [0, 0.1, 0.2, 0.3, 0.4]),
        (0, [0, 1]),
    ],
)
def test_nice_ticks_are_round(peak, ticks):
    assert nice_ticks(peak) == pytest.approx(ticks)


def test_one_month_of_money_is_a_bar_with_round_money_ticks_and_a_table():
    with translation.override("fr"):
        html = line_chart(
            ["déc. 2026"],
            [("Versé", "chart-series-a", [8_900_000])],
            title="Versé par mois",
            value_format=lambda v: format_money(round(v), "EUR"),
        )
    assert_texts_fit(html)
    assert "<rect" in html and "<polyline" not in html  # a bar, not a lone dot
    assert not re.search(r"\d[eE][+-]?\d", html)  # no scientific notation anywhere
    assert "100\u202f000\u00a0€" in html and "0\u00a0€" in html  # round ticks, French money
    table = html[html.index("<table") :]
    assert "déc. 2026" in table and "89\u202f000\u00a0€" in table and '<th scope="col">' in table


def test_many_points_draw_lines_with_gaps_and_the_table_says_no_value():
    labels = [f"w{i}" for i in range(10)]
    html = line_chart(
        labels,
        [("A & B", "chart-series-a", [1.0, None, *([0.5] * 8)])],
        title="Ratio",
    )
    assert_texts_fit(html)
    assert "<polyline" in html and "A &amp; B" in html
    assert "<td>–</td>" in html  # the gap, in the table too


def test_a_chart_without_a_table_when_the_page_has_one():
    html = horizontal_bar_chart([("Genre", 0.5)], title="Why", table=False)
    assert "<table" not in html
