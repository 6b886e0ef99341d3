"""The open cases of each team (ADR 0132): after every service that creates a case, changes
its teams or its status, the table is exactly `status = open` joined to the team links, and
`harken check-open-teams` says so (or names the difference)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from harken import access
from harken.accounts.models import Team
from harken.cases import services
from harken.cases.models import Case, Kind, OpenTeamCase, Status
from harken.cases.selectors import open_team_differences
from harken.cases.tests.factories import complaint, respond_all

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def truth() -> set[tuple[int, int]]:
    return set(
        Case.teams.through.objects.filter(case__status=Status.OPEN).values_list(
            "team_id", "case_id"
        )
    )


def table() -> set[tuple[int, int]]:
    return set(OpenTeamCase.objects.values_list("team_id", "case_id"))


def agrees() -> bool:
    found = open_team_differences()
    return table() == truth() and not found.missing and not found.extra


def check(*args: str) -> str:
    out = StringIO()
    call_command("check_open_teams", *args, stdout=out)
    return out.getvalue()


def _make(officer, kind: str, team: Team) -> Case:
    return services.case_create(
        actor=officer,
        kind=kind,
        channel="phone",
        received_on=D(2024, 6, 3),
        summary="Phone call",
        teams=[team],
    )


def test_every_service_keeps_the_table_equal_to_the_open_cases_team_links(
    officer, assessment_team, send_team
):
    """Created (each kind), teams changed, answered, resolved, progressed, passed on,
    concluded, escalated, withdrawn, reopened, discontinued: after each, the table is the
    open cases' team links, no more, no less."""
    case = complaint(actor=officer, received_on=D(2024, 3, 1))
    assert table() == {(assessment_team.pk, case.pk)}
    assert agrees()
    services.case_update(case=case, actor=officer, teams=[assessment_team, send_team])
    assert table() == {(assessment_team.pk, case.pk), (send_team.pk, case.pk)}
    services.case_update(case=case, actor=officer, teams=[send_team])
    assert table() == {(send_team.pk, case.pk)}
    assert agrees()

    respond_all(case, on=D(2024, 3, 8), actor=officer)  # stage 1 concluded: closed
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED
    assert table() == set()
    services.complaint_escalate(case=case, requested_on=D(2024, 3, 12), actor=officer)
    assert table() == {(send_team.pk, case.pk)}
    services.case_withdraw(case=case, on=D(2024, 3, 20), reason="Sorted", actor=officer)
    assert table() == set()
    services.case_reopen(case=case, reason="Recorded in error", actor=officer)
    assert table() == {(send_team.pk, case.pk)}
    services.case_discontinue(case=case, on=D(2024, 3, 21), reason="No consent", actor=officer)
    assert table() == set()
    assert agrees()

    contact = _make(officer, Kind.CONTACT, assessment_team)
    resolved = _make(officer, Kind.CONTACT, send_team)
    enquiry = _make(officer, Kind.ENQUIRY, send_team)
    praise = _make(officer, Kind.COMPLIMENT, assessment_team)
    assert table() == {
        (assessment_team.pk, contact.pk),
        (send_team.pk, resolved.pk),
        (send_team.pk, enquiry.pk),
        (assessment_team.pk, praise.pk),
    }
    became = services.contact_progress(case=contact, on=D(2024, 6, 5), actor=officer)
    services.contact_resolve(case=resolved, on=D(2024, 6, 5), actor=officer)
    services.representation_respond(case=enquiry, on=D(2024, 6, 5), actor=officer)
    services.compliment_pass_on(case=praise, on=D(2024, 6, 5), actor=officer)
    assert table() == {(assessment_team.pk, became.pk)}
    services.case_reopen(case=resolved, reason="Recorded in error", actor=officer)
    assert table() == {(assessment_team.pk, became.pk), (send_team.pk, resolved.pk)}
    services.case_update(case=resolved, actor=officer, teams=[])
    assert table() == {(assessment_team.pk, became.pk)}
    assert agrees()
    assert "agree: 1 rows" in check()


def test_the_check_names_a_missing_row_and_an_extra_one_and_repairs_them(
    officer, assessment_team, send_team
):
    """A row missing (an open case its team's manager would not see) and a row too many are
    both reported with the cases' references; the command fails until --repair."""
    hidden = complaint(actor=officer, received_on=D(2024, 6, 3))
    closed = complaint(actor=officer, received_on=D(2024, 6, 4), team=send_team)
    OpenTeamCase.objects.filter(case=hidden).delete()  # as a write path that forgot it would
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    found = open_team_differences()
    assert found.missing == [(assessment_team.pk, hidden.pk)]
    assert found.extra == [(send_team.pk, closed.pk)]
    with pytest.raises(CommandError, match="differ"):
        check()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_open_teams", stdout=out)
    assert "1 open case team links are missing" in out.getvalue()
    assert hidden.reference in out.getvalue()
    assert closed.reference in out.getvalue()
    assert "Repaired: 2 cases" in check("--repair")
    assert agrees()
    assert "agree" in check()


def test_a_rebuild_gives_the_same_rows(officer, send_team):
    complaint(actor=officer, received_on=D(2024, 6, 3))
    complaint(actor=officer, received_on=D(2024, 6, 4), team=send_team)
    before = table()
    OpenTeamCase.objects.all().delete()
    assert services.open_teams_rebuild() == 2
    assert table() == before


def test_an_import_writes_the_open_cases_of_each_team(tmp_path, officer, assessment_team):
    """`harken import-cases`: open and closed rows alike go through the services."""
    from harken.cases.tests.test_import import GOOD_ROWS, _call, write_csv

    _call(write_csv(tmp_path / "history.csv", GOOD_ROWS))
    assert Case.objects.filter(status=Status.OPEN).exists()
    assert Case.objects.exclude(status=Status.OPEN).exists()
    assert table()
    assert agrees()


def test_demo_data_and_disposal_keep_the_table(admin_user):
    """The demo's history (every service, hundreds of cases), then disposal of every closed
    case: the table still agrees."""
    from harken.cases.demo import build_demo
    from harken.retention.tests.conftest import dispose_all

    build_demo(seed=7, years=1, scale=0.2)
    assert table()
    assert agrees()
    dispose_all(admin_user)
    assert agrees()


def test_a_manager_sees_a_team_case_as_soon_as_the_team_is_theirs(
    officer, manager, send_team, assessment_team
):
    """Team membership is read live, not copied into the table: adding the manager to a team
    shows that team's open cases at once; moving a case to another team hides it."""
    send = complaint(actor=officer, received_on=D(2024, 6, 3), team=send_team)
    assert send not in access.visible_open_cases(manager)
    manager.teams.add(send_team)
    manager.__dict__.pop("_access_memo", None)  # a new request
    assert send in access.visible_open_cases(manager)
    ours = complaint(actor=officer, received_on=D(2024, 6, 4))
    assert ours in access.visible_open_cases(manager)
    manager.teams.remove(send_team)
    manager.__dict__.pop("_access_memo", None)
    assert send not in access.visible_open_cases(manager)
    services.case_update(case=ours, actor=officer, teams=[send_team])
    assert ours not in access.visible_open_cases(manager)
    assert ours not in access.visible_cases(manager)
