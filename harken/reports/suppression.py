"""Small-number suppression for the published edition.

Primary: every count from 1 to the threshold (HARKEN_SUPPRESSION_THRESHOLD, default 5) is
hidden. Zeros are shown. Secondary: a hidden count must not be recoverable from the totals the
table shows, so while any hidden count can be worked out, the smallest visible non-zero count
that shares a total with it is hidden too. "Worked out" is checked two ways over every
"parts add up to a total" relation the table declares (`Table.sums`):

- exactly, by linear algebra: a hidden count is determined when the visible figures fix it
  (e.g. the only hidden cell of a row whose total is shown);
- by bounds: the reader knows a hidden count is at least 1, so two hidden cells whose row
  total leaves 2 between them must both be 1.

Percentages, averages and changes worked out from a hidden count are hidden (`Table.derived`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

from django.conf import settings

from .structures import SUPPRESSED, CellRef, Report, Row, Table

DEFAULT_THRESHOLD = 5


def threshold() -> int:
    return int(getattr(settings, "HARKEN_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


Equation = list[tuple[CellRef, int]]  # sum of coefficient x cell = 0


def _counts(table: Table) -> dict[CellRef, int]:
    out: dict[CellRef, int] = {}
    for row, column, value in table.cells():
        if table.kind(row, column) == "count" and isinstance(value, int):
            out[(row.id, column.id)] = value
    return out


def equations(table: Table) -> list[Equation]:
    """Each declared sum as an equation over count cells (cells that do not apply drop out)."""
    counts = _counts(table)
    out: list[Equation] = []
    for item in table.sums:
        if item.total not in counts:
            continue
        parts = [(cell, 1) for cell in item.parts if cell in counts]
        out.append([*parts, (item.total, -1)])
    return out


def _row_reduce(matrix: list[list[Fraction]], width: int) -> list[int]:
    """Reduce `matrix` in place to reduced row echelon form; return the pivot columns."""
    pivots: list[int] = []
    r = 0
    for c in range(width):
        if r == len(matrix):
            break
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    return pivots


def _determined_exactly(hidden: set[CellRef], eqs: list[Equation]) -> set[CellRef]:
    """Hidden cells the visible figures fix, by row reduction over the rationals: a cell is
    fixed when its pivot row has nothing in any free column."""
    unknowns = sorted({cell for eq in eqs for cell, _ in eq if cell in hidden})
    if not unknowns:
        return set()
    index = {cell: i for i, cell in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for eq in eqs:
        row = [Fraction(0)] * len(unknowns)
        for cell, coefficient in eq:
            if cell in index:
                row[index[cell]] += coefficient
        if any(row):
            matrix.append(row)
    pivots = _row_reduce(matrix, len(unknowns))
    free = [j for j in range(len(unknowns)) if j not in set(pivots)]
    return {
        unknowns[c]
        for row_index, c in enumerate(pivots)
        if not any(matrix[row_index][j] != 0 for j in free)
    }


def _determined_by_bounds(
    hidden: set[CellRef], eqs: list[Equation], values: dict[CellRef, int]
) -> set[CellRef]:
    """Hidden cells pinned to one value by the reader's knowledge that each is at least 1."""
    lo: dict[CellRef, float] = {cell: 1 for cell in hidden}
    hi: dict[CellRef, float] = {cell: math.inf for cell in hidden}
    relevant = [eq for eq in eqs if any(cell in hidden for cell, _ in eq)]
    for _ in range(50):
        changed = False
        for eq in relevant:
            known = -sum(coef * values[cell] for cell, coef in eq if cell not in hidden)
            unknown = [(cell, coef) for cell, coef in eq if cell in hidden]
            for cell, coef in unknown:
                low_sum, high_sum = 0.0, 0.0
                for other, c in unknown:
                    if other == cell:
                        continue
                    a, b = c * lo[other], c * hi[other]
                    low_sum += min(a, b)
                    high_sum += max(a, b)
                if math.isinf(low_sum) and math.isinf(high_sum):
                    continue
                # coef x cell = known - others, others within [low_sum, high_sum]
                rhs_lo, rhs_hi = known - high_sum, known - low_sum
                new_lo, new_hi = (rhs_lo, rhs_hi) if coef > 0 else (-rhs_hi, -rhs_lo)
                if new_lo > lo[cell]:
                    lo[cell], changed = new_lo, True
                if new_hi < hi[cell]:
                    hi[cell], changed = new_hi, True
        if not changed:
            break
    return {cell for cell in hidden if lo[cell] == hi[cell]}


def recoverable(table: Table, hidden: set[CellRef]) -> set[CellRef]:
    """Hidden count cells a reader could work out from the figures shown."""
    eqs = equations(table)
    values = _counts(table)
    return _determined_exactly(hidden, eqs) | _determined_by_bounds(hidden, eqs, values)


def _single_unknown(hidden: set[CellRef], eqs: list[Equation]) -> Equation | None:
    """The quick case: a sum with exactly one hidden cell."""
    for eq in eqs:
        if sum(1 for cell, _ in eq if cell in hidden) == 1:
            return eq
    return None


def _cost(
    member: CellRef,
    coef: int,
    hidden: set[CellRef],
    eqs: list[Equation],
    values: dict[CellRef, int],
) -> tuple[int, int, int, CellRef]:
    """Prefer a cell whose other sums already hide something (so hiding it exposes nothing
    new), then the smallest, then a part rather than a total."""
    exposes = sum(
        1
        for eq in eqs
        if any(cell == member for cell, _ in eq) and not any(cell in hidden for cell, _ in eq)
    )
    return (exposes, values[member], 0 if coef > 0 else 1, member)


def _best(
    candidates_from: list[Equation],
    hidden: set[CellRef],
    eqs: list[Equation],
    values: dict[CellRef, int],
) -> CellRef | None:
    candidates = [
        _cost(member, coef, hidden, eqs, values)
        for eq in candidates_from
        for member, coef in eq
        if member not in hidden and values.get(member, 0) > 0
    ]
    return min(candidates)[3] if candidates else None


def _protector(
    cell: CellRef, hidden: set[CellRef], eqs: list[Equation], values: dict[CellRef, int]
) -> CellRef | None:
    """A visible non-zero count sharing a sum with `cell`; failing that, any in a sum with a
    hidden cell."""
    mine = [eq for eq in eqs if any(member == cell for member, _ in eq)]
    return _best(mine, hidden, eqs, values) or _best(
        [eq for eq in eqs if any(member in hidden for member, _ in eq)], hidden, eqs, values
    )


def hidden_cells(table: Table, limit: int | None = None) -> set[CellRef]:
    """Every cell the published edition hides in `table`."""
    limit = threshold() if limit is None else limit
    values = _counts(table)
    hidden = {cell for cell, v in values.items() if 1 <= v <= limit}
    eqs = equations(table)
    while True:
        single = _single_unknown(hidden, eqs)
        if single is not None:
            # Hide the smallest other count of that very sum.
            extra = _best([single], hidden, eqs, values)
        else:
            exposed = recoverable(table, hidden)
            if not exposed:
                break
            extra = _protector(min(exposed), hidden, eqs, values)
        if extra is None:  # nothing left to hide that would help
            break
        hidden.add(extra)
    # Figures worked out from hidden counts (a chain: a change of a hidden total).
    changed = True
    while changed:
        changed = False
        for cell, sources in table.derived.items():
            if cell not in hidden and any(source in hidden for source in sources):
                hidden.add(cell)
                changed = True
    return hidden


def suppress_table(table: Table, limit: int | None = None) -> Table:
    hidden = hidden_cells(table, limit)
    rows = [
        replace(
            row,
            values={
                column: (SUPPRESSED if (row.id, column) in hidden else value)
                for column, value in row.values.items()
            },
        )
        for row in table.rows
    ]
    return _drop_private(replace(table, rows=rows, notes=list(table.notes)))


def _drop_private(table: Table) -> Table:
    private = set(table.private_columns)
    if not private:
        return table
    return replace(
        table,
        rows=[
            replace(row, values={k: v for k, v in row.values.items() if k not in private})
            for row in table.rows
        ],
        columns=[c for c in table.columns if c.id not in private],
        private_columns=[],
    )


# A row about one case names it in this column (the payments table).
CASE_COLUMN = "case"


def case_references(report: Report) -> set[str]:
    """The references (case or Ombudsman) that rows about single cases show."""
    return {
        str(row.values[CASE_COLUMN])
        for table in report.tables
        if CASE_COLUMN in table.private_columns
        for row in table.rows
        if not row.total and row.values.get(CASE_COLUMN)
    }


def without_rows_about(report: Report, hidden: set[str]) -> Report:
    """The report with the private cells (a payment's reason and case) of rows about the
    `hidden` references blanked, and a note saying so: the figures stay, the case does not."""
    if not hidden:
        return report
    tables = []
    for table in report.tables:
        if CASE_COLUMN not in table.private_columns:
            tables.append(table)
            continue
        private = set(table.private_columns)
        rows, blanked = [], 0
        for row in table.rows:
            if not row.total and str(row.values.get(CASE_COLUMN) or "") in hidden:
                blanked += 1
                row = replace(
                    row, values={k: ("" if k in private else v) for k, v in row.values.items()}
                )
            rows.append(row)
        notes = list(table.notes)
        if blanked:
            notes.append(
                f"{blanked} row{'s are' if blanked != 1 else ' is'} about cases you may not "
                "see: what it was for and its case are left out."
            )
        tables.append(replace(table, rows=rows, notes=notes))
    return replace(report, tables=tables)


def without_private_columns(report: Report) -> Report:
    """The internal edition's figures without the columns about single cases."""
    return replace(report, tables=[_drop_private(t) for t in report.tables])


def published(report: Report, limit: int | None = None) -> Report:
    """The published edition: small numbers hidden, no case references."""
    limit = threshold() if limit is None else limit
    return replace(
        report,
        tables=[suppress_table(t, limit) for t in report.tables],
        edition="published",
        suppression_threshold=limit,
        examples=[replace(e, case_reference="") for e in report.examples],
    )


def is_hidden(row: Row, column: str) -> bool:
    return row.values.get(column) is SUPPRESSED
