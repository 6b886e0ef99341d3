"""Charts: a Vega-Lite spec from a table's figures, rendered to SVG (or PNG for Word) offline.

A chart only restates its table, which is always shown beside it; hidden (suppressed)
figures are left out of the chart, not drawn as zero.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .structures import SUPPRESSED, Table

FONT = "Liberation Sans"
# GOV.UK Design System colours, in an order that keeps neighbours distinguishable.
PALETTE = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f", "#912b88"]
BAR_STEP = 18
# No label is cut short ("Parent or carer, about a child not looked af…"): the chart grows
# to fit its longest category or series name instead.
LABEL_LIMIT = 1000


def chart_data(table: Table) -> list[dict[str, Any]]:
    chart = table.chart
    if chart is None:
        return []
    labels = {c.id: f"{c.group} ({c.label.lower()})" if c.group else c.label for c in table.columns}
    data: list[dict[str, Any]] = []
    for row_id in chart.rows:
        row = table.row(row_id)
        for column_id in chart.columns:
            value = row.get(column_id)
            if value is SUPPRESSED or value is None or isinstance(value, str):
                continue
            category, series = row.label, labels[column_id]
            if chart.axis == "column":
                category, series = series, category
            data.append(
                {
                    "category": category,
                    "series": series,
                    "value": float(value) if isinstance(value, Decimal) else value,
                }
            )
    return data


def vega_lite(table: Table) -> dict[str, Any] | None:
    """The table's chart as a Vega-Lite spec; None when it has none or nothing to draw."""
    chart = table.chart
    data = chart_data(table)
    if chart is None or not data or not any(d["value"] for d in data):
        return None
    categories = list(dict.fromkeys(d["category"] for d in data))
    series = list(dict.fromkeys(d["series"] for d in data))
    value_axis: dict[str, Any] = {
        "field": "value",
        "type": "quantitative",
        "title": chart.value_label,
    }
    if all(isinstance(d["value"], int) for d in data):
        value_axis["axis"] = {"tickMinStep": 1, "format": ",d"}
    category_axis = {
        "field": "category",
        "type": "nominal",
        "sort": categories,
        "title": None,
        "axis": {"labelLimit": LABEL_LIMIT},
    }
    colour = {
        "field": "series",
        "type": "nominal",
        "sort": series,
        "title": None,
        "scale": {"range": PALETTE},
        "legend": {"orient": "bottom", "columns": 2, "labelLimit": LABEL_LIMIT},
    }
    per_category = len(series) if chart.kind == "grouped" else 1
    spec: dict[str, Any] = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": chart.title, "anchor": "start", "fontSize": 13},
        "data": {"values": data},
        "width": 300,
        "height": {"step": BAR_STEP if per_category == 1 else 12},
        "config": {
            "font": FONT,
            "axis": {"labelFontSize": 11, "titleFontSize": 11},
            "legend": {"labelFontSize": 11},
            "view": {"stroke": None},
        },
    }
    if chart.kind == "bar":
        spec["layer"] = [
            {"mark": {"type": "bar", "color": PALETTE[0]}},
            {
                "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11},
                "encoding": {"text": {"field": "value", "type": "quantitative"}},
            },
        ]
        spec["encoding"] = {"y": category_axis, "x": value_axis}
    elif chart.kind == "grouped":
        spec["mark"] = "bar"
        spec["encoding"] = {
            "y": category_axis,
            "yOffset": {"field": "series", "sort": series},
            "x": value_axis,
            "color": colour,
        }
    else:
        spec["mark"] = "bar"
        spec["encoding"] = {
            "y": category_axis,
            "x": {**value_axis, "stack": "zero"},
            "color": colour,
            "order": {"field": "order"},
        }
        order = {name: i for i, name in enumerate(series)}
        for item in data:
            item["order"] = order[item["series"]]
    return spec


# The drawn chart (ADR 0280): a few plain SVG shapes per bar, written here rather than by
# Vega. Vega's SVG of the same chart has ~130 groups, paths and lines and ~27 text nodes
# (axis grid, ticks, tick labels); WeasyPrint draws each node on its own, and drawing them was
# 40% of the PDF's time. Each bar carries its own figure, so no value axis is needed; the
# figures are in the table beside it anyway.
BAR_ROOM = 300  # px for the longest bar (0.75 pt each in the PDF, as Vega's width)
TITLE_SIZE, LABEL_SIZE = 13, 11
# Liberation Sans averages about 0.5 em a character; 0.6 leaves room, so no label is cut.
CHAR_WIDTH = 0.6 * LABEL_SIZE
NUMBER_ROOM = 50  # px kept right of the longest bar for its figure
INK = "#0b0c0c"


def _esc(text: str) -> str:
    return html.escape(str(text), quote=False)


def _number(value: float | int) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _text(x: float, y: float, text: str, *, size: int = LABEL_SIZE, extra: str = "") -> str:
    return f'<text x="{x:g}" y="{y:g}" font-size="{size}"{extra}>{_esc(text)}</text>'


@dataclass
class Bar:
    """One bar, or one part of a stacked bar: its share of the longest bar (0 to 1)."""

    series: str
    value: float | int
    share: float
    colour: str


@dataclass
class BarLine:
    """A category's bar(s) on one line (grouped charts: a line a series), with its figure."""

    parts: list[Bar]
    figure: str


@dataclass
class BarGroup:
    label: str
    lines: list[BarLine]


@dataclass
class Bars:
    """A chart's geometry: what `draw_svg` draws."""

    title: str
    groups: list[BarGroup]
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, series name)


def bars(table: Table) -> Bars | None:
    """Each category with its bar line(s) (a line a series when grouped; one line, in parts,
    when stacked), each line ending with its figure, and for several series a legend; None
    when there is nothing to draw (as `vega_lite`)."""
    chart = table.chart
    data = chart_data(table)
    if chart is None or not data or not any(d["value"] for d in data):
        return None
    categories = list(dict.fromkeys(d["category"] for d in data))
    series = list(dict.fromkeys(d["series"] for d in data))
    values = {(d["category"], d["series"]): max(0, d["value"]) for d in data}
    if chart.kind == "stacked":
        top = max(sum(values.get((c, s), 0) for s in series) for c in categories)
    else:
        top = max(values.values())
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}

    def bar(category: str, s: str) -> Bar:
        value = values.get((category, s), 0)
        return Bar(s, value, value / top if top else 0, colour[s])

    groups = []
    for category in categories:
        if chart.kind == "grouped":
            lines = [
                BarLine([bar(category, s)], _number(values[(category, s)]))
                for s in series
                if (category, s) in values
            ]
        else:
            parts = [bar(category, s) for s in (series if chart.kind == "stacked" else series[:1])]
            lines = [BarLine([p for p in parts if p.value], _number(sum(p.value for p in parts)))]
        groups.append(BarGroup(category, lines))
    legend = [(colour[s], s) for s in series] if chart.kind != "bar" else []
    return Bars(chart.title, groups, legend)


def draw_svg(table: Table) -> str | None:
    """The table's chart as a small SVG (see `bars`): the category names right-aligned in a
    column wide enough for the longest (never cut), the bars beside them, a line each."""
    drawn = bars(table)
    if drawn is None:
        return None
    label_width = int(max(len(g.label) for g in drawn.groups) * CHAR_WIDTH) + 8
    names = [drawn.title, *(n for _, n in drawn.legend)]
    width = max(
        label_width + BAR_ROOM + NUMBER_ROOM, int(max(len(n) for n in names) * CHAR_WIDTH) + 20
    )
    grouped = any(len(g.lines) > 1 for g in drawn.groups)
    height, step, size = (9, 12, 9) if grouped else (13, BAR_STEP, LABEL_SIZE)
    parts: list[str] = []
    y = 0.0
    if drawn.title:
        parts.append(_text(0, 13, drawn.title, size=TITLE_SIZE, extra=' font-weight="bold"'))
        y = 22
    for group in drawn.groups:
        top = y
        for line in group.lines:
            x = float(label_width)
            for part in line.parts:
                length = part.share * BAR_ROOM
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:g}" width="{length:.1f}" height="{height}" '
                    f'fill="{part.colour}"/>'
                )
                x += length
            parts.append(_text(x + 3, y + height - 1.5, line.figure, size=size))
            y += step
        middle = top + (y - top - (step - height)) / 2
        parts.append(_text(label_width - 6, middle + 4, group.label, extra=' text-anchor="end"'))
        if grouped:
            y += 6
    if drawn.legend:
        y += 6
        for colour, name in drawn.legend:
            parts.append(f'<rect x="0" y="{y:g}" width="10" height="10" fill="{colour}"/>')
            parts.append(_text(15, y + 9, name))
            y += 15
    height_px = int(y + 2)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height_px}" '
        f'viewBox="0 0 {width} {height_px}" role="img" font-family="{FONT}" fill="{INK}">'
        f"<title>{_esc(drawn.title or table.title)}</title>{''.join(parts)}</svg>"
    )


def svg(table: Table) -> str | None:
    return draw_svg(table)


@lru_cache(maxsize=128)
def _png(svg_text: str, scale: float) -> bytes:
    import vl_convert

    return bytes(vl_convert.svg_to_png(svg_text, scale=scale))


def png(table: Table, scale: float = 2.0) -> bytes | None:
    """The same chart as the page and the PDF, as a PNG for the Word file."""
    drawn = draw_svg(table)
    return _png(drawn, scale) if drawn else None


def alt_text(table: Table) -> str:
    return f"Chart of table {table.number}, {table.title}. The figures are in the table."


def prefetch(tables: list[Table], *, kind: str = "png") -> None:
    """Render every table's PNG at once on a few threads (vl-convert runs them in parallel).
    The SVG is drawn in a few milliseconds and needs no prefetching."""
    from concurrent.futures import ThreadPoolExecutor

    if kind == "svg":
        return
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(png, [t for t in tables if t.chart is not None]))
