"""The open cases of each team (`OpenTeamCase`, ADR 0132): the one place that writes them.

A row (team, case) exists exactly when the case is open and linked to the team. The services
that create a case, change its teams or its status call these functions in their own
transaction, after the case row is written (so a concurrent change of the same case waits on
that row and then reads what this one committed); `bench/populate.py` and
`harken check-open-teams --repair` use the set-based forms. A missed write would hide an open
case from its team's manager, so the check command compares the table with the truth.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from harken.accounts.models import Team

from ..models import Case, OpenTeamCase, Status


def open_teams_added(*, case: Case, teams: Iterable[Team]) -> None:
    """A case just made (open, with these team links): its rows, in one statement."""
    if case.status != Status.OPEN:
        return
    OpenTeamCase.objects.bulk_create(
        OpenTeamCase(team_id=team.pk, case_id=case.pk) for team in dict.fromkeys(teams)
    )


def open_teams_refresh(*, case_ids: Iterable[int]) -> None:
    """Make the rows of these cases what their status and team links now say.

    Runs in the caller's transaction; reads the status from the database (locking the case
    rows on PostgreSQL) rather than trusting an object in memory. Two to four statements."""
    ids = sorted(set(case_ids))
    if not ids:
        return
    open_ids = list(
        Case.objects.select_for_update()
        .filter(pk__in=ids, status=Status.OPEN)
        .values_list("pk", flat=True)
    )
    OpenTeamCase.objects.filter(case_id__in=ids).delete()
    if not open_ids:
        return
    links = Case.teams.through.objects.filter(case_id__in=open_ids).values_list(
        "team_id", "case_id"
    )
    OpenTeamCase.objects.bulk_create(
        OpenTeamCase(team_id=team_id, case_id=case_id) for team_id, case_id in links
    )


@transaction.atomic
def open_teams_rebuild() -> int:
    """Every row again from `status = open` and the team links (after a bulk load of cases in
    SQL, or to repair the table); two set-based statements whatever the history. Returns the
    number of rows."""
    table = connection.ops.quote_name(OpenTeamCase._meta.db_table)
    links = connection.ops.quote_name(Case.teams.through._meta.db_table)
    cases = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (table names, not input)
        cursor.execute(
            f"INSERT INTO {table} (team_id, case_id) "  # noqa: S608 (table names, not input)
            f"SELECT l.team_id, l.case_id FROM {links} l "
            f"JOIN {cases} c ON c.id = l.case_id WHERE c.status = %s",
            [Status.OPEN.value],
        )
        return int(cursor.rowcount)
