"""Small-number suppression in the published edition."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from harken.reports import suppression
from harken.reports.structures import (
    SUPPRESSED,
    Column,
    Example,
    Report,
    Row,
    Sum,
    Table,
    as_int,
    percent,
)


def grid(cells: list[list[int]], *, with_percent: bool = False) -> Table:
    """A table of counts with a total column, a total row, and every sum declared."""
    n_cols = len(cells[0])
    columns = [Column(f"c{j}", f"C{j}") for j in range(n_cols)] + [Column("t", "Total")]
    rows = [
        Row(f"r{i}", f"R{i}", {**{f"c{j}": v for j, v in enumerate(line)}, "t": sum(line)})
        for i, line in enumerate(cells)
    ]
    total = Row(
        "total",
        "Total",
        {c.id: sum(as_int(r.values[c.id]) for r in rows) for c in columns},
        total=True,
    )
    table = Table("t", "summary", "T", "", columns, [*rows, total])
    for row in table.rows:
        table.sums.append(Sum([(row.id, f"c{j}") for j in range(n_cols)], (row.id, "t")))
    for column in columns:
        table.sums.append(Sum([(r.id, column.id) for r in rows], ("total", column.id)))
    if with_percent:
        table.columns.append(Column("p", "%", "percent"))
        for row in table.rows:
            row.values["p"] = percent(as_int(row.values["t"]), as_int(total.values["t"]) or 1)
            table.derived[(row.id, "p")] = [(row.id, "t"), ("total", "t")]
    return table


def test_counts_up_to_the_threshold_are_hidden_zeros_shown():
    table = suppression.suppress_table(grid([[3, 10], [0, 12]]), 5)
    assert table.value("r0", "c0") is SUPPRESSED
    assert table.value("r1", "c0") == 0
    # 3 alone in its row would be 13 - 10: the 10 (the smaller of 10 and 13) goes too...
    assert table.value("r0", "c1") is SUPPRESSED
    # ...and its column total and the row total that 10 sits in stay consistent.
    hidden = suppression.hidden_cells(grid([[3, 10], [0, 12]]), 5)
    assert suppression.recoverable(grid([[3, 10], [0, 12]]), hidden) == set()


def test_two_ones_under_a_shown_total_of_two_are_protected():
    """* means at least 1, so two * cells summing to 2 would both be 1: hide more."""
    table = grid([[1, 1, 9]])
    hidden = suppression.hidden_cells(table, 5)
    assert {("r0", "c0"), ("r0", "c1")} <= hidden
    assert len(hidden & {("r0", "c2"), ("r0", "t")}) >= 1
    assert suppression.recoverable(table, hidden) == set()


def test_percentages_of_hidden_counts_are_hidden():
    table = suppression.suppress_table(grid([[2, 30], [20, 30]], with_percent=True), 5)
    assert table.value("r0", "c0") is SUPPRESSED
    hidden_t = table.value("r0", "t") is SUPPRESSED
    assert (table.value("r0", "p") is SUPPRESSED) == hidden_t


def test_threshold_is_a_setting(settings):
    settings.HARKEN_SUPPRESSION_THRESHOLD = 2
    assert suppression.hidden_cells(grid([[3, 10], [20, 12]])) == set()
    assert ("r1", "c0") in suppression.hidden_cells(grid([[3, 10], [2, 12]]))


def test_published_edition_drops_case_references_and_private_columns():
    import datetime as dt

    from harken.reports.periods import Period

    table = Table(
        "compensation",
        "costs",
        "Paid",
        "",
        [Column("reason", "Why", "text"), Column("amount", "Amount", "money")],
        [Row("p1", "Payment 1", {"reason": "Mrs X's son", "amount": Decimal("10.00")})],
        private_columns=["reason"],
    )
    period = Period(dt.date(2023, 4, 1), dt.date(2023, 9, 30))
    report = Report(
        "R",
        period,
        period.previous_year(),
        period.quarters(),
        [table],
        dt.datetime(2023, 10, 1, tzinfo=dt.UTC),
        examples=[Example("stage1", "", "A parent…", case_reference="HK-2023-00001")],
    )
    published = suppression.published(report, 5)
    assert [c.id for c in published.tables[0].columns] == ["amount"]
    assert "reason" not in published.tables[0].rows[0].values
    assert published.examples[0].case_reference == ""
    assert published.edition == "published"
    # Money is not a count: it is never hidden.
    assert published.tables[0].value("p1", "amount") == Decimal("10.00")


# --- The property: nothing hidden can be worked out --------------------------------------


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [list(r) for r in rows if any(r)]
    rank, width = 0, len(matrix[0]) if matrix else 0
    for c in range(width):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][c]), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for i in range(len(matrix)):
            if i != rank and matrix[i][c]:
                f = matrix[i][c] / matrix[rank][c]
                matrix[i] = [a - f * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        rank += 1
    return rank


def _exactly_determined(table: Table, hidden: set) -> set:
    """Independently of the implementation: e_x lies in the row space of the sums' matrix."""
    equations = suppression.equations(table)
    unknowns = sorted({c for eq in equations for c, _ in eq if c in hidden})
    index = {c: i for i, c in enumerate(unknowns)}
    matrix = []
    for eq in equations:
        row = [Fraction(0)] * len(unknowns)
        for cell, coef in eq:
            if cell in index:
                row[index[cell]] += coef
        matrix.append(row)
    base = _rank(matrix) if matrix else 0
    out = set()
    for cell in unknowns:
        unit = [Fraction(int(i == index[cell])) for i in range(len(unknowns))]
        if _rank([*matrix, unit]) == base:
            out.add(cell)
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 14), min_size=2, max_size=4),
        min_size=1,
        max_size=4,
    ).filter(lambda rows: len({len(r) for r in rows}) == 1),
    st.integers(1, 5),
)
def test_no_hidden_count_can_be_recovered_from_a_row_or_column_total(cells, threshold):
    table = grid(cells)
    hidden = suppression.hidden_cells(table, threshold)
    values = {(r.id, c.id): as_int(r.values[c.id]) for r in table.rows for c in table.columns}
    # Every small count is hidden; no zero is.
    for cell, value in values.items():
        if 1 <= value <= threshold:
            assert cell in hidden
        if value == 0:
            assert cell not in hidden
    for eq in suppression.equations(table):
        unknown = [c for c, _ in eq if c in hidden]
        # Never exactly one hidden cell in a row or column with its total.
        assert len(unknown) != 1, eq
        # A reader knows each * is at least 1: a shown total must not pin them all to 1.
        total = eq[-1][0]
        if unknown and total not in hidden:
            residual = values[total] - sum(values[c] for c, _ in eq[:-1] if c not in hidden)
            assert residual != len(unknown), eq
    # And no combination of the sums gives a hidden count exactly.
    assert _exactly_determined(table, hidden) == set()
