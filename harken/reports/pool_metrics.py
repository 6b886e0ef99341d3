"""The report's section on the pool of independent people (issue 14), built from the figures
the pool provides (`harken.pool.metrics`) for this period and last year's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps

from .register_metrics import THIS_AND_LAST, _pair, _table
from .structures import Column, Row, Sum, Table, money

if TYPE_CHECKING:
    from .metrics import ReportContext

POOL_MISSING = (
    "Independent people are not in this report: the pool that holds them is not installed."
)


def appointments(this: dict[str, Any], last: dict[str, Any]) -> Table:
    last_by = {r["role"]: r["count"] for r in last["by_role"]}
    rows = [
        Row(r["role"], r["label"], {"total": r["count"], "ly": last_by.get(r["role"], 0)})
        for r in this["by_role"]
    ]
    parts = [r.id for r in rows]
    rows += [
        Row("total", "Appointments from the pool", _pair(this, last, "total"), total=True),
        Row(
            "from-partners",
            "Of those, people provided by partner councils",
            _pair(this, last, "from_partners"),
        ),
        Row(
            "for-partners",
            "The council's pool appointed by partner councils",
            _pair(this, last, "for_partners"),
        ),
    ]
    table = _table("independent-people", list(THIS_AND_LAST), rows)
    for column in ("total", "ly"):
        table.sums.append(Sum([(r, column) for r in parts], ("total", column)))
    return table


def fees(this: dict[str, Any], last: dict[str, Any]) -> Table:
    last_by = {r["role"]: r["fees"] for r in last["by_role"]}
    rows = [
        Row(r["role"], r["label"], {"total": money(r["fees"]), "ly": money(last_by.get(r["role"]))})
        for r in this["by_role"]
    ]
    rows.append(
        Row(
            "total",
            "Fees of appointments from the pool",
            {"total": money(this["fees"]), "ly": money(last["fees"])},
            total=True,
        )
    )
    columns = [
        Column("total", "This period", "money"),
        Column("ly", "Same period last year", "money"),
    ]
    return _table("independent-people-fees", columns, rows)


def tables(ctx: ReportContext) -> tuple[list[Table], list[str]]:
    if not apps.is_installed("harken.pool"):
        return [], [POOL_MISSING]
    from harken.pool import metrics as pool

    this = pool.independent_people(ctx.period.start, ctx.period.end)
    last = pool.independent_people(ctx.last.start, ctx.last.end)
    return [appointments(this, last), fees(this, last)], []
