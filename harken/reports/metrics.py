"""Metric selectors: every figure of the complaints report, from SQL aggregates.

The figures come from a few aggregate queries over the stored columns (never a loop over
records): counts with `filter=Q(date in bucket)` for each quarter of the period, the whole
period and the same period last year, grouped by dimensions (kind, stage, procedure,
outcome, team, theme...). Tables that count the same records share one such pass (see
"Shared passes") and add up the groups they show. `build_report` returns a `Report` of plain
data that every format renders; `definitions.py` says in words how each figure is counted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, router, transaction
from django.db.models import (
    Aggregate,
    BigIntegerField,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import (
    Case as CaseWhen,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from harken.accounts.models import Team
from harken.cases.models import (
    REPRESENTATION_KINDS,
    Case,
    CaseParty,
    ContactOutcome,
    Element,
    ElementOutcome,
    Kind,
    Outcome,
    PartyRole,
    Person,
    Relationship,
    Stage,
    Theme,
)
from harken.procedures.definitions import ProcedureKind
from harken.procedures.models import ProcedureVersion

from .definitions import definition
from .periods import Period, Segment
from .structures import (
    Chart,
    Column,
    Report,
    Row,
    Table,
    as_int,
    average,
    percent,
)
from .structures import (
    Sum as SumOf,
)
from .structures import (
    Value as CellValue,
)

# Procedure families in table 6.1 of seed 004: statutory social care, and corporate.
FAMILIES: tuple[tuple[str, str], ...] = (("sc", "Social care"), ("corp", "Corporate"))
FAMILY_OF_KIND = {
    ProcedureKind.STATUTORY_CHILDREN.value: "sc",
    ProcedureKind.STATUTORY_ADULTS.value: "sc",
    ProcedureKind.CORPORATE.value: "corp",
    # Not social care: counted with the corporate complaints, so every table's total agrees
    # (docs/adr/0101); their own figures are the data-protection counts (dp_counts.py).
    ProcedureKind.DATA_PROTECTION.value: "corp",
}
PARENT_OR_CARER = (
    Relationship.PARENT,
    Relationship.CARER,
    Relationship.FOSTER_CARER,
    Relationship.SPECIAL_GUARDIAN,
)
COMPLAINANT_TYPES: tuple[tuple[str, str, str], ...] = (
    # (id, label, group)
    ("child-la", "Child or young person, looked after", "child"),
    ("child", "Child or young person, not looked after", "child"),
    ("parent-la", "Parent or carer, about a looked-after child", "parent"),
    ("parent", "Parent or carer, about a child not looked after", "parent"),
    ("other", "Someone else (advocate, professional, other)", "other"),
)
COMPLAINANT_GROUPS: tuple[tuple[str, str], ...] = (
    ("child", "Child or young person"),
    ("parent", "Parent or carer"),
    ("other", "Someone else"),
)
OUTCOME_ROWS: tuple[tuple[str, str], ...] = (
    (Outcome.UPHELD, "Upheld"),
    (Outcome.PARTIALLY_UPHELD, "Partially upheld"),
    (Outcome.NOT_UPHELD, "Not upheld"),
    (Outcome.UNABLE_TO_DETERMINE, "Unable to determine"),
    (Outcome.WITHDRAWN, "Withdrawn"),
)
# The stages with tables of their own by team, theme, timeliness and upheld elements.
DETAILED_STAGES = (1, 2)
# Stages whose clock can start after the request (the agreed statement of complaint): their
# timeliness also counts from the request.
FROM_REQUEST_STAGES = (2,)
NO_TEAM = "No team recorded"
NO_THEME = "No theme recorded"


Grouped = dict[tuple[Any, ...], dict[str, Any]]


@dataclass(frozen=True)
class Bucket:
    """A date range a figure is counted in: a quarter, the whole period, or last year's."""

    id: str
    start: dt.date
    end: dt.date
    label: str


class ReportContext:
    """The period, its buckets, and the few lookups every table shares (one query each)."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.last = period.previous_year()
        self.segments: list[Segment] = period.quarters()
        self.quarters = [Bucket(s.id, s.start, s.end, s.label) for s in self.segments]
        self.total = Bucket("total", period.start, period.end, "This period")
        self.ly = Bucket("ly", self.last.start, self.last.end, "Same period last year")
        self._teams: dict[int, str] | None = None
        self._themes: dict[int, str] | None = None
        self._stages: dict[str, set[int]] | None = None
        # The shared passes over the records (see "Shared passes"), each run once a report.
        self.passes: dict[str, Grouped] = {}
        # Passes being read on a second connection (see `_read_alongside`).
        self.pending: dict[str, Future[Grouped]] = {}

    @property
    def buckets(self) -> list[Bucket]:
        return [*self.quarters, self.total, self.ly]

    def either(self, field: str) -> Q:
        """The field falls in this period or last year's (one range when they adjoin, as a
        year's do, so that the database reads one stretch of an index rather than two)."""
        if self.last.end + dt.timedelta(days=1) == self.period.start:
            return Q(**{f"{field}__range": (self.last.start, self.period.end)})
        return Q(**{f"{field}__range": (self.period.start, self.period.end)}) | Q(
            **{f"{field}__range": (self.last.start, self.last.end)}
        )

    def within(self, field: str) -> Q:
        return Q(**{f"{field}__range": (self.period.start, self.period.end)})

    @property
    def teams(self) -> dict[int, str]:
        if self._teams is None:
            self._teams = dict(Team.objects.values_list("id", "name"))
        return self._teams

    @property
    def themes(self) -> dict[int, str]:
        if self._themes is None:
            self._themes = dict(Theme.objects.values_list("id", "name"))
        return self._themes

    @property
    def family_stages(self) -> dict[str, set[int]]:
        """The stage numbers each procedure family has, from the procedure definitions."""
        if self._stages is None:
            stages: dict[str, set[int]] = {key: set() for key, _ in FAMILIES}
            for version in ProcedureVersion.objects.select_related("procedure"):
                family = FAMILY_OF_KIND.get(version.procedure.kind)
                if family:
                    stages[family].update(s.number for s in version.spec.stages)
            self._stages = stages
        return self._stages

    @property
    def stage_numbers(self) -> list[int]:
        numbers = set().union(*self.family_stages.values()) or {1, 2, 3}
        return sorted(numbers)


# --- Query helpers -----------------------------------------------------------------------


def _in(field: str, bucket: Bucket) -> Q:
    return Q(**{f"{field}__range": (bucket.start, bucket.end)})


def _grouped(qs: QuerySet[Any], dims: Sequence[str], aggregates: dict[str, Any]) -> Grouped:
    """One GROUP BY query: {(dim values...): {aggregate name: value}}."""
    rows = qs.values(*dims).annotate(**aggregates).order_by()
    return {tuple(r[d] for d in dims): {a: r[a] for a in aggregates} for r in rows}


def _counts_by_bucket(field: str, buckets: Iterable[Bucket], **extra: Q) -> dict[str, Any]:
    """Count(pk) for each bucket (and for each extra filter within each bucket)."""
    out: dict[str, Any] = {}
    for b in buckets:
        out[b.id] = Count("pk", filter=_in(field, b))
        for name, condition in extra.items():
            out[f"{name}:{b.id}"] = Count("pk", filter=_in(field, b) & condition)
    return out


def _first_of(qs: QuerySet[Any], field: str) -> Subquery:
    return Subquery(qs.values(field)[:1])


def main_team(case_ref: str, *, elements: bool = True) -> Coalesce | Subquery:
    """A complaint's main team: its lowest-numbered element's team, else its first team
    (`elements=False` for records without elements, such as compliments)."""
    by_case = Case.teams.through.objects.filter(case_id=OuterRef(case_ref)).order_by("id")
    if not elements:
        return _first_of(by_case, "team_id")
    by_element = Element.objects.filter(case_id=OuterRef(case_ref), team__isnull=False).order_by(
        "number"
    )
    return Coalesce(_first_of(by_element, "team_id"), _first_of(by_case, "team_id"))


def main_theme(case_ref: str) -> Coalesce:
    by_element = Element.objects.filter(case_id=OuterRef(case_ref), theme__isnull=False).order_by(
        "number"
    )
    by_case = Case.themes.through.objects.filter(case_id=OuterRef(case_ref)).order_by("id")
    return Coalesce(_first_of(by_element, "theme_id"), _first_of(by_case, "theme_id"))


def _type(type_id: str) -> Value:
    return Value(type_id, output_field=CharField())


def complainant_type(case_ref: str) -> Coalesce:
    """Who made the complaint (an id of COMPLAINANT_TYPES), worked out in SQL from the case's
    first-recorded complainant: one index probe a case rather than an anti-join over every
    party. The looked-after checks are EXISTS in nested CASEs, so they only run for the
    complainants they concern. No complainant recorded: "other"."""
    looked_after = Person.objects.filter(pk=OuterRef("person_id"), looked_after=True)
    child_looked_after = CaseParty.objects.filter(
        case_id=OuterRef("case_id"), role=PartyRole.CHILD, person__looked_after=True
    )
    first = (
        CaseParty.objects.filter(case_id=OuterRef(case_ref), role=PartyRole.COMPLAINANT)
        .order_by("id")
        .annotate(
            type=CaseWhen(
                When(
                    relationship=Relationship.CHILD,
                    then=CaseWhen(
                        When(Exists(looked_after), then=_type("child-la")),
                        default=_type("child"),
                    ),
                ),
                When(
                    relationship__in=PARENT_OR_CARER,
                    then=CaseWhen(
                        When(Exists(child_looked_after), then=_type("parent-la")),
                        default=_type("parent"),
                    ),
                ),
                default=_type("other"),
            )
        )
    )
    return Coalesce(_first_of(first, "type"), _type("other"))


# --- Shared passes ----------------------------------------------------------------------
# Several tables count the same records by different dimensions: each such set of records is
# read once, grouped by every dimension those tables need, and each table adds up the groups
# it wants (`_rollup`). The passes are cached on the context, so a table asks for one without
# knowing which other table already ran it.


def _once(ctx: ReportContext, key: str, compute: Callable[[], Grouped]) -> Grouped:
    if key not in ctx.passes:
        pending = ctx.pending.pop(key, None)
        ctx.passes[key] = pending.result() if pending is not None else compute()
    return ctx.passes[key]


def _rollup(
    grouped: Grouped, key: Callable[[tuple[Any, ...]], Any]
) -> defaultdict[Any, defaultdict[str, int]]:
    """A pass's figures added up by fewer dimensions: `key` maps a group's dimensions to its
    new key (None for a group to leave out)."""
    out: defaultdict[Any, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for dims, values in grouped.items():
        new_key = key(dims)
        if new_key is None:
            continue
        for name, value in values.items():
            out[new_key][name] += value or 0
    return out


def non_complaints_received(ctx: ReportContext) -> Grouped:
    """Contacts, compliments and representations received in either period, by (kind, contact
    outcome, main team of a compliment), counted in each bucket."""

    def compute() -> Grouped:
        team = CaseWhen(
            When(kind=Kind.COMPLIMENT, then=main_team("pk", elements=False)),
            default=None,
            output_field=BigIntegerField(),
        )
        return _grouped(
            Case.objects.filter(ctx.either("received_on"))
            .exclude(kind=Kind.COMPLAINT)
            .annotate(team=team),
            ["kind", "contact_outcome", "team"],
            _counts_by_bucket("received_on", ctx.buckets),
        )

    return _once(ctx, "non-complaints", compute)


def stages_received(ctx: ReportContext) -> Grouped:
    """Complaint stages received in either period, by (stage number, procedure kind)."""
    return _once(
        ctx,
        "stages-received",
        lambda: _grouped(
            Stage.objects.filter(ctx.either("received_on"), number__in=ctx.stage_numbers),
            ["number", "case__procedure_version__procedure__kind"],
            _counts_by_bucket("received_on", ctx.buckets),
        ),
    )


class ThemeList(Aggregate):
    """The grouped elements' theme ids as one string, "-" for an element without a theme:
    "4,-,4" (in no particular order)."""

    function = "STRING_AGG"
    template = "%(function)s(COALESCE(CAST(%(expressions)s AS TEXT), '-'), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def stage1_complainants(ctx: ReportContext) -> Grouped:
    """Stage 1 complaints received in either period, by (complainant type, the themes of the
    complaint's elements when it was received in the period): the complainant type is worked
    out once a complaint for both "who complained" and "issues by who raised them"."""

    def compute() -> Grouped:
        themes = (
            Element.objects.filter(case_id=OuterRef("case_id"))
            .order_by()
            .values("case_id")
            .annotate(themes=ThemeList("theme_id"))
            .values("themes")
        )
        return _grouped(
            Stage.objects.filter(ctx.either("received_on"), number=1).annotate(
                type=complainant_type("case_id"),
                themes=CaseWhen(
                    When(ctx.within("received_on"), then=Subquery(themes)),
                    default=None,
                    output_field=CharField(),
                ),
            ),
            ["type", "themes"],
            _counts_by_bucket("received_on", [ctx.total, ctx.ly]),
        )

    return _once(ctx, "stage1-complainants", compute)


def stages_by_main(ctx: ReportContext) -> Grouped:
    """Stage 1 and 2 complaints received in the period, by (stage number, main team, main
    theme): both "by team" and "by theme" tables of both stages from one pass."""
    return _once(
        ctx,
        "stages-by-main",
        lambda: _grouped(
            Stage.objects.filter(ctx.within("received_on"), number__in=DETAILED_STAGES).annotate(
                team=main_team("case_id"), theme=main_theme("case_id")
            ),
            ["number", "team", "theme"],
            {"n": Count("pk")},
        ),
    )


def stages_concluded(ctx: ReportContext) -> Grouped:
    """Stage 1 and 2 complaints concluded in either period, by stage number: how many, how many
    within timescale and their working days, in each bucket."""
    return _once(
        ctx,
        "stages-concluded",
        lambda: _grouped(
            Stage.objects.filter(ctx.either("concluded_on"), number__in=DETAILED_STAGES),
            ["number"],
            {
                **_counts_by_bucket("concluded_on", ctx.buckets, within=Q(within_timescale=True)),
                **{
                    f"days:{b.id}": Sum("working_days_taken", filter=_in("concluded_on", b))
                    for b in ctx.buckets
                },
                # Beside the statutory figure: from the request to the agreed statement (over
                # the stages that have one) and to the conclusion.
                **{
                    f"statement-n:{b.id}": Count(
                        "working_days_to_statement", filter=_in("concluded_on", b)
                    )
                    for b in ctx.buckets
                },
                **{
                    f"statement-days:{b.id}": Sum(
                        "working_days_to_statement", filter=_in("concluded_on", b)
                    )
                    for b in ctx.buckets
                },
                **{
                    f"request-n:{b.id}": Count(
                        "working_days_from_request", filter=_in("concluded_on", b)
                    )
                    for b in ctx.buckets
                },
                **{
                    f"request-days:{b.id}": Sum(
                        "working_days_from_request", filter=_in("concluded_on", b)
                    )
                    for b in ctx.buckets
                },
            },
        ),
    )


def stages_ended(ctx: ReportContext) -> Grouped:
    """Stage 1 and 2 complaints withdrawn or discontinued (not concluded), by stage number."""
    return _once(
        ctx,
        "stages-ended",
        lambda: _grouped(
            Stage.objects.filter(
                ctx.either("ended_early_on"), number__in=DETAILED_STAGES, concluded_on__isnull=True
            ),
            ["number"],
            _counts_by_bucket("ended_early_on", ctx.buckets),
        ),
    )


UPHELD = (Outcome.UPHELD, Outcome.PARTIALLY_UPHELD)


def element_outcomes(ctx: ReportContext) -> Grouped:
    """Element outcomes of stages concluded in either period, by (stage number, outcome, theme),
    the theme only for elements upheld or partly upheld at a detailed stage concluded in the
    period (the one table by theme), so that the other outcomes need not read the elements."""
    upheld_theme = CaseWhen(
        When(
            Q(outcome__in=UPHELD, stage__number__in=DETAILED_STAGES)
            & ctx.within("stage__concluded_on"),
            then=Subquery(
                Element.objects.filter(pk=OuterRef("element_id")).order_by().values("theme_id")
            ),
        ),
        default=None,
        output_field=BigIntegerField(),
    )
    return _once(
        ctx,
        "element-outcomes",
        lambda: _grouped(
            ElementOutcome.objects.filter(
                ctx.either("stage__concluded_on"), stage__number__in=(1, 2, 3)
            ).annotate(theme=upheld_theme),
            ["stage__number", "outcome", "theme"],
            _counts_by_bucket("stage__concluded_on", [ctx.total, ctx.ly]),
        ),
    )


# --- Table building helpers --------------------------------------------------------------


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


def _quarter_columns(ctx: ReportContext, *, comparison: bool = True) -> list[Column]:
    columns = [Column(q.id, q.label) for q in ctx.quarters]
    columns.append(Column("total", "This period"))
    if comparison:
        columns.append(Column("ly", "Same period last year"))
        columns.append(Column("change", "Change", "change"))
    return columns


def _quarter_row(
    ctx: ReportContext,
    row_id: str,
    label: str,
    counts: dict[str, int],
    *,
    comparison: bool = True,
    total: bool = False,
    kind: str | None = None,
) -> Row:
    values: dict[str, CellValue] = {q.id: counts.get(q.id, 0) for q in ctx.quarters}
    values["total"] = counts.get("total", 0)
    if comparison:
        values["ly"] = counts.get("ly", 0)
        values["change"] = as_int(values["total"]) - as_int(values["ly"])
    return Row(row_id, label, values, total=total)


def _add_quarter_sums(ctx: ReportContext, table: Table, row_ids: Iterable[str]) -> None:
    """Each row's quarters add up to its period total; changes come from total and last year."""
    for row_id in row_ids:
        table.sums.append(SumOf([(row_id, q.id) for q in ctx.quarters], (row_id, "total")))
        row = table.row(row_id)
        if "change" in row.values:
            table.derived[(row_id, "change")] = [(row_id, "total"), (row_id, "ly")]


def _add_column_sums(
    table: Table, part_rows: Sequence[str], total_row: str, columns: Iterable[str]
) -> None:
    for column in columns:
        table.sums.append(SumOf([(r, column) for r in part_rows], (total_row, column)))


def _percent_column(
    table: Table, count_col: str, pct_col: str, total_row: str, places: int = 0
) -> None:
    """Fill `pct_col` with each row's `count_col` as a percentage of the total row's."""
    whole = table.value(total_row, count_col)
    for row in table.rows:
        part = row.get(count_col)
        row.values[pct_col] = (
            percent(part, whole, places)
            if isinstance(part, int) and isinstance(whole, int)
            else None
        )
        table.derived[(row.id, pct_col)] = [(row.id, count_col), (total_row, count_col)]


def _total_row(rows: Sequence[Row], columns: Iterable[str], label: str = "Total") -> Row:
    values: dict[str, CellValue] = {}
    for column in columns:
        values[column] = sum(as_int(r.values.get(column)) for r in rows)
    return Row("total", label, values, total=True)


def _named(
    ids_counts: dict[Any, int], names: dict[int, str], missing: str
) -> list[tuple[str, str, int]]:
    """(row id, label, count) sorted by count (largest first), then name."""
    items = []
    for key, count in ids_counts.items():
        if not count:
            continue
        if key is None:
            items.append(("none", missing, count))
        else:
            items.append((f"id-{key}", names.get(key, missing), count))
    items.sort(key=lambda item: (item[0] == "none", -item[2], item[1]))
    return items


# --- The tables ----------------------------------------------------------------------------


def feedback_received(ctx: ReportContext) -> Table:
    kinds = _rollup(non_complaints_received(ctx), lambda dims: dims[0])
    stages = _rollup(stages_received(ctx), lambda dims: dims[0])

    def kind_counts(*names: str) -> dict[str, int]:
        return {b.id: sum(kinds[k][b.id] for k in names if k in kinds) for b in ctx.buckets}

    rows = [
        _quarter_row(ctx, "compliments", "Compliments", kind_counts(Kind.COMPLIMENT)),
        _quarter_row(ctx, "contacts", "Initial contacts", kind_counts(Kind.CONTACT)),
        _quarter_row(
            ctx,
            "representations",
            "Enquiries, comments and suggestions",
            kind_counts(*REPRESENTATION_KINDS),
        ),
    ]
    for number in ctx.stage_numbers:
        counts: dict[str, int] = stages.get(number, {})
        rows.append(_quarter_row(ctx, f"stage{number}", f"Stage {number} complaints", counts))
    table = _table(
        "feedback-received",
        _quarter_columns(ctx),
        rows,
        chart=Chart(
            "grouped",
            rows=[r.id for r in rows],
            columns=[q.id for q in ctx.quarters],
            title="Feedback received by quarter",
        ),
    )
    _add_quarter_sums(ctx, table, [r.id for r in rows])
    return table


def compliments_by_team(ctx: ReportContext) -> Table:
    grouped = _rollup(
        non_complaints_received(ctx),
        lambda dims: (dims[2],) if dims[0] == Kind.COMPLIMENT else None,
    )
    keys = sorted(
        grouped,
        key=lambda k: (
            k[0] is None,
            -grouped[k]["total"],
            -grouped[k]["ly"],
            ctx.teams.get(k[0], ""),
        ),
    )
    rows = []
    for (team_id,) in keys:
        counts = grouped[(team_id,)]
        rows.append(
            Row(
                f"id-{team_id}" if team_id is not None else "none",
                ctx.teams.get(team_id, NO_TEAM) if team_id is not None else NO_TEAM,
                {
                    "total": counts["total"],
                    "ly": counts["ly"],
                    "change": counts["total"] - counts["ly"],
                },
            )
        )
    total = _total_row(rows, ["total", "ly"])
    total.values["change"] = as_int(total.values["total"]) - as_int(total.values["ly"])
    table = _table(
        "compliments-by-team",
        [
            Column("total", "This period"),
            Column("ly", "Same period last year"),
            Column("change", "Change", "change"),
        ],
        [*rows, total],
        chart=Chart(
            "grouped",
            rows=[r.id for r in rows],
            columns=["total", "ly"],
            title="Compliments by team",
        ),
    )
    _add_column_sums(table, [r.id for r in rows], "total", ["total", "ly"])
    for row in table.rows:
        table.derived[(row.id, "change")] = [(row.id, "total"), (row.id, "ly")]
    return table


def initial_contacts(ctx: ReportContext) -> Table:
    grouped = _rollup(
        non_complaints_received(ctx),
        lambda dims: (dims[1],) if dims[0] == Kind.CONTACT else None,
    )

    def counts(*outcomes: str | None) -> dict[str, int]:
        return {
            b.id: sum(v[b.id] for k, v in grouped.items() if k[0] in outcomes) for b in ctx.buckets
        }

    received = {b.id: sum(v[b.id] for v in grouped.values()) for b in ctx.buckets}
    rows = [
        _quarter_row(ctx, "received", "Number received", received, total=True),
        _quarter_row(
            ctx, "resolved", "Resolved as an initial contact", counts(ContactOutcome.RESOLVED)
        ),
        _quarter_row(ctx, "progressed", "Progressed to stage 1", counts(ContactOutcome.PROGRESSED)),
        _quarter_row(ctx, "other", "Open or ended otherwise", counts("", None)),
    ]
    columns = _quarter_columns(ctx)
    columns.insert(len(ctx.quarters) + 1, Column("percent", "% of received", "percent"))
    table = _table(
        "contacts",
        columns,
        rows,
        chart=Chart(
            "stacked",
            rows=["resolved", "progressed", "other"],
            columns=[q.id for q in ctx.quarters],
            axis="column",
            title="Initial contacts by quarter and what became of them",
        ),
    )
    _percent_column(table, "total", "percent", "received")
    table.row("received").values["percent"] = None
    del table.derived[("received", "percent")]
    _add_quarter_sums(ctx, table, [r.id for r in rows])
    _add_column_sums(
        table,
        ["resolved", "progressed", "other"],
        "received",
        [*(q.id for q in ctx.quarters), "total", "ly"],
    )
    return table


GROUPS_6_1: tuple[tuple[str, str], ...] = (*FAMILIES, ("all", "Overall"))


def _family_counts(ctx: ReportContext) -> dict[tuple[int, str], dict[str, int]]:
    """Stages received by (stage number, procedure family or "all") and bucket."""
    grouped = stages_received(ctx)
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (number, kind), values in grouped.items():
        family = FAMILY_OF_KIND.get(kind)
        if family is None:
            continue
        for b in ctx.buckets:
            counts[(number, family)][b.id] += values[b.id]
            counts[(number, "all")][b.id] += values[b.id]
    return counts


def _columns_6_1(ctx: ReportContext) -> list[Column]:
    columns: list[Column] = []
    for key, label in GROUPS_6_1:
        columns += [
            Column(f"{key}-{q.id}", q.label.split(" (")[0], group=label) for q in ctx.quarters
        ]
        columns += [
            Column(f"{key}-total", "Total", group=label),
            Column(f"{key}-ly", "Last year", group=label),
            Column(f"{key}-change", "\u00b1yr", "change", group=label),
        ]
    return columns


def _stage_row_6_1(
    ctx: ReportContext, number: int, counts: dict[tuple[int, str], dict[str, int]]
) -> Row:
    values: dict[str, CellValue] = {}
    for key, _label in GROUPS_6_1:
        applies = key == "all" or number in ctx.family_stages.get(key, set())
        found = counts.get((number, key), {})
        for b in [*ctx.quarters, ctx.total, ctx.ly]:
            values[f"{key}-{b.id}"] = found.get(b.id, 0) if applies else None
        values[f"{key}-change"] = (
            as_int(values[f"{key}-total"]) - as_int(values[f"{key}-ly"]) if applies else None
        )
    return Row(f"stage{number}", f"Stage {number}", values)


def _sums_6_1(ctx: ReportContext, table: Table, row: Row) -> None:
    """Quarters add up to totals within each group; families add up to overall."""
    for key, _label in GROUPS_6_1:
        if row.values.get(f"{key}-total") is None:
            continue
        parts = [(row.id, f"{key}-{q.id}") for q in ctx.quarters]
        table.sums.append(SumOf(parts, (row.id, f"{key}-total")))
        table.derived[(row.id, f"{key}-change")] = [(row.id, f"{key}-total"), (row.id, f"{key}-ly")]
    for b in [*ctx.quarters, ctx.total, ctx.ly]:
        parts = [
            (row.id, f"{key}-{b.id}")
            for key, _ in FAMILIES
            if row.values.get(f"{key}-{b.id}") is not None
        ]
        table.sums.append(SumOf(parts, (row.id, f"all-{b.id}")))


def complaints_received(ctx: ReportContext) -> Table:
    """Seed 004's table 6.1: stage x procedure family x quarter, with the change on last year."""
    counts = _family_counts(ctx)
    columns = _columns_6_1(ctx)
    stage_rows = [_stage_row_6_1(ctx, number, counts) for number in ctx.stage_numbers]
    count_columns = [c.id for c in columns if c.kind == "count"]
    total = _total_row(stage_rows, count_columns, "Totals")
    for key, _label in GROUPS_6_1:
        total.values[f"{key}-change"] = as_int(total.values[f"{key}-total"]) - as_int(
            total.values[f"{key}-ly"]
        )
    rows = [*stage_rows, total]
    table = _table(
        "complaints-received",
        columns,
        rows,
        chart=Chart(
            "grouped",
            rows=[r.id for r in stage_rows],
            columns=[f"{key}-total" for key, _ in FAMILIES],
            title="Complaints received by stage and procedure",
        ),
    )
    table.notes.append(
        f"Compared with {ctx.last.dates_label}. N/A: the procedure has no such stage."
    )
    for row in rows:
        _sums_6_1(ctx, table, row)
    _add_column_sums(table, [r.id for r in stage_rows], "total", count_columns)
    return table


def complainant_types(ctx: ReportContext) -> Table:
    grouped = _rollup(stage1_complainants(ctx), lambda dims: dims[0])
    rows = []
    for type_id, label, _group in COMPLAINANT_TYPES:
        counts = grouped.get(type_id, {"total": 0, "ly": 0})
        rows.append(
            Row(
                type_id,
                label,
                {
                    "total": counts["total"],
                    "ly": counts["ly"],
                    "change": counts["total"] - counts["ly"],
                },
            )
        )
    total = _total_row(rows, ["total", "ly"])
    total.values["change"] = as_int(total.values["total"]) - as_int(total.values["ly"])
    table = _table(
        "complainant-type",
        [
            Column("total", "This period"),
            Column("percent", "%", "percent"),
            Column("ly", "Same period last year"),
            Column("change", "Change", "change"),
        ],
        [*rows, total],
        chart=Chart("bar", rows=[r.id for r in rows], columns=["total"], title="Who complained"),
    )
    _percent_column(table, "total", "percent", "total")
    _add_column_sums(table, [r.id for r in rows], "total", ["total", "ly"])
    for row in table.rows:
        table.derived[(row.id, "change")] = [(row.id, "total"), (row.id, "ly")]
    return table


def complainant_issues(ctx: ReportContext) -> Table:
    """The elements of stage 1 complaints received in the period, by theme and by who made
    the complaint (elements of complaints with no complainant recorded are "someone else"'s).
    """
    group_of = {type_id: group for type_id, _label, group in COMPLAINANT_TYPES}
    by_theme: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (type_id, themes), counts in stage1_complainants(ctx).items():
        # Each group's complaints share one list of element themes: each element counts once
        # for each complaint of the group.
        for theme in themes.split(",") if themes else ():
            theme_id = None if theme == "-" else int(theme)
            by_theme[theme_id][group_of[type_id]] += counts["total"]
    totals = {key: sum(v.values()) for key, v in by_theme.items()}
    rows = []
    for row_id, label, _count in _named(totals, ctx.themes, NO_THEME):
        theme_id = None if row_id == "none" else int(row_id[3:])
        values: dict[str, CellValue] = {
            g: by_theme[theme_id].get(g, 0) for g, _ in COMPLAINANT_GROUPS
        }
        values["total"] = totals[theme_id]
        rows.append(Row(row_id, label, values))
    columns = [Column(g, label) for g, label in COMPLAINANT_GROUPS] + [Column("total", "Total")]
    total = _total_row(rows, [c.id for c in columns])
    table = _table(
        "complainant-issues",
        columns,
        [*rows, total],
        chart=Chart(
            "stacked",
            rows=[r.id for r in rows],
            columns=[g for g, _ in COMPLAINANT_GROUPS],
            title="Issues raised by who raised them",
            value_label="Elements",
        ),
    )
    for row in table.rows:
        table.sums.append(SumOf([(row.id, g) for g, _ in COMPLAINANT_GROUPS], (row.id, "total")))
    _add_column_sums(table, [r.id for r in rows], "total", [c.id for c in columns])
    return table


def _by_main(ctx: ReportContext, stage: int, what: str) -> Table:
    names, missing = (ctx.teams, NO_TEAM) if what == "teams" else (ctx.themes, NO_THEME)
    position = 1 if what == "teams" else 2
    grouped = _rollup(
        stages_by_main(ctx), lambda dims: (dims[position],) if dims[0] == stage else None
    )
    counts = {key[0]: values["n"] for key, values in grouped.items()}
    rows = [
        Row(row_id, label, {"number": n}) for row_id, label, n in _named(counts, names, missing)
    ]
    total = _total_row(rows, ["number"])
    table = _table(
        f"stage{stage}-{what}",
        [
            Column("number", f"Stage {stage} complaints"),
            Column("percent", f"% of stage {stage} complaints", "percent"),
        ],
        [*rows, total],
        chart=Chart(
            "bar",
            rows=[r.id for r in rows],
            columns=["number"],
            title=f"Stage {stage} complaints by {'team' if what == 'teams' else 'theme'}",
        ),
    )
    _percent_column(table, "number", "percent", "total", places=1)
    _add_column_sums(table, [r.id for r in rows], "total", ["number"])
    return table


def stage_timeliness(ctx: ReportContext, stage: int) -> Table:
    buckets = ctx.buckets
    found = stages_concluded(ctx).get((stage,), {})
    concluded = {b.id: found.get(b.id, 0) for b in buckets} | {
        f"{part}:{b.id}": found.get(f"{part}:{b.id}", default)
        for b in buckets
        for part, default in (("within", 0), ("days", None))
    }
    ended = stages_ended(ctx).get((stage,), {})
    ids = [b.id for b in buckets]

    def average_of(key: str) -> dict[str, CellValue]:
        return {i: average(found.get(f"{key}-days:{i}"), found.get(f"{key}-n:{i}", 0)) for i in ids}

    rows = [
        Row("concluded", "Concluded", {i: concluded[i] for i in ids}),
        Row("within", "Within timescale", {i: concluded[f"within:{i}"] for i in ids}),
        Row(
            "percent",
            "% within timescale",
            {i: percent(concluded[f"within:{i}"], concluded[i]) for i in ids},
        ),
        Row(
            "days",
            "Average working days to complete",
            {i: average(concluded[f"days:{i}"], concluded[i]) for i in ids},
        ),
        Row("ended", "Withdrawn or discontinued", {i: ended.get(i, 0) for i in ids}),
    ]
    if stage in FROM_REQUEST_STAGES:
        rows[4:4] = [
            Row(
                "statement-days",
                "Average working days from the request to the agreed statement of complaint",
                average_of("statement"),
            ),
            Row(
                "request-days",
                "Average working days from the request to the response",
                average_of("request"),
            ),
        ]
    table = _table(
        f"stage{stage}-timeliness",
        [*_quarter_columns(ctx, comparison=False), Column("ly", "Same period last year")],
        rows,
        chart=Chart(
            "grouped",
            rows=["concluded", "within"],
            columns=[q.id for q in ctx.quarters],
            axis="column",
            title=f"Stage {stage} complaints concluded and within timescale",
        ),
    )
    table.row("percent").kind = "percent"
    averages = [
        "days",
        *(["statement-days", "request-days"] if stage in FROM_REQUEST_STAGES else []),
    ]
    for row_id in averages:
        table.row(row_id).kind = "average"
    _add_quarter_sums(ctx, table, ["concluded", "within", "ended"])
    for i in ids:
        table.derived[("percent", i)] = [("within", i), ("concluded", i)]
        for row_id in averages:
            table.derived[(row_id, i)] = [("concluded", i)]
    return table


def stage_outcomes(ctx: ReportContext, stage: int) -> Table:
    grouped = _rollup(element_outcomes(ctx), lambda dims: (dims[1],) if dims[0] == stage else None)
    rows = []
    for outcome, label in OUTCOME_ROWS:
        counts = grouped.get((outcome,), {"total": 0, "ly": 0})
        rows.append(Row(outcome, label, {"number": counts["total"], "ly": counts["ly"]}))
    total = _total_row(rows, ["number", "ly"], "Total elements")
    table = _table(
        f"stage{stage}-outcomes",
        [
            Column("number", "Elements"),
            Column("percent", "%", "percent"),
            Column("ly", "Same period last year"),
            Column("ly-percent", "% last year", "percent"),
        ],
        [*rows, total],
        chart=Chart(
            "bar",
            rows=[r.id for r in rows],
            columns=["number"],
            title=f"Outcomes of stage {stage} elements",
            value_label="Elements",
        ),
    )
    _percent_column(table, "number", "percent", "total")
    _percent_column(table, "ly", "ly-percent", "total")
    _add_column_sums(table, [r.id for r in rows], "total", ["number", "ly"])
    return table


def upheld_by_theme(ctx: ReportContext, stage: int) -> Table:
    by_theme: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (number, outcome, theme_id), values in element_outcomes(ctx).items():
        if number == stage and outcome in UPHELD and values["total"]:
            by_theme[theme_id][outcome] += values["total"]
    totals = {k: sum(v.values()) for k, v in by_theme.items()}
    rows = []
    for row_id, label, _n in _named(
        {
            k: v.get(Outcome.UPHELD, 0) * 1000 + v.get(Outcome.PARTIALLY_UPHELD, 0)
            for k, v in by_theme.items()
        },
        ctx.themes,
        NO_THEME,
    ):
        theme_id = None if row_id == "none" else int(row_id[3:])
        counts = by_theme[theme_id]
        rows.append(
            Row(
                row_id,
                label,
                {
                    "upheld": counts.get(Outcome.UPHELD, 0),
                    "partial": counts.get(Outcome.PARTIALLY_UPHELD, 0),
                    "total": totals[theme_id],
                },
            )
        )
    columns = [
        Column("upheld", "Upheld"),
        Column("partial", "Partially upheld"),
        Column("total", "Total"),
    ]
    total = _total_row(rows, ["upheld", "partial", "total"])
    table = _table(
        f"stage{stage}-upheld-themes",
        columns,
        [*rows, total],
        chart=Chart(
            "stacked",
            rows=[r.id for r in rows],
            columns=["upheld", "partial"],
            title=f"Upheld stage {stage} elements by theme",
            value_label="Elements",
        ),
    )
    for row in table.rows:
        table.sums.append(SumOf([(row.id, "upheld"), (row.id, "partial")], (row.id, "total")))
    _add_column_sums(table, [r.id for r in rows], "total", ["upheld", "partial", "total"])
    return table


def stage3_panels(ctx: ReportContext) -> Table:
    buckets = ctx.buckets
    qs = Stage.objects.filter(
        ctx.either("received_on") | ctx.either("panel_met_on") | ctx.either("concluded_on"),
        number=3,
    ).order_by()
    figures = qs.aggregate(
        **{f"requested:{b.id}": Count("pk", filter=_in("received_on", b)) for b in buckets},
        **{f"met:{b.id}": Count("pk", filter=_in("panel_met_on", b)) for b in buckets},
        **{f"concluded:{b.id}": Count("pk", filter=_in("concluded_on", b)) for b in buckets},
        **{
            f"within:{b.id}": Count("pk", filter=_in("concluded_on", b) & Q(within_timescale=True))
            for b in buckets
        },
        **{
            f"days:{b.id}": Sum("working_days_taken", filter=_in("concluded_on", b))
            for b in buckets
        },
    )
    ids = [b.id for b in buckets]

    def row(key: str, label: str) -> Row:
        return Row(key, label, {i: figures[f"{key}:{i}"] for i in ids})

    rows = [
        row("requested", "Review panels requested"),
        row("met", "Panels met"),
        row("concluded", "Concluded (council's response sent)"),
        row("within", "Within timescale"),
        Row(
            "percent",
            "% within timescale",
            {i: percent(figures[f"within:{i}"], figures[f"concluded:{i}"]) for i in ids},
        ),
        Row(
            "days",
            "Average working days from request to response",
            {i: average(figures[f"days:{i}"], figures[f"concluded:{i}"]) for i in ids},
        ),
    ]
    table = _table(
        "stage3-panels",
        [*_quarter_columns(ctx, comparison=False), Column("ly", "Same period last year")],
        rows,
        chart=Chart(
            "grouped",
            rows=["requested", "met", "concluded"],
            columns=[q.id for q in ctx.quarters],
            axis="column",
            title="Review panels by quarter",
        ),
    )
    table.row("percent").kind = "percent"
    table.row("days").kind = "average"
    _add_quarter_sums(ctx, table, ["requested", "met", "concluded", "within"])
    for i in ids:
        table.derived[("percent", i)] = [("within", i), ("concluded", i)]
        table.derived[("days", i)] = [("concluded", i)]
    return table


def core_tables(ctx: ReportContext) -> list[Table]:
    """Every table that the case records alone give, in report order."""
    builders: list[Callable[[ReportContext], Table]] = [
        feedback_received,
        compliments_by_team,
        initial_contacts,
        complaints_received,
        complainant_types,
        complainant_issues,
    ]
    tables = [build(ctx) for build in builders]
    for stage in DETAILED_STAGES:
        if stage not in ctx.stage_numbers:
            continue
        tables += [
            _by_main(ctx, stage, "teams"),
            _by_main(ctx, stage, "themes"),
            stage_timeliness(ctx, stage),
            stage_outcomes(ctx, stage),
            upheld_by_theme(ctx, stage),
        ]
    if 3 in ctx.stage_numbers:
        tables += [stage3_panels(ctx), stage_outcomes(ctx, 3)]
    return tables


def build_report(period: Period, *, title: str = "") -> Report:
    """The complaints report for `period`, every figure computed now, from one consistent
    snapshot of the records (one REPEATABLE READ transaction on PostgreSQL when called
    outside a transaction; SQLite's transactions are serialisable already)."""
    from . import pool_metrics, register_metrics

    ctx = ReportContext(period)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if outermost:
                    # Every query sees the same snapshot, so totals and their parts agree
                    # even while cases are being changed (READ COMMITTED would not).
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                # PostgreSQL's JIT compiles these aggregate queries for longer than they run
                # (seconds on a million cases); plain execution is several times faster. The
                # groupings sort a year or two of records: in memory, not in temporary files.
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")
        with _read_alongside(ctx, outermost=outermost):
            tables = core_tables(ctx)
            extra, omitted = register_metrics.tables(ctx)
            # Issue 14: the pool of independent people.
            pool_tables, pool_omitted = pool_metrics.tables(ctx)
            extra += pool_tables
            omitted += pool_omitted
    tables += extra
    tables.sort(key=lambda t: _SECTION_ORDER.get(t.section, 99))
    for number, table in enumerate(tables, start=1):
        table.number = number
    return Report(
        title=title or f"Complaints and feedback report: {period.label}",
        period=period,
        comparison=ctx.last,
        quarters=ctx.segments,
        tables=tables,
        generated_at=timezone.now(),
        council=settings.HARKEN_COUNCIL_NAME,
        omitted=omitted,
    )


# --- Two connections -------------------------------------------------------------------------
# Nearly all of the report's time is PostgreSQL reading indexes, one statement at a time on
# one core. The passes are independent reads of one snapshot, so the heaviest (who made each
# stage 1 complaint, and the main team and theme of each: about half the time at a million
# cases) run on a second connection that imports this transaction's snapshot
# (`pg_export_snapshot`), while this one runs the rest: the same figures, from the same
# records, in about half the time on two cores. Only where this transaction is the report's
# own: inside someone else's transaction (the tests' among them) its uncommitted rows would
# be invisible to the second connection, so everything runs here, as on SQLite.
# docs/adr/0211-report-passes-on-two-connections.md

# (the pass's key in `ctx.passes`, the function that runs it), balanced by time at 1M cases:
# about 1.3 s of the 2.7 s each, measured at load 6 (bench/README.md, report_annual.py).
ALONGSIDE: tuple[tuple[str, Callable[[ReportContext], Grouped]], ...] = (
    ("stage1-complainants", stage1_complainants),
    ("stages-by-main", stages_by_main),
)
HERE: tuple[Callable[[ReportContext], Grouped], ...] = (
    non_complaints_received,
    stages_received,
    element_outcomes,
    stages_concluded,
    stages_ended,
)


class _read_alongside:
    def __init__(self, ctx: ReportContext, *, outermost: bool) -> None:
        self.ctx = ctx
        self.pool: ThreadPoolExecutor | None = None
        self.enabled = (
            outermost
            and connection.vendor == "postgresql"
            and getattr(settings, "HARKEN_REPORT_CONNECTIONS", 2) > 1
            # Reads sent to a replica (harken.ops.replica) are not in this connection's
            # snapshot: one connection there, as before.
            and router.db_for_read(Stage) == DEFAULT_DB_ALIAS
        )

    def __enter__(self) -> _read_alongside:
        if not self.enabled:
            return self
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report")
        ctx = self.ctx
        future = self.pool.submit(_passes_on_snapshot, ctx, snapshot)
        for key, _compute in ALONGSIDE:
            ctx.pending[key] = _part(future, key)
        for compute in HERE:  # before the tables, so neither connection waits on the other
            compute(ctx)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        self.ctx.pending.clear()


def _part(future: Future[dict[str, Grouped]], name: str) -> Future[Grouped]:
    part: Future[Grouped] = Future()

    def done(whole: Future[dict[str, Grouped]]) -> None:
        error = whole.exception()
        if error is not None:
            part.set_exception(error)
        else:
            part.set_result(whole.result()[name])

    future.add_done_callback(done)
    return part


def _passes_on_snapshot(ctx: ReportContext, snapshot: str) -> dict[str, Grouped]:
    """Run the ALONGSIDE passes on this thread's own connection, in the exported snapshot."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")
            # On a context of its own: the other thread reads the results from `ctx.pending`.
            own = ReportContext(ctx.period)
            return {key: compute(own) for key, compute in ALONGSIDE}
    finally:
        connections.close_all()  # this thread's connection only


def _section_order() -> dict[str, int]:
    from .definitions import SECTIONS

    return {key: i for i, (key, _title) in enumerate(SECTIONS)}


_SECTION_ORDER = _section_order()
