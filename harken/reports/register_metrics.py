"""Tables from the registers (Ombudsman, costs and payments, persistent contact, advocacy,
subject access) and the learning action plan, built from the figures those apps provide
(`harken.registers.metrics`, `harken.learning.metrics`) for this period and last year's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps

from harken.core.dates import format_date

from .definitions import definition
from .structures import Chart, Column, Row, Sum, Table, Value, money

if TYPE_CHECKING:
    from .metrics import ReportContext

REGISTERS_MISSING = (
    "Ombudsman enquiries, costs and compensation, persistent-contact letters, advocacy "
    "referrals and subject access requests are not in this report: the registers that hold "
    "them are not installed."
)
LEARNING_MISSING = (
    "Recommendations are not in this report: the action plan that holds them is not installed."
)
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


def _pair(this: dict[str, Any], last: dict[str, Any], key: str) -> dict[str, Value]:
    return {"total": this[key], "ly": last[key]}


def ombudsman(this: dict[str, Any], last: dict[str, Any]) -> Table:
    last_by = {d["decision"]: d["count"] for d in last["by_decision"]}
    rows = [
        Row(d["decision"], d["label"], {"total": d["count"], "ly": last_by.get(d["decision"], 0)})
        for d in this["by_decision"]
    ]
    total = Row("total", "Enquiries received", _pair(this, last, "received"), total=True)
    table = _table(
        "ombudsman-cases",
        list(THIS_AND_LAST),
        [*rows, total],
        chart=Chart("bar", [r.id for r in rows], ["total"], "Ombudsman enquiries by decision"),
    )
    for column in ("total", "ly"):
        table.sums.append(Sum([(r.id, column) for r in rows], ("total", column)))
    return table


def costs(this: dict[str, Any], last: dict[str, Any]) -> Table:
    last_by = {r["role"]: r["total"] for r in last["by_role"]}
    rows = [
        Row(
            r["role"], r["label"], {"total": money(r["total"]), "ly": money(last_by.get(r["role"]))}
        )
        for r in this["by_role"]
    ]
    rows.append(
        Row(
            "total",
            "Total cost of investigating",
            {"total": money(this["total"]), "ly": money(last["total"])},
            total=True,
        )
    )
    columns = [
        Column("total", "This period", "money"),
        Column("ly", "Same period last year", "money"),
    ]
    return _table(
        "costs",
        columns,
        rows,
        chart=Chart(
            "grouped",
            [r.id for r in rows[:-1]],
            ["total", "ly"],
            "Cost of investigating",
            value_label="£",
        ),
    )


def payments(this: dict[str, Any], last: dict[str, Any]) -> Table:
    rows = []
    for i, item in enumerate(this["items"], start=1):
        kind = item["kind_label"] + (
            " (recommended by the Ombudsman)" if item["recommended_by_ombudsman"] else ""
        )
        rows.append(
            Row(
                f"payment-{i}",
                f"Payment {i}",
                {
                    "paid_on": format_date(item["paid_on"]),
                    "kind": kind,
                    "reason": item["reason"],
                    "case": item["case_reference"] or item["ombudsman_reference"],
                    "amount": money(item["amount"]),
                },
            )
        )
    rows.append(
        Row(
            "total",
            "Total paid",
            {
                "paid_on": "",
                "kind": "",
                "reason": "",
                "case": "",
                "amount": money(this["total"]),
            },
            total=True,
        )
    )
    rows.append(
        Row(
            "ly",
            "Same period last year",
            {"paid_on": "", "kind": "", "reason": "", "case": "", "amount": money(last["total"])},
            total=True,
        )
    )
    table = _table(
        "compensation",
        [
            Column("paid_on", "Paid on", "text"),
            Column("kind", "Kind", "text"),
            Column("reason", "What it was for", "text"),
            Column("case", "Case", "text"),
            Column("amount", "Amount", "money"),
        ],
        rows,
        private_columns=["reason", "case"],
    )
    table.notes.append(
        "What each payment was for, and its case, are in the internal edition only: describe "
        "them for publication in an example."
    )
    return table


def restrictions(this: dict[str, Any], last: dict[str, Any]) -> Table:
    rows = [
        Row("letters", "Letters issued", _pair(this, last, "letters_issued")),
        Row("decisions", "Decisions made", _pair(this, last, "decisions")),
        Row("people", "People the decisions were about", _pair(this, last, "people")),
        Row(
            "in-force",
            "Restrictions in force at the end of the period",
            _pair(this, last, "in_force_at_end"),
        ),
        Row("ended", "Restrictions ended", _pair(this, last, "ended")),
    ]
    return _table("persistent-contact", list(THIS_AND_LAST), rows)


def advocacy(this: dict[str, Any], last: dict[str, Any]) -> Table:
    last_by = {p["provider"]: p["count"] for p in last["by_provider"]}
    rows = [
        Row(p["provider"], p["label"], {"total": p["count"], "ly": last_by.get(p["provider"], 0)})
        for p in this["by_provider"]
    ]
    parts = [r.id for r in rows]
    rows.append(Row("total", "Referrals", _pair(this, last, "total"), total=True))
    rows.append(Row("children", "Children referred", _pair(this, last, "children")))
    table = _table("advocacy", list(THIS_AND_LAST), rows)
    for column in ("total", "ly"):
        table.sums.append(Sum([(r, column) for r in parts], ("total", column)))
    return table


def subject_access(this: dict[str, Any], last: dict[str, Any]) -> Table:
    from .structures import percent

    rows = [
        Row("received", "Received", _pair(this, last, "received")),
        Row("extended", "Of those, extended", _pair(this, last, "extended")),
        Row("completed", "Completed", _pair(this, last, "completed")),
        Row("within", "Completed by the due date", _pair(this, last, "completed_within_time")),
        Row("late", "Completed late", _pair(this, last, "completed_late")),
        Row(
            "percent",
            "% completed by the due date",
            {
                "total": percent(this["completed_within_time"], this["completed"]),
                "ly": percent(last["completed_within_time"], last["completed"]),
            },
            kind="percent",
        ),
        Row("open", "Open at the end of the period", _pair(this, last, "open_at_end")),
        Row("overdue", "Of those, overdue", _pair(this, last, "overdue_at_end")),
    ]
    table = _table("subject-access", list(THIS_AND_LAST), rows)
    for column in ("total", "ly"):
        table.sums.append(Sum([("within", column), ("late", column)], ("completed", column)))
        table.derived[("percent", column)] = [("within", column), ("completed", column)]
    return table


def recommendations(this: dict[str, Any], last: dict[str, Any]) -> Table:
    rows = [
        Row("not-accepted", "Not accepted", _pair(this, last, "not_accepted")),
        Row("implemented", "Implemented", _pair(this, last, "implemented")),
        Row("open", "Still open", _pair(this, last, "open")),
        Row("made", "Recommendations made", _pair(this, last, "made"), total=True),
        Row("overdue", "Of the open ones, overdue", _pair(this, last, "overdue")),
        Row("actions", "Actions completed on them", _pair(this, last, "actions_completed")),
    ]
    table = _table("recommendations", list(THIS_AND_LAST), rows)
    for column in ("total", "ly"):
        table.sums.append(
            Sum(
                [("not-accepted", column), ("implemented", column), ("open", column)],
                ("made", column),
            )
        )
    return table


def tables(ctx: ReportContext) -> tuple[list[Table], list[str]]:
    """The register tables, and a sentence for each group of figures left out."""
    out: list[Table] = []
    omitted: list[str] = []
    this = (ctx.period.start, ctx.period.end)
    last = (ctx.last.start, ctx.last.end)
    if apps.is_installed("harken.registers"):
        from harken.registers import metrics as registers

        out += [
            ombudsman(registers.ombudsman_cases(*this), registers.ombudsman_cases(*last)),
            costs(registers.investigation_costs(*this), registers.investigation_costs(*last)),
            payments(registers.payments(*this), registers.payments(*last)),
            restrictions(
                registers.contact_restrictions(*this), registers.contact_restrictions(*last)
            ),
            advocacy(registers.advocacy_referrals(*this), registers.advocacy_referrals(*last)),
            subject_access(
                registers.subject_access_requests(*this),
                registers.subject_access_requests(*last),
            ),
        ]
    else:
        omitted.append(REGISTERS_MISSING)
    if apps.is_installed("harken.learning"):
        from harken.learning import metrics as learning

        out.append(
            recommendations(
                learning.recommendations_summary(*this), learning.recommendations_summary(*last)
            )
        )
    else:
        omitted.append(LEARNING_MISSING)
    # --- Issue 14 (homes): children's homes, visits and drop-ins ---
    if apps.is_installed("harken.homes"):
        from . import homes_tables

        out += homes_tables.tables(ctx)
    # --- end of issue 14 (homes) ---
    # Issue 14: surveys
    if apps.is_installed("harken.surveys"):
        from harken.surveys import metrics as surveys

        out += surveys.tables(ctx)
    return out, omitted
