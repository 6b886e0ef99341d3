"""The report's survey tables (issue 14): response rate and satisfaction by stage, satisfaction
by quarter, comments by theme and what became of them. Counts only: nothing about who
answered. The report's suppression, last year's column and every format come with `Table`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from harken.reports.definitions import definition
from harken.reports.structures import Column, Row, Sum, Table, Value, as_int, percent

from .models import Decision, Invitation, Response

if TYPE_CHECKING:
    from harken.reports.metrics import ReportContext

STAGES: tuple[tuple[int, str], ...] = (
    (0, "Initial contacts"),
    (1, "Stage 1"),
    (2, "Stage 2"),
    (3, "Stage 3"),
)
SATISFIED = Q(satisfaction__gte=4)
NEITHER = Q(satisfaction=3)
DISSATISFIED = Q(satisfaction__lte=2)


def _table(table_id: str, columns: list[Column], rows: list[Row]) -> Table:
    d = definition(table_id)
    return Table(
        id=table_id,
        section=d.section,
        title=d.title,
        definition=d.text,
        columns=columns,
        rows=rows,
    )


def response_rate(ctx: ReportContext) -> Table:
    """Sent, answered and satisfied by stage, this period and last year's (by date sent)."""
    periods = (("", ctx.total), ("ly_", ctx.ly))
    counts: dict[str, dict[int, Any]] = {}
    for prefix, bucket in periods:
        grouped = (
            Invitation.objects.filter(sent_on__range=(bucket.start, bucket.end))
            .values("stage_number")
            .annotate(
                sent=Count("id"),
                answered=Count("id", filter=Q(answered_at__isnull=False)),
                satisfied=Count("id", filter=Q(response__satisfaction__gte=4)),
            )
        )
        counts[prefix] = {g["stage_number"]: g for g in grouped}
    columns = []
    for prefix, label in (("", "This period"), ("ly_", "Same period last year")):
        columns += [
            Column(f"{prefix}sent", "Sent", group=label),
            Column(f"{prefix}answered", "Answered", group=label),
            Column(f"{prefix}rate", "Response rate", "percent", group=label),
            Column(f"{prefix}satisfied", "Satisfied (4 or 5)", group=label),
            Column(f"{prefix}satisfied_pc", "% of answers satisfied", "percent", group=label),
        ]
    rows = []
    totals = {p: {"sent": 0, "answered": 0, "satisfied": 0} for p, _ in periods}
    for number, label in (*STAGES, (-1, "All stages")):
        values: dict[str, Value] = {}
        for prefix, _ in periods:
            if number == -1:
                c = totals[prefix]
            else:
                g = counts[prefix].get(number, {})
                c = {k: int(g.get(k, 0)) for k in ("sent", "answered", "satisfied")}
                for k in c:
                    totals[prefix][k] += c[k]
            values[f"{prefix}sent"] = c["sent"]
            values[f"{prefix}answered"] = c["answered"]
            values[f"{prefix}rate"] = percent(c["answered"], c["sent"])
            values[f"{prefix}satisfied"] = c["satisfied"]
            values[f"{prefix}satisfied_pc"] = percent(c["satisfied"], c["answered"])
        rows.append(
            Row("total" if number == -1 else f"stage{number}", label, values, total=number == -1)
        )
    table = _table("survey-response-rate", columns, rows)
    parts = [r.id for r in rows if not r.total]
    for prefix, _ in periods:
        for name in ("sent", "answered", "satisfied"):
            column = f"{prefix}{name}"
            table.sums.append(Sum([(r, column) for r in parts], ("total", column)))
        for r in rows:
            table.derived[(r.id, f"{prefix}rate")] = [
                (r.id, f"{prefix}answered"),
                (r.id, f"{prefix}sent"),
            ]
            table.derived[(r.id, f"{prefix}satisfied_pc")] = [
                (r.id, f"{prefix}satisfied"),
                (r.id, f"{prefix}answered"),
            ]
    return table


def satisfaction_by_quarter(ctx: ReportContext) -> Table:
    """Every answer with a satisfaction (sent surveys and imported returns), by date
    received, per quarter, this period and last year's."""
    buckets = ctx.buckets
    aggregates = {}
    for b in buckets:
        within = Q(received_on__range=(b.start, b.end), satisfaction__isnull=False)
        aggregates[f"{b.id}__satisfied"] = Count("id", filter=within & SATISFIED)
        aggregates[f"{b.id}__neither"] = Count("id", filter=within & NEITHER)
        aggregates[f"{b.id}__dissatisfied"] = Count("id", filter=within & DISSATISFIED)
    figures = Response.objects.filter(ctx.either("received_on")).aggregate(**aggregates)
    columns = [
        Column(b.id, b.label, group="" if b.id in ("total", "ly") else "Quarter") for b in buckets
    ]
    names = (
        ("satisfied", "Satisfied (4 or 5)"),
        ("neither", "Neither (3)"),
        ("dissatisfied", "Dissatisfied (1 or 2)"),
    )
    rows = [
        Row(name, label, {b.id: int(figures[f"{b.id}__{name}"]) for b in buckets})
        for name, label in names
    ]
    answered = {b.id: sum(int(figures[f"{b.id}__{name}"]) for name, _ in names) for b in buckets}
    rows.append(Row("answered", "Answers with a satisfaction", dict(answered), total=True))
    rows.append(
        Row(
            "percent",
            "% satisfied",
            {b.id: percent(rows[0].values[b.id], answered[b.id]) for b in buckets},  # type: ignore[arg-type]
            kind="percent",
        )
    )
    table = _table("survey-satisfaction", columns, rows)
    for b in buckets:
        table.sums.append(Sum([(name, b.id) for name, _ in names], ("answered", b.id)))
        table.derived[("percent", b.id)] = [("satisfied", b.id), ("answered", b.id)]
    return table


def comments_by_theme(ctx: ReportContext) -> Table:
    """Comments received in the period (by the date of their return), by theme, and what
    became of them; last year's total beside."""
    from .models import Comment

    decisions = [d for d in Decision if d != Decision.UNTRIAGED] + [Decision.UNTRIAGED]
    this = ctx.total
    rows_q = (
        Comment.objects.filter(ctx.either("response__received_on"))
        .values("theme__name")
        .annotate(
            **{
                d.value: Count(
                    "id",
                    filter=Q(
                        decision=d.value,
                        response__received_on__range=(this.start, this.end),
                    ),
                )
                for d in decisions
            },
            ly=Count("id", filter=Q(response__received_on__range=(ctx.ly.start, ctx.ly.end))),
        )
        .order_by("theme__name")
    )
    columns = [Column(d.value, str(d.label), group="This period") for d in decisions]
    columns += [Column("total", "Comments"), Column("ly", "Same period last year")]
    rows: list[Row] = []
    g: Any
    for g in rows_q:
        values: dict[str, Value] = {d.value: int(g[d.value]) for d in decisions}
        values["total"] = sum(as_int(values[d.value]) for d in decisions)
        values["ly"] = int(g["ly"])
        name = g["theme__name"] or "No theme"
        rows.append(Row(f"theme-{len(rows)}", name, values))
    parts = [r.id for r in rows]
    total_values: dict[str, Value] = {
        c.id: sum(as_int(r.values[c.id]) for r in rows) for c in columns
    }
    rows.append(Row("total", "All comments", total_values, total=True))
    table = _table("survey-comments", columns, rows)
    for c in columns:
        table.sums.append(Sum([(r, c.id) for r in parts], ("total", c.id)))
    for r in rows:
        table.sums.append(Sum([(r.id, d.value) for d in decisions], (r.id, "total")))
    return table


def tables(ctx: ReportContext) -> list[Table]:
    return [response_rate(ctx), satisfaction_by_quarter(ctx), comments_by_theme(ctx)]
