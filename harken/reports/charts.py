"""Charts: a Vega-Lite spec from a table's figures, rendered to SVG (or PNG for Word) offline.

A chart only restates its table, which is always shown beside it; hidden (suppressed)
figures are left out of the chart, not drawn as zero.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from functools import lru_cache
from importlib.metadata import version
from typing import Any

import structlog
from django.core.cache import caches

from .structures import SUPPRESSED, Table

logger = structlog.get_logger(__name__)

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
            # No grid, ticks or axis lines: each is a path WeasyPrint draws on its own in
            # the PDF (a tenth fewer nodes and CPU for the report's 18 charts, issue 17); the
            # bars and their labels carry the figures, and the table above has them all.
            "axis": {
                "labelFontSize": 11,
                "titleFontSize": 11,
                "grid": False,
                "ticks": False,
                "domain": False,
            },
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


# How long a drawn chart is kept in the shared cache: a report of the same figures rebuilt
# within a month (the page, then its PDF; a rebuilt build) draws nothing (ADR 0295).
CACHE_TIMEOUT = 30 * 24 * 60 * 60


@lru_cache(maxsize=1)
def _drawn_by() -> str:
    return version("vl-convert-python")


def _cache_key(kind: str, spec_json: str) -> str:
    # The drawing is a pure function of the spec (its data included) and of vl-convert's
    # version (Vega and Vega-Lite are bundled in it); the font is named in the spec.
    digest = hashlib.sha256(f"{_drawn_by()}\n{spec_json}".encode()).hexdigest()
    return f"harken:chart:{kind}:{digest}"


def _kept(key: str) -> Any:
    """A chart drawn before, or None; a store that cannot be reached draws it again."""
    try:
        return caches["charts"].get(key)
    except Exception:  # a cache is never a reason to fail a report
        logger.warning("chart_cache_unavailable", exc_info=True)
        return None


def _keep(key: str, drawn: str | bytes) -> None:
    try:
        caches["charts"].set(key, drawn, CACHE_TIMEOUT)
    except Exception:
        logger.warning("chart_cache_unavailable", exc_info=True)


@lru_cache(maxsize=512)
def _svg(spec_json: str) -> str:
    key = _cache_key("svg", spec_json)
    cached = _kept(key)
    if cached is not None:
        return str(cached)
    import vl_convert

    drawn = str(vl_convert.vegalite_to_svg(json.loads(spec_json)))
    _keep(key, drawn)
    return drawn


@lru_cache(maxsize=128)
def _png(spec_json: str, scale: float) -> bytes:
    key = _cache_key(f"png{scale}", spec_json)
    cached = _kept(key)
    if cached is not None:
        return bytes(cached)
    import vl_convert

    drawn = bytes(vl_convert.vegalite_to_png(json.loads(spec_json), scale=scale))
    _keep(key, drawn)
    return drawn


def clear_cache(*, shared: bool = False) -> None:
    """Forget the charts this process drew; with `shared`, empty the chart cache's store too
    (the benchmarks time drawing them anew; it is the whole store the "charts" alias names)."""
    _svg.cache_clear()
    _png.cache_clear()
    if shared:
        caches["charts"].clear()


def svg(table: Table) -> str | None:
    spec = vega_lite(table)
    return _svg(json.dumps(spec, sort_keys=True)) if spec else None


def png(table: Table, scale: float = 2.0) -> bytes | None:
    spec = vega_lite(table)
    return _png(json.dumps(spec, sort_keys=True), scale) if spec else None


def alt_text(table: Table) -> str:
    return f"Chart of table {table.number}, {table.title}. The figures are in the table."


def prefetch(tables: list[Table], *, kind: str = "svg") -> None:
    """Render every table's chart at once on a few threads (vl-convert runs them in parallel)."""
    from concurrent.futures import ThreadPoolExecutor

    render = svg if kind == "svg" else png
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(render, [t for t in tables if t.chart is not None]))
