"""Tables of the children's homes' work (issue 14): Regulation 44 visits due, made and late
per home; what became of the concerns raised at visits and drop-ins; the drop-ins; advocacy
from them; the visits' recommendations. Built from `harken.homes.metrics` for this period and
last year's, with the sums suppression needs, like every other table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .definitions import definition
from .structures import Column, Row, Sum, Table, Value, as_int

if TYPE_CHECKING:
    from .metrics import ReportContext

THIS_AND_LAST = [Column("total", "This period"), Column("ly", "Same period last year")]


def _table(table_id: str, columns: list[Column], rows: list[Row], **kwargs: Any) -> Table:
    d = definition(table_id)
    return Table(
        id=table_id,
        section=d.section,
        title=d.title,
        definition=d.text,
        columns=columns,
        rows=rows,
        **kwargs,
    )


def _pair(this: dict[str, Any], last: dict[str, Any], key: str) -> dict[str, Any]:
    return {"total": this[key], "ly": last[key]}


VISIT_COLUMNS = [
    Column("due", "Months due a visit"),
    Column("made", "Months visited"),
    Column("missed", "Months with no visit"),
    Column("visits", "Visits made"),
    Column("late", "Reports late to Ofsted"),
    Column("made_ly", "Months visited last year"),
    Column("missed_ly", "Months with no visit last year"),
]


def home_visits(this: dict[str, Any], last: dict[str, Any]) -> Table:
    last_by = {h["home_id"]: h for h in last["homes"]}
    rows = []
    for h in this["homes"]:
        before = last_by.get(h["home_id"], {})
        rows.append(
            Row(
                f"home-{h['home_id']}",
                h["name"],
                {
                    "due": h["due"],
                    "made": h["made"],
                    "missed": h["missed"],
                    "visits": h["visits"],
                    "late": h["reports_late"],
                    "made_ly": before.get("made", 0),
                    "missed_ly": before.get("missed", 0),
                },
            )
        )
    parts = [r.id for r in rows]
    total: dict[str, Value] = {
        c.id: sum(as_int(r.values[c.id]) for r in rows) for c in VISIT_COLUMNS
    }
    # Last year's total is every home's then, closed ones included.
    total["made_ly"] = sum(h["made"] for h in last["homes"])
    total["missed_ly"] = sum(h["missed"] for h in last["homes"])
    rows.append(Row("total", "All homes", total, total=True))
    table = _table("home-visits", list(VISIT_COLUMNS), rows)
    for column in ("due", "made", "missed", "visits", "late"):
        table.sums.append(Sum([(r, column) for r in parts], ("total", column)))
    return table


def issues_raised(this: dict[str, Any], last: dict[str, Any]) -> Table:
    last_by = {r["triage"]: r["visits"] + r["drop_ins"] for r in last["by_triage"]}
    rows = [
        Row(
            r["triage"],
            r["label"],
            {
                "visits": r["visits"],
                "drop_ins": r["drop_ins"],
                "total": r["visits"] + r["drop_ins"],
                "ly": last_by.get(r["triage"], 0),
            },
        )
        for r in this["by_triage"]
    ]
    parts = [r.id for r in rows]
    columns = [
        Column("visits", "At visits"),
        Column("drop_ins", "At drop-ins"),
        Column("total", "This period"),
        Column("ly", "Same period last year"),
    ]
    rows.append(
        Row(
            "total",
            "Issues raised",
            {c.id: sum(as_int(r.values[c.id]) for r in rows) for c in columns},
            total=True,
        )
    )
    table = _table("issues-raised", columns, rows)
    for column in ("visits", "drop_ins", "total", "ly"):
        table.sums.append(Sum([(r, column) for r in parts], ("total", column)))
    for row in [*parts, "total"]:
        table.sums.append(Sum([(row, "visits"), (row, "drop_ins")], (row, "total")))
    return table


def drop_ins(this: dict[str, Any], last: dict[str, Any]) -> Table:
    rows = [
        Row("sessions", "Drop-ins held", _pair(this, last, "sessions")),
        Row("young-people", "Young people who came", _pair(this, last, "young_people")),
    ]
    return _table("drop-ins", list(THIS_AND_LAST), rows)


def advocacy(this: dict[str, Any], last: dict[str, Any]) -> Table:
    rows = [
        Row("drop-ins", "Referred from drop-ins", _pair(this, last, "drop_ins")),
        Row("visits", "Referred from visits", _pair(this, last, "visits")),
        Row(
            "total",
            "Referrals from direct work",
            {
                "total": this["drop_ins"] + this["visits"],
                "ly": last["drop_ins"] + last["visits"],
            },
            total=True,
        ),
        Row("independent", "Of those, to independent advocacy", _pair(this, last, "independent")),
        Row("children", "Children referred", _pair(this, last, "children")),
    ]
    table = _table("advocacy-direct-work", list(THIS_AND_LAST), rows)
    for column in ("total", "ly"):
        table.sums.append(Sum([("drop-ins", column), ("visits", column)], ("total", column)))
    return table


def visit_recommendations(this: dict[str, int], last: dict[str, int]) -> Table:
    rows = [
        Row("implemented", "Implemented", _pair(this, last, "implemented")),
        Row("open", "Still open", _pair(this, last, "open")),
        Row("not-accepted", "Not accepted", _pair(this, last, "not_accepted")),
        Row("made", "Recommendations made at visits", _pair(this, last, "made"), total=True),
        Row("overdue", "Of the open ones, overdue", _pair(this, last, "overdue")),
    ]
    table = _table("visit-recommendations", list(THIS_AND_LAST), rows)
    for column in ("total", "ly"):
        table.sums.append(
            Sum(
                [("not-accepted", column), ("implemented", column), ("open", column)],
                ("made", column),
            )
        )
    return table


def tables(ctx: ReportContext) -> list[Table]:
    from harken.homes import metrics as homes
    from harken.learning import metrics as learning

    this = (ctx.period.start, ctx.period.end)
    last = (ctx.last.start, ctx.last.end)
    return [
        home_visits(homes.visits_by_home(*this), homes.visits_by_home(*last)),
        visit_recommendations(
            learning.recommendations_summary(*this, visits=True),
            learning.recommendations_summary(*last, visits=True),
        ),
        drop_ins(homes.drop_ins(*this), homes.drop_ins(*last)),
        issues_raised(homes.issues_raised(*this), homes.issues_raised(*last)),
        advocacy(homes.advocacy_from_direct_work(*this), homes.advocacy_from_direct_work(*last)),
    ]
