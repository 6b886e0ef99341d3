"""The JSON form (schema "harken.report/1", documented in docs/reports.md), and the snapshot
a published edition keeps of its figures."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from ..definitions import SECTION_TITLES
from ..periods import Period, Segment
from ..structures import (
    SCHEMA,
    SUPPRESSED,
    SUPPRESSION_SYMBOL,
    Chart,
    Column,
    Example,
    Report,
    Row,
    Sum,
    Table,
    json_value,
)


def _period(period: Period) -> dict[str, Any]:
    return period.to_dict()


def table_dict(table: Table, *, with_chart: bool = True) -> dict[str, Any]:
    from .. import charts

    return {
        "id": table.id,
        "number": table.number,
        "section": table.section,
        "title": table.title,
        "definition": table.definition,
        "notes": list(table.notes),
        "columns": [c.to_dict() for c in table.columns],
        "rows": [
            {
                "id": row.id,
                "label": row.label,
                "total": row.total,
                "kind": row.kind,
                "values": {c.id: json_value(row.get(c.id)) for c in table.columns},
                "suppressed": [c.id for c in table.columns if row.get(c.id) is SUPPRESSED],
            }
            for row in table.rows
        ],
        "chart": charts.vega_lite(table) if with_chart else None,
    }


def report_dict(report: Report, *, with_charts: bool = True) -> dict[str, Any]:
    sections = []
    for key, tables, _examples in report.sections():
        sections.append({"id": key, "title": SECTION_TITLES[key], "tables": [t.id for t in tables]})
    return {
        "schema": SCHEMA,
        "title": report.title,
        "council": report.council,
        "edition": report.edition,
        "generated_at": report.generated_at.isoformat(),
        "period": _period(report.period),
        "comparison_period": _period(report.comparison),
        "quarters": [
            {"id": q.id, "from": q.start.isoformat(), "to": q.end.isoformat(), "label": q.label}
            for q in report.quarters
        ],
        "suppression": (
            {"threshold": report.suppression_threshold, "symbol": SUPPRESSION_SYMBOL}
            if report.published
            else None
        ),
        "saved_report": (
            {
                "id": report.edition_id,
                "published_at": report.published_at.isoformat() if report.published_at else None,
            }
            if report.edition_id
            else None
        ),
        "text": dict(report.text),
        "examples": [
            {
                "section": e.section,
                "heading": e.heading,
                "text": e.text,
                **({} if report.published else {"case_reference": e.case_reference}),
            }
            for e in report.examples
        ],
        "omitted": list(report.omitted),
        "sections": sections,
        "tables": [table_dict(t, with_chart=with_charts) for t in report.tables],
    }


def render_json(report: Report) -> bytes:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2).encode()


# --- Snapshot: the full internal figures of a published edition -------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "decimal" in value:
        return Decimal(value["decimal"])
    return value


def snapshot(report: Report) -> dict[str, Any]:
    """Everything needed to render the report again later, both editions."""
    if report.published:
        raise ValueError("Snapshot the internal edition; the published one is derived from it.")
    return {
        "schema": SCHEMA,
        "title": report.title,
        "council": report.council,
        "generated_at": report.generated_at.isoformat(),
        "period": _period(report.period),
        "omitted": report.omitted,
        "tables": [
            {
                "id": t.id,
                "number": t.number,
                "section": t.section,
                "title": t.title,
                "definition": t.definition,
                "notes": t.notes,
                "columns": [c.to_dict() for c in t.columns],
                "rows": [
                    {
                        "id": r.id,
                        "label": r.label,
                        "total": r.total,
                        "kind": r.kind,
                        "values": {k: _encode(v) for k, v in r.values.items()},
                    }
                    for r in t.rows
                ],
                "sums": [[[list(c) for c in s.parts], list(s.total)] for s in t.sums],
                "derived": [[list(k), [list(c) for c in v]] for k, v in t.derived.items()],
                "chart": t.chart.to_dict() if t.chart else None,
                "private_columns": t.private_columns,
            }
            for t in report.tables
        ],
    }


def from_snapshot(data: dict[str, Any]) -> Report:
    period = Period(
        dt.date.fromisoformat(data["period"]["from"]),
        dt.date.fromisoformat(data["period"]["to"]),
        data["period"]["label"],
    )
    tables = []
    for t in data["tables"]:
        tables.append(
            Table(
                id=t["id"],
                section=t["section"],
                title=t["title"],
                definition=t["definition"],
                columns=[Column(**c) for c in t["columns"]],
                rows=[
                    Row(
                        r["id"],
                        r["label"],
                        {k: _decode(v) for k, v in r["values"].items()},
                        total=r["total"],
                        kind=r["kind"],
                    )
                    for r in t["rows"]
                ],
                sums=[Sum([tuple(c) for c in parts], tuple(total)) for parts, total in t["sums"]],  # type: ignore[misc]
                derived={tuple(k): [tuple(c) for c in v] for k, v in t["derived"]},  # type: ignore[misc]
                chart=Chart(**t["chart"]) if t["chart"] else None,
                notes=t["notes"],
                number=t["number"],
                private_columns=t.get("private_columns", []),
            )
        )
    segments: list[Segment] = period.quarters()
    return Report(
        title=data["title"],
        period=period,
        comparison=period.previous_year(),
        quarters=segments,
        tables=tables,
        generated_at=dt.datetime.fromisoformat(data["generated_at"]),
        council=data["council"],
        omitted=data["omitted"],
    )


__all__ = ["Example", "from_snapshot", "render_json", "report_dict", "snapshot"]
