"""The statistics charts, drawn on the server as SVG by pygal and inlined into the page.

pygal puts a config script, its stylesheet and comments with web addresses inside every
SVG. The page's Content-Security-Policy allows neither inline scripts nor inline styles,
so each SVG is cleaned of all three and the styling is served once, for every chart, as
a stylesheet of our own (``stylesheet()``). Nothing is fetched from elsewhere.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

from dispatcher.admin.stats import need_label, service_label
from dispatcher.flows.stats import Figures

# Series colours: 0 filled / covered, 1 unfilled / uncovered, 2 anything else.
COLOURS = ("#1b5e20", "#a4161a", "#0b4f9c", "#6a1b9a")
CHART_CLASS = "stats-chart"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_CHART_ID = re.compile(r"#chart-[0-9a-f-]+")
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
_SCRIPT = re.compile(r"<script[^>]*>.*?</script>|<script[^>]*/>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#4a4a4a",
    font_family="system-ui, sans-serif",
    # Large for a chart shown at phone width: the SVG scales down with the screen.
    title_font_size=26,
    label_font_size=22,
    major_label_font_size=22,
    legend_font_size=22,
    value_font_size=22,
    colors=COLOURS,
    value_colors=("#ffffff",) * len(COLOURS),
    transition="0ms",
)
CONFIG: dict[str, Any] = {
    "style": STYLE,
    "js": [],  # the default loads a script from a CDN
    "disable_xml_declaration": True,
    "classes": ["pygal-chart", CHART_CLASS],
    "width": 640,
    "height": 420,
    "truncate_label": -1,
    "truncate_legend": -1,
    "legend_box_size": 18,
    "legend_at_bottom": True,
    "print_values": True,
    "print_zeroes": False,
    "min_scale": 1,
    "max_scale": 8,
    "no_data_text": "No data",
}


# A number shown in a table, by measure name (None: hidden or not a number).
Shown = Mapping[str, float | None]


# The series of a chart: (name, values) pairs, hashable so a drawn chart can be reused.
Series = tuple[tuple[str, tuple[float | None, ...]], ...]


def needs_chart(f: Figures, shown: Shown) -> Markup:
    """Needs filled and unfilled, one stacked bar per kind of need.

    The bars show the numbers of the table the reader sees (``shown``), so a viewer's
    chart is rounded as their table is; a hidden number draws no bar.
    """
    labels = tuple(need_label(n.kind) for n in f.needs)
    series = tuple(
        (word, tuple(shown.get(f"{label} needs {word.lower()}") for label in labels))
        for word in ("Filled", "Unfilled")
    )
    return drawn("StackedBar", "Needs filled and unfilled", labels, series, True)


def services_chart(f: Figures, shown: Shown) -> Markup:
    """Services given: advocate responses, hotel room-nights, rides (as the table shows)."""
    labels = tuple(service_label(n.kind) for n in f.needs)
    series = (("Services", tuple(shown.get(label) for label in labels)),)
    return drawn("HorizontalBar", "Services by type", labels, series, False)


def coverage_chart(f: Figures) -> Markup:
    """Each roster's hours with someone on call and with no one, as stacked bars."""
    labels = tuple(c.roster for c in f.coverage)
    series = (
        ("Covered", tuple(round(c.covered.total_seconds() / 3600, 1) for c in f.coverage)),
        ("Uncovered", tuple(round(c.uncovered.total_seconds() / 3600, 1) for c in f.coverage)),
    )
    return drawn("HorizontalStackedBar", "Roster hours covered and uncovered", labels, series, True)


def trend_chart(
    months: tuple[tuple[str, float | None], ...], title: str = "Requests, last 12 months"
) -> Markup:
    """Requests per month over the trend's months, as the table beside it shows them."""
    labels = tuple(label.split()[0][:3] + " " + label.split()[-1][2:] for label, _ in months)
    series = (("Requests", tuple(value for _, value in months)),)
    return drawn("Bar", title, labels, series, False)


@lru_cache(maxsize=64)
def drawn(kind: str, title: str, labels: tuple[str, ...], series: Series, legend: bool) -> Markup:
    """A pygal chart of class ``kind`` as inline SVG (see ``svg``).

    Cached: drawing takes pygal tens of milliseconds, and the same period's charts are
    asked for again and again. The arguments are the whole of what is drawn.
    """
    chart = getattr(pygal, kind)(title=title, show_legend=legend, **CONFIG)
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return svg(chart)


def svg(chart: Any) -> Markup:
    """``chart`` as an SVG element for inside HTML: no script, no style, no comments.

    The HTML parser gives inline SVG its namespace, so the ``xmlns`` address goes too; the
    hidden tooltip keeps its opacity as an attribute (the policy refuses inline styles).
    """
    text: str = chart.render(is_unicode=True)
    for pattern in (_SCRIPT, _STYLE, _COMMENT):
        text = pattern.sub("", text)
    text = text.replace('style="opacity: 0"', 'opacity="0"')
    text = text.replace(f' xmlns="{SVG_NAMESPACE}"', "", 1).replace("<svg ", '<svg role="img" ', 1)
    # Safe to mark: pygal serialises the SVG as XML, escaping every label and title.
    return Markup(text)  # noqa: S704


@cache
def stylesheet() -> str:
    """pygal's styling of every chart, as one stylesheet for ``svg.stats-chart``."""
    chart = pygal.Bar(**CONFIG)
    for index in range(len(COLOURS)):
        chart.add(str(index), [1])
    rendered: str = chart.render(is_unicode=True)
    found = _STYLE.search(rendered)
    css = found.group(1) if found else ""
    css = html.unescape(_CHART_ID.sub(f"svg.{CHART_CLASS}", css))
    return css + f"\nsvg.{CHART_CLASS} {{ width: 100%; height: auto; max-width: 50rem; }}\n"
